/**
 * Shows that regex_safety.ts refuses the patterns that matter: each
 * refused pattern is timed in V8 (through the Perl-to-JavaScript
 * translation the agent uses) on a non-matching ~28-character line, each
 * accepted one on adversarial lines of 28 and 3000 characters (runs of
 * the characters its repeats take, then a mismatch). Every match runs in
 * its own child process, killed after the time limit.
 *
 *   deno run -A tests/bench/regex_safety_bench.ts [limit-seconds]
 *
 * Prints one line a case: verdict, pattern, line shape, time.
 */
import { nestedQuantifier } from "../../src/lang/regex_safety.ts";

const LIMIT = Number(Deno.args[0] ?? 10) * 1000;

/** pattern, and line units: each line is `unit` repeated to the length, then `end` */
const CASES: [string, string[], string][] = [
  ["(a+)+$", ["a"], "!"],
  ["(x+x+)+y", ["x"], "!"],
  ["^(\\w+\\s?)*$", ["a", "a "], "!"],
  ["(?:\\s*\\w+)+:", ["a", " a"], "!"],
  ["(.*,)*x", [","], "!"],
  ["((a+)b?)+$", ["a", "ab"], "!"],
  ["(?:x+x+){2,}y", ["x"], "!"],
  ["(?:a*)*$", ["a"], "!"],
  ["(\\d+\\.?)+$", ["1", "1."], "!"],
  ["(a{1,3})+$", ["a"], "!"],
  ["(a?a)+$", ["a"], "!"],
  ["(\\S+\\s+)+$", ["a ", "a", " "], "!"],
  ["(\\S+\\s+)+", ["a", " "], ""],
  ["(?:[a-z]+\\.)+com", ["a.", "a", "."], "!"],
  ["([^,]+,)+$", ["a,", "a", ","], "\n!"],
  ["((?:\\d{1,3}\\.){3}\\d{1,3})", ["1.", "1"], "!"],
  ["(a+)?b", ["a"], "!"],
  ["(a|b)+c", ["ab", "a"], "!"],
  ["[(a+)]+$", ["a", "(a+)"], "!"],
  ["(?>\\w+\\s?)*$", ["a", "a "], "!"],
  ["(\\w++\\s?)*$", ["a", "a "], "!"],
  ["(?:(?!foo).)*", ["fo"], "!"],
  ["^(\\S+) (\\S+) (\\S+)$", ["a", "a "], ""],
  ["(\\w+=\\w+;)+$", ["a=a;", "a"], "!"],
  ["((a+)b?)+", ["a"], "!"],
  ["(a+)+", ["a"], "!"],
  ["(\\w+\\W+)+$", ["a!", "a"], "a"],
  ["(?:\\S+\\s+\\S+=\\S+;\\s*)+$", ["a a=a;", "a a=a=a;"], "!"],
  ["(?:[^\\s=]+=[^\\s;]+;\\s*)+$", ["a=a;", "a=a; "], "!"],
  ["(a|a)+$", ["a"], "!"],
  ["(?:a?b?)*$", ["ab"], "!"],
  ["(?:a?)*$", ["a"], "!"],
];

const code = (pattern: string, line: string) => `
import { compilePerlRegex } from ${
  JSON.stringify(new URL("../../src/lang/perl_regex.ts", import.meta.url).href)
};
const re = compilePerlRegex(${JSON.stringify(pattern)}).regex;
const line = ${JSON.stringify(line)};
const t = performance.now();
const m = re.exec(line);
console.log((performance.now() - t).toFixed(1), m === null ? "no match" : "match");
`;

async function time(pattern: string, line: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", code(pattern, line)],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(LIMIT),
  });
  const out = await child.output();
  if (!out.success) {
    return out.signal ? `> ${LIMIT / 1000} s (killed)` : new TextDecoder().decode(out.stderr);
  }
  const [ms, ...rest] = new TextDecoder().decode(out.stdout).trim().split(" ");
  return `${ms} ms (${rest.join(" ")})`;
}

for (const [pattern, units, end] of CASES) {
  const shape = nestedQuantifier(pattern);
  const verdict = shape === undefined ? "accepted" : "REFUSED ";
  const lengths = shape === undefined ? [28, 3000] : [28];
  for (const unit of units) {
    for (const n of lengths) {
      const line = unit.repeat(Math.max(1, Math.floor((n - end.length) / unit.length))) + end;
      const label = `'${unit}' x ${line.length - end.length} + ${JSON.stringify(end)}`;
      console.log(
        `${verdict} ${pattern.padEnd(28)} ${label.padEnd(24)} ${await time(pattern, line)}`,
      );
    }
  }
}
