/**
 * A small syntax tree of a Perl regular expression, for the load-time
 * backtracking analysis of regex_safety.ts: which characters each piece
 * can match and how pieces repeat, nothing about captures. Characters are
 * sets of 260 bits: 0..255 the bytes / Latin-1 code points, and four
 * classes of code points above 0xFF (word, digit, space, other), so that
 * `\s` and `\S`, `\w` and `\W`, `\d` and `\D` are exact complements as in
 * every engine. A single code point above 0xFF, `.`, `\p{..}` and the
 * like stand for all four (over-approximation). With an `i` flag anywhere
 * in the pattern every set is case-folded.
 *
 * @module
 */

/** A parsed piece of a Perl regex; `start`/`end` are offsets in the source. */
export type RegexNode =
  | { k: "char"; set: bigint; nullable: boolean }
  | { k: "seq"; items: RegexNode[] }
  | { k: "alt"; branches: RegexNode[] }
  | {
    k: "repeat";
    body: RegexNode;
    min: number;
    max: number;
    possessive: boolean;
    start: number;
    end: number;
  }
  | { k: "atomic"; body: RegexNode }
  | { k: "look"; body: RegexNode }
  /** zero-width: an assertion (`$`, `\\b`, ...) when `fails`, else flags, comments, `\\K` */
  | { k: "empty"; fails: boolean };

const HW = 1n << 256n; // word characters above 0xFF
const HD = 1n << 257n; // digits above 0xFF
const HS = 1n << 258n; // spaces above 0xFF
const HO = 1n << 259n; // anything else above 0xFF
/** Every character. */
export const ANY = (1n << 260n) - 1n;
const HIGH = HW | HD | HS | HO;

function range(lo: number, hi: number): bigint {
  let s = 0n;
  for (let c = lo; c <= Math.min(hi, 255); c++) s |= 1n << BigInt(c);
  return hi > 255 ? s | HIGH : s;
}
function chars(...cs: number[]): bigint {
  // a code point above 0xFF may be of any of the four classes
  return cs.reduce((s, c) => s | range(c, c), 0n);
}

const DIGIT = range(0x30, 0x39) | HD;
const LETTER = range(0x41, 0x5a) | range(0x61, 0x7a) | chars(0xaa, 0xb5, 0xba) |
  range(0xc0, 0xd6) | range(0xd8, 0xf6) | range(0xf8, 0xff) | HW;
const WORD = LETTER | DIGIT | chars(0x5f);
const SPACE = range(0x09, 0x0d) | chars(0x20, 0x85, 0xa0) | HS;
const HSPACE = chars(0x09, 0x20, 0xa0) | HS;
const VSPACE = range(0x0a, 0x0d) | chars(0x85) | HS;
const UPPER = range(0x41, 0x5a) | range(0xc0, 0xd6) | range(0xd8, 0xde) | HW;
const LOWER = range(0x61, 0x7a) | range(0xdf, 0xf6) | range(0xf8, 0xff) | chars(0xaa, 0xb5, 0xba) |
  HW;
const PUNCT = range(0x21, 0x2f) | range(0x3a, 0x40) | range(0x5b, 0x60) | range(0x7b, 0x7e) |
  range(0xa1, 0xbf) | chars(0xd7, 0xf7) | HO;
const ESC_SETS: Record<string, bigint> = {
  d: DIGIT,
  w: WORD,
  s: SPACE,
  h: HSPACE,
  v: VSPACE,
};
const POSIX: Record<string, bigint> = {
  alpha: LETTER,
  digit: DIGIT,
  alnum: LETTER | DIGIT,
  word: WORD,
  space: SPACE,
  blank: HSPACE,
  upper: UPPER,
  lower: LOWER,
  punct: PUNCT,
  xdigit: range(0x30, 0x39) | range(0x41, 0x46) | range(0x61, 0x66),
  cntrl: range(0, 0x1f) | range(0x7f, 0x9f),
  ascii: range(0, 0x7f),
  print: ANY & ~(range(0, 0x1f) | range(0x7f, 0x9f)),
  graph: ANY & ~(range(0, 0x20) | range(0x7f, 0xa0)),
};

/** `\\p{..}` properties modelled (lower case, no `_ -` or space, no `Is`/`XPosix`). */
const PROPERTIES: Record<string, bigint> = {
  l: LETTER,
  letter: LETTER,
  lu: LETTER,
  ll: LETTER,
  lt: LETTER,
  lm: LETTER,
  lo: LETTER,
  alpha: LETTER,
  alphabetic: LETTER,
  nd: DIGIT,
  digit: DIGIT,
  n: DIGIT | chars(0xb2, 0xb3, 0xb9, 0xbc, 0xbd, 0xbe) | HO,
  number: DIGIT | chars(0xb2, 0xb3, 0xb9, 0xbc, 0xbd, 0xbe) | HO,
  word: WORD,
  alnum: LETTER | DIGIT,
  space: SPACE,
  spaceperl: SPACE,
  whitespace: SPACE,
};

/** `set` with the other case of each ASCII and Latin-1 letter added. */
function fold(set: bigint): bigint {
  let s = set;
  for (let c = 0x41; c <= 0xde; c++) {
    if ((c > 0x5a && c < 0xc0) || c === 0xd7) continue;
    const lo = 1n << BigInt(c + 0x20), up = 1n << BigInt(c);
    if (set & (lo | up)) s |= lo | up;
  }
  // s, k, ÿ, µ fold with code points above 0xFF (ſ, K, Ÿ, Μ)
  const special = chars(0x53, 0x73, 0x4b, 0x6b, 0xb5, 0xff);
  if (s & special) s |= HW;
  if (s & HW) s |= special;
  return s;
}

/** Parses Perl regex `source` (a best effort: never throws). */
export function parseRegex(source: string): RegexNode {
  return new Parser(source).parse();
}

class Parser {
  private i = 0;
  private readonly extended: boolean;
  private readonly caseless: boolean;

  constructor(private readonly src: string) {
    const flags = [...src.matchAll(/\(\?\^?([a-zA-Z]*)(?:-[a-zA-Z]*)?[:)]/g)].map((m) => m[1])
      .join("");
    this.extended = flags.includes("x");
    this.caseless = flags.includes("i");
  }

  parse(): RegexNode {
    const node = this.alt();
    while (this.i < this.src.length) { // a stray ')': go on after it
      this.i++;
      this.alt();
    }
    return node;
  }

  private char(set: bigint, nullable = false): RegexNode {
    return { k: "char", set: this.caseless ? fold(set) : set, nullable };
  }

  private alt(): RegexNode {
    const branches = [this.seq()];
    while (this.src[this.i] === "|") {
      this.i++;
      branches.push(this.seq());
    }
    return branches.length === 1 ? branches[0] : { k: "alt", branches };
  }

  private skipSpace(): void {
    if (!this.extended) return;
    for (;;) {
      const c = this.src[this.i];
      if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v") this.i++;
      else if (c === "#") {
        const e = this.src.indexOf("\n", this.i);
        this.i = e < 0 ? this.src.length : e + 1;
      } else return;
    }
  }

  private seq(): RegexNode {
    const items: RegexNode[] = [];
    for (;;) {
      this.skipSpace();
      const c = this.src[this.i];
      if (c === undefined || c === "|" || c === ")") break;
      const start = this.i;
      const atom = this.atom();
      if (atom === undefined) continue; // \E or the like
      this.skipSpace();
      items.push(this.quantified(atom, start));
    }
    return items.length === 1 ? items[0] : { k: "seq", items };
  }

  private quantified(atom: RegexNode, start: number): RegexNode {
    const s = this.src;
    let min: number, max: number;
    const c = s[this.i];
    if (c === "*") [min, max] = [0, Infinity];
    else if (c === "+") [min, max] = [1, Infinity];
    else if (c === "?") [min, max] = [0, 1];
    else if (c === "{") {
      const m = /^\{(\d*),?(\d*)\}/.exec(s.slice(this.i));
      if (m === null || (m[1] === "" && m[2] === "")) return atom;
      const comma = m[0].includes(",");
      min = m[1] === "" ? 0 : Number(m[1]);
      max = comma ? (m[2] === "" ? Infinity : Number(m[2])) : min;
      this.i += m[0].length - 1;
    } else return atom;
    this.i++;
    let possessive = false;
    if (s[this.i] === "?") this.i++;
    else if (s[this.i] === "+") {
      possessive = true;
      this.i++;
    }
    return { k: "repeat", body: atom, min, max, possessive, start, end: this.i };
  }

  private atom(): RegexNode | undefined {
    const s = this.src;
    const c = s[this.i++];
    switch (c) {
      case "(":
        return this.group();
      case "[":
        return this.char(this.classSet());
      case ".":
        return this.char(ANY);
      case "^":
      case "$":
        return { k: "empty", fails: true };
      case "\\":
        return this.escape();
      default:
        return this.char(chars(c.codePointAt(0)!));
    }
  }

  /** After `(`: the group up to and with its `)`. */
  private group(): RegexNode {
    const s = this.src;
    const rest = s.slice(this.i, this.i + 12);
    const close = (node: RegexNode): RegexNode => {
      if (s[this.i] === ")") this.i++;
      return node;
    };
    const skipTo = (end: string, fails = false): RegexNode => {
      const e = s.indexOf(end, this.i);
      this.i = e < 0 ? s.length : e + end.length;
      return { k: "empty", fails };
    };
    if (rest.startsWith("?#")) return skipTo(")");
    if (rest.startsWith("?{") || rest.startsWith("??{")) return skipTo("})");
    if (rest.startsWith("*")) { // (*VERB), (*atomic:...), (*pla:...)
      const m = /^\*([a-z_]+):/.exec(rest);
      if (m === null) return skipTo(")", true); // (*FAIL), (*COMMIT)...
      this.i += m[0].length;
      const body = this.alt();
      return close(m[1] === "atomic" ? { k: "atomic", body } : { k: "look", body });
    }
    if (!rest.startsWith("?")) return close(this.alt());
    let m: RegExpExecArray | null;
    if ((m = /^\?(?:<[=!]|[=!])/.exec(rest)) !== null) {
      this.i += m[0].length;
      return close({ k: "look", body: this.alt() });
    }
    if (rest.startsWith("?>")) {
      this.i += 2;
      return close({ k: "atomic", body: this.alt() });
    }
    if (rest.startsWith("?(")) {
      this.i += 2;
      const parts: RegexNode[] = [];
      if (s[this.i] === "?") parts.push(this.group()); // (?(?=...)yes|no)
      else skipTo(")");
      const body = this.alt();
      const none: RegexNode = { k: "empty", fails: false };
      const branches = body.k === "alt" ? body.branches : [body, none];
      parts.push({ k: "alt", branches });
      return close({ k: "seq", items: parts });
    }
    if (
      (m = /^\?(?:[R0]|[-+]?\d+|&\w+|P>\w+|P=\w+)\)/.exec(rest + s.slice(this.i + 12))) !== null
    ) {
      this.i += m[0].length;
      return this.char(ANY, true); // recursion, subroutine call, named backreference
    }
    if ((m = /^\?(?:<\w+>|'\w+'|P<\w+>|\||:|\^?[a-zA-Z]*(?:-[a-zA-Z]*)?:)/.exec(rest)) !== null) {
      this.i += m[0].length;
      return close(this.alt());
    }
    if ((m = /^\?\^?[a-zA-Z]*(?:-[a-zA-Z]*)?\)/.exec(rest)) !== null) {
      this.i += m[0].length; // inline flags
      return { k: "empty", fails: false };
    }
    return close(this.alt()); // unknown: a plain group
  }

  /** After `\` outside a class. */
  private escape(): RegexNode | undefined {
    const s = this.src;
    const c = s[this.i];
    if (c === undefined) return this.char(chars(0x5c));
    if ("bBAzZGK".includes(c)) {
      this.i++;
      if (c === "b" && s[this.i] === "{") this.i = Math.max(s.indexOf("}", this.i) + 1, this.i);
      return { k: "empty", fails: c !== "K" };
    }
    if (c === "E") {
      this.i++;
      return undefined;
    }
    if (c === "Q") {
      const e = s.indexOf("\\E", this.i);
      const text = s.slice(this.i + 1, e < 0 ? s.length : e);
      this.i = e < 0 ? s.length : e + 2;
      const items = [...text].map((t) => this.char(chars(t.codePointAt(0)!)));
      return { k: "seq", items };
    }
    let m: RegExpExecArray | null;
    const rest = s.slice(this.i);
    if ((m = /^(?:[1-9]\d*|g\{[^}]*\}|g-?\d+|k<[^>]*>|k'[^']*'|k\{[^}]*\})/.exec(rest)) !== null) {
      this.i += m[0].length;
      return this.char(ANY, true);
    }
    const e = this.escapeSet();
    return this.char(typeof e === "number" ? chars(e) : e);
  }

  /** An escape (at `this.i`, after the `\\`) for one character: its code point, or its set. */
  private escapeSet(): number | bigint {
    const s = this.src;
    const c = s[this.i++];
    if (c === undefined) return 0x5c;
    if ("dwshvDWSHV".includes(c)) {
      const set = ESC_SETS[c.toLowerCase()];
      return c === c.toLowerCase() ? set : ANY & ~set;
    }
    if (c === "R") return VSPACE;
    let m: RegExpExecArray | null;
    const rest = s.slice(this.i);
    const code = (n: number): number => n;
    switch (c) {
      case "x":
        if ((m = /^\{\s*([0-9a-fA-F]*)\s*\}|^[0-9a-fA-F]{0,2}/.exec(rest)) !== null) {
          this.i += m[0].length;
          return code(parseInt((m[1] ?? m[0]) || "0", 16));
        }
        return code(0);
      case "o":
        if ((m = /^\{([0-7]*)\}/.exec(rest)) !== null) {
          this.i += m[0].length;
          return code(parseInt(m[1] || "0", 8));
        }
        return code(0x6f);
      case "0":
        m = /^[0-7]{0,2}/.exec(rest)!;
        this.i += m[0].length;
        return code(parseInt("0" + m[0], 8));
      case "c":
        this.i++;
        return code(((s[this.i - 1] ?? "@").toUpperCase().charCodeAt(0)) ^ 0x40);
      case "p":
      case "P": {
        const known = this.property(c === "P");
        return known ?? ANY;
      }
      case "N":
        if (s[this.i] === "{") this.i = Math.max(s.indexOf("}", this.i) + 1, this.i);
        return ANY;
      case "X":
        return ANY;
      case "e":
        return code(0x1b);
      case "a":
        return code(0x07);
      case "t":
        return code(0x09);
      case "n":
        return code(0x0a);
      case "r":
        return code(0x0d);
      case "f":
        return code(0x0c);
      default:
        return code(c.codePointAt(0)!);
    }
  }

  /** After `\\p` or `\\P`: the set of a common property, undefined for the others. */
  private property(negated: boolean): bigint | undefined {
    const s = this.src;
    let name: string;
    if (s[this.i] === "{") {
      const e = s.indexOf("}", this.i);
      name = s.slice(this.i + 1, e < 0 ? s.length : e);
      this.i = e < 0 ? s.length : e + 1;
    } else name = s[this.i++] ?? "";
    name = name.replace(/[\s_-]/g, "").toLowerCase();
    if (name.startsWith("^")) {
      negated = !negated;
      name = name.slice(1);
    }
    const set = PROPERTIES[name.replace(/^(?:is|xposix|posix)/, "")];
    return set === undefined ? undefined : negated ? ANY & ~set : set;
  }

  /**
   * After `[`: the set of the class up to and with its `]`. Content whose
   * set is not known (`\p{..}`, an unknown POSIX name) counts as every
   * character in a plain class and as none in a negated one, so that both
   * over-approximate.
   */
  private classSet(): bigint {
    const s = this.src;
    let negated = false;
    if (s[this.i] === "^") {
      negated = true;
      this.i++;
    }
    let over = 0n, under = 0n;
    const add = (set: bigint, known = true) => {
      over |= known ? set : ANY;
      if (known) under |= set;
    };
    let first = true;
    while (this.i < s.length && (s[this.i] !== "]" || first)) {
      first = false;
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(s.slice(this.i, this.i + 12));
      if (posix !== null) {
        this.i += posix[0].length;
        const p = POSIX[posix[2]];
        add(p === undefined ? 0n : posix[1] === "^" ? ANY & ~p : p, p !== undefined);
        continue;
      }
      const lo = this.classChar();
      if (lo === undefined) {
        add(0n, false);
        continue;
      }
      if (typeof lo === "bigint") {
        add(lo);
        continue;
      }
      if (s[this.i] === "-" && s[this.i + 1] !== "]" && this.i + 1 < s.length) {
        const save = this.i;
        this.i++;
        const hi = this.classChar();
        if (typeof hi === "number" && hi >= lo) {
          add(range(lo, hi));
          continue;
        }
        this.i = save; // `-` literal
      }
      add(chars(lo));
    }
    this.i++; // the `]`
    if (this.caseless) [over, under] = [fold(over), fold(under)];
    return negated ? ANY & ~under : over;
  }

  /** One class member: a code point, a set for `\d` etc., undefined for `\p{..}` and the like. */
  private classChar(): number | bigint | undefined {
    const s = this.src;
    const c = s[this.i++];
    if (c !== "\\") return c.codePointAt(0)!;
    const e = s[this.i];
    if (e === "b") {
      this.i++;
      return 0x08;
    }
    if (e === "p" || e === "P") {
      this.i++;
      return this.property(e === "P");
    }
    if (e === "N" || e === "X" || e === "R") {
      this.escapeSet();
      return undefined;
    }
    if (e !== undefined && /^[1-7]/.test(e)) { // octal in a class
      const m = /^[0-7]{1,3}/.exec(s.slice(this.i))!;
      this.i += m[0].length;
      return parseInt(m[0], 8);
    }
    return this.escapeSet();
  }
}
