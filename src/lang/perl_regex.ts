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
 * Also emulated: `\K` (it only moves the start of `$&`, which SEC never
 * shows), conditionals `(?(1)..|..)`, `(?(<name>)..)`, `(?(?=..)..)`,
 * `(?(R)..)`, `(?(DEFINE)..)` (a "was set" test: a group that cannot
 * match empty is set when its backreference cannot match at the end; one
 * that can gets marker captures around its end), subroutine calls `(?1)`,
 * `(?-1)`, `(?&name)`, `(?P>name)` to groups they are not inside (the
 * group's pattern inlined without capturing), and case-insensitive
 * backreferences under byte rules (bytes >= 0x80 become caseless
 * private-use characters in the source and the subject).
 *
 * Rejected (PerlRegexError): what Perl refuses; recursion (`(?R)`, a call
 * from inside the group it calls), code blocks, `\G`, `\X`, verbs,
 * `\N{name}`; and where JavaScript
 * would differ: a capture group not set on every repetition of its repeated
 * group (Perl keeps an earlier repetition's value, JavaScript clears it), a
 * repeated group that can match empty with captures or lazy parts inside,
 * backreferences to a group that may be unset and can match empty, to a
 * later group or from inside the group itself, case-insensitive
 * captures in a variable-length lookbehind, atomic groups inside a
 * lookbehind.
 *
 * Known differences: on an empty subject a group that can match empty
 * cannot be told set from unset (a condition on it takes it as unset);
 * Perl leaks captures out of a failed negative
 * lookahead, JavaScript does not; Unicode property data follow V8's
 * Unicode version (perl 5.36 has Unicode 14).
 *
 * This file is the public entry; the translator lives in `perl_regex/`:
 * `translator.ts` (state, sequences, quantifiers, atoms) with `groups.ts`,
 * `calls.ts` (conditionals, subroutine calls), `escapes.ts` and
 * `classes.ts`; `charsets.ts` (byte sets, class rules,
 * properties); `compiled.ts` (the exec wrapper); `scan.ts`; `types.ts`.
 *
 * @module
 */

import { leadingRunGuard, makeCompiled, plainGroups, remapSource } from "./perl_regex/compiled.ts";
import { translate } from "./perl_regex/translator.ts";
import {
  type CompiledPerlRegex,
  PerlRegexError,
  type PerlRegexOptions,
} from "./perl_regex/types.ts";

export { compilePerlRegexTemplate, type PerlRegexTemplate } from "./perl_regex/template.ts";
export {
  type CompiledPerlRegex,
  PerlRegexError,
  type PerlRegexMatch,
  type PerlRegexOptions,
} from "./perl_regex/types.ts";

/** Translates and compiles a Perl pattern; throws PerlRegexError when it cannot. */
export function compilePerlRegex(
  pattern: string,
  options: PerlRegexOptions = {},
): CompiledPerlRegex {
  const utf8 = options.utf8 === true;
  let t = translate(pattern, utf8, false);
  if (t.triggered && !utf8) t = translate(pattern, utf8, true);
  if (t.deferred !== undefined) throw t.deferred;
  let source = plainGroups(leadingRunGuard(pattern, utf8, t.unicodeRules) + t.out);
  const remap = t.remapHigh && !utf8 && !t.unicodeRules;
  if (remap) source = remapSource(source);
  let regex: RegExp;
  try {
    regex = new RegExp(source, utf8 ? "v" : "");
  } catch (e) {
    throw new PerlRegexError(`cannot translate '${pattern}': ${(e as Error).message}`);
  }
  return makeCompiled(source, regex, t.groups, t.perlCount, remap);
}
