/**
 * The operation store: expiry looks only at operations whose deadline has
 * come (the timer heap), never at every live one; operations of a file
 * end on a soft restart; dump entries in creation order.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { Operation } from "./store.ts";
import { OpHarness, T0 } from "../../../tests/helpers/op_harness.ts";

const RULES = `
type=SingleWithSuppress
ptype=RegExp
pattern=^long (\\S+)
desc=long $1
action=none
window=1000

type=SingleWithSuppress
ptype=RegExp
pattern=^short (\\S+)
desc=short $1
action=none
window=2
`;

Deno.test("store: a timer tick looks only at the operations that are due", () => {
  const h = new OpHarness(RULES);
  const proto = Operation.prototype;
  const overAt = proto.overAt;
  let looked = 0;
  proto.overAt = function (this: Operation, now: number) {
    looked++;
    return overAt.call(this, now);
  };
  try {
    for (let i = 0; i < 20_000; i++) h.feed(0, `long ${i}`);
    for (let i = 0; i < 5; i++) h.feed(1, `short ${i}`);
    assertEquals(h.store.size, 20_005);
    looked = 0;
    for (let s = 1; s <= 3; s++) h.at(s); // nothing due yet
    assertEquals(looked, 0);
    h.at(4); // the 5 short operations (1 + 2 + 1) are due
    ok(looked <= 10, `looked at ${looked} operations`);
    assertEquals(h.store.size, 20_000);
    looked = 0;
    h.at(1001); // the long ones are due
    assertEquals(h.store.size, 0);
    ok(looked <= 40_000, `looked at ${looked} operations`);
  } finally {
    proto.overAt = overAt;
    h.close();
  }
});

Deno.test("store: terminateFile ends the operations of one file only; dump in creation order", () => {
  const h = new OpHarness({ "a.sec": RULES, "b.sec": RULES });
  try {
    h.feed(0, "long x");
    h.feed(1, "short y");
    assertEquals(
      h.store.dumpEntries().map((e) => `${e.configfile} ${e.ruleid} ${e.desc} ${e.windowstart}`),
      [
        `a.sec 0 long x ${T0}`,
        `b.sec 0 long x ${T0}`,
        `a.sec 1 short y ${T0 + 1}`,
        `b.sec 1 short y ${T0 + 1}`,
      ],
    );
    assertEquals(h.store.terminateFile("a.sec"), 2);
    assertEquals(h.store.all().map((o) => o.rule.file), ["b.sec", "b.sec"]);
    h.at(4);
    assertEquals(h.store.size, 1);
  } finally {
    h.close();
  }
});

Deno.test("store: operations of a one-variable desc are found by value and by the whole desc", () => {
  const h = new OpHarness(`
type=SingleWithThreshold
ptype=RegExp
pattern=^fail (\\S*) (\\S+)
desc=fail $1 on host
action=write @OUT %s reached
window=100
thresh=2

type=SingleWithThreshold
ptype=RegExp
pattern=^two (\\S+) (\\S+)
desc=$1-$2
action=write @OUT %s reached
window=100
thresh=2

type=Single
ptype=RegExp
pattern=^reset (.*)
desc=reset
action=reset -2 $1
`);
  try {
    h.feed(0, "fail a x");
    h.feed(0, "fail  x"); // an empty value is a key of its own
    h.feed(0, "two a-b c");
    h.feed(0, "two a b-c"); // two variables: keyed by the whole desc, the same operation
    assertEquals(h.take(), ["a-b-c reached"]);
    assertEquals(h.store.size, 3);
    assertEquals(
      h.store.all().map((o) => o.desc),
      ["fail a on host", "fail  on host", "a-b-c"],
    );
    // the whole desc string finds the operation (reset, getwpos, setwpos use it)
    assertEquals(
      h.store.get(h.engine.files[0].rules[0], "fail a on host", T0)?.desc,
      "fail a on host",
    );
    assertEquals(h.store.get(h.engine.files[0].rules[0], "fail a on hos", T0), undefined);
    assertEquals(h.store.get(h.engine.files[0].rules[0], "fail on host", T0), undefined);
    h.feed(1, "reset fail a on host");
    assertEquals(h.store.size, 2);
    h.feed(2, "fail a y"); // a new operation: no output
    h.feed(2, "fail  y");
    assertEquals(h.take(), ["fail  on host reached"]);
    h.feed(3, "fail a z");
    assertEquals(h.take(), ["fail a on host reached"]);
  } finally {
    h.close();
  }
});
