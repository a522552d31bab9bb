/**
 * Loading correlating rules: windows and thresholds SEC 2.9.4 rejects
 * (0 except Pair's window and thresh2; signs; non-integers) make the rule
 * invalid; the others load.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { loadRuleText } from "../src/lang/rule_compiler.ts";

function loads(text: string): boolean {
  return loadRuleText("r.sec", text).diagnostics.every((d) => !d.ruleSkipped);
}

const P = "ptype=RegExp\npattern=x\ndesc=d\naction=none\n";
const PAIR2 = "ptype2=RegExp\npattern2=y\ndesc2=e\naction2=none\n";

Deno.test("rule loading: zero windows and thresholds as SEC 2.9.4 accepts or rejects them", () => {
  const cases: [string, boolean][] = [
    [`type=SingleWithSuppress\n${P}window=0\n`, false],
    [`type=SingleWithSuppress\n${P}window=1\n`, true],
    [`type=SingleWithThreshold\n${P}window=0\nthresh=2\n`, false],
    [`type=SingleWithThreshold\n${P}window=3\nthresh=0\n`, false],
    [`type=SingleWithThreshold\n${P}window=-1\nthresh=2\n`, false],
    [`type=SingleWithThreshold\n${P}window=+3\nthresh=2\n`, false],
    [`type=SingleWithThreshold\n${P}window=3\nthresh=1\n`, true],
    [
      `type=SingleWith2Thresholds\n${P}window=5\nthresh=1\ndesc2=x\naction2=none\nwindow2=5\nthresh2=0\n`,
      true,
    ],
    [
      `type=SingleWith2Thresholds\n${P}window=5\nthresh=1\ndesc2=x\naction2=none\nwindow2=0\nthresh2=0\n`,
      false,
    ],
    [
      `type=SingleWith2Thresholds\n${P}window=5\nthresh=0\ndesc2=x\naction2=none\nwindow2=5\nthresh2=0\n`,
      false,
    ],
    [`type=Pair\n${P}${PAIR2}window=0\n`, true],
    [`type=Pair\n${P}${PAIR2}`, true],
    [`type=PairWithWindow\n${P}${PAIR2}window=0\n`, false],
    [`type=EventGroup\n${P}window=0\n`, false],
    [`type=EventGroup\n${P}window=3\nthresh=0\n`, false],
    [`type=EventGroup2\n${P}ptype2=RegExp\npattern2=y\nthresh2=0\nwindow=3\n`, false],
    [`type=EventGroup2\n${P}ptype2=RegExp\npattern2=y\nthresh2=2\nwindow=3\n`, true],
  ];
  for (const [text, ok] of cases) assertEquals(loads(text), ok, text);
});
