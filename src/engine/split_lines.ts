/**
 * Splitting of multi-line action texts as SEC does it, with Perl's
 * `split(/\n/, $text)`.
 *
 * @module
 */

/**
 * The lines of `text` as Perl's `split(/\n/, text)` gives them: an empty
 * text has no line, and trailing empty lines are dropped (leading and
 * inner empty lines are kept).
 */
export function perlSplitLines(text: string): string[] {
  const parts = text.split("\n");
  let n = parts.length;
  while (n > 0 && parts[n - 1] === "") n--;
  if (n < parts.length) parts.length = n;
  return parts;
}
