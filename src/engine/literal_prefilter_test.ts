/**
 * The literal pre-check of a ruleset (literal_prefilter.ts): which
 * rulesets may leave lines without any required literal unmatched, and
 * that lines are matched exactly as before either way.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { loadRuleText } from "../lang/rule_compiler.ts";
import { OpHarness } from "../../tests/helpers/op_harness.ts";
import { installLiteralChecks } from "./literal_prefilter.ts";

const single = (pattern: string, extra = "", ptype = "RegExp") =>
  `type=Single\nptype=${ptype}\npattern=${pattern}\ndesc=d\naction=none\n${extra}`;

function gated(...rules: string[]): boolean {
  const loaded = loadRuleText("t.sec", rules.join("\n"));
  return installLiteralChecks([loaded.file]).gated;
}

Deno.test("lines may go unmatched only when every pattern needs a literal of the scan", () => {
  const base = [single("alpha (\\d+)"), single("bravo"), single("charlie", "", "SubStr")];
  assertEquals(gated(...base), true);
  // a pattern that matches lines without its literal, or whose literal is unknown
  assertEquals(gated(...base, single("delta", "", "NRegExp")), false);
  assertEquals(gated(...base, single("delta", "", "NSubStr")), false);
  assertEquals(gated(...base, single("TRUE", "", "TValue")), false);
  assertEquals(gated(...base, single("^\\d+$")), false);
  assertEquals(gated(...base, single("delta\\necho", "", "RegExp2")), false);
  // a context evaluated before the pattern may run code on every line
  assertEquals(gated(...base, single("delta", "context=[ C ]")), false);
  assertEquals(gated(...base, single("delta", "context=C")), true);
  // too few literals for a scan at all
  assertEquals(gated(single("alpha")), false);
  // a Pair's pattern2: the text outside its match variables
  const pair = (pattern2: string) =>
    `type=Pair\nptype=RegExp\npattern=open (\\d+)\ndesc=p\naction=none\n` +
    `ptype2=RegExp\npattern2=${pattern2}\ndesc2=c\naction2=none\n`;
  assertEquals(gated(...base, pair("close $1 now")), true);
  assertEquals(gated(...base, pair("^$1$")), false);
});

Deno.test("a line without any literal is counted; the others match as before", () => {
  const h = new OpHarness(`
type=Single
ptype=RegExp
pattern=alpha (\\d+)
desc=a
action=write @OUT alpha $1

type=Single
ptype=SubStr
pattern=bravo
desc=b
action=write @OUT bravo

type=SingleWithThreshold
ptype=RegExp
pattern=charlie (\\S+)
desc=c $1
action=write @OUT charlie $1
window=60
thresh=2
`);
  try {
    for (const l of ["nothing", "alpha 1", "zulu", "charlie x", "bravo", "charlie x", "no"]) {
      h.feed(0, l);
    }
    assertEquals(h.take(), ["alpha 1", "bravo", "charlie x"]);
    assertEquals(h.engine.eventCount, 7);
  } finally {
    h.close();
  }
});

Deno.test("a Pair operation closes on a line holding its pattern2 but not the rule's own pattern2 literal", () => {
  // pattern2 as written, "$1 su\[$2\]: closed", would need "2]: closed" (the $2 taken as text);
  // the operation's own pattern2 needs "]: closed" and the pid here ends in 7
  const h = new OpHarness(`
type=Pair
ptype=RegExp
pattern=(\\S+) su\\[(\\d+)\\]: opened
desc=su $1 $2
action=write @OUT opened $1 $2
ptype2=RegExp
pattern2=$1 su\\[$2\\]: closed
desc2=closed %1 %2
action2=write @OUT %s

type=Single
ptype=RegExp
pattern=alpha
desc=a
action=write @OUT alpha

type=Single
ptype=RegExp
pattern=bravo
desc=b
action=write @OUT bravo
`);
  try {
    h.feed(0, "host1 su[107]: opened");
    h.feed(1, "host1 other line");
    h.feed(2, "host1 su[107]: closed");
    assertEquals(h.take(), ["opened host1 107", "closed host1 107"]);
  } finally {
    h.close();
  }
});
