/**
 * Required literals of a Perl regular expression: strings that every match
 * must contain. The engine tests them with a plain substring search before
 * running the regular expression, which rejects most non-matching lines
 * for the cost of one `includes`. Computed once per pattern at load time.
 *
 * The analysis is conservative: it only looks at the top-level sequence of
 * the pattern and gives up (returns no literal) on anything it does not
 * fully understand — alternation at the top level, inline modifiers such
 * as (?i) or (?x), \Q, etc. Returning no literal is always safe.
 *
 * @module
 */

const SIMPLE_ESCAPES = new Set([..."\\.[]{}()*+?^$|/-#@%&=!<>:;,'\"~` "]);

/**
 * Returns the longest literal every match of `pattern` contains, or
 * undefined when none could be determined safely.
 */
export function requiredLiteral(pattern: string): string | undefined {
  const lits = requiredLiterals(pattern);
  let best: string | undefined;
  for (const l of lits) if (best === undefined || l.length > best.length) best = l;
  return best !== undefined && best.length >= 2 ? best : undefined;
}

/** All maximal literal runs of the top-level sequence (each must appear in a match). */
export function requiredLiterals(pattern: string): string[] {
  if (/\(\?[a-zA-Z^-]*[ixn]/.test(pattern) || pattern.includes("\\Q")) return [];
  const out: string[] = [];
  let run = "";
  let i = 0;
  const n = pattern.length;
  const flush = () => {
    if (run !== "") out.push(run);
    run = "";
  };
  while (i < n) {
    const c = pattern[i];
    let atom: string | null = null; // literal char, or null for a non-literal atom
    let next = i + 1;
    if (c === "\\") {
      const d = pattern[i + 1];
      if (d === undefined) return [];
      if (SIMPLE_ESCAPES.has(d)) atom = d;
      else if (d === "t") atom = "\t";
      else if (/[0-9xoceNpPgkQELUlu]/.test(d)) {
        // the analysis stops here: what it found holds only if no top-level | follows
        return laterAlternation(pattern, i + 2) ? [] : finish(out, run);
      } else atom = null; // \d \s \w \b \A etc.
      next = i + 2;
    } else if (c === "[") {
      next = skipClass(pattern, i);
      if (next < 0) return [];
    } else if (c === "(") {
      next = skipGroup(pattern, i);
      if (next < 0) return [];
    } else if (c === "|") {
      return [];
    } else if (c === ")") {
      return [];
    } else if (c === "." || c === "^" || c === "$") {
      atom = null;
    } else if (c === "*" || c === "+" || c === "?" || c === "{") {
      return []; // quantifier in an unexpected place: give up
    } else {
      atom = c;
    }
    // quantifier after the atom?
    const q = pattern[next];
    let optional = false;
    let repeated = false;
    if (q === "*" || q === "?") {
      optional = true;
      next++;
    } else if (q === "+") {
      repeated = true;
      next++;
    } else if (q === "{") {
      const m = /^\{(\d*)(,?)(\d*)\}/.exec(pattern.slice(next));
      if (m !== null) {
        const min = m[1] === "" ? 0 : parseInt(m[1], 10);
        optional = min === 0;
        repeated = !optional;
        next += m[0].length;
      }
    }
    if (next < n && (pattern[next] === "?" || pattern[next] === "+") && (optional || repeated)) {
      next++; // lazy or possessive modifier
    }
    if (atom === null || optional) {
      flush();
    } else {
      run += atom;
      if (repeated) flush();
    }
    i = next;
  }
  flush();
  return out;
}

/** True when a top-level `|` (or a stray `)`, or something unreadable) follows position `i`. */
function laterAlternation(p: string, i: number): boolean {
  let j = i;
  while (j < p.length) {
    const c = p[j];
    if (c === "\\") j += 2;
    else if (c === "[") {
      j = skipClass(p, j);
      if (j < 0) return true;
    } else if (c === "(") {
      j = skipGroup(p, j);
      if (j < 0) return true;
    } else if (c === "|" || c === ")") return true;
    else j++;
  }
  return false;
}

function finish(out: string[], run: string): string[] {
  if (run !== "") out.push(run);
  return out;
}

function skipClass(p: string, i: number): number {
  let j = i + 1;
  if (p[j] === "^") j++;
  if (p[j] === "]") j++;
  while (j < p.length) {
    if (p[j] === "\\") j += 2;
    else if (p[j] === "[" && p[j + 1] === ":") {
      const e = p.indexOf(":]", j + 2);
      if (e < 0) return -1;
      j = e + 2;
    } else if (p[j] === "]") return j + 1;
    else j++;
  }
  return -1;
}

function skipGroup(p: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < p.length) {
    const c = p[j];
    if (c === "\\") {
      j += 2;
      continue;
    }
    if (c === "[") {
      j = skipClass(p, j);
      if (j < 0) return -1;
      continue;
    }
    if (c === "(") depth++;
    else if (c === ")") {
      depth--;
      if (depth === 0) return j + 1;
    }
    j++;
  }
  return -1;
}
