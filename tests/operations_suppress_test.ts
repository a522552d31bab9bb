/**
 * SingleWithSuppress on the virtual clock: the window of `window` seconds
 * runs from the first event; events up to and including its last second
 * are suppressed, the first event after it starts a new operation.
 * (Edges checked against SEC 2.9.4: window=3, events at 0, 3, 4 -> fired
 * at 0 and 4.)
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { OpHarness, T0 } from "./helpers/op_harness.ts";

const RULES = `
type=SingleWithSuppress
ptype=RegExp
pattern=sup (\\S+) (\\S+)
desc=suppress $1
action=write @OUT fired $1 $2 %u
window=3
`;

Deno.test("SingleWithSuppress: events just before and exactly at the window end are suppressed", () => {
  const h = new OpHarness(RULES);
  try {
    h.feed(0, "sup a 1");
    h.feed(2, "sup a 2"); // just before the end
    h.at(3);
    h.feed(3.9, "sup a 3"); // exactly at the end (second 3)
    assertEquals(h.take(), [`fired a 1 ${T0}`]);
    assertEquals(h.store.size, 1);
    h.at(4); // window over: the operation ends silently
    assertEquals(h.store.size, 0);
    h.feed(4, "sup a 4"); // just after: a new operation
    assertEquals(h.take(), [`fired a 4 ${T0 + 4}`]);
  } finally {
    h.close();
  }
});

Deno.test("SingleWithSuppress: an event just after the window acts even before any timer check", () => {
  const h = new OpHarness(RULES);
  try {
    h.feed(0.7, "sup a 1");
    h.feed(3.99, "sup a 2");
    h.feed(4.0, "sup a 3"); // no tick since the start: the stale operation is expired on lookup
    h.feed(7, "sup a 4");
    h.feed(8, "sup a 5");
    assertEquals(h.take(), [`fired a 1 ${T0}`, `fired a 3 ${T0 + 4}`, `fired a 5 ${T0 + 8}`]);
  } finally {
    h.close();
  }
});

Deno.test("SingleWithSuppress: desc sets the scope (one operation per description)", () => {
  const h = new OpHarness(RULES);
  try {
    h.feed(0, "sup a 1");
    h.feed(1, "sup b 1");
    h.feed(2, "sup a 2");
    h.feed(3, "sup b 2");
    assertEquals(h.take(), [`fired a 1 ${T0}`, `fired b 1 ${T0 + 1}`]);
    assertEquals(h.store.size, 2);
    h.at(4);
    assertEquals(h.store.size, 1); // a ended, b (started at 1) runs until 4 inclusive
    h.feed(4, "sup b 3");
    assertEquals(h.take(), []);
    h.at(5);
    assertEquals(h.store.size, 0);
  } finally {
    h.close();
  }
});
