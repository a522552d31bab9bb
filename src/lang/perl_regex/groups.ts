/**
 * Groups, backreferences and inline modifiers for the Perl regex
 * translator: plain functions over the translator state.
 *
 * @module
 */

import type { Translator } from "./translator.ts";
import { conditional, setTest, subroutineCall } from "./calls.ts";
import type { Flags, GroupDef, GroupInfo } from "./types.ts";

/** Parses a group at `(`: captures, lookarounds, atomic groups, branch reset, modifier groups, `(?#...)` (null: emits nothing). */
export function group(t: Translator, flags: Flags): string {
  const groupOpen = t.pos;
  const rest = t.src.slice(t.pos);
  if (rest.startsWith("(?#")) {
    const end = t.src.indexOf(")", t.pos);
    if (end < 0) t.fail("sequence (?#... not terminated");
    t.pos = end + 1;
    return null as unknown as string;
  }
  if (rest.startsWith("(*")) t.fail("backtracking control verbs are not supported");
  let m: RegExpExecArray | null;
  let kind: "capture" | "plain" | "look" | "atomic" | "reset" = "plain";
  let open = "(?:";
  let name: string | undefined;
  let inner = { ...flags };
  if (!rest.startsWith("(?")) {
    kind = flags.n ? "plain" : "capture";
    t.pos += 1;
  } else if ((m = /^\(\?(?:P?<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(rest)) !== null) {
    kind = "capture";
    name = m[1] ?? m[2];
    t.pos += m[0].length;
  } else if ((m = /^\(\?(<=|<!|=|!)/.exec(rest)) !== null) {
    kind = "look";
    open = `(?${m[1]}`;
    t.pos += m[0].length;
  } else if (rest.startsWith("(?>")) {
    kind = "atomic";
    t.pos += 3;
  } else if (rest.startsWith("(?|")) {
    kind = "reset";
    t.pos += 3;
  } else if ((m = /^\(\?(\^?)([a-zA-Z]*)(?:-([a-zA-Z]*))?:/.exec(rest)) !== null) {
    inner = { ...flags };
    applyFlags(inner, m[1] === "^", m[2], m[3] ?? "", t);
    t.pos += m[0].length;
  } else if (/^\(\?P=/.test(rest)) {
    const mm = /^\(\?P=([A-Za-z_]\w*)\)/.exec(rest);
    if (mm === null) t.fail("invalid (?P=name)");
    t.pos += mm[0].length;
    return namedBackref(t, mm[1], flags);
  } else if (rest.startsWith("(?(")) {
    return conditional(t, flags);
  } else if ((m = /^\(\?(?:(R)|([+-]?)(\d+)|(?:&|P>)([A-Za-z_]\w*))\)/.exec(rest)) !== null) {
    const at = t.pos;
    t.pos += m[0].length;
    return subroutineCall(t, at, m);
  } else if (/^\(\?(?:\{|\?\{)/.test(rest)) {
    t.fail("code blocks (?{...}) are not supported");
  } else {
    t.fail(`sequence '${rest.slice(0, 3)}...' not recognized`);
  }
  let info: GroupInfo | undefined;
  let def: GroupDef | undefined;
  if (kind === "capture" && t.inlineStack.length > 0) {
    kind = "plain"; // a called group's captures are not kept (Perl restores them after the call)
  } else if (kind === "capture") {
    t.perlCount++;
    if (!t.defs.has(t.perlCount)) {
      def = { open: groupOpen, start: t.pos, end: -1, flags: { ...inner } };
      t.defs.set(t.perlCount, def);
    }
    if (name !== undefined && !t.names.has(name)) t.names.set(name, t.perlCount);
    info = {
      perl: t.perlCount,
      regions: [...t.regions],
      js: `g${t.groups.length}`,
      name,
    };
    t.groups.push(info);
    open = `(?<${info.js}>`;
  }
  const isBehind = open === "(?<=" || open === "(?<!";
  const isNegLook = open === "(?!" || open === "(?<!";
  if (isBehind) t.lookbehindDepth++;
  if (kind === "look") t.lookaroundDepth++;
  if (isNegLook) t.regions.push(t.nextRegion++);
  const groupsBefore = t.groups.length;
  if (info !== undefined) info.open = true;
  const body = t.alternation(inner, kind === "reset");
  if (info !== undefined) {
    info.open = false;
    info.minW = t.minW;
    info.hi = t.hi;
  }
  if (isNegLook) t.regions.pop();
  if (isBehind) {
    t.lookbehindDepth--;
    if (t.maxW > 255) t.fail("lookbehind longer than 255 not implemented");
    if (open === "(?<=" && t.minW !== t.maxW && t.groups.length > groupsBefore) {
      // Perl tries the longest lookbehind first and matches forwards; JavaScript matches backwards
      t.fail("capture group inside a variable-length lookbehind is not supported");
    }
  }
  if (kind === "look") {
    t.lookaroundDepth--;
    t.minW = t.maxW = 0;
  }
  if (t.src[t.pos] !== ")") t.fail("unmatched ( in regex");
  if (def !== undefined) def.end = t.pos;
  t.pos++;
  if (kind === "atomic") return t.atomic(body);
  if (info !== undefined && t.known?.marks.has(info.perl)) {
    // "was set" markers: the characters around the group's end (not both empty unless the subject is)
    return `${open}${body}(?<=(?<${info.js}s>[\\s\\S]?))(?=(?<${info.js}t>[\\s\\S]?)))`;
  }
  return `${open}${body})`;
}

/** A backreference to the groups named `name`. */
export function namedBackref(t: Translator, name: string, flags: Flags): string {
  const gs = t.groups.filter((g) => g.name === name);
  if (gs.length === 0) {
    // a forward reference to a later group of that name
    if (!new RegExp(`\\(\\?(?:P?<${name}>|'${name}')`).test(t.src)) {
      t.fail(`reference to nonexistent named group '${name}'`);
    }
    t.fail(`forward reference to named group '${name}' is not supported`);
  }
  return backrefTo(t, gs, flags);
}

/**
 * A backreference. Perl fails one to a group that did not take part in
 * the match (JavaScript matches it empty) and, for a name used by several
 * groups, uses the leftmost group that took part. When the groups may not
 * take part, this is emulated for groups that cannot match empty: a set
 * group then consumes at least one character, which the check
 * `(?!\k<q>$)` against the rest of the subject captured before sees.
 */
function backrefTo(t: Translator, gs: GroupInfo[], flags: Flags): string {
  const unsure = gs.length > 1 || gs[0].regions.some((r) => !t.regions.includes(r));
  if (t.inlineStack.length > 0) {
    t.fail("backreference inside a called group (?N) is not supported");
  }
  t.hi = gs.some((g) => g.hi === true);
  if (flags.i && !flags.fu && !t.utf8 && t.hi) {
    // JavaScript's /i folds Latin-1 letters, Perl's byte rules do not: the
    // bytes >= 0x80 are then matched as caseless private-use characters
    t.remapHigh = true;
  }

  if (t.lookbehindDepth > 0) {
    t.fail("lookbehind longer than 255 not implemented (a backreference)");
  }
  const open = gs.find((g) => g.open);
  if (open !== undefined) {
    t.fail(
      `backreference to group $${open.perl} from inside that group (Perl uses an earlier repetition's value or fails, JavaScript matches empty)`,
    );
  }
  t.minW = 0;
  t.maxW = Infinity;
  const ref = (g: GroupInfo) => flags.i ? `(?i:\\k<${g.js}>)` : `\\k<${g.js}>`;
  if (!unsure) return ref(gs[0]);
  if (gs.some((g) => g.minW === 0)) {
    // Perl fails a backreference to an unset group: test "was set" (markers), leftmost set group
    const ordered = [...gs].sort((a, b) => a.perl - b.perl);
    const alts = ordered.map((g, k) => {
      const unset = ordered.slice(0, k).map((p) => {
        const s = setTest(t, p.perl, [p], []);
        return s === "" ? "(?!)" : `(?!${s})`;
      }).join("");
      const set = setTest(t, g.perl, [g], []);
      return `${unset}${set}${ref(g)}`;
    });
    return alts.length === 1 ? `(?:${alts[0]})` : `(?:${alts.join("|")})`;
  }
  const q = `h${t.helperCount++}`;
  const ordered = [...gs].sort((a, b) => a.perl - b.perl);
  const alts = ordered.map((g, k) =>
    ordered.slice(0, k).map((p) => `(?=${ref(p)}\\k<${q}>$)`).join("") +
    `${ref(g)}(?!\\k<${q}>$)`
  );
  return `(?=(?<${q}>[\\s\\S]*))(?:${alts.join("|")})`;
}

/** A backreference to Perl group `n`. */
export function numberBackref(t: Translator, n: number, flags: Flags): string {
  if (n > t.totalGroups || n < 1) t.fail(`reference to nonexistent group \\${n}`);
  const gs = t.groups.filter((g) => g.perl === n);
  if (gs.length === 0) t.fail(`forward reference \\${n} is not supported`);
  return backrefTo(t, gs, flags);
}

/** Applies inline modifiers (`on`, `-off`, `^` resets) to `f`, rejecting what Perl rejects. */
export function applyFlags(f: Flags, caret: boolean, on: string, off: string, t: Translator): void {
  if (caret && off !== "") t.fail("sequence (?^-...) not recognized");
  const charsets = on.replace(/[^adlu]/g, "");
  if (
    new Set(charsets).size > 1 || /([dlu]).*\1/.test(charsets) || /a.*a.*a/.test(charsets)
  ) {
    t.fail(`regexp modifiers (?${on}) conflict`);
  }
  if (caret) {
    f.i =
      f.m =
      f.s =
      f.x =
      f.xx =
      f.n =
        false;
    f.u = f.fu = t.unicodeRules;
    f.aa = false;
  }
  for (const ch of on) {
    switch (ch) {
      case "i":
      case "m":
      case "s":
      case "n":
        f[ch] = true;
        break;
      case "x":
        if (f.x) f.xx = true;
        f.x = true;
        break;
      case "u":
        f.u = f.fu = true;
        f.aa = false;
        break;
      case "a":
        // ASCII classes, Unicode folding (/aa: none between ASCII and the rest)
        f.aa = on.indexOf("a") !== on.lastIndexOf("a");
        f.u = false;
        f.fu = true;
        break;
      case "d":
      case "l":
        f.u = f.fu = t.unicodeRules;
        f.aa = false;
        break;
      case "p":
        break;
      case "o":
      case "g":
      case "c":
        break; // match-operator flags Perl ignores (with a warning) inline
      default:
        t.fail(`sequence (?${on}...) not recognized`);
    }
  }
  for (const ch of off) {
    switch (ch) {
      case "i":
      case "m":
      case "s":
      case "n":
        f[ch] = false;
        break;
      case "x":
        f.x = f.xx = false;
        break;
      case "o":
      case "g":
      case "c":
      case "p":
        break;
      default:
        t.fail(`sequence (?-${off}...) not recognized`);
    }
  }
}
