/**
 * Pattern templates: a Perl pattern with holes that receive quoted
 * (`quotemeta`) values, as Pair rules build their second pattern from the
 * first match (`pattern2=$1 su\[$2\]: ...`). Translating the pattern anew
 * for each operation costs tens of microseconds; a template is translated
 * once, and each instance only escapes its values and builds a RegExp.
 *
 * A quoted value is a run of plain literal characters, so its translation
 * does not depend on the pattern around it as long as the hole is a place
 * where a literal run stands on its own. {@link compilePerlRegexTemplate}
 * accepts only such templates (no inline modifiers, no lookbehind or
 * comment, no hole inside a class, after an escape or an unfinished
 * construct, or before a quantifier) and returns undefined for the rest,
 * which then take the ordinary path. An instance is exactly what
 * `compilePerlRegex` gives for the pattern with the quoted values in it.
 *
 * @module
 */

import { compiledFactory, leadingRunGuard, plainGroups } from "./compiled.ts";
import { translate } from "./translator.ts";
import type { CompiledPerlRegex, PerlRegexOptions } from "./types.ts";

/** A translated pattern with holes for quoted values. */
export interface PerlRegexTemplate {
  /** Number of holes. */
  readonly holes: number;
  /**
   * The pattern with `quotemeta(values[k])` in hole k, compiled; undefined
   * when a value is empty or not a byte string (use the ordinary path).
   */
  instantiate(values: readonly string[]): CompiledPerlRegex | undefined;
}

const SENTINEL = "zQjXh";

/**
 * Translates a pattern given as literal Perl source parts and holes (the
 * numbers, in order 0, 1, ...); undefined when the template is not one
 * whose instances can be built by escaping values (see the module doc).
 */
export function compilePerlRegexTemplate(
  parts: readonly (string | number)[],
  options: PerlRegexOptions = {},
): PerlRegexTemplate | undefined {
  if (options.utf8 === true) return undefined;
  let text = "";
  const at: number[] = [];
  for (const p of parts) {
    if (typeof p === "string") text += p;
    else {
      if (p !== at.length) return undefined;
      at.push(text.length);
    }
  }
  if (at.length === 0 || !holesAreSafe(text, at)) return undefined;
  let withSentinels = "";
  let from = 0;
  at.forEach((pos, k) => {
    withSentinels += text.slice(from, pos) + `${SENTINEL}${k}${SENTINEL}`;
    from = pos;
  });
  withSentinels += text.slice(from);
  let t;
  try {
    t = translate(withSentinels, false, false);
  } catch {
    return undefined;
  }
  if (t.triggered || t.deferred !== undefined || t.remapHigh) return undefined;
  const source = plainGroups(leadingRunGuard(withSentinels, false, false) + t.out);
  // the translation must hold each sentinel once, verbatim, in order
  const pieces: string[] = [];
  let rest = source;
  for (let k = 0; k < at.length; k++) {
    const s = `${SENTINEL}${k}${SENTINEL}`;
    const i = rest.indexOf(s);
    if (i < 0 || rest.indexOf(s, i + 1) >= 0) return undefined;
    pieces.push(rest.slice(0, i));
    rest = rest.slice(i + s.length);
  }
  if (rest.includes(SENTINEL)) return undefined;
  pieces.push(rest);
  const wrap = compiledFactory(source, t.groups, t.perlCount);
  return {
    holes: at.length,
    instantiate(values: readonly string[]): CompiledPerlRegex | undefined {
      let out = pieces[0];
      for (let k = 0; k < at.length; k++) {
        const v = values[k];
        if (v === undefined || v === "" || /[\u0100-\uffff]/.test(v)) return undefined;
        out += escapeLiteral(v) + pieces[k + 1];
      }
      return wrap(new RegExp(out, ""), out);
    },
  };
}

/** JavaScript source matching the bytes of `v` literally (as the translator writes literals). */
function escapeLiteral(v: string): string {
  return v.replace(
    /[^A-Za-z0-9_ ]/g,
    (c) => "\\x" + c.charCodeAt(0).toString(16).padStart(2, "0"),
  );
}

/**
 * True when a quoted literal run at each position of `text` keeps its
 * meaning: not inside a class, not after an unfinished escape or
 * construct, not before a quantifier, and no modifier, comment or
 * lookbehind anywhere in the pattern.
 */
function holesAreSafe(text: string, at: readonly number[]): boolean {
  if (/\(\?[\^a-zA-Z#-]|\(\?<[=!]|\(\*/.test(text) || text.includes(SENTINEL)) return false;
  for (const pos of at) {
    if (insideClass(text, pos)) return false;
    const before = text.slice(0, pos);
    const stripped = before.replace(/\w+$/, "");
    if (/(^|[^\\])(\\\\)*\\$/.test(stripped)) return false; // \x4_, \g_, \c_, \_
    if (/\{[0-9]*,?[0-9]*$/.test(before) || /\{[0-9]*,?[0-9]*$/.test(stripped)) return false;
    if (/\(\?(P|<|'|&|\()?$/.test(stripped)) return false;
    if (/^[*+?{]/.test(text.slice(pos))) return false;
  }
  return true;
}

/** True when `pos` of the Perl source `text` lies inside a bracketed class. */
function insideClass(text: string, pos: number): boolean {
  let i = 0;
  while (i < pos) {
    const c = text[i];
    if (c === "\\") {
      i += 2;
      continue;
    }
    if (c === "[") {
      // a class: ']' right after '[' or '[^' is a member
      let j = i + 1;
      if (text[j] === "^") j++;
      if (text[j] === "]") j++;
      while (j < text.length && text[j] !== "]") {
        if (text[j] === "\\") j++;
        else if (text[j] === "[" && text[j + 1] === ":") {
          const e = text.indexOf(":]", j + 2);
          if (e >= 0) j = e + 1;
        }
        j++;
      }
      if (pos <= j) return true;
      i = j + 1;
      continue;
    }
    i++;
  }
  return false;
}
