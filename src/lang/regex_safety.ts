/**
 * Regular expressions that could hold the main loop: V8 backtracks
 * without memoisation, so `(a+)+$` on 30 a's and a '!' takes minutes
 * where Perl takes 0.1 s, and meanwhile no input is read and no signal or
 * control command is acted on. Such patterns are refused when the rules
 * load, naming the shape.
 *
 * What is refused: a backtracking repeat U of variable count (`*`, `+`,
 * `?`, `{n,m}`, also lazy; not possessive) inside a loop L (a repeat
 * with no upper bound or one of 10 or more, not possessive, U not inside
 * an atomic group `(?>...)` of L), where a character U's body can start
 * with can also come right after U (U's own next iteration not counted;
 * the rest of L's body, L's next iteration and what follows L are), and
 * something after L (up to the end of the pattern or of the atomic group
 * or lookaround holding L) can fail. Then a run of such characters can
 * be split between U and what follows it in exponentially many ways, and
 * a failing line tries them all: `(a+)+$`, `(x+x+)+y`, `(\w+\s?)*$`,
 * `(.*,)*x`, `(a{1,3})+$`. The shape reported is L (the innermost loop).
 * Accepted: repeats whose end is marked by a character the body cannot
 * start with (`(\S+\s+)+`, `(?:[a-z]+\.)+com`, `([^,]+,)+`,
 * `(\w+=\w+;)+`), possessive and atomic bodies (`(\w++\s?)*$`), a loop
 * whose body is one optional piece (`(?:a?)*` is `a*`: an empty iteration
 * ends the loop), and loops nothing after which can fail (`(a+)+`,
 * `^(\w+\s?)*`: the first attempt matches).
 *
 * Known not to be detected: overlapping alternatives in a loop such as
 * `(a|a)+$` or `(\w|\d)+$` (exponential too), and polynomial blow-ups
 * such as `\s*\s*\s*$` or `\w+\d+\w+$` (slow on long lines, not
 * minutes on short ones). Characters above 0xFF are modelled as four
 * classes (word, digit, space, other), so a pattern whose only overlap is
 * between, say, two disjoint Unicode scripts is seen as overlapping.
 *
 * V8's `--enable-experimental-regexp-engine-on-excessive-backtracks` was
 * measured and not used: its linear engine takes no lookahead (every `$`
 * of a Perl pattern becomes `(?=\n?$)`), no backreference, no /i or /u,
 * so most risky patterns would not fall back; and any V8 flag makes Deno
 * compile every module anew at each start (no code cache), +40 ms CPU.
 *
 * @module
 */

import { parseRegex, type RegexNode } from "./regex_ast.ts";

function nullable(n: RegexNode): boolean {
  switch (n.k) {
    case "char":
      return n.nullable;
    case "seq":
      return n.items.every(nullable);
    case "alt":
      return n.branches.some(nullable);
    case "repeat":
      return n.min === 0 || nullable(n.body);
    case "atomic":
      return nullable(n.body);
    default:
      return true;
  }
}

/** The characters a nonempty match of `n` can start with. */
function first(n: RegexNode): bigint {
  switch (n.k) {
    case "char":
      return n.set;
    case "seq": {
      let s = 0n;
      for (const item of n.items) {
        s |= first(item);
        if (!nullable(item)) break;
      }
      return s;
    }
    case "alt":
      return n.branches.reduce((s, b) => s | first(b), 0n);
    case "repeat":
      return n.max === 0 ? 0n : first(n.body);
    case "atomic":
      return first(n.body);
    default:
      return 0n;
  }
}

/** Whether matching `n` can fail (most things; not `x*`, `(?:a|)`, `(?i)`). */
function canFail(n: RegexNode): boolean {
  switch (n.k) {
    case "empty":
      return n.fails;
    case "seq":
      return n.items.some(canFail);
    case "alt":
      return n.branches.every(canFail);
    case "repeat":
      return n.min > 0 && canFail(n.body);
    case "atomic":
      return canFail(n.body);
    default:
      return true;
  }
}

/** A loop: its source offsets, and whether what follows it (up to the end of the pattern or of its atomic group) can fail. */
type Loop = { start: number; end: number; tailFails: boolean } | undefined;

/**
 * The first ambiguous nesting in `n`: `follow` = the characters that can
 * come right after `n`, `tailFails` = whether what follows `n` can fail,
 * `loop` = the innermost loop `n` is repeated by.
 */
function analyze(n: RegexNode, follow: bigint, tailFails: boolean, loop: Loop): Loop {
  switch (n.k) {
    case "seq": {
      const follows: bigint[] = [];
      const fails: boolean[] = [];
      let f = follow, tf = tailFails;
      for (let i = n.items.length - 1; i >= 0; i--) {
        follows[i] = f;
        fails[i] = tf;
        const item = n.items[i];
        f = first(item) | (nullable(item) ? f : 0n);
        tf ||= canFail(item);
      }
      for (let i = 0; i < n.items.length; i++) {
        const r = analyze(n.items[i], follows[i], fails[i], loop);
        if (r) return r;
      }
      return undefined;
    }
    case "alt":
      for (const b of n.branches) {
        const r = analyze(b, follow, tailFails, loop);
        if (r) return r;
      }
      return undefined;
    case "atomic":
    case "look": // analysed alone: nothing after them backtracks into them
      return analyze(n.body, 0n, false, undefined);
    case "repeat": {
      if (n.max === 0) return undefined;
      if (n.possessive) return analyze(n.body, 0n, false, undefined);
      // U = n, in loop L: a failure after L makes V8 try every way to split the
      // characters U's body starts with between U and what follows U
      if (loop?.tailFails && n.max > n.min && (first(n.body) & follow) !== 0n) {
        return loop;
      }
      if (n.max <= 1) return analyze(n.body, follow, tailFails, loop);
      const inner = n.max === Infinity || n.max >= 10
        ? { start: n.start, end: n.end, tailFails }
        : loop;
      const bodyFails = tailFails || (n.min > 1 && canFail(n.body));
      // `(?:x?)*` is `x*`: an iteration that matches empty ends the loop
      const body = n.body.k === "repeat" && n.body.max === 1 && !n.body.possessive
        ? n.body.body
        : n.body;
      return analyze(body, first(n.body) | follow, bodyFails, inner);
    }
    default:
      return undefined;
  }
}

/**
 * The loop of Perl regex `source` that V8 could backtrack on
 * exponentially (see the module doc), e.g. `(a+)+` in `(a+)+$`, or
 * undefined when there is none.
 */
export function nestedQuantifier(source: string): string | undefined {
  const loop = analyze(parseRegex(source), 0n, false, undefined);
  return loop && source.slice(loop.start, loop.end);
}

/**
 * Why the Perl pattern `source` could hold the main loop for minutes, or
 * undefined when it has no ambiguous nested quantifier.
 */
export function backtrackingProblem(source: string): string | undefined {
  const shape = nestedQuantifier(source);
  if (shape === undefined) return undefined;
  const short = shape.length > 60 ? shape.slice(0, 60) + "..." : shape;
  return `nested quantifier '${short}' (a repeated group whose inner repeat can end in more ` +
    `than one way): V8 may backtrack for minutes on one line where Perl does not, and the ` +
    `agent would stall; write it so that each repeat ends at a character it cannot match ` +
    `(e.g. '(\\w+\\s?)*' as '(\\w+\\s)*\\w*'), without the nesting ('(a+)+' as 'a+'), or ` +
    `possessive ('\\w++')`;
}
