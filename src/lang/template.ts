/**
 * Templates: rule field values with variables in them.
 *
 * A template is parsed once, at load time, into literal text and variable
 * references. Substitution then happens in two stages, as in SEC:
 *
 * 1. match variables (`$1`, `${1}`, `$+{name}`, `$:{entry:name}`, `$$`, and
 *    in Pair rules the shadowed `%1`, `%{1}`, `%+{name}`) at match time, "at
 *    the earliest opportunity" — {@link bindMatch};
 * 2. action list variables (`%name`, `%{name}`, `%.builtin`, `%%`)
 *    immediately before an action runs — {@link render}.
 *
 * Values inserted in stage 1 are literal text and are never scanned again,
 * so a match value holding `%s` or `$1` stays as it is.
 *
 * @module
 */

/** A reference to a variable inside a template. */
export type VarRef =
  /** `$N` or `${N}`: numbered match variable; `key` is the digits as written. */
  | { readonly k: "num"; readonly key: string; readonly raw: string }
  /** `$+{name}`: named match variable. */
  | { readonly k: "named"; readonly name: string; readonly raw: string }
  /** `$:{entry:name}`: a variable from the pattern match cache. */
  | { readonly k: "cache"; readonly entry: string; readonly name: string; readonly raw: string }
  /** `$$`: a literal dollar sign (when match variables are substituted). */
  | { readonly k: "dollar"; readonly raw: string }
  /** `%N` / `%{N}` in Pair rules: numbered variable of the first pattern. */
  | { readonly k: "pnum"; readonly key: string; readonly raw: string }
  /** `%+{name}` in Pair rules: named variable of the first pattern. */
  | { readonly k: "pnamed"; readonly name: string; readonly raw: string }
  /** `%name`, `%{name}`, `%.builtin`: an action list variable. */
  | { readonly k: "avar"; readonly name: string; readonly raw: string };

/** Literal text and variable references, in order. */
export type TemplatePart = string | VarRef;

/** A parsed template. `parts` is empty for the empty string. */
export interface Template {
  /** The text as written in the rule file. */
  readonly source: string;
  /** Literal strings and variable references. */
  readonly parts: readonly TemplatePart[];
  /** True when some part is a match variable reference (stage 1 has work). */
  readonly hasMatchVars: boolean;
  /** True when some part is an action list variable (stage 2 has work). */
  readonly hasActionVars: boolean;
  /**
   * Set when a match variable directly follows an action list variable
   * name, a lone `%` or `%.` (`%bline$0`): SEC substitutes match variables
   * into the text first (their `%` doubled), so the value may become part
   * of the name. Then stage 1 rebuilds that text from these raw pieces
   * (literal source text and match variable references) and parses it
   * again for action list variables.
   */
  readonly rebind?: readonly TemplatePart[];
  /**
   * Pair desc2/action2 whose first-round values may extend a `$` variable
   * (see parseTemplate): the text after the first round, with a marker
   * for each first-round reference.
   */
  readonly round1?: {
    readonly text: string;
    readonly marks: readonly VarRef[];
    readonly actionVars: boolean;
  };
}

/** Which variable syntaxes a field understands. */
export interface TemplateSyntax {
  /** `%`-variables of action lists (`%name`, `%%`). */
  actionVars: boolean;
  /** `%N`, `%{N}`, `%+{name}`: first-pattern variables in Pair rules. */
  pairVars: boolean;
}

/** Syntax of fields like desc and context names: match variables only. */
export const MATCH_ONLY: TemplateSyntax = { actionVars: false, pairVars: false };
/** Syntax of action list parameters. */
export const ACTION_SYNTAX: TemplateSyntax = { actionVars: true, pairVars: false };

const NAMED_RE = /^[A-Za-z_][A-Za-z0-9_!]*$/;
const AVAR_RE = /^\.?[A-Za-z][A-Za-z0-9_]*/;
const AVAR_STICKY = /\.?[A-Za-z][A-Za-z0-9_]*/y;

/** Parses `text` into a template for the given syntax. */
export function parseTemplate(text: string, syntax: TemplateSyntax = MATCH_ONLY): Template {
  if (!syntax.pairVars) return parseRound(text, text, syntax.actionVars, true, []);
  // Pair desc2/action2: SEC first substitutes %N, %{N}, %+{name} and turns
  // %% into % (the first round); the rest is then read as usual. The
  // first-round references become markers in the text read next.
  const refs: VarRef[] = [];
  let out = "";
  for (let i = 0; i < text.length;) {
    if (text[i] === "%") {
      if (text[i + 1] === "%") {
        out += "%";
        i += 2;
        continue;
      }
      const ref = scanPercent(text, i, { actionVars: false, pairVars: true });
      if (ref !== null) {
        out += MARK + refs.length + MARK_END;
        refs.push(ref);
        i += ref.raw.length;
        continue;
      }
    }
    out += text[i];
    i++;
  }
  const t = parseRound(text, out, syntax.actionVars, true, refs);
  // a first-round value right after `$`, `$1`, `${`...: in SEC it becomes part of
  // that match variable (`$0%1` with %1 = 1 is `$01`): both rounds are then done on text
  if (/\$(?:\d*|\{[^}]*|\+\{?[^}]*|:\{?[^}]*)\uD800/.test(out)) {
    return { ...t, round1: { text: out, marks: refs, actionVars: syntax.actionVars } };
  }
  return t;
}

/** Marks a first-round reference in a Pair template (lone surrogates never occur in rule text). */
const MARK = "\uD800";
const MARK_END = "\uDBFF";

function parseRound(
  source: string,
  text: string,
  actionVars: boolean,
  dollarVars: boolean,
  marks: readonly VarRef[],
): Template {
  const parts: TemplatePart[] = [];
  const raw: TemplatePart[] = [];
  let rawLit = "";
  let lit = "";
  let hasMatch = false;
  let hasAction = false;
  let hazard = false;
  // the text before is an action variable name, a lone % or %. (a match value would extend it)
  let openTail = false;
  const push = (ref: VarRef) => {
    if (lit !== "") parts.push(lit);
    lit = "";
    parts.push(ref);
    if (ref.k === "avar") hasAction = true;
    else {
      hasMatch = true;
      if (openTail) hazard = true;
      if (rawLit !== "") raw.push(rawLit);
      rawLit = "";
      raw.push(ref);
    }
  };
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0xd800 && marks.length > 0) {
      const end = text.indexOf(MARK_END, i);
      push(marks[parseInt(text.slice(i + 1, end), 10)]);
      openTail = false;
      i = end + 1;
      continue;
    }
    if (c === 36 /* $ */ && dollarVars) {
      const ref = scanDollar(text, i);
      if (ref !== null) {
        push(ref);
        openTail = false;
        i += ref.raw.length;
        continue;
      }
    } else if (c === 37 /* % */ && actionVars) {
      if (text.charCodeAt(i + 1) === 37) {
        lit += "%";
        rawLit += "%%";
        openTail = false;
        i += 2;
        continue;
      }
      const ref = scanPercent(text, i, ACTION_SYNTAX);
      if (ref !== null) {
        push(ref);
        rawLit += ref.raw;
        openTail = !ref.raw.endsWith("}");
        i += ref.raw.length;
        continue;
      }
      openTail = true; // a lone %
      lit += "%";
      rawLit += "%";
      i++;
      if (text[i] === ".") {
        lit += ".";
        rawLit += ".";
        i++;
      }
      continue;
    }
    openTail = false;
    lit += text[i];
    rawLit += text[i];
    i++;
  }
  if (lit !== "") parts.push(lit);
  if (rawLit !== "") raw.push(rawLit);
  const t: Template = { source, parts, hasMatchVars: hasMatch, hasActionVars: hasAction };
  return hazard && actionVars ? { ...t, rebind: raw } : t;
}

function scanDollar(text: string, i: number): VarRef | null {
  const next = text[i + 1];
  if (next === "$") return { k: "dollar", raw: "$$" };
  if (next >= "0" && next <= "9") {
    let j = i + 1;
    while (j < text.length && text[j] >= "0" && text[j] <= "9") j++;
    return { k: "num", key: text.slice(i + 1, j), raw: text.slice(i, j) };
  }
  if (next === "{") {
    const end = text.indexOf("}", i + 2);
    if (end < 0) return null;
    const key = text.slice(i + 2, end);
    if (!/^[0-9]+$/.test(key)) return null;
    return { k: "num", key, raw: text.slice(i, end + 1) };
  }
  if (next === "+" && text[i + 2] === "{") {
    const end = text.indexOf("}", i + 3);
    if (end < 0) return null;
    const name = text.slice(i + 3, end);
    if (/^[0-9]+$/.test(name)) return { k: "num", key: name, raw: text.slice(i, end + 1) };
    if (!NAMED_RE.test(name)) return null;
    return { k: "named", name, raw: text.slice(i, end + 1) };
  }
  if (next === ":" && text[i + 2] === "{") {
    const end = text.indexOf("}", i + 3);
    if (end < 0) return null;
    const inner = text.slice(i + 3, end);
    const colon = inner.indexOf(":");
    if (colon <= 0) return null;
    const entry = inner.slice(0, colon);
    const name = inner.slice(colon + 1);
    if (!NAMED_RE.test(entry) || !(NAMED_RE.test(name) || /^[0-9]+$/.test(name))) return null;
    return { k: "cache", entry, name, raw: text.slice(i, end + 1) };
  }
  return null;
}

function scanPercent(text: string, i: number, syntax: TemplateSyntax): VarRef | null {
  const next = text[i + 1];
  if (syntax.pairVars) {
    if (next >= "0" && next <= "9") {
      let j = i + 1;
      while (j < text.length && text[j] >= "0" && text[j] <= "9") j++;
      return { k: "pnum", key: text.slice(i + 1, j), raw: text.slice(i, j) };
    }
    if (next === "+" && text[i + 2] === "{") {
      const end = text.indexOf("}", i + 3);
      if (end >= 0) {
        const name = text.slice(i + 3, end);
        if (/^[0-9]+$/.test(name)) return { k: "pnum", key: name, raw: text.slice(i, end + 1) };
        if (NAMED_RE.test(name)) return { k: "pnamed", name, raw: text.slice(i, end + 1) };
      }
    }
  }
  if (next === "{") {
    const end = text.indexOf("}", i + 2);
    if (end < 0) return null;
    const name = text.slice(i + 2, end);
    if (syntax.pairVars && /^[0-9]+$/.test(name)) {
      return { k: "pnum", key: name, raw: text.slice(i, end + 1) };
    }
    if (!syntax.actionVars) return null;
    const m = AVAR_RE.exec(name);
    if (m === null || m[0].length !== name.length) return null;
    return { k: "avar", name, raw: text.slice(i, end + 1) };
  }
  if (!syntax.actionVars) return null;
  AVAR_STICKY.lastIndex = i + 1;
  const m = AVAR_STICKY.exec(text);
  if (m === null) return null;
  return { k: "avar", name: m[0], raw: "%" + m[0] };
}

/** Values of match variables for stage-1 substitution. */
export interface MatchValues {
  /** Value of `$N` for key N as written (`"01"` is not `"1"`), or undefined. */
  num(key: string): string | undefined;
  /** Value of `$+{name}`, or undefined. */
  named(name: string): string | undefined;
}

/** Sources of values for stage 1. */
export interface BindSources {
  /** Match variables (`$...`); null when the pattern sets none (they stay literal). */
  match: MatchValues | null;
  /** First-pattern variables of a Pair rule (`%N`), or null. */
  pair?: MatchValues | null;
  /** Looks up `$:{entry:name}` in the pattern match cache. */
  cache?: (entry: string, name: string) => string | undefined;
}

/**
 * Stage 1: substitutes match variables, returning a template whose
 * remaining references are action list variables only. When
 * `sources.match` is null, `$` references are left as written (SEC skips
 * the substitution for patterns without match variables).
 */
export function bindMatch(t: Template, sources: BindSources): Template {
  if (!t.hasMatchVars) return t;
  if (t.round1 !== undefined && sources.pair) return rounds(t, t.round1, sources);
  if (t.rebind !== undefined) return rebind(t, t.rebind, sources);
  const out: TemplatePart[] = [];
  let lit = "";
  const m = sources.match;
  for (const p of t.parts) {
    if (typeof p === "string") {
      lit += p;
      continue;
    }
    switch (p.k) {
      case "avar":
        if (lit !== "") out.push(lit);
        lit = "";
        out.push(p);
        break;
      case "num":
        lit += m === null ? p.raw : (m.num(p.key) ?? "");
        break;
      case "named":
        lit += m === null ? p.raw : (m.named(p.name) ?? "");
        break;
      case "dollar":
        lit += m === null ? p.raw : "$";
        break;
      case "cache":
        lit += m === null ? p.raw : (sources.cache?.(p.entry, p.name) ?? "");
        break;
      case "pnum": {
        const pv = sources.pair;
        lit += pv ? (pv.num(p.key) ?? "") : p.raw;
        break;
      }
      case "pnamed": {
        const pv = sources.pair;
        lit += pv ? (pv.named(p.name) ?? "") : p.raw;
        break;
      }
    }
  }
  if (lit !== "") out.push(lit);
  return { source: t.source, parts: out, hasMatchVars: false, hasActionVars: t.hasActionVars };
}

/** SEC's first round on text (first-match values in), then the usual stage 1 on what it gives. */
function rounds(t: Template, r1: NonNullable<Template["round1"]>, sources: BindSources): Template {
  const text = r1.text.replace(/\uD800(\d+)\uDBFF/g, (_, k: string) => {
    const v = matchValue(r1.marks[parseInt(k, 10)], sources) ?? "";
    return r1.actionVars ? v.replaceAll("%", "%%") : v;
  });
  const next = parseRound(t.source, text, r1.actionVars, true, []);
  return bindMatch(next, { ...sources, pair: null });
}

/** Stage 1 as SEC does it: match values (their % doubled) into the text, read again for action variables. */
function rebind(t: Template, raw: readonly TemplatePart[], sources: BindSources): Template {
  let text = "";
  for (const p of raw) {
    if (typeof p === "string") text += p;
    else {
      const v = matchValue(p, sources);
      text += v === undefined ? p.raw : v.replaceAll("%", "%%");
    }
  }
  const out = parseRound(t.source, text, true, false, []);
  return {
    source: t.source,
    parts: out.parts,
    hasMatchVars: false,
    hasActionVars: out.hasActionVars,
  };
}

/** The value of a match-stage reference; undefined when it stays as written. */
function matchValue(p: VarRef, sources: BindSources): string | undefined {
  const m = sources.match;
  switch (p.k) {
    case "num":
      return m === null ? undefined : (m.num(p.key) ?? "");
    case "named":
      return m === null ? undefined : (m.named(p.name) ?? "");
    case "dollar":
      return m === null ? undefined : "$";
    case "cache":
      return m === null ? undefined : (sources.cache?.(p.entry, p.name) ?? "");
    case "pnum":
      return sources.pair ? (sources.pair.num(p.key) ?? "") : undefined;
    case "pnamed":
      return sources.pair ? (sources.pair.named(p.name) ?? "") : undefined;
    default:
      return undefined;
  }
}

/** Stage 2: renders the template, looking action list variables up with `lookup`. */
export function render(t: Template, lookup?: (name: string) => string | undefined): string {
  const parts = t.parts;
  if (parts.length === 1 && typeof parts[0] === "string") return parts[0];
  let s = "";
  for (const p of parts) {
    if (typeof p === "string") s += p;
    else if (p.k === "avar") s += lookup?.(p.name) ?? "";
    else s += p.raw;
  }
  return s;
}

/** True when `v` is a template (a compiled action parameter). */
export function isTemplate(v: unknown): v is Template {
  return typeof v === "object" && v !== null && "parts" in v && "source" in v &&
    "hasMatchVars" in v;
}

/** A template of literal text. */
export function literalTemplate(text: string): Template {
  return {
    source: text,
    parts: text === "" ? [] : [text],
    hasMatchVars: false,
    hasActionVars: false,
  };
}
