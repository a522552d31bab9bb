/**
 * Pattern types (PATTERNS, PATTERN TYPES AND MATCH VARIABLES): SubStr[N],
 * NSubStr[N], RegExp[N], NRegExp[N], PerlFunc[N], NPerlFunc[N], Cached,
 * NCached and TValue, with variable maps and the pattern match cache.
 * What pattern functions return is read as Perl would (perl_values.ts).
 *
 * Everything that depends only on the rule is done here at load time; the
 * `match` methods are the per-line hot path.
 *
 * @module
 */

import {
  type CompiledPerlRegex,
  compilePerlRegex,
  compilePerlRegexTemplate,
} from "./perl_regex.ts";
import type { MatchValues } from "./template.ts";
import { requiredLiteral } from "./regex_literals.ts";
import { interpretFunctionResult } from "./perl_values.ts";
import { backtrackingProblem } from "./regex_safety.ts";
import { literalGrams, type LiteralScan } from "./literal_filter.ts";

/** What a pattern sees of the current event. */
export interface PatternInput {
  /** The last `n` lines of the relevant input buffer joined with "\n". */
  joined(n: number): string;
  /** The last `n` lines, oldest first. */
  lines(n: number): string[];
  /** Source names of the last `n` lines joined by a space (for `$+{_inputsrc}`). */
  sourceNames(n: number): string;
  /** Source names of the last `n` lines, oldest first (undefined for synthetic events). */
  sourceList(n: number): (string | undefined)[];
  /** Internal context name of the event, if any (`$+{_intcontext}`). */
  readonly intContext: string | undefined;
  /** The pattern match cache of the current event. */
  readonly cache: Map<string, MatchData>;
  /**
   * Optional fast pre-check: false when some of the 4-grams (literal_filter.ts)
   * is missing from the current line, so a literal containing them cannot occur.
   */
  hasGrams?(grams: Int32Array): boolean;
  /** The literal scan of the ruleset the event is matched against, if it has one. */
  readonly literalScan?: LiteralScan;
  /** Whether literal `id` of `literalScan` occurs in the current line. */
  hasLiteral?(id: number): boolean;
}

/** Where a pattern's literal stands in a literal scan (set by the engine that uses the scan). */
export interface LiteralSlot {
  /** The scan. */
  readonly scan: LiteralScan;
  /** The literal's id in it. */
  readonly id: number;
}

/**
 * Match variables produced by a successful match: `$0`, `$1`..., named
 * variables (including varmap entries), `$+{_inputsrc}` and
 * `$+{_intcontext}`.
 */
export class MatchData implements MatchValues {
  /** `$0`, `$1`, ... (undefined for unset ones). */
  readonly groups: readonly (string | undefined)[];
  /** Named variables; `_inputsrc` and `_intcontext` included. */
  readonly names: Record<string, string | undefined>;

  /** Creates match data from groups and named values. */
  constructor(groups: readonly (string | undefined)[], names: Record<string, string | undefined>) {
    this.groups = groups;
    this.names = names;
  }

  /** `$N` for `key` as written: "01" is not "1" and stays unset. */
  num(key: string): string | undefined {
    if (key.length > 1 && key.charCodeAt(0) === 48) return undefined;
    const idx = +key;
    return idx < this.groups.length ? this.groups[idx] : undefined;
  }

  /** `$+{name}`; a number is the same as `$N`. */
  named(name: string): string | undefined {
    const c = name.charCodeAt(0);
    if (c >= 48 && c <= 57) return this.num(name);
    return this.names[name];
  }
}

/** The pattern types of SEC. */
export type PatternKind =
  | "SubStr"
  | "NSubStr"
  | "RegExp"
  | "NRegExp"
  | "PerlFunc"
  | "NPerlFunc"
  | "Cached"
  | "NCached"
  | "TValue";

/** A variable map: named variables from numbered ones, and cache entry names. */
export interface VarMap {
  /** Cache entry names (the bare names of the map; each gets the match). */
  cacheNames: string[];
  /** name -> group number pairs. */
  entries: [string, number][];
}

/** Error in a pattern, ptype or varmap definition. */
export class PatternError extends Error {}

/** Options that influence pattern compilation. */
export interface PatternOptions {
  /** Character semantics instead of bytes. */
  utf8?: boolean;
  /** Compiles JavaScript code for PerlFunc patterns; absent = such patterns are rejected. */
  compileFunction?: (code: string) => (...args: unknown[]) => unknown;
}

/** A compiled pattern. */
export interface Pattern {
  /** Pattern type. */
  readonly kind: PatternKind;
  /** Number of lines the pattern matches (N of RegExpN etc.). */
  readonly lines: number;
  /** True when a successful match sets match variables. */
  readonly setsVars: boolean;
  /** The pattern text as written. */
  readonly source: string;
  /**
   * 4-grams (literal_filter.ts) that every line this pattern matches
   * contains, when known: a line missing one cannot match (single-line,
   * non-negated patterns only).
   */
  readonly grams?: Int32Array;
  /**
   * A string every line this pattern matches contains, when known
   * (single-line, non-negated patterns).
   */
  readonly literal?: string;
  /**
   * Set by the engine: `literal` in the literal scan of its ruleset
   * (literal_filter.ts). Used only for events of that scan; others (another
   * engine's, a Pair operation's own input) get the substring search.
   */
  literalSlot?: LiteralSlot | null;
  /**
   * Matches the event. Returns null when there is no match, otherwise the
   * match variables (a shared empty MatchData for types without variables).
   */
  match(input: PatternInput): MatchData | null;
}

const NO_VARS = new MatchData([], {});

/**
 * Makes V8 compile `re` now (it compiles a regex on first use): a pattern
 * too large for it then fails while the rules load, not on the first
 * event. Throws PatternError.
 */
export function forceCompile(re: RegExp, source: string): void {
  try {
    re.lastIndex = 0;
    re.exec("");
    re.lastIndex = 0;
  } catch (e) {
    const short = source.length > 80 ? source.slice(0, 80) + "..." : source;
    const why = (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
    throw new PatternError(`regular expression '${short}' cannot be used: ${why}`);
  }
}

/** Expands SubStr backslash sequences: \t \n \r \s \0 and \\. */
export function unescapeSubStr(text: string): string {
  return text.replace(/\\([tnrs0\\])/g, (_, c: string) => {
    switch (c) {
      case "t":
        return "\t";
      case "n":
        return "\n";
      case "r":
        return "\r";
      case "s":
        return " ";
      case "0":
        return "";
      default:
        return "\\";
    }
  });
}

/** Compiles a pattern of the given type; throws PatternError when invalid. */
export function compilePattern(
  kind: PatternKind,
  lines: number,
  source: string,
  varmap: VarMap | undefined,
  options: PatternOptions = {},
): Pattern {
  switch (kind) {
    case "SubStr":
    case "NSubStr":
      return new SubStrPattern(kind, lines, source);
    case "RegExp":
    case "NRegExp": {
      let re: CompiledPerlRegex;
      try {
        re = compilePerlRegex(source, { utf8: options.utf8 });
      } catch (e) {
        throw new PatternError(`invalid regular expression '${source}': ${(e as Error).message}`);
      }
      forceCompile(re.regex, source);
      const risk = backtrackingProblem(source);
      if (risk !== undefined) throw new PatternError(risk);
      // a literal every match contains rejects most lines with one substring search
      const literal = requiredLiteral(source);
      return kind === "RegExp"
        ? new RegExpPattern(lines, source, re, varmap, literal)
        : new NRegExpPattern(lines, source, re, literal);
    }
    case "PerlFunc":
    case "NPerlFunc": {
      if (!options.compileFunction) {
        throw new PatternError(`${kind} patterns need code evaluation (--allow-code)`);
      }
      const fn = options.compileFunction(source);
      return new FuncPattern(kind, lines, source, fn, kind === "PerlFunc" ? varmap : undefined);
    }
    case "Cached":
    case "NCached":
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(source)) {
        throw new PatternError(`invalid cache entry name '${source}'`);
      }
      return new CachedPattern(kind, source);
    case "TValue": {
      const v = source.toUpperCase();
      if (v !== "TRUE" && v !== "FALSE") {
        throw new PatternError(`invalid truth value '${source}' (TRUE or FALSE expected)`);
      }
      return new TValuePattern(source, v === "TRUE");
    }
  }
}

/** A RegExp/NRegExp pattern with holes for quoted values, translated once (see perl_regex/template.ts). */
export interface PatternTemplate {
  /**
   * The pattern whose source is `text`: the template with the quoted
   * `values` in its holes. Undefined when the values need the ordinary
   * path (compilePattern on `text`).
   */
  instantiate(values: readonly string[], text: string): Pattern | undefined;
}

/**
 * A template for RegExp/NRegExp patterns built from literal Perl source
 * parts and holes (numbers 0, 1, ... in order) that receive quotemeta'd
 * values; undefined when the kind or the template does not allow it.
 */
export function compilePatternTemplate(
  kind: PatternKind,
  lines: number,
  parts: readonly (string | number)[],
  varmap: VarMap | undefined,
  options: PatternOptions = {},
): PatternTemplate | undefined {
  if (kind !== "RegExp" && kind !== "NRegExp") return undefined;
  const t = compilePerlRegexTemplate(parts, { utf8: options.utf8 });
  if (t === undefined) return undefined;
  return {
    instantiate(values, text) {
      const re = t.instantiate(values);
      if (re === undefined) return undefined;
      const literal = requiredLiteral(text);
      // instances are many (one per operation): no 4-grams, the substring search decides
      return kind === "RegExp"
        ? new RegExpPattern(lines, text, re, varmap, literal, false)
        : new NRegExpPattern(lines, text, re, literal);
    },
  };
}

class SubStrPattern implements Pattern {
  readonly setsVars = false;
  readonly #needle: string;
  readonly #negated: boolean;
  readonly grams: Int32Array | undefined;
  readonly literal: string | undefined;
  literalSlot: LiteralSlot | null = null;
  constructor(readonly kind: PatternKind, readonly lines: number, readonly source: string) {
    this.#needle = unescapeSubStr(source);
    this.#negated = kind === "NSubStr";
    this.grams = !this.#negated && lines === 1 ? literalGrams(this.#needle) : undefined;
    this.literal = !this.#negated && lines === 1 && this.#needle.length >= 2
      ? this.#needle
      : undefined;
  }
  match(input: PatternInput): MatchData | null {
    const slot = this.literalSlot;
    const found = slot !== null && slot.scan === input.literalScan
      ? input.hasLiteral!(slot.id)
      : input.joined(this.lines).includes(this.#needle);
    return found !== this.#negated ? NO_VARS : null;
  }
}

function baseNames(input: PatternInput, lines: number): Record<string, string | undefined> {
  return { _inputsrc: input.sourceNames(lines), _intcontext: input.intContext };
}

class RegExpPattern implements Pattern {
  readonly kind = "RegExp";
  readonly setsVars = true;
  readonly #re: CompiledPerlRegex;
  readonly #varmap: VarMap | undefined;
  readonly #literal: string | undefined;
  readonly #grams: Int32Array | undefined;
  /** 4-grams of the required literal (single-line patterns). */
  get grams(): Int32Array | undefined {
    return this.#grams;
  }
  /** The required literal (single-line patterns). */
  get literal(): string | undefined {
    return this.lines === 1 ? this.#literal : undefined;
  }
  literalSlot: LiteralSlot | null = null;
  constructor(
    readonly lines: number,
    readonly source: string,
    re: CompiledPerlRegex,
    varmap: VarMap | undefined,
    literal: string | undefined,
    withGrams = true,
  ) {
    this.#re = re;
    this.#varmap = varmap;
    this.#literal = literal;
    this.#grams = withGrams && literal !== undefined && lines === 1
      ? literalGrams(literal)
      : undefined;
  }
  match(input: PatternInput): MatchData | null {
    const slot = this.literalSlot;
    let subject: string;
    if (slot !== null && slot.scan === input.literalScan) {
      if (!input.hasLiteral!(slot.id)) return null;
      subject = input.joined(this.lines);
    } else {
      const grams = this.#grams;
      if (grams !== undefined && input.hasGrams !== undefined && !input.hasGrams(grams)) {
        return null;
      }
      subject = input.joined(this.lines);
      if (this.#literal !== undefined && !subject.includes(this.#literal)) return null;
    }
    const m = this.#re.exec(subject);
    if (m === null) return null;
    // $0 is the whole input the pattern saw; Perl's match in list context
    // returns (1) when the regexp has no groups.
    const groups = this.#re.groupCount === 0 ? [subject, "1"] : m.groups;
    if (this.#re.groupCount !== 0) groups[0] = subject;
    const names = baseNames(input, this.lines);
    if (m.named !== null) Object.assign(names, m.named);
    const data = new MatchData(groups, names);
    const vm = this.#varmap;
    if (vm !== undefined) {
      for (const [name, idx] of vm.entries) names[name] = groups[idx] ?? "";
      for (const c of vm.cacheNames) input.cache.set(c, data);
    }
    return data;
  }
}

class NRegExpPattern implements Pattern {
  readonly kind = "NRegExp";
  readonly setsVars = true;
  readonly #re: CompiledPerlRegex;
  readonly #literal: string | undefined;
  constructor(
    readonly lines: number,
    readonly source: string,
    re: CompiledPerlRegex,
    literal: string | undefined,
  ) {
    this.#re = re;
    this.#literal = literal;
  }
  match(input: PatternInput): MatchData | null {
    const subject = input.joined(this.lines);
    const absent = this.#literal !== undefined && !subject.includes(this.#literal);
    if (!absent && this.#re.test(subject)) return null;
    return new MatchData([subject], baseNames(input, this.lines));
  }
}

class FuncPattern implements Pattern {
  readonly setsVars = true;
  readonly #fn: (...args: unknown[]) => unknown;
  readonly #varmap: VarMap | undefined;
  readonly #negated: boolean;
  constructor(
    readonly kind: PatternKind,
    readonly lines: number,
    readonly source: string,
    fn: (...args: unknown[]) => unknown,
    varmap: VarMap | undefined,
  ) {
    this.#fn = fn;
    this.#varmap = varmap;
    this.#negated = kind === "NPerlFunc";
  }
  match(input: PatternInput): MatchData | null {
    const args: unknown[] = [...input.lines(this.lines), ...input.sourceList(this.lines)];
    let result: unknown;
    try {
      result = this.#fn(...args);
    } catch {
      result = undefined;
    }
    const { matched, values, named } = interpretFunctionResult(result);
    const subject = input.joined(this.lines);
    if (this.#negated) {
      return matched ? null : new MatchData([subject], baseNames(input, this.lines));
    }
    if (!matched) return null;
    const names = baseNames(input, this.lines);
    if (named) Object.assign(names, named);
    const groups = [subject, ...values];
    const data = new MatchData(groups, names);
    const vm = this.#varmap;
    if (vm !== undefined) {
      for (const [name, idx] of vm.entries) names[name] = groups[idx] ?? "";
      for (const c of vm.cacheNames) input.cache.set(c, data);
    }
    return data;
  }
}

class CachedPattern implements Pattern {
  readonly lines = 1;
  readonly setsVars: boolean;
  readonly #negated: boolean;
  constructor(readonly kind: PatternKind, readonly source: string) {
    this.#negated = kind === "NCached";
    this.setsVars = !this.#negated;
  }
  match(input: PatternInput): MatchData | null {
    const hit = input.cache.get(this.source);
    if (this.#negated) return hit === undefined ? NO_VARS : null;
    return hit ?? null;
  }
}

class TValuePattern implements Pattern {
  readonly kind = "TValue";
  readonly lines = 1;
  readonly setsVars = false;
  readonly #value: boolean;
  constructor(readonly source: string, value: boolean) {
    this.#value = value;
  }
  match(_input: PatternInput): MatchData | null {
    return this.#value ? NO_VARS : null;
  }
}
