/**
 * The compiled form of a translated pattern: the `exec`/`test` wrapper
 * that maps JavaScript groups back to Perl's numbering and named groups,
 * and the leading-run guard that speeds up patterns starting with `C+`.
 *
 * @module
 */

import { translate, Translator } from "./translator.ts";
import type { CompiledPerlRegex, GroupInfo, PerlRegexMatch } from "./types.ts";

/**
 * A pattern that starts with `C+` (or `(C+)`) for a character class C can
 * only have its leftmost match start where no C character precedes (a
 * match one character further left would exist otherwise), so the guard
 * `(?<!C)` changes no result but spares the regex engine a failing
 * attempt at every position inside a run of C (`(\S+) foo` on long lines).
 */
export function leadingRunGuard(pattern: string, utf8: boolean, unicodeRules: boolean): string {
  // a backreference sees the group's text, which a match starting further left changes
  if (utf8 || /\\[1-9gk]|\(\?P=/.test(pattern)) return "";
  const m = /^(\()?(\\[SsWwDd]|\[(?:\\.|[^\]\\])+\])\+/.exec(pattern);
  if (m === null) return "";
  if (m[1] !== undefined && pattern[m[0].length] !== ")") return "";
  const t = new Translator(pattern, false);
  if (t.hasTopLevelBar()) return "";
  let cls: string;
  try {
    cls = translate(m[2], false, unicodeRules).out;
  } catch {
    return "";
  }
  return `(?<!${cls})`;
}

/** Turns groups no backreference names into plain groups: a match then needs no groups object. */
export function plainGroups(source: string): string {
  return source.replace(
    /\(\?<(g\d+)>/g,
    (m, name: string) => source.includes(`\\k<${name}>`) ? m : "(",
  );
}

/**
 * Wraps a compiled RegExp as a CompiledPerlRegex: `exec` maps the
 * JavaScript groups back to Perl's numbering (branch reset and duplicate
 * names give a Perl group several JavaScript groups) and fills `%+`.
 */
export function makeCompiled(
  source: string,
  regex: RegExp,
  groups: GroupInfo[],
  groupCount: number,
  remap = false,
): CompiledPerlRegex {
  const c = compiledFactory(source, groups, groupCount)(regex, source) as Compiled;
  if (!remap) return c;
  return new RemappedCompiled(
    c.regex,
    c.source,
    c.groupCount,
    c.identity,
    c.perlToJs,
    c.names,
    c.namedList,
  );
}

/**
 * Moves the bytes >= 0x80 of a translated byte-mode source to U+E080..U+E0FF
 * (caseless): every such byte is written `\xNN`, and a range from below
 * 0x80 to above it still holds exactly the right characters of a subject
 * moved the same way (the code points in between never occur in one).
 */
export function remapSource(source: string): string {
  return source.replace(/(?<!\\)((?:\\\\)*)\\x([89a-f][0-9a-f])/g, "$1\\ue0$2");
}

const HIGH = /[\x80-\xff]/;
const toPrivate = (s: string) =>
  HIGH.test(s)
    ? s.replace(/[\x80-\xff]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xe000))
    : s;
const fromPrivate = (s: string | undefined) =>
  s === undefined || !/[\ue080-\ue0ff]/.test(s)
    ? s
    : s.replace(/[\ue080-\ue0ff]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xe000));

/**
 * The group layout of a translated source, computed once: the returned
 * function wraps any RegExp with the same groups (a template's instances)
 * as a CompiledPerlRegex.
 */
export function compiledFactory(
  source: string,
  groups: GroupInfo[],
  groupCount: number,
): (regex: RegExp, source: string) => CompiledPerlRegex {
  // JS group index of each emitted group (named groups are numbered in order of '(')
  const jsIndex = new Map<string, number>();
  let idx = 0;
  // plain groups are the Perl groups whose names were dropped, in order
  const unnamed = groups.map((g) => g.js).filter((js) => !source.includes(`(?<${js}>`));
  let nextUnnamed = 0;
  const re = /\\.|\[(?:\\.|[^\]\\])*\]|\((\?<([A-Za-z_]\w*)>)?(\?)?/g;
  for (const m of source.matchAll(re)) {
    if (m[0][0] !== "(") continue;
    if (m[1] !== undefined) jsIndex.set(m[2], ++idx);
    else if (m[3] === undefined) jsIndex.set(unnamed[nextUnnamed++], ++idx);
  }
  // Perl group n -> JS indices
  const perlToJs: number[][] = Array.from({ length: groupCount + 1 }, () => []);
  for (const g of groups) perlToJs[g.perl].push(jsIndex.get(g.js)!);
  const identity = idx === groupCount &&
    perlToJs.every((l, n) => n === 0 || (l.length === 1 && l[0] === n));
  const nameToPerl = new Map<string, number[]>();
  for (const g of groups) {
    if (g.name === undefined) continue;
    const l = nameToPerl.get(g.name) ?? [];
    if (!l.includes(g.perl)) l.push(g.perl);
    nameToPerl.set(g.name, l);
  }
  const names = [...nameToPerl.keys()];
  const namedList = [...nameToPerl.entries()];

  return (regex, source) => wrap(regex, source, groupCount, identity, perlToJs, names, namedList);
}

function wrap(
  regex: RegExp,
  source: string,
  groupCount: number,
  identity: boolean,
  perlToJs: number[][],
  names: string[],
  namedList: [string, number[]][],
): CompiledPerlRegex {
  return new Compiled(regex, source, groupCount, identity, perlToJs, names, namedList);
}

/** A compiled pattern: methods on the prototype, so an instance is small (Pair makes many). */
class Compiled implements CompiledPerlRegex {
  constructor(
    readonly regex: RegExp,
    readonly source: string,
    readonly groupCount: number,
    readonly identity: boolean,
    readonly perlToJs: number[][],
    readonly names: string[],
    readonly namedList: [string, number[]][],
  ) {}

  exec(subject: string): PerlRegexMatch | null {
    const m = this.regex.exec(subject);
    if (m === null) return null;
    const groupCount = this.groupCount;
    let out: (string | undefined)[];
    if (this.identity) out = m as unknown as (string | undefined)[];
    else {
      out = new Array(groupCount + 1);
      out[0] = m[0];
      for (let n = 1; n <= groupCount; n++) {
        const l = this.perlToJs[n];
        let v: string | undefined;
        for (let k = 0; k < l.length && v === undefined; k++) v = m[l[k]];
        out[n] = v;
      }
    }
    let named: Record<string, string | undefined> | null = null;
    const namedList = this.namedList;
    if (namedList.length > 0) {
      named = {};
      for (const [name, perls] of namedList) {
        let v: string | undefined;
        for (let k = 0; k < perls.length && v === undefined; k++) v = out[perls[k]];
        named[name] = v;
      }
    }
    return { groups: out, named };
  }

  test(subject: string): boolean {
    return this.regex.test(subject);
  }
}

/** A compiled pattern over a remapped source (see remapSource): subjects and captures are moved too. */
class RemappedCompiled extends Compiled {
  override exec(subject: string): PerlRegexMatch | null {
    const m = super.exec(toPrivate(subject));
    if (m === null) return null;
    const named = m.named === null
      ? null
      : Object.fromEntries(Object.entries(m.named).map(([k, v]) => [k, fromPrivate(v)]));
    return { groups: m.groups.map(fromPrivate), named };
  }

  override test(subject: string): boolean {
    return super.test(toPrivate(subject));
  }
}
