/**
 * Conditionals `(?(cond)yes|no)`, subroutine calls `(?1)`, `(?&name)` and
 * the "was set" tests they and backreferences need, for the Perl regex
 * translator: plain functions over the translator state.
 *
 * @module
 */

import { group } from "./groups.ts";
import type { Translator } from "./translator.ts";
import type { Flags, GroupInfo } from "./types.ts";

/**
 * A test that is true where one of the groups `gs` (a Perl number or
 * name; `later` lists the JavaScript names of its groups not parsed yet)
 * has taken part in the match; "" when that is certain. Perl's "set"
 * includes a group that matched empty: a group that can match empty is
 * tested through the markers the next pass puts at its end.
 */
export function setTest(t: Translator, perl: number, gs: GroupInfo[], later: string[]): string {
  const sure = gs.length === 1 && later.length === 0 && !gs[0].open &&
    gs[0].regions.every((r) => t.regions.includes(r));
  if (sure) return "";
  const nonEmpty = (js: string) => `(?=[\\s\\S]*(?!\\k<${js}>))`;
  const tests: string[] = [];
  for (const g of gs) {
    if (g.open) {
      t.fail(`condition on group $${g.perl} from inside that group is not supported`);
    }
    if ((g.minW ?? 0) > 0) tests.push(nonEmpty(g.js));
    else if (t.known?.marks.has(perl)) tests.push(nonEmpty(g.js + "s"), nonEmpty(g.js + "t"));
    else {
      t.wantMarks.add(perl);
      t.retry = true;
    }
  }
  for (const js of later) {
    // not reached yet (a later group): its markers, when the next pass has them
    if (t.known?.marks.has(perl)) tests.push(nonEmpty(js + "s"), nonEmpty(js + "t"));
    else {
      t.wantMarks.add(perl);
      t.retry = true;
    }
  }
  return tests.length === 0 ? "(?!)" : tests.length === 1 ? tests[0] : `(?:${tests.join("|")})`;
}

/** Perl group number of a reference by number or name, for calls and conditions; undefined if none. */
function groupNumber(t: Translator, name: string): number | undefined {
  if (/^\d+$/.test(name)) {
    const n = parseInt(name, 10);
    return n >= 1 && n <= t.totalGroups ? n : undefined;
  }
  return t.names.get(name) ?? t.known?.names.get(name);
}

/** The "group N is set" test for a conditional on group `n`. */
function groupSetTest(t: Translator, n: number): string {
  if (t.inlineStack.length > 0) {
    t.fail("a condition on a group inside a called group (?N) is not supported");
  }
  const gs = t.groups.filter((g) => g.perl === n);
  const seen = new Set(gs.map((g) => g.js));
  const later = (t.known?.jsOf.get(n) ?? []).filter((js) => !seen.has(js));
  if (gs.length === 0 && later.length === 0 && t.known !== undefined) return "(?!)";
  if (gs.length === 0 && later.length === 0) {
    // a group not parsed yet: learn its JavaScript name first
    t.wantMarks.add(n);
    t.retry = true;
    return "(?!)";
  }
  return setTest(t, n, gs, later);
}

/**
 * A conditional `(?(cond)yes|no)`: cond is a group number, `<name>` or
 * `'name'` (true when the group took part), a lookaround without captures,
 * `R`, `Rn`, `R&name` (true inside a call of the pattern, of group n or
 * name) or `DEFINE` (groups defined for calls only, never matched).
 */
export function conditional(t: Translator, flags: Flags): string {
  const at = t.pos;
  t.pos += 3; // (?(
  const rest = t.src.slice(t.pos);
  let test: string; // "" true, "(?!)" false, else a lookaround
  let negTest: string;
  let m: RegExpExecArray | null;
  if ((m = /^DEFINE\)/.exec(rest)) !== null) {
    t.pos += m[0].length;
    const region = t.nextRegion++;
    t.regions.push(region);
    const body = t.alternation(flags);
    t.regions.pop();
    if (t.src[t.pos] !== ")") t.fail("unmatched ( in regex");
    t.pos++;
    t.minW = t.maxW = 0;
    return `(?:(?!)(?:${body})|)`;
  }
  if ((m = /^(?:(\d+)|<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')\)/.exec(rest)) !== null) {
    const ref = m[1] ?? m[2] ?? m[3];
    const n = groupNumber(t, ref);
    if (n === undefined && m[1] !== undefined) {
      t.pos += m[0].length; // no such group: never set (Perl accepts it)
      test = "(?!)";
      negTest = "";
    } else if (n === undefined) {
      if (t.known === undefined && new RegExp(`\\(\\?(?:P?<${ref}>|'${ref}')`).test(t.src)) {
        t.retry = true; // a later group of that name
        t.pos += m[0].length;
        test = negTest = "(?!)";
      } else t.fail(`reference to nonexistent named group '${ref}'`);
    } else {
      t.pos += m[0].length;
      test = groupSetTest(t, n);
      negTest = test === "" ? "(?!)" : test === "(?!)" ? "" : `(?!${test})`;
    }
  } else if ((m = /^R(?:(\d+)|&([A-Za-z_]\w*))?\)/.exec(rest)) !== null) {
    t.pos += m[0].length;
    const inner = t.inlineStack[t.inlineStack.length - 1];
    let yes: boolean;
    if (m[1] === undefined && m[2] === undefined) yes = inner !== undefined;
    else {
      const n = m[1] !== undefined ? parseInt(m[1], 10) : groupNumber(t, m[2]);
      if (n === undefined) t.fail(`reference to nonexistent named group '${m[2]}'`);
      yes = inner === n;
    }
    test = yes ? "" : "(?!)";
    negTest = yes ? "(?!)" : "";
  } else if (/^\?<?[=!]/.test(rest)) {
    t.pos -= 1; // at the ( of the lookaround
    const groupsBefore = t.groups.length;
    const look = group(t, flags);
    if (t.groups.length > groupsBefore) {
      t.fail("a lookaround condition with capture groups inside is not supported");
    }
    test = look;
    negTest = look.replace(
      /^\(\?(<?)([=!])/,
      (_, b: string, k: string) => `(?${b}${k === "=" ? "!" : "="}`,
    );
    t.pos--; // group() consumed the lookaround's ); the conditional's own ) follows
    if (t.src[t.pos] !== ")") t.fail("unmatched ( in regex");
    t.pos++;
  } else {
    t.pos = at;
    t.fail("unknown switch condition (?(...))");
  }
  // the branches: yes, then an optional no
  const branch = () => {
    const region = t.nextRegion++;
    t.regions.push(region);
    const out = t.sequence(flags);
    t.regions.pop();
    return out;
  };
  const yes = branch();
  const yesMin = t.minW;
  const yesMax = t.maxW;
  let hi = t.hi;
  let no = "";
  let noMin = 0;
  let noMax = 0;
  if (t.src[t.pos] === "|") {
    t.pos++;
    no = branch();
    noMin = t.minW;
    noMax = t.maxW;
    hi ||= t.hi;
    if (t.src[t.pos] === "|") t.fail("switch (?(condition)... contains too many branches");
  }
  if (t.src[t.pos] !== ")") t.fail("switch (?(condition)... not terminated");
  t.pos++;
  t.minW = Math.min(yesMin, noMin);
  t.maxW = Math.max(yesMax, noMax);
  t.hi = hi;
  if (test === "") return `(?:${yes})`;
  if (test === "(?!)" && negTest === "") return `(?:${no})`;
  return `(?:${test}${yes}|${negTest}${no})`;
}

/**
 * A subroutine call `(?N)`, `(?+N)`, `(?-N)`, `(?&name)`, `(?P>name)`: the
 * group's pattern, inlined without capturing (Perl restores the captures
 * after the call), under the modifiers of the group. A call that recurses
 * (from inside the group it calls, `(?R)`) has no JavaScript form.
 */
export function subroutineCall(t: Translator, at: number, m: RegExpExecArray): string {
  const text = m[0];
  if (m[1] !== undefined || m[3] === "0") {
    t.fail(`recursion ${text} is not supported (JavaScript regular expressions do not recurse)`);
  }
  let n: number | undefined;
  if (m[4] !== undefined) {
    n = t.names.get(m[4]) ?? t.known?.names.get(m[4]);
    if (n === undefined) {
      if (t.known === undefined && new RegExp(`\\(\\?(?:P?<${m[4]}>|'${m[4]}')`).test(t.src)) {
        t.retry = true; // a later group: the next pass knows it
        t.minW = t.maxW = 0;
        return "(?:)";
      }
      t.fail(`reference to nonexistent named group '${m[4]}'`);
    }
  } else {
    const k = parseInt(m[3], 10);
    const before = [...(t.known?.defs ?? t.defs).values()].filter((d) => d.open < at).length;
    n = m[2] === "-" ? before - k + 1 : m[2] === "+" ? before + k : k;
    if (n < 1 || n > t.totalGroups) t.fail(`reference to nonexistent group ${text}`);
  }
  const def = t.defs.get(n) ?? t.known?.defs.get(n);
  if (def !== undefined && def.end < 0 && !(def.open < at) && t.known?.error !== undefined) {
    throw t.known.error; // the first pass stopped inside that group
  }
  if (def === undefined || def.end < 0 && !(def.open < at)) {
    if (t.known === undefined) {
      t.retry = true; // a later group: the next pass knows it
      t.minW = t.maxW = 0;
      return "(?:)";
    }
    t.fail(`reference to nonexistent group ${text}`);
  }
  if ((def.open < at && (def.end < 0 || at < def.end)) || t.inlineStack.includes(n)) {
    t.fail(
      `recursive call ${text} to group ${n} from inside it is not supported (JavaScript regular expressions do not recurse)`,
    );
  }
  const back = t.pos;
  t.pos = def.start;
  t.inlineStack.push(n);
  const body = t.alternation(def.flags);
  t.inlineStack.pop();
  t.pos = back;
  return `(?:${body})`;
}
