/**
 * Byte sets and character tables for the Perl regex translator: the class
 * rules (ASCII or Unicode rules over Latin-1 bytes), POSIX classes, case
 * folding of bytes, Perl's Unicode property names and their JavaScript
 * equivalents, and the emission of byte sets as JavaScript classes.
 *
 * @module
 */

import { PerlRegexError } from "./types.ts";

/** A byte set (byte mode) or JavaScript class text (utf8 mode). */
export type ByteSet = Uint8Array;

/**
 * The classes of one rule set. Perl matches byte strings by ASCII rules,
 * except that a pattern with `\p{..}`, `\N{..}` or a code point above 0xFF
 * (or under `(?u)`) uses Unicode rules for all of it: then \w, \s, POSIX
 * classes, \b and case-insensitivity treat bytes 0x80-0xFF as the Latin-1
 * characters they are.
 */
export interface Rules {
  /** What `\w` matches. */
  word: ByteSet;
  /** What `\d` matches. */
  digit: ByteSet;
  /** What `\s` matches. */
  space: ByteSet;
  /** The POSIX classes (`[:alpha:]` ...) by name. */
  posix: Record<string, ByteSet>;
  /** Case partner of each byte (itself when none in 0..255). */
  fold: Uint8Array;
}

/** `\h`: horizontal blanks among the bytes. */
const HSPACE = setOf((c) => "\t \xa0".includes(c));
/** `\v`: vertical blanks among the bytes. */
export const VSPACE: ByteSet = setOf((c) => "\n\v\f\r\x85".includes(c));
const ASCII_PUNCT = /[!-\/:-@\[-`{-~]/;

function makeRules(unicode: boolean): Rules {
  const u = (re: RegExp) => (c: string) => unicode ? re.test(c) : c < "\x80" && re.test(c);
  const word = setOf(u(/[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]/u));
  const digit = setOf((c) => c >= "0" && c <= "9");
  const space = setOf((c) => "\t\n\v\f\r ".includes(c) || (unicode && "\x85\xa0".includes(c)));
  const cntrl = setOf(u(/\p{Cc}/u));
  // under byte (ASCII) rules a byte >= 0x80 is in no POSIX class
  const graph = setOf((c) =>
    (unicode || c < "\x80") && c > " " && !cntrl[c.charCodeAt(0)] && !space[c.charCodeAt(0)]
  );
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
export const FOLDY: ByteSet = setOf((c) => /[\xc0-\xd6\xd8-\xde\xe0-\xf6\xf8-\xfe]/.test(c));

/** True when the set holds a Latin-1 letter. */
export function hasFoldy(set: ByteSet): boolean {
  for (let b = 0xc0; b < 0xff; b++) if (set[b] && FOLDY[b]) return true;
  return false;
}

/** The classes under ASCII rules (Perl's default on byte strings). */
export const ASCII_RULES: Rules = makeRules(false);
/** The classes under Unicode rules (bytes 0x80-0xFF as Latin-1 characters). */
export const UNICODE_RULES: Rules = makeRules(true);

/** A run of n letters 's' under Unicode rules and /i: any "ss" in it may be a ß. */
export function sharpSRun(n: number): string {
  if (n === 0) return "";
  if (n === 1) return "[Ss]";
  return `(?:[Ss]${sharpSRun(n - 1)}|\\xdf${sharpSRun(n - 2)})`;
}

function setOf(pred: (c: string) => boolean): ByteSet {
  const s = new Uint8Array(256);
  for (let b = 0; b < 256; b++) if (pred(String.fromCharCode(b))) s[b] = 1;
  return s;
}

/** A JavaScript escape for a code point (`\xHH`, `\uHHHH` or `\u{H..}`). */
export function hex(code: number): string {
  if (code < 0x100) return "\\x" + code.toString(16).padStart(2, "0");
  if (code < 0x10000) return "\\u" + code.toString(16).padStart(4, "0");
  return "\\u{" + code.toString(16) + "}";
}

/** JavaScript class text for a byte set. */
export function emitSet(set: ByteSet): string {
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

/** The set with the case partners of its bytes added. */
export function foldSet(set: ByteSet, rules: Rules): ByteSet {
  const out = set.slice();
  for (let b = 0; b < 256; b++) if (set[b]) out[rules.fold[b]] = 1;
  return out;
}

/** The bytes not in the set. */
export function complement(set: ByteSet): ByteSet {
  return set.map((v) => (v ? 0 : 1));
}

const ASCII_SYMBOLS = "$+<=>^`|~";
const GRAPH = "[^\\p{White_Space}\\p{Cc}\\p{Cs}\\p{Cn}]";
/** Perl's own property names (loosely matched: lower case, no spaces, '-' or '_'), as JS class bodies for the `u` flag. */
export const PERL_PROPERTIES: Record<string, string> = {
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
export function propertyBody(name: string, fold: boolean): string {
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
export function propertySet(name: string, fold: boolean): ByteSet {
  const re = new RegExp(`[${propertyBody(name, fold)}]`, "v");
  return setOf((c) => re.test(c));
}

/** \d \w \s (and their negations) in utf8 mode, as JavaScript class bodies. */
export const UNICODE_CLASSES: Record<string, string> = {
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

/** The bytes of `\d \w \s \h \v` and their negations under `rules`; undefined for other letters. */
export function classEscape(c: string | undefined, rules: Rules): ByteSet | undefined {
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

/** Adds the bytes of `other` to `set`. */
export function orInto(set: ByteSet, other: ByteSet): void {
  for (let b = 0; b < 256; b++) if (other[b]) set[b] = 1;
}
