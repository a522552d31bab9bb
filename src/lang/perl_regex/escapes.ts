/**
 * Escapes outside character classes and the escapes that stand for one
 * character, `\p{..}` properties and `\N{U+..}`, for the Perl regex
 * translator: plain functions over the translator state.
 *
 * @module
 */

import {
  type ByteSet,
  classEscape,
  complement,
  emitSet,
  hasFoldy,
  propertyBody,
  propertySet,
  UNICODE_CLASSES,
  UNICODE_RULES,
  VSPACE,
} from "./charsets.ts";
import { namedBackref, numberBackref } from "./groups.ts";
import { quantifierBraces } from "./scan.ts";
import type { Translator } from "./translator.ts";
import type { Flags } from "./types.ts";

/** Parses an escape outside a class (noting where a plain letter escape like `\d` ends). */
export function escape(t: Translator, flags: Flags): string {
  const start = t.pos;
  const out = escapeBody(t, flags);
  if (t.pos === start + 2 && /[A-Za-z]/.test(t.src[start + 1])) {
    t.letterEscapeEnd = t.pos;
  }
  return out;
}

function escapeBody(t: Translator, flags: Flags): string {
  const s = t.src;
  t.pos++;
  const c = s[t.pos];
  if (c === undefined) t.fail("trailing \\ in regex");
  t.pos++;
  if (t.utf8 && UNICODE_CLASSES[c] !== undefined) {
    // character semantics: \d \w \s follow Unicode, as Perl's do on character strings
    const neg = c === c.toUpperCase();
    return `[${neg ? "^" : ""}${UNICODE_CLASSES[c.toLowerCase()]}]`;
  }
  const cls = classEscape(c, t.rules(flags));
  if (cls !== undefined) {
    t.hi = hasFoldy(cls);
    return emitSet(cls);
  }
  switch (c) {
    case "N":
      if (s[t.pos] === "{" && quantifierBraces(s, t.pos) === null) {
        return t.literal(namedChar(t), flags);
      }
      t.hi = true;
      return "[^\\n]";
    case "R":
      t.maxW = 2;
      // atomic in Perl; inside a lookbehind (a yes/no test) the plain alternation does
      {
        const v = t.utf8 ? `[${UNICODE_CLASSES.v}]` : emitSet(VSPACE);
        if (t.lookbehindDepth > 0) return `(?:\\r\\n|${v})`;
        return t.atomic(`\\r\\n|${v}`);
      }
    case "b":
    case "B":
      if (s[t.pos] === "{") t.fail(`\\${c}{...} is not supported`);
      t.minW = t.maxW = 0;
      if (flags.u && !t.utf8) {
        // JavaScript's \b knows ASCII words only
        const w = emitSet(UNICODE_RULES.word);
        return c === "b"
          ? `(?:(?<=${w})(?!${w})|(?<!${w})(?=${w}))`
          : `(?:(?<=${w})(?=${w})|(?<!${w})(?!${w}))`;
      }
      return "\\" + c;
    case "A":
      t.minW = t.maxW = 0;
      return "^";
    case "z":
      t.minW = t.maxW = 0;
      return "$";
    case "Z":
      t.minW = t.maxW = 0;
      return "(?=\\n?$)";
    case "G":
      t.fail("\\G is not supported");
      break;
    case "K":
      // it only moves the start of $&, which SEC never shows: captures and the match are unchanged
      if (t.lookaroundDepth > 0) t.fail("\\K not permitted in lookahead/lookbehind");
      t.minW = t.maxW = 0;
      return "";
    case "X":
      t.fail("\\X is not supported");
      break;
    case "p":
    case "P": {
      const set = property(t, c === "P", flags);
      t.hi = hasFoldy(set);
      if (!t.utf8) return emitSet(set);
      const { body, negated } = t.utf8Property!;
      const cls = `[${negated ? "^" : ""}${body}]`;
      return flags.i ? `(?i:${cls})` : cls;
    }
    case "k": {
      const m = /^(?:<(\w+)>|'(\w+)'|\{ *(\w+) *\})/.exec(s.slice(t.pos));
      if (m === null) t.fail("invalid \\k reference");
      t.pos += m[0].length;
      return namedBackref(t, m[1] ?? m[2] ?? m[3], flags);
    }
    case "g": {
      const m = /^(?:\{ *(-?\d+|\w+) *\}|(-?\d+))/.exec(s.slice(t.pos));
      if (m === null) t.fail("invalid \\g reference");
      t.pos += m[0].length;
      const ref = m[1] ?? m[2];
      if (/^-?\d+$/.test(ref)) {
        const n = parseInt(ref, 10);
        return numberBackref(t, n < 0 ? t.perlCount + 1 + n : n, flags);
      }
      return namedBackref(t, ref, flags);
    }
  }
  if (c >= "1" && c <= "9") {
    let digits = c;
    while (/\d/.test(s[t.pos] ?? "")) digits += s[t.pos++];
    const n = parseInt(digits, 10);
    if (n <= 9 || n <= t.totalGroups) return numberBackref(t, n, flags);
    // \10 and up without that many groups: octal
    t.pos -= digits.length - 1;
    return t.literal(octalFrom(t, c), flags);
  }
  t.pos--;
  return t.literal(charEscape(t), flags);
}

/** Reads an escape that stands for one character (after the backslash). */
export function charEscape(t: Translator): number {
  const s = t.src;
  const c = s[t.pos++];
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
      return octalFrom(t, "0");
    case "x": {
      if (s[t.pos] === "{") {
        const end = s.indexOf("}", t.pos);
        if (end < 0) t.fail("missing right brace on \\x{}");
        // Perl takes the leading hex digits ('_' between digits allowed)
        const h = /^[0-9A-Fa-f_]*/.exec(s.slice(t.pos + 1, end).trim())![0].replace(/_/g, "");
        t.pos = end + 1;
        const v = h === "" ? 0 : parseInt(h, 16);
        if (v > 0xff) t.trigger();
        return v;
      }
      const m = /^[0-9A-Fa-f]{0,2}/.exec(s.slice(t.pos))![0];
      t.pos += m.length;
      return m === "" ? 0 : parseInt(m, 16);
    }
    case "o": {
      if (s[t.pos] !== "{") t.fail("missing braces on \\o{}");
      const end = s.indexOf("}", t.pos);
      if (end < 0) t.fail("missing right brace on \\o{}");
      const body = s.slice(t.pos + 1, end).trim();
      if (body === "") t.fail("empty \\o{}");
      const digits = /^[0-7_]*/.exec(body)![0].replace(/_/g, "");
      const v = digits === "" ? 0 : parseInt(digits, 8);
      t.pos = end + 1;
      if (v > 0xff) t.trigger();
      return v;
    }
    case "c": {
      const ch = s[t.pos++];
      if (ch === undefined || ch < " " || ch > "~") {
        t.fail("character following \\c must be printable ASCII");
      }
      return ch.toUpperCase().charCodeAt(0) ^ 64;
    }
    case "N":
      return namedChar(t);
  }
  if (c >= "1" && c <= "7") return octalFrom(t, c);
  // any other escaped character stands for itself (\Q \E \L \U included: the
  // pattern comes from a string at run time, so Perl sees plain letters)
  return c.codePointAt(0)!;
}

/** Reads up to three octal digits, the first already read. */
function octalFrom(t: Translator, first: string): number {
  let digits = first;
  while (digits.length < 3 && /[0-7]/.test(t.src[t.pos] ?? "")) {
    digits += t.src[t.pos++];
  }
  return parseInt(digits, 8);
}

/** Reads `{U+hex}` after `\N`. */
function namedChar(t: Translator): number {
  t.trigger();
  const m = /^\{U\+([0-9A-Fa-f]+)\}/.exec(t.src.slice(t.pos));
  if (m === null) t.fail("\\N{name} is not supported (use \\N{U+hex})");
  t.pos += m[0].length;
  return parseInt(m[1], 16);
}

/** Reads `\p{..}` after the letter; under /i the property is case-folded before any negation. */
export function property(t: Translator, negated: boolean, flags: Flags): ByteSet {
  t.trigger();
  const s = t.src;
  let name: string;
  if (s[t.pos] === "{") {
    const end = s.indexOf("}", t.pos);
    if (end < 0) t.fail("missing right brace on \\p{}");
    name = s.slice(t.pos + 1, end).trim();
    t.pos = end + 1;
  } else {
    name = s[t.pos++] ?? "";
  }
  if (name.startsWith("^")) {
    negated = !negated;
    name = name.slice(1);
  }
  if (t.utf8) {
    // character semantics: the JavaScript property itself (checked here, emitted by the caller)
    try {
      t.utf8Property = { body: propertyBody(name, flags.i), negated };
    } catch (e) {
      t.fail((e as Error).message);
    }
    return new Uint8Array(256);
  }
  try {
    const set = t.foldIf(propertySet(name, flags.i), flags);
    return negated ? complement(set) : set;
  } catch (e) {
    t.fail((e as Error).message);
  }
}
