/**
 * Reading the `ptype` and `varmap` field values of a rule (PATTERNS,
 * PATTERN TYPES AND MATCH VARIABLES) as SEC does.
 *
 * @module
 */
import { PERL_TRIM } from "./blanks.ts";
import { PatternError, type PatternKind, type VarMap } from "./patterns.ts";

/** Largest N in RegExpN, SubStrN, PerlFuncN (the input line buffers hold N lines). */
export const MAX_PATTERN_LINES = 100000;

/** Parses a ptype value such as `RegExp2` or `substr`. */
export function parsePatternType(ptype: string): { kind: PatternKind; lines: number } {
  const m = /^(n?substr|n?regexp|n?perlfunc|n?cached|tvalue)(\d*)$/i.exec(ptype);
  if (m === null) throw new PatternError(`invalid pattern type '${ptype}'`);
  const base = m[1].toLowerCase();
  const kinds: Record<string, PatternKind> = {
    substr: "SubStr",
    nsubstr: "NSubStr",
    regexp: "RegExp",
    nregexp: "NRegExp",
    perlfunc: "PerlFunc",
    nperlfunc: "NPerlFunc",
    cached: "Cached",
    ncached: "NCached",
    tvalue: "TValue",
  };
  const kind = kinds[base];
  if (m[2] !== "") {
    if (kind === "Cached" || kind === "NCached" || kind === "TValue") {
      throw new PatternError(`invalid pattern type '${ptype}'`);
    }
    const n = parseInt(m[2], 10);
    if (n < 1) throw new PatternError(`invalid pattern type '${ptype}' (line count must be >= 1)`);
    if (n > MAX_PATTERN_LINES) {
      // SEC allocates a line buffer of N entries: it exhausts memory and is killed
      throw new PatternError(
        `invalid pattern type '${ptype}' (line count ${
          m[2]
        } too large: at most ${MAX_PATTERN_LINES}; ` +
          `every input keeps a buffer of that many lines)`,
      );
    }
    return { kind, lines: n };
  }
  return { kind, lines: 1 };
}

/**
 * Parses a varmap field value as SEC does: entries split at semicolons
 * (with the whitespace around them) as Perl's split, so trailing empty
 * entries are dropped and any other empty entry is invalid; each entry is
 * `name` or `name = number`, the name an ASCII letter then ASCII letters,
 * digits and underscores.
 */
export function parseVarMap(text: string): VarMap {
  const cacheNames: string[] = [];
  const entries: [string, number][] = [];
  const items = text.replace(PERL_TRIM, "").split(/[ \t\n\v\f\r]*;[ \t\n\v\f\r]*/);
  while (items.length > 0 && items[items.length - 1] === "") items.pop();
  for (const item of items) {
    const m = /^([A-Za-z][A-Za-z0-9_]*)(?:[ \t\n\v\f\r]*=[ \t\n\v\f\r]*([0-9]+))?$/.exec(item);
    if (m === null) {
      throw new PatternError(
        `Invalid variable map '${
          text.replace(PERL_TRIM, "")
        }': the variable mapping '${item}' does not have the form <letter>[<letter>|<digit>|<underscore>]... [= <number>]`,
      );
    }
    if (m[2] === undefined) cacheNames.push(m[1]);
    else entries.push([m[1], parseInt(m[2], 10)]);
  }
  return { cacheNames, entries };
}
