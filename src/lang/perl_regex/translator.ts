/**
 * The Perl regex translator: its state, and the parsing of alternations,
 * sequences, atoms and literals. Quantifiers, groups, conditionals and
 * subroutine calls, escapes and character classes are parsed by the
 * functions of `quantifiers.ts`, `groups.ts`, `calls.ts`, `escapes.ts`
 * and `classes.ts`, which take the translator as argument.
 *
 * @module
 */

import {
  ASCII_RULES,
  type ByteSet,
  foldSet,
  FOLDY,
  hex,
  type Rules,
  sharpSRun,
  UNICODE_RULES,
} from "./charsets.ts";
import { classText } from "./classes.ts";
import { escape } from "./escapes.ts";
import { applyFlags, group } from "./groups.ts";
import { type AtomMark, quantified } from "./quantifiers.ts";
import { countGroups } from "./scan.ts";
import {
  DEFAULT_FLAGS,
  type Flags,
  type GroupDef,
  type GroupInfo,
  type PassInfo,
  PerlRegexError,
} from "./types.ts";

/** Translates a Perl pattern (see the module doc). */
export class Translator {
  /** The Perl regex source. */
  readonly src: string;
  /** True when the subject is UTF-8 text (--utf8). */
  readonly utf8: boolean;
  /** Current position in the source. */
  pos: number = 0;
  /** Perl group number counter. */
  perlCount = 0;
  /** Total Perl groups (pre-scan). */
  readonly totalGroups: number;
  /** Whether the pattern as a whole is under Unicode rules (see Rules). */
  readonly unicodeRules: boolean;
  /**
   * Set when a construct that puts Perl's whole pattern under Unicode rules
   * (\p, \N{..}, a code point above 0xFF) appears where /d rules are in
   * force (not under /a, /u): the pattern is then translated again.
   */
  triggered = false;
  /** The JavaScript source produced. */
  out = "";
  /** An error to report unless the pattern turns out to be under Unicode rules. */
  deferred: PerlRegexError | undefined;
  /**
   * Set by a case-insensitive backreference that may see Latin-1 letters
   * under byte rules: the source's bytes >= 0x80 are then moved to caseless
   * private-use characters (U+E080..U+E0FF), as is the subject (see
   * `remapSource`), so JavaScript folds ASCII letters only, as Perl does.
   */
  remapHigh = false;
  /** The flags in force at the atom being parsed. */
  flagsNow: Flags = { ...DEFAULT_FLAGS, u: false, fu: false, aa: false };
  /** Capture groups seen so far. */
  groups: GroupInfo[] = [];
  /** Helper groups added by the translation. */
  helperCount: number = 0;
  /** Open regions where a group may not take part (alternatives, optional quantifiers...). */
  regions: number[] = [];
  /** Number of the next region (for backreference bookkeeping). */
  nextRegion: number = 0;
  /** Depth of nested lookbehinds at the current position. */
  lookbehindDepth: number = 0;
  /** The last \\p{..} read in utf8 mode. */
  utf8Property: { body: string; negated: boolean } | undefined;
  /** Whether the atom or sequence just parsed may match a Latin-1 letter (0xC0-0xFE). */
  hi = false;
  /** Flags at the end of the sequence just parsed. */
  endFlags: Flags = { ...DEFAULT_FLAGS, u: false, fu: false, aa: false };
  /** Number of 's' (ß: 2) the literal just parsed stands for under Unicode rules and /i. */
  sharpS = 0;
  /** End of the last plain letter escape (a literal `{` may not follow one). */
  letterEscapeEnd: number = -1;
  /** Whether the atom or sequence just parsed can match the empty string. */
  minW = 0;
  /** Widest match so far (for lookbehind width checks). */
  maxW: number = 0;
  /** Count of constructs that may prefer an empty match over a longer one (lazy quantifiers, a nullable alternative before others). */
  emptyFirst = 0;
  /** Depth of lookarounds around the atom being parsed. */
  lookaroundDepth = 0;
  /** Capture groups seen so far: Perl number -> definition (first one). */
  defs = new Map<number, GroupDef>();
  /** Group name -> Perl number of its leftmost group. */
  names = new Map<string, number>();
  /** Groups being inlined for subroutine calls, innermost last. */
  inlineStack: number[] = [];
  /** What the previous pass learned (forward calls, markers to emit). */
  readonly known: PassInfo | undefined;
  /** Perl group numbers a later construct needs "was set" markers for. */
  wantMarks = new Set<number>();
  /** Set when this pass used a placeholder and must be run again with `known`. */
  retry = false;

  /** Creates a translator for `src` (`known`: facts from an earlier pass). */
  constructor(src: string, utf8: boolean, unicodeRules = false, known?: PassInfo) {
    this.src = src;
    this.utf8 = utf8;
    this.totalGroups = countGroups(src);
    this.unicodeRules = !utf8 && unicodeRules;
    this.known = known;
  }

  /** What this pass learned, for the next one. */
  passInfo(): PassInfo {
    const jsOf = new Map<number, string[]>();
    for (const g of this.groups) jsOf.set(g.perl, [...(jsOf.get(g.perl) ?? []), g.js]);
    const marks = new Set([...(this.known?.marks ?? []), ...this.wantMarks]);
    return { defs: this.defs, names: this.names, jsOf, marks };
  }

  /** Throws a translation error for `what` at the current position. */
  fail(what: string): never {
    throw new PerlRegexError(`${what} (at offset ${this.pos} in '${this.src}')`);
  }

  /** Parses an alternation up to `)` or the end. */
  alternation(flags: Flags, branchReset = false): string {
    const alts: string[] = [];
    const start = this.perlCount;
    let maxCount = start;
    const hasAlt = this.hasTopLevelBar();
    let minW = Infinity;
    let maxW = 0;
    let hi = false;
    // a mid-pattern (?i) also applies to the following alternatives of its group
    let branchFlags = flags;
    for (;;) {
      if (branchReset) this.perlCount = start;
      if (hasAlt) this.regions.push(this.nextRegion++);
      alts.push(this.sequence(branchFlags));
      branchFlags = this.endFlags;
      hi ||= this.hi;
      if (hasAlt) this.regions.pop();
      maxCount = Math.max(maxCount, this.perlCount);
      minW = Math.min(minW, this.minW);
      maxW = Math.max(maxW, this.maxW);
      if (this.src[this.pos] === "|") {
        if (this.minW === 0) this.emptyFirst++;
        this.pos++;
        continue;
      }
      break;
    }
    if (branchReset) this.perlCount = maxCount;
    this.minW = minW;
    this.maxW = maxW;
    this.hi = hi;
    return alts.join("|");
  }

  /** True when the current group level has a `|` (so its groups are optional). */
  hasTopLevelBar(): boolean {
    let depth = 0;
    let inClass = false;
    for (let i = this.pos; i < this.src.length; i++) {
      const c = this.src[i];
      if (c === "\\") {
        i++;
        continue;
      }
      if (inClass) {
        if (c === "]") inClass = false;
        continue;
      }
      if (c === "[") {
        inClass = true;
        if (this.src[i + 1] === "^") i++;
        if (this.src[i + 1] === "]") i++;
      } else if (c === "(") depth++;
      else if (c === ")") {
        if (depth === 0) return false;
        depth--;
      } else if (c === "|" && depth === 0) return true;
    }
    return false;
  }

  /** Parses a sequence of quantified atoms; `flags` may change along the way ((?i)). */
  sequence(outer: Flags): string {
    const flags = { ...outer };
    let out = "";
    let minW = 0;
    let maxW = 0;
    let sRun = 0;
    let sRunStart = 0;
    let hi = false;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === "|" || c === ")") break;
      if (flags.x && this.skipExtended()) continue;
      const inlineFlags = this.inlineModifiers(flags);
      if (inlineFlags) continue;
      const mark: AtomMark = {
        groups: this.groups.length,
        region: this.nextRegion,
        emptyFirst: this.emptyFirst,
        minW: 1,
        maxW: 1,
      };
      this.minW = this.maxW = 1; // most atoms match one character
      this.sharpS = 0;
      this.hi = false;
      this.flagsNow = flags;
      const atom = this.atom(flags);
      if (atom === null) continue;
      hi ||= this.hi;
      const sharpS = this.sharpS;
      mark.minW = this.minW;
      mark.maxW = this.maxW;
      const piece = quantified(this, atom, flags, mark);
      if (sharpS > 0 && piece === atom) {
        // Unicode rules, /i: a run of literal s and ß matches with any "ss" as ß and back
        if (sRun === 0) sRunStart = out.length;
        else {
          minW -= Math.ceil(sRun / 2);
          maxW -= sRun;
        }
        sRun += sharpS;
        if (sRun > 8) this.fail("case-insensitive run of more than 8 's' under Unicode rules");
        out = out.slice(0, sRunStart) + sharpSRun(sRun);
        minW += Math.ceil(sRun / 2);
        maxW += sRun;
        continue;
      }
      sRun = 0;
      out += piece;
      minW += this.minW;
      maxW += this.maxW;
    }
    this.minW = minW;
    this.maxW = maxW;
    this.hi = hi;
    this.endFlags = flags;
    return out;
  }

  /** Skips whitespace and # comments under /x. Returns true when something was skipped. */
  skipExtended(): boolean {
    const c = this.src[this.pos];
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v") {
      this.pos++;
      return true;
    }
    if (c === "#") {
      while (this.pos < this.src.length && this.src[this.pos] !== "\n") this.pos++;
      return true;
    }
    return false;
  }

  /** Handles `(?flags)` (applies to the rest of the group). */
  inlineModifiers(flags: Flags): boolean {
    const m = /^\(\?(\^?)([a-z]*)(?:-([a-z]*))?\)/.exec(
      this.src.slice(this.pos, this.pos + 40),
    );
    if (m === null) return false;
    applyFlags(flags, m[1] === "^", m[2], m[3] ?? "", this);
    this.pos += m[0].length;
    return true;
  }

  /** An atomic group around `inner`. */
  atomic(inner: string): string {
    if (this.lookbehindDepth > 0) {
      this.fail("atomic group or possessive quantifier inside a lookbehind is not supported");
    }
    const name = `h${this.helperCount++}`;
    return `(?=(?<${name}>${inner}))\\k<${name}>`;
  }

  /** Parses one atom; returns its JS text, or null for something that emits nothing. */
  atom(flags: Flags): string | null {
    const c = this.src[this.pos];
    switch (c) {
      case "(": {
        const g = group(this, flags);
        this.sharpS = 0;
        return g;
      }
      case "[":
        this.pos++;
        return classText(this, flags);
      case ".":
        this.pos++;
        this.hi = true;
        return flags.s ? "[\\s\\S]" : "[^\\n]";
      case "^":
        this.pos++;
        this.minW = this.maxW = 0;
        return flags.m ? "(?:^|(?<=\\n)(?!$))" : "^";
      case "$":
        this.pos++;
        this.minW = this.maxW = 0;
        return flags.m ? "(?=\\n|$)" : "(?=\\n?$)";
      case "\\":
        return escape(this, flags);
      case "*":
      case "+":
      case "?":
        this.fail("quantifier follows nothing");
        break;
      case "{": {
        // a { that does not start a quantifier is a literal, except right after \d, \n, ...
        if (this.letterEscapeEnd === this.pos) {
          this.fail("unescaped left brace in regex is illegal here");
        }
        this.pos++;
        return "\\{";
      }
      case ")":
        this.fail("unmatched ) in regex");
    }
    this.pos++;
    return this.literal(c.codePointAt(0)!, flags);
  }

  /** The class rules in force. */
  rules(flags: Flags): Rules {
    return flags.u ? UNICODE_RULES : ASCII_RULES;
  }

  /** `set` with its case partners added under /i. */
  foldIf(set: ByteSet, flags: Flags): ByteSet {
    return flags.i ? foldSet(set, flags.fu ? UNICODE_RULES : ASCII_RULES) : set;
  }

  /** The JavaScript for the literal byte or code point `code`. */
  literal(code: number, flags: Flags): string {
    this.hi = code < 256 && FOLDY[code] === 1;
    if (!this.utf8 && code > 0xff) return "[]"; // never in a byte string
    if (flags.i) {
      const ch = String.fromCharCode(code);
      if (!this.utf8 && flags.fu && code < 256) {
        if (!flags.aa && (code === 0xdf || code === 0x73 || code === 0x53)) {
          this.sharpS = code === 0xdf ? 2 : 1;
          this.maxW = this.sharpS;
          return sharpSRun(this.sharpS);
        }
        const other = UNICODE_RULES.fold[code];
        if (other !== code) return `[${hex(code)}${hex(other)}]`;
      }
      if (/[A-Za-z]/.test(ch)) return `[${ch.toUpperCase()}${ch.toLowerCase()}]`;
      if (this.utf8 && ch.toUpperCase() !== ch.toLowerCase()) return `(?i:${hex(code)})`;
    }
    if (/[A-Za-z0-9_ ]/.test(String.fromCharCode(code)) && code < 128) {
      return String.fromCharCode(code);
    }
    return hex(code);
  }

  /** Notes a construct that puts the pattern under Unicode rules (see `triggered`). */
  trigger(): void {
    if (!this.flagsNow.fu) this.triggered = true;
  }
}

/**
 * Runs the translator over the whole pattern. A subroutine call to a later
 * group, or a condition that needs "was set" markers, makes a first pass
 * that learns the groups, then a second one that uses them.
 */
export function translate(pattern: string, utf8: boolean, unicodeRules: boolean): Translator {
  let known: PassInfo | undefined;
  for (let pass = 0;; pass++) {
    const t = new Translator(pattern, utf8, unicodeRules, known);
    try {
      t.out = t.alternation({ ...DEFAULT_FLAGS, u: t.unicodeRules, fu: t.unicodeRules, aa: false });
      if (t.pos < pattern.length) {
        t.fail(pattern[t.pos] === ")" ? "unmatched ) in regex" : "unexpected character");
      }
    } catch (e) {
      if (!t.retry || pass >= 2) throw e;
      known = { ...t.passInfo(), error: e };
      continue;
    }
    if (!t.retry) return t;
    if (pass >= 2) t.fail("cannot resolve the group references");
    known = t.passInfo();
  }
}
