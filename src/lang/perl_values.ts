/**
 * Perl's view of the values JavaScript code in rules returns (PerlFunc
 * patterns, `lcall`, `->` and `:>` context operands): truth, strings, and
 * what a pattern function's result means for the match.
 *
 * @module
 */

/**
 * Interprets what a pattern function returned, with Perl's conventions:
 * an array of several values (or one true value) matches and gives $1...;
 * a plain object matches and gives named variables; a false value,
 * undefined, null or an empty array does not match.
 */
export function interpretFunctionResult(result: unknown): {
  matched: boolean;
  values: (string | undefined)[];
  named: Record<string, string> | null;
} {
  if (Array.isArray(result)) {
    if (result.length === 0) return { matched: false, values: [], named: null };
    if (result.length === 1 && !perlTrue(result[0])) {
      return { matched: false, values: [], named: null };
    }
    return { matched: true, values: result.map(toPerlString), named: null };
  }
  if (result !== null && typeof result === "object") {
    const named: Record<string, string> = {};
    for (const [k, v] of Object.entries(result as Record<string, unknown>)) {
      const s = toPerlString(v);
      if (s !== undefined) named[k] = s;
    }
    return { matched: true, values: [], named };
  }
  if (!perlTrue(result)) return { matched: false, values: [], named: null };
  return { matched: true, values: [toPerlString(result)], named: null };
}

/** Perl truth: undef, "", "0" and 0 are false. */
export function perlTrue(v: unknown): boolean {
  return !(v === undefined || v === null || v === false || v === "" || v === "0" || v === 0);
}

/** Converts a JS value to the string Perl would show, undefined for undef. */
export function toPerlString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (v === true) return "1";
  if (v === false) return "";
  return String(v);
}
