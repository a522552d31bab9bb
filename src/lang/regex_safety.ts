/**
 * Regular expressions that could hold the main loop: V8 backtracks
 * without memoisation, so a nested quantifier such as `(a+)+$` on 30 a's
 * and a '!' takes minutes where Perl takes 0.1 s, and meanwhile no input
 * is read and no signal or control command is acted on. A pattern with a
 * nested quantifier (a repeated group that itself contains a `+`, `*` or
 * `{n,}`) is refused when the rules load, naming the shape.
 *
 * V8's `--enable-experimental-regexp-engine-on-excessive-backtracks` was
 * measured and not used: its linear engine takes no lookahead (every `$`
 * of a Perl pattern becomes `(?=\n?$)`), no backreference, no /i or /u,
 * so most risky patterns would not fall back; and any V8 flag makes Deno
 * compile every module anew at each start (no code cache), +40 ms CPU.
 *
 * @module
 */

const UNBOUNDED = /^(?:[*+]|\{\d*,\})/;
const REPEAT = /^(?:[*+]|\{\d*,\d*\})/;

/**
 * The first nested quantifier in Perl regex `source`: a group repeated
 * with `*`, `+` or `{n,m}` (m > 1 or open) whose content has an unbounded
 * repeat (`*`, `+`, `{n,}`). Returns the group with its quantifier (e.g.
 * `(a+)+`), or undefined.
 */
export function nestedQuantifier(source: string): string | undefined {
  // stack of open groups: start index, whether the content repeats without bound
  const stack: { start: number; unbounded: boolean }[] = [];
  let top = { start: -1, unbounded: false };
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i];
    if (c === "\\") {
      if (source[i + 1] === "Q") {
        const e = source.indexOf("\\E", i + 2);
        i = e < 0 ? n : e + 2;
      } else i += 2;
      continue;
    }
    if (c === "[") {
      let j = i + 1;
      if (source[j] === "^") j++;
      if (source[j] === "]") j++;
      while (j < n && source[j] !== "]") j += source[j] === "\\" ? 2 : 1;
      i = j + 1;
      continue;
    }
    if (c === "(") {
      if (source.startsWith("(?#", i)) {
        const e = source.indexOf(")", i);
        i = e < 0 ? n : e + 1;
        continue;
      }
      stack.push(top);
      top = { start: i, unbounded: false };
      i++;
      continue;
    }
    if (c === ")") {
      const inner = top;
      top = stack.pop() ?? { start: -1, unbounded: false };
      const rest = source.slice(i + 1);
      const q = REPEAT.exec(rest);
      if (q !== null && inner.unbounded && inner.start >= 0 && repeatsMore(q[0])) {
        return source.slice(inner.start, i + 1 + q[0].length);
      }
      if (inner.unbounded || (q !== null && UNBOUNDED.test(q[0]))) top.unbounded = true;
      i++;
      continue;
    }
    if (UNBOUNDED.test(source.slice(i, i + 12))) top.unbounded = true;
    i++;
  }
  return undefined;
}

function repeatsMore(q: string): boolean {
  if (q === "*" || q === "+") return true;
  const m = /^\{(\d*),(\d*)\}$/.exec(q);
  if (m === null) return false;
  return m[2] === "" || Number(m[2]) > 1;
}

/**
 * Why the Perl pattern `source` could hold the main loop for minutes, or
 * undefined when it has no nested quantifier.
 */
export function backtrackingProblem(source: string): string | undefined {
  const shape = nestedQuantifier(source);
  if (shape === undefined) return undefined;
  const short = shape.length > 60 ? shape.slice(0, 60) + "..." : shape;
  return `nested quantifier '${short}' (a repeated group that itself repeats): V8 may ` +
    `backtrack for minutes on one line where Perl does not, and the agent would stall; ` +
    `write it without the nesting (e.g. '(a+)+' as 'a+', '(\\w+\\s?)*' as '[\\w\\s]*')`;
}
