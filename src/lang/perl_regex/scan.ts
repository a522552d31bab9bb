/**
 * Scans over Perl pattern text and emitted JavaScript source: group
 * counting, quantifier braces and whether an emitted atom is one unit.
 *
 * @module
 */

/** Matches `{n}`, `{n,}`, `{n,m}`, `{,m}` (Perl 5.34+) at `pos`, or null (then `{` is literal). */
export function quantifierBraces(src: string, pos: number): RegExpExecArray | null {
  const m = /^\{[ \t]*(\d*)[ \t]*(,?)[ \t]*(\d*)[ \t]*\}/.exec(src.slice(pos, pos + 40));
  if (m === null || (m[1] === "" && m[3] === "") || (m[1] === "" && m[2] === "")) return null;
  return m;
}

/** Counts Perl capture groups (for \10 vs octal and bounds checks). */
export function countGroups(src: string): number {
  let n = 0;
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") {
      inClass = true;
      if (src[i + 1] === "^") i++;
      if (src[i + 1] === "]") i++;
    } else if (c === "(") {
      if (src[i + 1] !== "?" && src[i + 1] !== "*") n++;
      else if (/^\(\?(?:P?<[A-Za-z_]|')/.test(src.slice(i, i + 5))) n++;
    }
  }
  return n;
}

/** True when a quantifier can follow `atom` without a (?:...) around it. */
export function singleUnit(atom: string): boolean {
  if (/^(?:[^\\[(){}|*+?.^$]|\\x[0-9a-f]{2}|\\u[0-9a-f]{4}|\\[sSdDwW])$/.test(atom)) return true;
  if (atom.startsWith("[")) {
    for (let i = 1; i < atom.length; i++) {
      if (atom[i] === "\\") i++;
      else if (atom[i] === "]") return i === atom.length - 1;
    }
    return false;
  }
  if (
    atom.startsWith("(") && !atom.startsWith("(?=") && !atom.startsWith("(?!") &&
    !atom.startsWith("(?<=") && !atom.startsWith("(?<!")
  ) {
    let depth = 0;
    let inClass = false;
    for (let i = 0; i < atom.length; i++) {
      const c = atom[i];
      if (c === "\\") {
        i++;
        continue;
      }
      if (inClass) {
        if (c === "]") inClass = false;
        continue;
      }
      if (c === "[") inClass = true;
      else if (c === "(") depth++;
      else if (c === ")" && --depth === 0) return i === atom.length - 1;
    }
  }
  return false;
}
