/**
 * Shared types of the Perl regex translator: the public result and error
 * types (re-exported by `../perl_regex.ts`), the modifier flags and the
 * record kept for each capture group.
 *
 * @module
 */

/** A pattern Perl would refuse, or one that cannot be translated faithfully. */
export class PerlRegexError extends Error {}

/** A successful match: `$0`, `$1`, ... and the named groups (`%+`). */
export interface PerlRegexMatch {
  /** `[$0, $1, ...]`; undefined for groups that did not take part. */
  groups: (string | undefined)[];
  /** Named groups (leftmost defined group of each name), null when the pattern has none. */
  named: Record<string, string | undefined> | null;
}

/** A translated pattern. */
export interface CompiledPerlRegex {
  /** The JavaScript source produced. */
  readonly source: string;
  /** The compiled JavaScript RegExp (stateless: no g/y flag). */
  readonly regex: RegExp;
  /** Number of Perl capture groups. */
  readonly groupCount: number;
  /** Names of the named groups. */
  readonly names: readonly string[];
  /** Matches like Perl; null when there is no match. */
  exec(subject: string): PerlRegexMatch | null;
  /** True when the pattern matches. */
  test(subject: string): boolean;
}

/** Translation options. */
export interface PerlRegexOptions {
  /** Character semantics (subjects are not byte strings). */
  utf8?: boolean;
}

/** The flags off (`i m s x xx n`); the charset flags are set per pattern. */
export const DEFAULT_FLAGS = { i: false, m: false, s: false, x: false, xx: false, n: false };

/** The modifiers in force at a point of the pattern. */
export interface Flags {
  /** i: case-insensitive. */
  i: boolean;
  /** m: ^ and $ at line ends. */
  m: boolean;
  /** s: . matches a newline. */
  s: boolean;
  /** x: whitespace and comments ignored. */
  x: boolean;
  /** xx: x, and blanks in bracketed classes too. */
  xx: boolean;
  /** n: groups do not capture. */
  n: boolean;
  /** Unicode rules (see Rules). */
  u: boolean;
  /** Unicode case folding of Latin-1 (Unicode rules, or /a). */
  fu: boolean;
  /** /aa: no fold between ASCII and non-ASCII (ß does not match "ss"). */
  aa: boolean;
}

/** What the translator records of each capture group. */
export interface GroupInfo {
  /** Perl group number. */
  perl: number;
  /** The optional regions (alternatives, optional quantifiers, negative lookarounds) around it. */
  regions: number[];
  /** JS group name used in the output. */
  js: string;
  /** Perl name, if any. */
  name?: string;
  /** True while its body is being parsed. */
  open?: boolean;
  /** Least length its body matches. */
  minW?: number;
  /** Whether it may capture a Latin-1 letter (JavaScript's /i folds those, Perl's byte rules do not). */
  hi?: boolean;
}

/** Where a capture group is written: for subroutine calls `(?1)`, `(?&name)`. */
export interface GroupDef {
  /** Position of its `(`. */
  open: number;
  /** Position where its body starts. */
  start: number;
  /** Position of its closing `)` (-1 while open). */
  end: number;
  /** Modifiers in force in its body. */
  flags: Flags;
}

/** What one translation pass learned for the next (forward calls, conditions on later groups). */
export interface PassInfo {
  /** Perl group number -> its first definition. */
  defs: Map<number, GroupDef>;
  /** Group name -> Perl number of the leftmost group of that name. */
  names: Map<string, number>;
  /** Perl group number -> its JavaScript group names. */
  jsOf: Map<number, string[]>;
  /** Perl group numbers whose groups carry "was set" markers. */
  marks: Set<number>;
  /** The error that ended that pass early, if any (its later groups are unknown). */
  error?: unknown;
}
