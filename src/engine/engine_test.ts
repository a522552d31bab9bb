/**
 * The engine (engine.ts) through its API, on a virtual clock with real
 * output files (tests/helpers/op_harness.ts).
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { OpHarness } from "../../tests/helpers/op_harness.ts";

Deno.test("literal scan: two engines with different rulesets keep matching their own lines", () => {
  const rules = (words: string[]) =>
    words.map((w) =>
      `type=Single\nptype=RegExp\npattern=${w} (\\d+)\ndesc=$0\naction=write @OUT ${w} $1\n`
    ).join("\n");
  const a = new OpHarness(rules(["alpha", "bravo", "charlie"]));
  const b = new OpHarness(rules(["delta", "echo", "foxtrot"]));
  try {
    a.feed(0, "x alpha 1");
    b.feed(0, "x delta 2");
    a.feed(0, "x charlie 3 delta 4");
    b.feed(0, "foxtrot 5 bravo 6");
    assertEquals(a.take(), ["alpha 1", "charlie 3"]);
    assertEquals(b.take(), ["delta 2", "foxtrot 5"]);
  } finally {
    a.close();
    b.close();
  }
});
