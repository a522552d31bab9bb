/**
 * Quantifiers of the Perl regex translator: reading `*`, `+`, `?` and
 * `{n,m}` with their lazy and possessive forms, and applying one to the
 * atom before it where Perl and JavaScript repeat alike (the cases that
 * differ are rewritten or refused). The functions take the translator
 * (translator.ts) as argument, as those of groups.ts and escapes.ts do.
 *
 * @module
 */
import type { Translator } from "./translator.ts";
import { quantifierBraces, singleUnit } from "./scan.ts";
import type { Flags } from "./types.ts";

/** Where an atom started: to see what it contains once parsed. */
export interface AtomMark {
  /** Groups defined before it. */
  groups: number;
  /** First region id it may have opened. */
  region: number;
  /** emptyFirst count before it. */
  emptyFirst: number;
  /** Least length the atom can match. */
  minW: number;
  /** Greatest length the atom can match. */
  maxW: number;
}

/** A parsed quantifier. */
export interface Quantifier {
  /** The quantifier as written. */
  text: string;
  /** Least repetitions. */
  min: number;
  /** Most repetitions (Infinity: unbounded). */
  max: number;
  /** Greedy, lazy (`?`) or possessive (`+`). */
  mode: "greedy" | "lazy" | "possessive";
}

/**
 * Applies the quantifier that follows an atom, if any. JavaScript and
 * Perl differ on repetitions in two ways, handled here: JavaScript
 * clears the captures of a repeated group at each repetition (Perl keeps
 * those of earlier ones), and JavaScript refuses an optional repetition
 * that matches empty (Perl accepts it and ends the loop). `X?` is
 * rewritten as `(?:X|)`, which has Perl's meaning; the other cases that
 * would differ are rejected.
 */
export function quantified(t: Translator, atom: string, flags: Flags, mark: AtomMark): string {
  const q = readQuantifier(t, flags);
  if (q === null) return atom;
  if (atom === "") t.fail("quantifier follows nothing");
  const hasGroups = t.groups.length > mark.groups;
  if (q.max > 1 && hasGroups && q.min <= q.max) {
    for (let k = mark.groups; k < t.groups.length; k++) {
      if (t.groups[k].regions.some((r) => r >= mark.region)) {
        t.fail(
          `capture group $${
            t.groups[k].perl
          } is not set on every repetition of its repeated group (Perl keeps the value of an earlier repetition, JavaScript clears it)`,
        );
      }
    }
  }
  if (q.min === 0 || q.min > q.max) {
    // the groups inside may not take part
    const region = t.nextRegion++;
    for (let k = mark.groups; k < t.groups.length; k++) t.groups[k].regions.push(region);
  }
  if (q.min > q.max) {
    // Perl: "Quantifier {n,m} with n > m can't match"
    t.minW = 0;
    t.maxW = mark.maxW === Infinity ? Infinity : 0; // Perl still measures it for lookbehind
    return `(?!)(?:${atom})`;
  }
  t.minW = mark.minW * q.min;
  t.maxW = mark.maxW === 0 ? 0 : mark.maxW * q.max;
  // a zero-width atom: Perl stops after one (empty) repetition, JavaScript
  // after the mandatory ones; the same unless captures are left unset
  const zeroWidth = mark.maxW === 0 && (q.min > 0 || !hasGroups);
  if (
    q.max > q.min && mark.minW === 0 && !zeroWidth &&
    (hasGroups || t.emptyFirst > mark.emptyFirst)
  ) {
    if (q.max === 1 || mark.maxW === 0) {
      const alt = q.mode === "lazy" ? `(?:|${atom})` : `(?:${atom}|)`;
      return q.mode === "possessive" ? t.atomic(alt) : alt;
    }
    t.fail(
      "a repeated group that can match the empty string, with captures or lazy parts inside (Perl and JavaScript end such loops differently)",
    );
  }
  const base = `${singleUnit(atom) ? atom : `(?:${atom})`}${q.text}`;
  if (q.mode === "lazy") {
    t.emptyFirst++;
    return base + "?";
  }
  if (q.mode === "possessive") return t.atomic(base);
  return base;
}

/** Reads a quantifier at the current position, or null when none follows. */
export function readQuantifier(t: Translator, flags: Flags): Quantifier | null {
  if (flags.x) { while (t.pos < t.src.length && t.skipExtended()); }
  const c = t.src[t.pos];
  let text: string;
  let min: number;
  let max: number;
  if (c === "*" || c === "+" || c === "?") {
    text = c;
    min = c === "+" ? 1 : 0;
    max = c === "?" ? 1 : Infinity;
    t.pos++;
  } else if (c === "{") {
    const m = quantifierBraces(t.src, t.pos);
    if (m === null) return null;
    min = m[1] === "" ? 0 : parseInt(m[1], 10);
    max = m[2] === "" ? min : m[3] === "" ? Infinity : parseInt(m[3], 10);
    if (min >= 65535 || (max !== Infinity && max >= 65535)) {
      t.fail("quantifier in {,} bigger than 65534");
    }
    text = max === min ? `{${min}}` : max === Infinity ? `{${min},}` : `{${min},${max}}`;
    t.pos += m[0].length;
  } else return null;
  if (flags.x) { while (t.pos < t.src.length && t.skipExtended()); }
  const next = t.src[t.pos];
  let mode: Quantifier["mode"] = "greedy";
  if (next === "?" || next === "+") {
    if (min > max) t.fail("quantifier follows nothing");
    t.pos++;
    mode = next === "?" ? "lazy" : "possessive";
  }
  if (flags.x) { while (t.pos < t.src.length && t.skipExtended()); }
  const after = t.src[t.pos];
  if (
    after === "*" || after === "+" || after === "?" ||
    (after === "{" && quantifierBraces(t.src, t.pos) !== null)
  ) {
    t.fail("nested quantifiers in regex");
  }
  return { text, min, max, mode };
}
