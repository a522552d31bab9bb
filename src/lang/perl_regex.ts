/**
 * Perl regular expressions in JavaScript. SEC compiles rule patterns with
 * Perl from strings at run time, over bytes; this module translates such a
 * pattern into a JavaScript RegExp with the same meaning, or rejects it
 * with an error naming the construct (as Perl rejects what it refuses, and
 * where JavaScript cannot express Perl's meaning).
 *
 * Byte mode (the default): subjects are latin1 byte strings (one char per
 * byte). Classes are computed as sets of the 256 bytes, so `.`, `\s`, `\w`,
 * POSIX classes, `\b` and case-insensitivity act as Perl's do on byte
 * strings: ASCII rules, or Unicode rules for Latin-1 when the pattern has
 * `\p{..}`, `\N{..}` or a code point above 0xFF (outside `(?a)`), or under
 * `(?u)`; `(?a)` folds case by Unicode rules with ASCII classes. No
 * JavaScript flag is used: `i`, `m`, `s`, `x`, `xx`, `n` are applied while
 * translating, so inline modifiers work anywhere (a mid-pattern `(?i)` runs
 * to the end of its group, later alternatives included). With `utf8`,
 * subjects are real strings and the `v` flag gives character semantics.
 *
 * Emulated: `$` (before a final newline), `\A \z \Z`, `^`/`$` under /m,
 * atomic groups and possessive quantifiers (lookahead + backreference, the
 * helper groups hidden from the result), branch reset, duplicate names
 * (`%+` is the leftmost set group), `\R \h \v \N`, `{,n}`, `{n,m}` with
 * n > m (never matches), `\Q \E \L \U` (plain letters: the pattern comes
 * from a string at run time), `(?#...)`, `(?P<n>..)`, `(?'n'..)`, `\k'n'`,
 * `\g1`, `\g{-1}`, Perl's property names, `(?i)` ß/ss under Unicode rules,
 * `X?` whose X can match empty (Perl takes the empty repetition), and
 * backreferences to groups that may not take part (Perl fails them) when
 * those groups cannot match empty.
 *
 * Rejected (PerlRegexError): what Perl refuses; recursion, conditionals,
 * code blocks, `\K`, `\G`, `\X`, verbs, `\N{name}`; and where JavaScript
 * would differ: a capture group not set on every repetition of its repeated
 * group (Perl keeps an earlier repetition's value, JavaScript clears it), a
 * repeated group that can match empty with captures or lazy parts inside,
 * backreferences to a group that may be unset and can match empty, to a
 * later group or from inside the group itself, case-insensitive
 * backreferences over Latin-1 letters under ASCII rules, captures in a
 * variable-length lookbehind, atomic groups inside a lookbehind.
 *
 * Known differences: Perl leaks captures out of a failed negative
 * lookahead, JavaScript does not; Unicode property data follow V8's
 * Unicode version (perl 5.36 has Unicode 14).
 *
 * @module
 */

/** A pattern Perl would refuse, or one that cannot be translated faithfully. */
export class PerlRegexError extends Error {}

/** A successful match: `$0`, `$1`, ... and the named groups (`%+`). */
export interface PerlRegexMatch {
  /** `[$0, $1, ...]`; undefined for groups that did not take part. */
  groups: (string | undefined)[];
  /** Named groups (leftmost defined group of each name), null when the pattern has none. */
  named: Record<string, string | undefined> | null;
}

/** A translated pattern. */
export interface CompiledPerlRegex {
  /** The JavaScript source produced. */
  readonly source: string;
  /** The compiled JavaScript RegExp (stateless: no g/y flag). */
  readonly regex: RegExp;
  /** Number of Perl capture groups. */
  readonly groupCount: number;
  /** Names of the named groups. */
  readonly names: readonly string[];
  /** Matches like Perl; null when there is no match. */
  exec(subject: string): PerlRegexMatch | null;
  /** True when the pattern matches. */
  test(subject: string): boolean;
}

/** Translation options. */
export interface PerlRegexOptions {
  /** Character semantics (subjects are not byte strings). */
  utf8?: boolean;
}

const DEFAULT_FLAGS = { i: false, m: false, s: false, x: false, xx: false, n: false };

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  x: boolean;
  xx: boolean;
  n: boolean;
  /** Unicode rules (see Rules). */
  u: boolean;
  /** Unicode case folding of Latin-1 (Unicode rules, or /a). */
  fu: boolean;
  /** /aa: no fold between ASCII and non-ASCII (ß does not match "ss"). */
  aa: boolean;
}

/** A byte set (byte mode) or JavaScript class text (utf8 mode). */
type ByteSet = Uint8Array;

/**
 * The classes of one rule set. Perl matches byte strings by ASCII rules,
 * except that a pattern with `\p{..}`, `\N{..}` or a code point above 0xFF
 * (or under `(?u)`) uses Unicode rules for all of it: then \w, \s, POSIX
 * classes, \b and case-insensitivity treat bytes 0x80-0xFF as the Latin-1
 * characters they are.
 */
interface Rules {
  word: ByteSet;
  digit: ByteSet;
  space: ByteSet;
  posix: Record<string, ByteSet>;
  /** Case partner of each byte (itself when none in 0..255). */
  fold: Uint8Array;
}

const HSPACE = setOf((c) => "\t \xa0".includes(c));
const VSPACE = setOf((c) => "\n\v\f\r\x85".includes(c));
const ASCII_PUNCT = /[!-\/:-@\[-`{-~]/;

function makeRules(unicode: boolean): Rules {
  const u = (re: RegExp) => (c: string) => unicode ? re.test(c) : c < "\x80" && re.test(c);
  const word = setOf(u(/[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]/u));
  const digit = setOf((c) => c >= "0" && c <= "9");
  const space = setOf((c) => "\t\n\v\f\r ".includes(c) || (unicode && "\x85\xa0".includes(c)));
  const cntrl = setOf(u(/\p{Cc}/u));
  const graph = setOf((c) => c > " " && !cntrl[c.charCodeAt(0)] && !space[c.charCodeAt(0)]);
  const fold = new Uint8Array(256);
  for (let b = 0; b < 256; b++) fold[b] = b;
  for (let b = 65; b <= 90; b++) [fold[b], fold[b + 32]] = [b + 32, b];
  if (unicode) {
    for (let b = 0xc0; b <= 0xde; b++) if (b !== 0xd7) [fold[b], fold[b + 32]] = [b + 32, b];
  }
  return {
    word,
    digit,
    space,
    fold,
    posix: {
      alpha: setOf(u(/\p{Alphabetic}/u)),
      digit,
      alnum: setOf(u(/[\p{Alphabetic}\p{Nd}]/u)),
      upper: setOf(u(/\p{Uppercase}/u)),
      lower: setOf(u(/\p{Lowercase}/u)),
      space,
      blank: setOf((c) => c === " " || c === "\t" || (unicode && c === "\xa0")),
      punct: setOf((c) => ASCII_PUNCT.test(c) || (unicode && /\p{P}/u.test(c))),
      print: setOf((c) => graph[c.charCodeAt(0)] === 1 || c === " " || (unicode && c === "\xa0")),
      graph,
      cntrl,
      xdigit: setOf((c) => /[0-9A-Fa-f]/.test(c)),
      word,
      ascii: setOf((c) => c.charCodeAt(0) < 128),
    },
  };
}

/** Latin-1 letters, which JavaScript's /i folds even without the u flag. */
const FOLDY = setOf((c) => /[\xc0-\xd6\xd8-\xde\xe0-\xf6\xf8-\xfe]/.test(c));

function hasFoldy(set: ByteSet): boolean {
  for (let b = 0xc0; b < 0xff; b++) if (set[b] && FOLDY[b]) return true;
  return false;
}

const ASCII_RULES = makeRules(false);
const UNICODE_RULES = makeRules(true);

/** A run of n letters 's' under Unicode rules and /i: any "ss" in it may be a ß. */
function sharpSRun(n: number): string {
  if (n === 0) return "";
  if (n === 1) return "[Ss]";
  return `(?:[Ss]${sharpSRun(n - 1)}|\\xdf${sharpSRun(n - 2)})`;
}

function setOf(pred: (c: string) => boolean): ByteSet {
  const s = new Uint8Array(256);
  for (let b = 0; b < 256; b++) if (pred(String.fromCharCode(b))) s[b] = 1;
  return s;
}

function hex(code: number): string {
  if (code < 0x100) return "\\x" + code.toString(16).padStart(2, "0");
  if (code < 0x10000) return "\\u" + code.toString(16).padStart(4, "0");
  return "\\u{" + code.toString(16) + "}";
}

/** JavaScript class text for a byte set. */
function emitSet(set: ByteSet): string {
  let out = "";
  let count = 0;
  for (let b = 0; b < 256;) {
    if (!set[b]) {
      b++;
      continue;
    }
    let e = b;
    while (e + 1 < 256 && set[e + 1]) e++;
    count += e - b + 1;
    out += e === b ? hex(b) : e === b + 1 ? hex(b) + hex(e) : `${hex(b)}-${hex(e)}`;
    b = e + 1;
  }
  if (count === 256) return "[\\s\\S]";
  return `[${out}]`;
}

function foldSet(set: ByteSet, rules: Rules): ByteSet {
  const out = set.slice();
  for (let b = 0; b < 256; b++) if (set[b]) out[rules.fold[b]] = 1;
  return out;
}

function complement(set: ByteSet): ByteSet {
  return set.map((v) => (v ? 0 : 1));
}

const ASCII_SYMBOLS = "$+<=>^`|~";
const GRAPH = "[^\\p{White_Space}\\p{Cc}\\p{Cs}\\p{Cn}]";
/** Perl's own property names (loosely matched: lower case, no spaces, '-' or '_'), as JS class bodies for the `u` flag. */
const PERL_PROPERTIES: Record<string, string> = {
  word: "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}",
  xposixword: "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}",
  perlword: "A-Za-z0-9_",
  posixword: "A-Za-z0-9_",
  alpha: "\\p{Alphabetic}",
  xposixalpha: "\\p{Alphabetic}",
  posixalpha: "A-Za-z",
  alnum: "\\p{Alphabetic}\\p{Nd}",
  xposixalnum: "\\p{Alphabetic}\\p{Nd}",
  posixalnum: "A-Za-z0-9",
  digit: "\\p{Nd}",
  xposixdigit: "\\p{Nd}",
  posixdigit: "0-9",
  space: "\\p{White_Space}",
  xposixspace: "\\p{White_Space}",
  spaceperl: "\\p{White_Space}",
  xperlspace: "\\p{White_Space}",
  perlspace: "\\t\\n\\v\\f\\r ",
  posixspace: "\\t\\n\\v\\f\\r ",
  blank: "\\p{Zs}\\t",
  xposixblank: "\\p{Zs}\\t",
  horizspace: "\\p{Zs}\\t",
  posixblank: "\\t ",
  vertspace: "\\n\\v\\f\\r\\x85\\u2028\\u2029",
  punct: "\\p{P}",
  xposixpunct: "\\p{P}" + ASCII_SYMBOLS.replace(/[$^|]/g, "\\$&"),
  xposixascii: "\\x00-\\x7f",
  posixpunct: "!-\\/:-@\\[-`\\{-~",
  graph: GRAPH,
  xposixgraph: GRAPH,
  posixgraph: "!-~",
  print: GRAPH + "\\p{Zs}",
  xposixprint: GRAPH + "\\p{Zs}",
  posixprint: " -~",
  cntrl: "\\p{Cc}",
  xposixcntrl: "\\p{Cc}",
  posixcntrl: "\\x00-\\x1f\\x7f",
  xdigit: "\\p{Hex_Digit}",
  xposixxdigit: "\\p{Hex_Digit}",
  hexdigit: "\\p{Hex_Digit}",
  hex: "\\p{Hex_Digit}",
  posixxdigit: "0-9A-Fa-f",
  upper: "\\p{Uppercase}",
  xposixupper: "\\p{Uppercase}",
  uppercase: "\\p{Uppercase}",
  posixupper: "A-Z",
  lower: "\\p{Lowercase}",
  xposixlower: "\\p{Lowercase}",
  lowercase: "\\p{Lowercase}",
  posixlower: "a-z",
  title: "\\p{Lt}",
  titlecase: "\\p{Lt}",
  "l&": "\\p{Lu}\\p{Ll}\\p{Lt}",
  l_: "\\p{Lu}\\p{Ll}\\p{Lt}",
  lc: "\\p{Lu}\\p{Ll}\\p{Lt}",
  casedletter: "\\p{Lu}\\p{Ll}\\p{Lt}",
  ascii: "\\x00-\\x7f",
  posixascii: "\\x00-\\x7f",
  inbasiclatin: "\\x00-\\x7f",
  latin1: "\\x80-\\xff",
  inlatin1supplement: "\\x80-\\xff",
  inlatin1: "\\x80-\\xff",
  any: "\\u{0}-\\u{10ffff}",
  all: "\\u{0}-\\u{10ffff}",
  unicode: "\\u{0}-\\u{10ffff}",
  assigned: "\\P{Cn}",
};

/** Properties Perl folds under /i (to the cased letters or the cased characters). */
const FOLDED_PROPERTIES: Record<string, string> = {
  lu: "l&",
  ll: "l&",
  lt: "l&",
  uppercaseletter: "l&",
  lowercaseletter: "l&",
  titlecaseletter: "l&",
  upper: "cased",
  lower: "cased",
  title: "cased",
  uppercase: "cased",
  lowercase: "cased",
  titlecase: "cased",
  xposixupper: "cased",
  xposixlower: "cased",
  posixupper: "posixalpha",
  posixlower: "posixalpha",
};

/**
 * A Perl property name as a JS class body (for the `u` flag), or a
 * PerlRegexError when JavaScript has no equivalent.
 */
function propertyBody(name: string, fold: boolean): string {
  let loose = name.toLowerCase().replace(/[\s_-]/g, "");
  if (/^(?:Is)?L[_&]$/.test(name.replace(/\s/g, ""))) loose = "l&";
  if (loose.startsWith("is") && PERL_PROPERTIES[loose] === undefined) loose = loose.slice(2);
  if (fold && FOLDED_PROPERTIES[loose] !== undefined) loose = FOLDED_PROPERTIES[loose];
  if (loose === "cased") return "\\p{Lowercase}\\p{Uppercase}\\p{Lt}";
  if (PERL_PROPERTIES[loose] !== undefined) return PERL_PROPERTIES[loose];
  let js = name.replace(/\s/g, "").replace(/^Is(?=[A-Z])/, "");
  js = js.replace(/^(?:sc|Script)[=:]/i, "Script_Extensions=").replace(
    /^gc[=:]/i,
    "General_Category=",
  );
  for (const candidate of [js, `Script_Extensions=${js}`]) {
    try {
      new RegExp(`\\p{${candidate}}`, "v");
      return `\\p{${candidate}}`;
    } catch {
      // try the next form
    }
  }
  throw new PerlRegexError(
    `unknown Unicode property \\p{${name}} (or one JavaScript does not have)`,
  );
}

/** The bytes a Perl property matches (Perl applies \\p to bytes as Latin-1 characters). */
function propertySet(name: string, fold: boolean): ByteSet {
  const re = new RegExp(`[${propertyBody(name, fold)}]`, "v");
  return setOf((c) => re.test(c));
}

/** Where an atom started: to see what it contains once parsed. */
interface AtomMark {
  /** Groups defined before it. */
  groups: number;
  /** First region id it may have opened. */
  region: number;
  /** emptyFirst count before it. */
  emptyFirst: number;
  /** Least and greatest length the atom can match. */
  minW: number;
  maxW: number;
}

/** A parsed quantifier. */
interface Quantifier {
  text: string;
  min: number;
  max: number;
  mode: "greedy" | "lazy" | "possessive";
}

/** Matches `{n}`, `{n,}`, `{n,m}`, `{,m}` (Perl 5.34+) at `pos`, or null (then `{` is literal). */
function quantifierBraces(src: string, pos: number): RegExpExecArray | null {
  const m = /^\{[ \t]*(\d*)[ \t]*(,?)[ \t]*(\d*)[ \t]*\}/.exec(src.slice(pos, pos + 40));
  if (m === null || (m[1] === "" && m[3] === "") || (m[1] === "" && m[2] === "")) return null;
  return m;
}

interface GroupInfo {
  /** Perl group number. */
  perl: number;
  /** The optional regions (alternatives, optional quantifiers, negative lookarounds) around it. */
  regions: number[];
  /** JS group name used in the output. */
  js: string;
  /** Perl name, if any. */
  name?: string;
  /** True while its body is being parsed. */
  open?: boolean;
  /** Least length its body matches. */
  minW?: number;
  /** Whether it may capture a Latin-1 letter (JavaScript's /i folds those, Perl's byte rules do not). */
  hi?: boolean;
}

/** Translates a Perl pattern (see the module doc). */
class Translator {
  readonly src: string;
  readonly utf8: boolean;
  pos = 0;
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
  /** The flags in force at the atom being parsed. */
  flagsNow: Flags = { ...DEFAULT_FLAGS, u: false, fu: false, aa: false };
  groups: GroupInfo[] = [];
  helperCount = 0;
  /** Open regions where a group may not take part (alternatives, optional quantifiers...). */
  regions: number[] = [];
  nextRegion = 0;
  lookbehindDepth = 0;
  /** The last \\p{..} read in utf8 mode. */
  utf8Property: { body: string; negated: boolean } | undefined;
  /** Whether the atom or sequence just parsed may match a Latin-1 letter (0xC0-0xFE). */
  hi = false;
  /** Flags at the end of the sequence just parsed. */
  endFlags: Flags = { ...DEFAULT_FLAGS, u: false, fu: false, aa: false };
  /** Number of 's' (ß: 2) the literal just parsed stands for under Unicode rules and /i. */
  sharpS = 0;
  /** End of the last plain letter escape (a literal `{` may not follow one). */
  letterEscapeEnd = -1;
  /** Whether the atom or sequence just parsed can match the empty string. */
  minW = 0;
  maxW = 0;
  /** Count of constructs that may prefer an empty match over a longer one (lazy quantifiers, a nullable alternative before others). */
  emptyFirst = 0;

  constructor(src: string, utf8: boolean, unicodeRules = false) {
    this.src = src;
    this.utf8 = utf8;
    this.totalGroups = countGroups(src);
    this.unicodeRules = !utf8 && unicodeRules;
  }

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
      const piece = this.quantified(atom, flags, mark);
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

  /**
   * Applies the quantifier that follows an atom, if any. JavaScript and
   * Perl differ on repetitions in two ways, handled here: JavaScript
   * clears the captures of a repeated group at each repetition (Perl keeps
   * those of earlier ones), and JavaScript refuses an optional repetition
   * that matches empty (Perl accepts it and ends the loop). `X?` is
   * rewritten as `(?:X|)`, which has Perl's meaning; the other cases that
   * would differ are rejected.
   */
  quantified(atom: string, flags: Flags, mark: AtomMark): string {
    const q = this.quantifier(flags);
    if (q === null) return atom;
    if (atom === "") this.fail("quantifier follows nothing");
    const hasGroups = this.groups.length > mark.groups;
    if (q.max > 1 && hasGroups && q.min <= q.max) {
      for (let k = mark.groups; k < this.groups.length; k++) {
        if (this.groups[k].regions.some((r) => r >= mark.region)) {
          this.fail(
            `capture group $${
              this.groups[k].perl
            } is not set on every repetition of its repeated group (Perl keeps the value of an earlier repetition, JavaScript clears it)`,
          );
        }
      }
    }
    if (q.min === 0 || q.min > q.max) {
      // the groups inside may not take part
      const region = this.nextRegion++;
      for (let k = mark.groups; k < this.groups.length; k++) this.groups[k].regions.push(region);
    }
    if (q.min > q.max) {
      // Perl: "Quantifier {n,m} with n > m can't match"
      this.minW = 0;
      this.maxW = mark.maxW === Infinity ? Infinity : 0; // Perl still measures it for lookbehind
      return `(?!)(?:${atom})`;
    }
    this.minW = mark.minW * q.min;
    this.maxW = mark.maxW === 0 ? 0 : mark.maxW * q.max;
    // a zero-width atom: Perl stops after one (empty) repetition, JavaScript
    // after the mandatory ones; the same unless captures are left unset
    const zeroWidth = mark.maxW === 0 && (q.min > 0 || !hasGroups);
    if (
      q.max > q.min && mark.minW === 0 && !zeroWidth &&
      (hasGroups || this.emptyFirst > mark.emptyFirst)
    ) {
      if (q.max === 1 || mark.maxW === 0) {
        const alt = q.mode === "lazy" ? `(?:|${atom})` : `(?:${atom}|)`;
        return q.mode === "possessive" ? this.atomic(alt) : alt;
      }
      this.fail(
        "a repeated group that can match the empty string, with captures or lazy parts inside (Perl and JavaScript end such loops differently)",
      );
    }
    const base = `${singleUnit(atom) ? atom : `(?:${atom})`}${q.text}`;
    if (q.mode === "lazy") {
      this.emptyFirst++;
      return base + "?";
    }
    if (q.mode === "possessive") return this.atomic(base);
    return base;
  }

  atomic(inner: string): string {
    if (this.lookbehindDepth > 0) {
      this.fail("atomic group or possessive quantifier inside a lookbehind is not supported");
    }
    const name = `h${this.helperCount++}`;
    return `(?=(?<${name}>${inner}))\\k<${name}>`;
  }

  quantifier(flags: Flags): Quantifier | null {
    if (flags.x) { while (this.pos < this.src.length && this.skipExtended()); }
    const c = this.src[this.pos];
    let text: string;
    let min: number;
    let max: number;
    if (c === "*" || c === "+" || c === "?") {
      text = c;
      min = c === "+" ? 1 : 0;
      max = c === "?" ? 1 : Infinity;
      this.pos++;
    } else if (c === "{") {
      const m = quantifierBraces(this.src, this.pos);
      if (m === null) return null;
      min = m[1] === "" ? 0 : parseInt(m[1], 10);
      max = m[2] === "" ? min : m[3] === "" ? Infinity : parseInt(m[3], 10);
      if (min >= 65535 || (max !== Infinity && max >= 65535)) {
        this.fail("quantifier in {,} bigger than 65534");
      }
      text = max === min ? `{${min}}` : max === Infinity ? `{${min},}` : `{${min},${max}}`;
      this.pos += m[0].length;
    } else return null;
    if (flags.x) { while (this.pos < this.src.length && this.skipExtended()); }
    const next = this.src[this.pos];
    let mode: Quantifier["mode"] = "greedy";
    if (next === "?" || next === "+") {
      if (min > max) this.fail("quantifier follows nothing");
      this.pos++;
      mode = next === "?" ? "lazy" : "possessive";
    }
    if (flags.x) { while (this.pos < this.src.length && this.skipExtended()); }
    const after = this.src[this.pos];
    if (
      after === "*" || after === "+" || after === "?" ||
      (after === "{" && quantifierBraces(this.src, this.pos) !== null)
    ) {
      this.fail("nested quantifiers in regex");
    }
    return { text, min, max, mode };
  }

  /** Parses one atom; returns its JS text, or null for something that emits nothing. */
  atom(flags: Flags): string | null {
    const c = this.src[this.pos];
    switch (c) {
      case "(": {
        const g = this.group(flags);
        this.sharpS = 0;
        return g;
      }
      case "[":
        this.pos++;
        return this.classText(flags);
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
        return this.escape(flags);
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

  foldIf(set: ByteSet, flags: Flags): ByteSet {
    return flags.i ? foldSet(set, flags.fu ? UNICODE_RULES : ASCII_RULES) : set;
  }

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

  group(flags: Flags): string {
    const rest = this.src.slice(this.pos);
    if (rest.startsWith("(?#")) {
      const end = this.src.indexOf(")", this.pos);
      if (end < 0) this.fail("sequence (?#... not terminated");
      this.pos = end + 1;
      return null as unknown as string;
    }
    if (rest.startsWith("(*")) this.fail("backtracking control verbs are not supported");
    let m: RegExpExecArray | null;
    let kind: "capture" | "plain" | "look" | "atomic" | "reset" = "plain";
    let open = "(?:";
    let name: string | undefined;
    let inner = { ...flags };
    if (!rest.startsWith("(?")) {
      kind = flags.n ? "plain" : "capture";
      this.pos += 1;
    } else if ((m = /^\(\?(?:P?<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(rest)) !== null) {
      kind = "capture";
      name = m[1] ?? m[2];
      this.pos += m[0].length;
    } else if ((m = /^\(\?(<=|<!|=|!)/.exec(rest)) !== null) {
      kind = "look";
      open = `(?${m[1]}`;
      this.pos += m[0].length;
    } else if (rest.startsWith("(?>")) {
      kind = "atomic";
      this.pos += 3;
    } else if (rest.startsWith("(?|")) {
      kind = "reset";
      this.pos += 3;
    } else if ((m = /^\(\?(\^?)([a-zA-Z]*)(?:-([a-zA-Z]*))?:/.exec(rest)) !== null) {
      inner = { ...flags };
      applyFlags(inner, m[1] === "^", m[2], m[3] ?? "", this);
      this.pos += m[0].length;
    } else if (/^\(\?P=/.test(rest)) {
      const mm = /^\(\?P=([A-Za-z_]\w*)\)/.exec(rest);
      if (mm === null) this.fail("invalid (?P=name)");
      this.pos += mm[0].length;
      return this.namedBackref(mm[1], flags);
    } else if (/^\(\?(?:\(|\{|\?\{|R\)|[+-]?\d+\)|&|P>)/.test(rest)) {
      this.fail(
        rest.startsWith("(?(")
          ? "conditional expressions (?(...)...) are not supported"
          : rest.startsWith("(?{") || rest.startsWith("(??{")
          ? "code blocks (?{...}) are not supported"
          : "recursion is not supported",
      );
    } else {
      this.fail(`sequence '${rest.slice(0, 3)}...' not recognized`);
    }
    let info: GroupInfo | undefined;
    if (kind === "capture") {
      this.perlCount++;
      info = {
        perl: this.perlCount,
        regions: [...this.regions],
        js: `g${this.groups.length}`,
        name,
      };
      this.groups.push(info);
      open = `(?<${info.js}>`;
    }
    const isBehind = open === "(?<=" || open === "(?<!";
    const isNegLook = open === "(?!" || open === "(?<!";
    if (isBehind) this.lookbehindDepth++;
    if (isNegLook) this.regions.push(this.nextRegion++);
    const groupsBefore = this.groups.length;
    if (info !== undefined) info.open = true;
    const body = this.alternation(inner, kind === "reset");
    if (info !== undefined) {
      info.open = false;
      info.minW = this.minW;
      info.hi = this.hi;
    }
    if (isNegLook) this.regions.pop();
    if (isBehind) {
      this.lookbehindDepth--;
      if (this.maxW > 255) this.fail("lookbehind longer than 255 not implemented");
      if (open === "(?<=" && this.minW !== this.maxW && this.groups.length > groupsBefore) {
        // Perl tries the longest lookbehind first and matches forwards; JavaScript matches backwards
        this.fail("capture group inside a variable-length lookbehind is not supported");
      }
    }
    if (kind === "look") this.minW = this.maxW = 0;
    if (this.src[this.pos] !== ")") this.fail("unmatched ( in regex");
    this.pos++;
    if (kind === "atomic") return this.atomic(body);
    return `${open}${body})`;
  }

  namedBackref(name: string, flags: Flags): string {
    const gs = this.groups.filter((g) => g.name === name);
    if (gs.length === 0) {
      // a forward reference to a later group of that name
      if (!new RegExp(`\\(\\?(?:P?<${name}>|'${name}')`).test(this.src)) {
        this.fail(`reference to nonexistent named group '${name}'`);
      }
      this.fail(`forward reference to named group '${name}' is not supported`);
    }
    return this.backrefTo(gs, flags);
  }

  /**
   * A backreference. Perl fails one to a group that did not take part in
   * the match (JavaScript matches it empty) and, for a name used by several
   * groups, uses the leftmost group that took part. When the groups may not
   * take part, this is emulated for groups that cannot match empty: a set
   * group then consumes at least one character, which the check
   * `(?!\k<q>$)` against the rest of the subject captured before sees.
   */
  backrefTo(gs: GroupInfo[], flags: Flags): string {
    const unsure = gs.length > 1 || gs[0].regions.some((r) => !this.regions.includes(r));
    if (unsure && gs.some((g) => g.minW === 0)) {
      this.fail(
        "backreference to a group that may not take part in the match and can match empty (Perl fails it when unset, JavaScript would match it empty)",
      );
    }
    this.hi = gs.some((g) => g.hi === true);
    if (flags.i && !flags.fu && !this.utf8 && this.hi && this.deferred === undefined) {
      // reported at the end: a later \p may still put the pattern under Unicode rules
      try {
        this.fail(
          "case-insensitive backreference to a group that may capture Latin-1 letters (JavaScript folds them, Perl on bytes does not)",
        );
      } catch (e) {
        this.deferred = e as PerlRegexError;
      }
    }
    if (this.lookbehindDepth > 0) {
      this.fail("lookbehind longer than 255 not implemented (a backreference)");
    }
    const open = gs.find((g) => g.open);
    if (open !== undefined) {
      this.fail(
        `backreference to group $${open.perl} from inside that group (Perl uses an earlier repetition's value or fails, JavaScript matches empty)`,
      );
    }
    this.minW = 0;
    this.maxW = Infinity;
    const ref = (g: GroupInfo) => flags.i ? `(?i:\\k<${g.js}>)` : `\\k<${g.js}>`;
    if (!unsure) return ref(gs[0]);
    const q = `h${this.helperCount++}`;
    const ordered = [...gs].sort((a, b) => a.perl - b.perl);
    const alts = ordered.map((g, k) =>
      ordered.slice(0, k).map((p) => `(?=${ref(p)}\\k<${q}>$)`).join("") +
      `${ref(g)}(?!\\k<${q}>$)`
    );
    return `(?=(?<${q}>[\\s\\S]*))(?:${alts.join("|")})`;
  }

  numberBackref(n: number, flags: Flags): string {
    if (n > this.totalGroups || n < 1) this.fail(`reference to nonexistent group \\${n}`);
    const gs = this.groups.filter((g) => g.perl === n);
    if (gs.length === 0) this.fail(`forward reference \\${n} is not supported`);
    return this.backrefTo(gs, flags);
  }

  /** Parses an escape outside a class (noting where a plain letter escape like `\d` ends). */
  escape(flags: Flags): string {
    const start = this.pos;
    const out = this.escapeBody(flags);
    if (this.pos === start + 2 && /[A-Za-z]/.test(this.src[start + 1])) {
      this.letterEscapeEnd = this.pos;
    }
    return out;
  }

  escapeBody(flags: Flags): string {
    const s = this.src;
    this.pos++;
    const c = s[this.pos];
    if (c === undefined) this.fail("trailing \\ in regex");
    this.pos++;
    if (this.utf8 && UNICODE_CLASSES[c] !== undefined) {
      // character semantics: \d \w \s follow Unicode, as Perl's do on character strings
      const neg = c === c.toUpperCase();
      return `[${neg ? "^" : ""}${UNICODE_CLASSES[c.toLowerCase()]}]`;
    }
    const cls = classEscape(c, this.rules(flags));
    if (cls !== undefined) {
      this.hi = hasFoldy(cls);
      return emitSet(cls);
    }
    switch (c) {
      case "N":
        if (s[this.pos] === "{" && quantifierBraces(s, this.pos) === null) {
          return this.literal(this.namedChar(), flags);
        }
        this.hi = true;
        return "[^\\n]";
      case "R":
        this.maxW = 2;
        // atomic in Perl; inside a lookbehind (a yes/no test) the plain alternation does
        {
          const v = this.utf8 ? `[${UNICODE_CLASSES.v}]` : emitSet(VSPACE);
          if (this.lookbehindDepth > 0) return `(?:\\r\\n|${v})`;
          return this.atomic(`\\r\\n|${v}`);
        }
      case "b":
      case "B":
        if (s[this.pos] === "{") this.fail(`\\${c}{...} is not supported`);
        this.minW = this.maxW = 0;
        if (flags.u && !this.utf8) {
          // JavaScript's \b knows ASCII words only
          const w = emitSet(UNICODE_RULES.word);
          return c === "b"
            ? `(?:(?<=${w})(?!${w})|(?<!${w})(?=${w}))`
            : `(?:(?<=${w})(?=${w})|(?<!${w})(?!${w}))`;
        }
        return "\\" + c;
      case "A":
        this.minW = this.maxW = 0;
        return "^";
      case "z":
        this.minW = this.maxW = 0;
        return "$";
      case "Z":
        this.minW = this.maxW = 0;
        return "(?=\\n?$)";
      case "G":
        this.fail("\\G is not supported");
        break;
      case "K":
        this.fail("\\K is not supported");
        break;
      case "X":
        this.fail("\\X is not supported");
        break;
      case "p":
      case "P": {
        const set = this.property(c === "P", flags);
        this.hi = hasFoldy(set);
        if (!this.utf8) return emitSet(set);
        const { body, negated } = this.utf8Property!;
        const cls = `[${negated ? "^" : ""}${body}]`;
        return flags.i ? `(?i:${cls})` : cls;
      }
      case "k": {
        const m = /^(?:<(\w+)>|'(\w+)'|\{ *(\w+) *\})/.exec(s.slice(this.pos));
        if (m === null) this.fail("invalid \\k reference");
        this.pos += m[0].length;
        return this.namedBackref(m[1] ?? m[2] ?? m[3], flags);
      }
      case "g": {
        const m = /^(?:\{ *(-?\d+|\w+) *\}|(-?\d+))/.exec(s.slice(this.pos));
        if (m === null) this.fail("invalid \\g reference");
        this.pos += m[0].length;
        const ref = m[1] ?? m[2];
        if (/^-?\d+$/.test(ref)) {
          const n = parseInt(ref, 10);
          return this.numberBackref(n < 0 ? this.perlCount + 1 + n : n, flags);
        }
        return this.namedBackref(ref, flags);
      }
    }
    if (c >= "1" && c <= "9") {
      let digits = c;
      while (/\d/.test(s[this.pos] ?? "")) digits += s[this.pos++];
      const n = parseInt(digits, 10);
      if (n <= 9 || n <= this.totalGroups) return this.numberBackref(n, flags);
      // \10 and up without that many groups: octal
      this.pos -= digits.length - 1;
      return this.literal(this.octalFrom(c), flags);
    }
    this.pos--;
    return this.literal(this.charEscape(), flags);
  }

  /** Reads an escape that stands for one character (after the backslash). */
  charEscape(): number {
    const s = this.src;
    const c = s[this.pos++];
    switch (c) {
      case "t":
        return 9;
      case "n":
        return 10;
      case "r":
        return 13;
      case "f":
        return 12;
      case "a":
        return 7;
      case "e":
        return 27;
      case "0":
        return this.octalFrom("0");
      case "x": {
        if (s[this.pos] === "{") {
          const end = s.indexOf("}", this.pos);
          if (end < 0) this.fail("missing right brace on \\x{}");
          // Perl takes the leading hex digits ('_' between digits allowed)
          const h = /^[0-9A-Fa-f_]*/.exec(s.slice(this.pos + 1, end).trim())![0].replace(/_/g, "");
          this.pos = end + 1;
          const v = h === "" ? 0 : parseInt(h, 16);
          if (v > 0xff) this.trigger();
          return v;
        }
        const m = /^[0-9A-Fa-f]{0,2}/.exec(s.slice(this.pos))![0];
        this.pos += m.length;
        return m === "" ? 0 : parseInt(m, 16);
      }
      case "o": {
        if (s[this.pos] !== "{") this.fail("missing braces on \\o{}");
        const end = s.indexOf("}", this.pos);
        if (end < 0) this.fail("missing right brace on \\o{}");
        const body = s.slice(this.pos + 1, end).trim();
        if (body === "") this.fail("empty \\o{}");
        const digits = /^[0-7_]*/.exec(body)![0].replace(/_/g, "");
        const v = digits === "" ? 0 : parseInt(digits, 8);
        this.pos = end + 1;
        if (v > 0xff) this.trigger();
        return v;
      }
      case "c": {
        const ch = s[this.pos++];
        if (ch === undefined || ch < " " || ch > "~") {
          this.fail("character following \\c must be printable ASCII");
        }
        return ch.toUpperCase().charCodeAt(0) ^ 64;
      }
      case "N":
        return this.namedChar();
    }
    if (c >= "1" && c <= "7") return this.octalFrom(c);
    // any other escaped character stands for itself (\Q \E \L \U included: the
    // pattern comes from a string at run time, so Perl sees plain letters)
    return c.codePointAt(0)!;
  }

  octalFrom(first: string): number {
    let digits = first;
    while (digits.length < 3 && /[0-7]/.test(this.src[this.pos] ?? "")) {
      digits += this.src[this.pos++];
    }
    return parseInt(digits, 8);
  }

  /** Notes a construct that puts the pattern under Unicode rules (see `triggered`). */
  trigger(): void {
    if (!this.flagsNow.fu) this.triggered = true;
  }

  namedChar(): number {
    this.trigger();
    const m = /^\{U\+([0-9A-Fa-f]+)\}/.exec(this.src.slice(this.pos));
    if (m === null) this.fail("\\N{name} is not supported (use \\N{U+hex})");
    this.pos += m[0].length;
    return parseInt(m[1], 16);
  }

  /** Reads `\p{..}` after the letter; under /i the property is case-folded before any negation. */
  property(negated: boolean, flags: Flags): ByteSet {
    this.trigger();
    const s = this.src;
    let name: string;
    if (s[this.pos] === "{") {
      const end = s.indexOf("}", this.pos);
      if (end < 0) this.fail("missing right brace on \\p{}");
      name = s.slice(this.pos + 1, end).trim();
      this.pos = end + 1;
    } else {
      name = s[this.pos++] ?? "";
    }
    if (name.startsWith("^")) {
      negated = !negated;
      name = name.slice(1);
    }
    if (this.utf8) {
      // character semantics: the JavaScript property itself (checked here, emitted by the caller)
      try {
        this.utf8Property = { body: propertyBody(name, flags.i), negated };
      } catch (e) {
        this.fail((e as Error).message);
      }
      return new Uint8Array(256);
    }
    try {
      const set = this.foldIf(propertySet(name, flags.i), flags);
      return negated ? complement(set) : set;
    } catch (e) {
      this.fail((e as Error).message);
    }
  }

  /** Parses a character class after `[`; returns its JS text. */
  classText(flags: Flags): string {
    const set = new Uint8Array(256);
    let negated = false;
    const s = this.src;
    const skipBlanks = () => {
      if (flags.xx) { while (s[this.pos] === " " || s[this.pos] === "\t") this.pos++; }
    };
    skipBlanks();
    if (s[this.pos] === "^") {
      negated = true;
      this.pos++;
    }
    let first = true;
    let prev: number | undefined; // last single char (for ranges)
    let extra = ""; // characters above 0xFF (utf8 or \x{...})
    let sharpS = false; // ß listed (under Unicode rules and /i it matches "ss" too)
    for (;;) {
      if (this.pos >= s.length) this.fail("unmatched [ in regex");
      let c = s[this.pos];
      if (flags.xx && (c === " " || c === "\t")) {
        this.pos++; // /xx: blanks in a class are ignored (a following ']' is still the first)
        continue;
      }
      if (c === "]" && !first) {
        this.pos++;
        break;
      }
      first = false;
      if (c === "[") {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(s.slice(this.pos));
        if (m !== null) {
          const p = this.rules(flags).posix[m[2]];
          if (p === undefined) this.fail(`POSIX class [:${m[2]}:] unknown`);
          if (this.utf8) {
            // character semantics: the Unicode class (Perl's XPosix...)
            const body = PERL_PROPERTIES[`xposix${m[2]}`];
            extra += m[1] ? `[^${body}]` : body;
          } else orInto(set, m[1] ? complement(p) : p);
          this.pos += m[0].length;
          prev = undefined;
          continue;
        }
        if (/^\[[.=]/.test(s.slice(this.pos))) {
          this.fail("POSIX syntax [. .] and [= =] is reserved");
        }
      }
      let code: number | undefined;
      if (c === "\\") {
        this.pos++;
        c = s[this.pos];
        if (this.utf8 && UNICODE_CLASSES[c] !== undefined) {
          this.pos++;
          const body = UNICODE_CLASSES[c.toLowerCase()];
          extra += c === c.toUpperCase() ? `[^${body}]` : body;
          prev = undefined;
          continue;
        }
        const cls = classEscape(c, this.rules(flags));
        if (cls !== undefined) {
          this.pos++;
          orInto(set, cls);
          prev = undefined;
          continue;
        }
        if (c === "p" || c === "P") {
          this.pos++;
          orInto(set, this.property(c === "P", flags));
          if (this.utf8) {
            const { body, negated } = this.utf8Property!;
            extra += negated ? `[^${body}]` : body;
          }
          prev = undefined;
          continue;
        }
        if (c === "b") {
          this.pos++;
          code = 8;
        } else if (c === "N" && s[this.pos + 1] !== "{") {
          this.fail("\\N in a character class must be a named character: \\N{...}");
        } else if (
          c === "R" || c === "X" || c === "K" || c === "G" || c === "A" || c === "z" || c === "Z"
        ) {
          // Perl treats these as unrecognized escapes (literal letters) in classes
          this.pos++;
          code = c.charCodeAt(0);
        } else code = this.charEscape();
      } else {
        code = c.codePointAt(0)!;
        this.pos += code > 0xffff ? 2 : 1;
      }
      // range? (under /xx blanks may surround the '-')
      const beforeRange = this.pos;
      skipBlanks();
      const dash = s[this.pos] === "-";
      if (dash) {
        this.pos++;
        skipBlanks();
      }
      const isRange = dash && s[this.pos] !== "]" && s[this.pos] !== undefined;
      if (!isRange) this.pos = beforeRange;
      if (isRange) {
        const save = beforeRange;
        let hi: number | undefined;
        const d = s[this.pos];
        if (d === "\\") {
          this.pos++;
          if (
            classEscape(s[this.pos], ASCII_RULES) !== undefined || s[this.pos] === "p" ||
            s[this.pos] === "P"
          ) {
            this.pos = save; // [a-\d]: '-' is literal
          } else if (s[this.pos] === "b") {
            this.pos++;
            hi = 8;
          } else hi = this.charEscape();
        } else if (d === "[" && /^\[:\^?[a-z]+:\]/.test(s.slice(this.pos))) {
          this.pos = save;
        } else {
          hi = d.codePointAt(0)!;
          this.pos += hi > 0xffff ? 2 : 1;
        }
        if (hi !== undefined) {
          if (hi < code) this.fail("invalid [] range in regex");
          for (let b = code; b <= Math.min(hi, 255); b++) set[b] = 1;
          if (hi > 255) extra += `${hex(Math.max(code, 256))}-${hex(hi)}`;
          prev = undefined;
          continue;
        }
      }
      if (code < 256) set[code] = 1;
      else extra += hex(code);
      if (code === 0xdf) sharpS = true;
      prev = code;
    }
    void prev;
    if (this.utf8) {
      // character semantics, JavaScript's v flag: negation applies to the class as a whole
      const bytes = emitSet(set);
      const body = (bytes === "[\\s\\S]" ? "\\s\\S" : bytes.slice(1, -1)) + extra;
      const cls = body === "" ? (negated ? "[\\s\\S]" : "[]") : `[${negated ? "^" : ""}${body}]`;
      return flags.i ? `(?i:${cls})` : cls;
    }
    let final = this.foldIf(set, flags);
    if (negated) final = complement(final);
    const text = emitSet(final);
    this.hi = hasFoldy(final);
    if (!this.utf8 && sharpS && flags.i && flags.fu && !flags.aa && !negated) {
      this.maxW = 2;
      return `(?:${text}|[Ss][Ss])`;
    }
    return text; // above 0xFF: never in a byte string
  }
}

/** \d \w \s (and their negations) in utf8 mode, as JavaScript class bodies. */
const UNICODE_CLASSES: Record<string, string> = {
  d: "\\p{Nd}",
  D: "\\p{Nd}",
  w: "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}",
  W: "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}",
  s: "\\p{White_Space}",
  S: "\\p{White_Space}",
  h: "\\p{Zs}\\t",
  H: "\\p{Zs}\\t",
  v: "\\n\\v\\f\\r\\x85\\u2028\\u2029",
  V: "\\n\\v\\f\\r\\x85\\u2028\\u2029",
};

function classEscape(c: string | undefined, rules: Rules): ByteSet | undefined {
  switch (c) {
    case "d":
      return rules.digit;
    case "D":
      return complement(rules.digit);
    case "w":
      return rules.word;
    case "W":
      return complement(rules.word);
    case "s":
      return rules.space;
    case "S":
      return complement(rules.space);
    case "h":
      return HSPACE;
    case "H":
      return complement(HSPACE);
    case "v":
      return VSPACE;
    case "V":
      return complement(VSPACE);
  }
  return undefined;
}

function orInto(set: ByteSet, other: ByteSet): void {
  for (let b = 0; b < 256; b++) if (other[b]) set[b] = 1;
}

function applyFlags(f: Flags, caret: boolean, on: string, off: string, t: Translator): void {
  if (caret && off !== "") t.fail("sequence (?^-...) not recognized");
  const charsets = on.replace(/[^adlu]/g, "");
  if (
    new Set(charsets).size > 1 || /([dlu]).*\1/.test(charsets) || /a.*a.*a/.test(charsets)
  ) {
    t.fail(`regexp modifiers (?${on}) conflict`);
  }
  if (caret) {
    f.i =
      f.m =
      f.s =
      f.x =
      f.xx =
      f.n =
        false;
    f.u = f.fu = t.unicodeRules;
    f.aa = false;
  }
  for (const ch of on) {
    switch (ch) {
      case "i":
      case "m":
      case "s":
      case "n":
        f[ch] = true;
        break;
      case "x":
        if (f.x) f.xx = true;
        f.x = true;
        break;
      case "u":
        f.u = f.fu = true;
        f.aa = false;
        break;
      case "a":
        // ASCII classes, Unicode folding (/aa: none between ASCII and the rest)
        f.aa = on.indexOf("a") !== on.lastIndexOf("a");
        f.u = false;
        f.fu = true;
        break;
      case "d":
      case "l":
        f.u = f.fu = t.unicodeRules;
        f.aa = false;
        break;
      case "p":
        break;
      case "o":
      case "g":
      case "c":
        break; // match-operator flags Perl ignores (with a warning) inline
      default:
        t.fail(`sequence (?${on}...) not recognized`);
    }
  }
  for (const ch of off) {
    switch (ch) {
      case "i":
      case "m":
      case "s":
      case "n":
        f[ch] = false;
        break;
      case "x":
        f.x = f.xx = false;
        break;
      case "o":
      case "g":
      case "c":
      case "p":
        break;
      default:
        t.fail(`sequence (?-${off}...) not recognized`);
    }
  }
}

/** Counts Perl capture groups (for \10 vs octal and bounds checks). */
function countGroups(src: string): number {
  let n = 0;
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
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
      if (src[i + 1] === "^") i++;
      if (src[i + 1] === "]") i++;
    } else if (c === "(") {
      if (src[i + 1] !== "?" && src[i + 1] !== "*") n++;
      else if (/^\(\?(?:P?<[A-Za-z_]|')/.test(src.slice(i, i + 5))) n++;
    }
  }
  return n;
}

/** Runs the translator over the whole pattern. */
function translate(pattern: string, utf8: boolean, unicodeRules: boolean): Translator {
  const t = new Translator(pattern, utf8, unicodeRules);
  t.out = t.alternation({ ...DEFAULT_FLAGS, u: t.unicodeRules, fu: t.unicodeRules, aa: false });
  if (t.pos < pattern.length) {
    t.fail(pattern[t.pos] === ")" ? "unmatched ) in regex" : "unexpected character");
  }
  return t;
}

/** Translates and compiles a Perl pattern; throws PerlRegexError when it cannot. */
export function compilePerlRegex(
  pattern: string,
  options: PerlRegexOptions = {},
): CompiledPerlRegex {
  const utf8 = options.utf8 === true;
  let t = translate(pattern, utf8, false);
  if (t.triggered && !utf8) t = translate(pattern, utf8, true);
  if (t.deferred !== undefined) throw t.deferred;
  let source = t.out;
  source = leadingRunGuard(pattern, utf8, t.unicodeRules) + source;
  // groups no backreference names become plain groups: a match then needs no groups object
  const named = source;
  source = source.replace(
    /\(\?<(g\d+)>/g,
    (m, name: string) => named.includes(`\\k<${name}>`) ? m : "(",
  );
  let regex: RegExp;
  try {
    regex = new RegExp(source, utf8 ? "v" : "");
  } catch (e) {
    throw new PerlRegexError(`cannot translate '${pattern}': ${(e as Error).message}`);
  }
  return makeCompiled(source, regex, t.groups, t.perlCount);
}

/**
 * A pattern that starts with `C+` (or `(C+)`) for a character class C can
 * only have its leftmost match start where no C character precedes (a
 * match one character further left would exist otherwise), so the guard
 * `(?<!C)` changes no result but spares the regex engine a failing
 * attempt at every position inside a run of C (`(\S+) foo` on long lines).
 */
function leadingRunGuard(pattern: string, utf8: boolean, unicodeRules: boolean): string {
  // a backreference sees the group's text, which a match starting further left changes
  if (utf8 || /\\[1-9gk]|\(\?P=/.test(pattern)) return "";
  const m = /^(\()?(\\[SsWwDd]|\[(?:\\.|[^\]\\])+\])\+/.exec(pattern);
  if (m === null) return "";
  if (m[1] !== undefined && pattern[m[0].length] !== ")") return "";
  const t = new Translator(pattern, false);
  if (t.hasTopLevelBar()) return "";
  let cls: string;
  try {
    cls = translate(m[2], false, unicodeRules).out;
  } catch {
    return "";
  }
  return `(?<!${cls})`;
}

/** True when a quantifier can follow `atom` without a (?:...) around it. */
function singleUnit(atom: string): boolean {
  if (/^(?:[^\\[(){}|*+?.^$]|\\x[0-9a-f]{2}|\\u[0-9a-f]{4}|\\[sSdDwW])$/.test(atom)) return true;
  if (atom.startsWith("[")) {
    for (let i = 1; i < atom.length; i++) {
      if (atom[i] === "\\") i++;
      else if (atom[i] === "]") return i === atom.length - 1;
    }
    return false;
  }
  if (
    atom.startsWith("(") && !atom.startsWith("(?=") && !atom.startsWith("(?!") &&
    !atom.startsWith("(?<=") && !atom.startsWith("(?<!")
  ) {
    let depth = 0;
    let inClass = false;
    for (let i = 0; i < atom.length; i++) {
      const c = atom[i];
      if (c === "\\") {
        i++;
        continue;
      }
      if (inClass) {
        if (c === "]") inClass = false;
        continue;
      }
      if (c === "[") inClass = true;
      else if (c === "(") depth++;
      else if (c === ")" && --depth === 0) return i === atom.length - 1;
    }
  }
  return false;
}

function makeCompiled(
  source: string,
  regex: RegExp,
  groups: GroupInfo[],
  groupCount: number,
): CompiledPerlRegex {
  // JS group index of each emitted group (named groups are numbered in order of '(')
  const jsIndex = new Map<string, number>();
  let idx = 0;
  // plain groups are the Perl groups whose names were dropped, in order
  const unnamed = groups.map((g) => g.js).filter((js) => !source.includes(`(?<${js}>`));
  let nextUnnamed = 0;
  const re = /\\.|\[(?:\\.|[^\]\\])*\]|\((\?<([A-Za-z_]\w*)>)?(\?)?/g;
  for (const m of source.matchAll(re)) {
    if (m[0][0] !== "(") continue;
    if (m[1] !== undefined) jsIndex.set(m[2], ++idx);
    else if (m[3] === undefined) jsIndex.set(unnamed[nextUnnamed++], ++idx);
  }
  // Perl group n -> JS indices
  const perlToJs: number[][] = Array.from({ length: groupCount + 1 }, () => []);
  for (const g of groups) perlToJs[g.perl].push(jsIndex.get(g.js)!);
  const identity = idx === groupCount &&
    perlToJs.every((l, n) => n === 0 || (l.length === 1 && l[0] === n));
  const nameToPerl = new Map<string, number[]>();
  for (const g of groups) {
    if (g.name === undefined) continue;
    const l = nameToPerl.get(g.name) ?? [];
    if (!l.includes(g.perl)) l.push(g.perl);
    nameToPerl.set(g.name, l);
  }
  const names = [...nameToPerl.keys()];
  const namedList = [...nameToPerl.entries()];

  const exec = (subject: string): PerlRegexMatch | null => {
    const m = regex.exec(subject);
    if (m === null) return null;
    let out: (string | undefined)[];
    if (identity) out = m as unknown as (string | undefined)[];
    else {
      out = new Array(groupCount + 1);
      out[0] = m[0];
      for (let n = 1; n <= groupCount; n++) {
        const l = perlToJs[n];
        let v: string | undefined;
        for (let k = 0; k < l.length && v === undefined; k++) v = m[l[k]];
        out[n] = v;
      }
    }
    let named: Record<string, string | undefined> | null = null;
    if (namedList.length > 0) {
      named = {};
      for (const [name, perls] of namedList) {
        let v: string | undefined;
        for (let k = 0; k < perls.length && v === undefined; k++) v = out[perls[k]];
        named[name] = v;
      }
    }
    return { groups: out, named };
  };
  return {
    source,
    regex,
    groupCount,
    names,
    exec,
    test: (subject) => regex.test(subject),
  };
}
