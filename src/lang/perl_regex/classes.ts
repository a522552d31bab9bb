/**
 * Bracketed character classes for the Perl regex translator.
 *
 * @module
 */

import {
  ASCII_RULES,
  classEscape,
  complement,
  emitSet,
  hasFoldy,
  hex,
  orInto,
  PERL_PROPERTIES,
  UNICODE_CLASSES,
} from "./charsets.ts";
import { charEscape, property } from "./escapes.ts";
import type { Translator } from "./translator.ts";
import type { Flags } from "./types.ts";

/** Parses a character class after `[`; returns its JS text. */
export function classText(t: Translator, flags: Flags): string {
  const set = new Uint8Array(256);
  let negated = false;
  const s = t.src;
  const skipBlanks = () => {
    if (flags.xx) { while (s[t.pos] === " " || s[t.pos] === "\t") t.pos++; }
  };
  skipBlanks();
  if (s[t.pos] === "^") {
    negated = true;
    t.pos++;
  }
  let first = true;
  let prev: number | undefined; // last single char (for ranges)
  let extra = ""; // characters above 0xFF (utf8 or \x{...})
  let sharpS = false; // ß listed (under Unicode rules and /i it matches "ss" too)
  for (;;) {
    if (t.pos >= s.length) t.fail("unmatched [ in regex");
    let c = s[t.pos];
    if (flags.xx && (c === " " || c === "\t")) {
      t.pos++; // /xx: blanks in a class are ignored (a following ']' is still the first)
      continue;
    }
    if (c === "]" && !first) {
      t.pos++;
      break;
    }
    first = false;
    if (c === "[") {
      const m = /^\[:(\^?)([a-z]+):\]/.exec(s.slice(t.pos));
      if (m !== null) {
        const p = t.rules(flags).posix[m[2]];
        if (p === undefined) t.fail(`POSIX class [:${m[2]}:] unknown`);
        if (t.utf8) {
          // character semantics: the Unicode class (Perl's XPosix...)
          const body = PERL_PROPERTIES[`xposix${m[2]}`];
          extra += m[1] ? `[^${body}]` : body;
        } else orInto(set, m[1] ? complement(p) : p);
        t.pos += m[0].length;
        prev = undefined;
        continue;
      }
      if (/^\[[.=]/.test(s.slice(t.pos))) {
        t.fail("POSIX syntax [. .] and [= =] is reserved");
      }
    }
    let code: number | undefined;
    if (c === "\\") {
      t.pos++;
      c = s[t.pos];
      if (t.utf8 && UNICODE_CLASSES[c] !== undefined) {
        t.pos++;
        const body = UNICODE_CLASSES[c.toLowerCase()];
        extra += c === c.toUpperCase() ? `[^${body}]` : body;
        prev = undefined;
        continue;
      }
      const cls = classEscape(c, t.rules(flags));
      if (cls !== undefined) {
        t.pos++;
        orInto(set, cls);
        prev = undefined;
        continue;
      }
      if (c === "p" || c === "P") {
        t.pos++;
        orInto(set, property(t, c === "P", flags));
        if (t.utf8) {
          const { body, negated } = t.utf8Property!;
          extra += negated ? `[^${body}]` : body;
        }
        prev = undefined;
        continue;
      }
      if (c === "b") {
        t.pos++;
        code = 8;
      } else if (c === "N" && s[t.pos + 1] !== "{") {
        t.fail("\\N in a character class must be a named character: \\N{...}");
      } else if (
        c === "R" || c === "X" || c === "K" || c === "G" || c === "A" || c === "z" || c === "Z"
      ) {
        // Perl treats these as unrecognized escapes (literal letters) in classes
        t.pos++;
        code = c.charCodeAt(0);
      } else code = charEscape(t);
    } else {
      code = c.codePointAt(0)!;
      t.pos += code > 0xffff ? 2 : 1;
    }
    // range? (under /xx blanks may surround the '-')
    const beforeRange = t.pos;
    skipBlanks();
    const dash = s[t.pos] === "-";
    if (dash) {
      t.pos++;
      skipBlanks();
    }
    const isRange = dash && s[t.pos] !== "]" && s[t.pos] !== undefined;
    if (!isRange) t.pos = beforeRange;
    if (isRange) {
      const save = beforeRange;
      let hi: number | undefined;
      const d = s[t.pos];
      if (d === "\\") {
        t.pos++;
        if (
          classEscape(s[t.pos], ASCII_RULES) !== undefined || s[t.pos] === "p" ||
          s[t.pos] === "P"
        ) {
          t.pos = save; // [a-\d]: '-' is literal
        } else if (s[t.pos] === "b") {
          t.pos++;
          hi = 8;
        } else hi = charEscape(t);
      } else if (d === "[" && /^\[:\^?[a-z]+:\]/.test(s.slice(t.pos))) {
        t.pos = save;
      } else {
        hi = d.codePointAt(0)!;
        t.pos += hi > 0xffff ? 2 : 1;
      }
      if (hi !== undefined) {
        if (hi < code) t.fail("invalid [] range in regex");
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
  if (t.utf8) {
    // character semantics, JavaScript's v flag: negation applies to the class as a whole
    const bytes = emitSet(set);
    const body = (bytes === "[\\s\\S]" ? "\\s\\S" : bytes.slice(1, -1)) + extra;
    const cls = body === "" ? (negated ? "[\\s\\S]" : "[]") : `[${negated ? "^" : ""}${body}]`;
    return flags.i ? `(?i:${cls})` : cls;
  }
  let final = t.foldIf(set, flags);
  if (negated) final = complement(final);
  const text = emitSet(final);
  t.hi = hasFoldy(final);
  if (!t.utf8 && sharpS && flags.i && flags.fu && !flags.aa && !negated) {
    t.maxW = 2;
    return `(?:${text}|[Ss][Ss])`;
  }
  return text; // above 0xFF: never in a byte string
}
