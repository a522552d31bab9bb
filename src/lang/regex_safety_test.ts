/**
 * The shape analysis of regex_safety.ts: ambiguous nested quantifiers
 * (V8 backtracks exponentially on a failing line) are found and named,
 * deterministic ones accepted; odd syntax never makes it throw. The
 * refusal at load in a real sec-ts process: tests/security/regex_test.ts.
 */
import { ok } from "node:assert/strict";
import { nestedQuantifier } from "./regex_safety.ts";

/** pattern -> the loop refused (V8 backtracks exponentially on a failing line), or undefined */
const VERDICTS: [string, string | undefined][] = [
  // refused: an inner repeat that can end in several ways, in a loop, with something after that can fail
  ["(a+)+$", "(a+)+"],
  ["(x+x+)+y", "(x+x+)+"],
  ["^(\\w+\\s?)*$", "(\\w+\\s?)*"],
  ["(?:\\s*\\w+)+:", "(?:\\s*\\w+)+"],
  ["(.*,)*x", "(.*,)*"],
  ["((a+)b?)+$", "((a+)b?)+"],
  ["((a+)b?)+x", "((a+)b?)+"],
  ["(?:x+x+){2,}y", "(?:x+x+){2,}"],
  ["(a*)*$", "(a*)*"],
  ["(\\d+\\.?)+$", "(\\d+\\.?)+"],
  ["(a{1,3})+$", "(a{1,3})+"],
  ["(a?a)+$", "(a?a)+"],
  ["(?:a?b?)*$", "(?:a?b?)*"],
  ["(?:x+x+){10}y", "(?:x+x+){10}"],
  ["((\\w+\\s?)*,)+", "(\\w+\\s?)*"],
  ["(?=(a+)+b)", "(a+)+"],
  ["(?>(a+)+b)", "(a+)+"],
  ["(?i)([a-z]+A)+$", "([a-z]+A)+"],
  ["(?x) ( a + ) + $ # comment", "( a + ) +"],
  ["(\\S+\\s?)+:", "(\\S+\\s?)+"],
  ["(\\Qa+\\E+)+$", "(\\Qa+\\E+)+"],
  ["(\\x61+a)+$", "(\\x61+a)+"],
  ["([[:alpha:]]+\\w)+$", "([[:alpha:]]+\\w)+"],
  ["(?<n>a+)+$", "(?<n>a+)+"],
  ["(?:(?(1)a+|b))+$", "(?:(?(1)a+|b))+"],
  // accepted: each repeat ends at a character it cannot match, or cannot be backtracked into
  ["(\\S+\\s+)+", undefined],
  ["(\\S+\\s+)+$", undefined],
  ["(?:[a-z]+\\.)+com", undefined],
  ["([^,]+,)+", undefined],
  ["((?:\\d{1,3}\\.){3}\\d{1,3})", undefined],
  ["(a+)?b", undefined],
  ["(a|b)+c", undefined],
  ["[(a+)]+", undefined],
  ["\\(a+\\)+", undefined],
  ["(?>\\w+\\s?)*$", undefined],
  ["(\\w++\\s?)*$", undefined],
  ["(?:(?!foo).)*", undefined],
  ["^(\\S+) (\\S+) (\\S+)", undefined],
  ["(\\w+=\\w+;)+", undefined],
  ["((ab)*c)+", undefined],
  ["(\\w+\\W+)+$", undefined],
  ["(\\d+\\D+)+$", undefined],
  ["(?i)(\\S+\\s+)+$", undefined],
  ["(\\h+\\H+)+$", undefined],
  ["(?:a?)*$", undefined], // an empty iteration ends the loop: a*
  ["(a+)+", undefined], // nothing after the loop can fail: the first try matches
  ["((a+)b?)+", undefined],
  ["(?>(a+)+)$", undefined],
  ["(\\w+\\s?){2,5}$", undefined], // loops under 10 rounds: polynomial
  ["(?:x+x+){9}y", undefined],
  ["(?:\\S+\\s+\\S+=\\S+;\\s*)+$", "(?:\\S+\\s+\\S+=\\S+;\\s*)+"], // \S takes '='
  ["(?:[^\\s=]+=[^\\s;]+;\\s*)+$", undefined],
  ["(?:\\P{L}+\\p{L}+)+$", undefined],
  ["(?:\\p{L}+[\\p{N}\\s])+$", undefined],
  ["(?:\\p{L}+\\w)+$", "(?:\\p{L}+\\w)+"],
  ["(?:\\p{Greek}+\\s)+$", "(?:\\p{Greek}+\\s)+"], // unknown property: every character
  ["([a-z]+[0-9]+)+$", undefined],
  ["([^\\s=]+=[^\\s=]+\\s+)+$", undefined],
  ["(?:\\p{L}+\\s)+$", undefined],
  ["(a\\{1,3})+$", undefined],
  ["(a+){,x}$", undefined],
  // known not detected: overlapping alternatives
  ["(a|a)+$", undefined],
  ["(\\w|\\d)+$", undefined],
];

Deno.test("ambiguous nested quantifiers are found and named, deterministic ones accepted", () => {
  const wrong = VERDICTS.filter(([p, want]) => nestedQuantifier(p) !== want)
    .map(([p, want]) => `${p}: got ${nestedQuantifier(p)}, want ${want}`);
  ok(wrong.length === 0, wrong.join("\n"));
});

Deno.test("the regex analysis never throws on odd syntax", () => {
  for (
    const p of [
      "(",
      ")",
      "[",
      "\\",
      "(?",
      "(?(",
      "(?#",
      "\\Q",
      "a{",
      "{2}",
      "[]",
      "[^]",
      "(*",
      "x\\",
    ]
  ) nestedQuantifier(p + "(a+)+$");
});
