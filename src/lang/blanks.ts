/**
 * Perl's whitespace on byte strings: `\s` is ASCII blanks only (space, tab,
 * newline, vertical tab, form feed, carriage return). JavaScript's `\s` and
 * `String.prototype.trim` also take NBSP (0xA0) and other characters, which
 * SEC does not treat as blanks in rule files.
 *
 * @module
 */

/** Leading and trailing blanks, for `text.replace(PERL_TRIM, "")`. */
export const PERL_TRIM = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;

/** `text` without leading and trailing Perl blanks. */
export function perlTrim(text: string): string {
  return text.replace(PERL_TRIM, "");
}
