/**
 * Pair and PairWithWindow on the virtual clock: the second event just
 * before, exactly at and just after the window end; PairWithWindow's
 * action at the end of the window; %N and $N in pattern2, desc2 and
 * action2; one event ending several operations in creation order; window
 * 0 (no expiry). (Edges checked against SEC 2.9.4: window=3, open at 0,
 * close at 3 pairs; open at 5, close at 9 does not; PairWithWindow's
 * action runs at 9 for an operation started at 5.)
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { OpHarness, T0 } from "../../../tests/helpers/op_harness.ts";
import type { PairOperation } from "./pair.ts";

const t = (s: number) => String(T0 + s);

function pair(type: "Pair" | "PairWithWindow", window: number, ptype2 = "RegExp"): string {
  return `
type=${type}
ptype=RegExp
pattern=open (\\S+) (\\S+)
desc=pair $1
action=write @OUT action $1 $2 %u
ptype2=${ptype2}
pattern2=${ptype2 === "RegExp" ? "close $1 (\\S+)" : "close $1"}
desc2=%1 %2 closed by $1
action2=write @OUT action2 %s %u
window=${window}
`;
}

Deno.test("Pair: the second event just before and exactly at the window end pairs", () => {
  for (const s of [2, 3]) {
    const h = new OpHarness(pair("Pair", 3));
    try {
      h.feed(0, "open a x");
      for (let k = 1; k <= s; k++) h.at(k);
      h.feed(s, "close a y");
      assertEquals(h.take(), [`action a x ${t(0)}`, `action2 a x closed by y ${t(s)}`]);
      assertEquals(h.store.size, 0);
    } finally {
      h.close();
    }
  }
});

Deno.test("Pair: the second event just after the window end finds no operation", () => {
  for (const tick of [true, false]) {
    const h = new OpHarness(pair("Pair", 3));
    try {
      h.feed(0, "open a x");
      if (tick) h.at(4);
      h.feed(4, "close a y");
      assertEquals(h.take(), [`action a x ${t(0)}`]);
      assertEquals(h.store.size, 0);
      h.feed(4, "open a z"); // a new operation
      assertEquals(h.take(), [`action a z ${t(4)}`]);
    } finally {
      h.close();
    }
  }
});

Deno.test("Pair: further first events are consumed silently; the window is not extended", () => {
  const h = new OpHarness(pair("Pair", 3));
  try {
    h.feed(0, "open a x");
    h.feed(2, "open a again");
    h.at(3);
    assertEquals(h.store.size, 1);
    h.at(4);
    assertEquals(h.store.size, 0);
    assertEquals(h.take(), [`action a x ${t(0)}`]);
  } finally {
    h.close();
  }
});

Deno.test("PairWithWindow: action at the end of the window, action2 on a pair up to its last second", () => {
  const h = new OpHarness(pair("PairWithWindow", 3));
  try {
    h.feed(0, "open a x");
    h.feed(3, "close a y"); // exactly at the end
    h.feed(5, "open b x");
    h.at(6);
    h.at(8);
    assertEquals(h.take(), [`action2 a x closed by y ${t(3)}`]);
    h.at(9); // 9 - 5 > 3
    assertEquals(h.take(), [`action b x ${t(9)}`]);
    h.feed(9, "close b y"); // just after: nothing left to pair with
    assertEquals(h.take(), []);
    assertEquals(h.store.size, 0);
  } finally {
    h.close();
  }
});

Deno.test("PairWithWindow: an event after the window runs the timeout action before it is matched", () => {
  const h = new OpHarness(pair("PairWithWindow", 3));
  try {
    h.feed(0, "open a x");
    h.feed(4, "close a y"); // no tick since 0: the lookup ends the window first
    assertEquals(h.take(), [`action a x ${t(4)}`]);
    assertEquals(h.store.size, 0);
  } finally {
    h.close();
  }
});

Deno.test("Pair: pattern2 gets the first match's values quoted; $N and %N in desc2", () => {
  const h = new OpHarness(pair("Pair", 0));
  try {
    h.feed(0, "open a.b x");
    h.feed(1, "close aXb y"); // '.' is literal in the operation's pattern2
    h.feed(2, "close a.b y");
    assertEquals(h.take(), [`action a.b x ${t(0)}`, `action2 a.b x closed by y ${t(2)}`]);
  } finally {
    h.close();
  }
});

Deno.test("Pair: SubStr pattern2 keeps $N from the first pattern", () => {
  const h = new OpHarness(pair("Pair", 10, "SubStr"));
  try {
    h.feed(0, "open a x");
    h.feed(1, "close a");
    // pattern2 sets no variables: $1 stays the first pattern's, %N are left as written
    assertEquals(h.take(), [`action a x ${t(0)}`, `action2 %1 %2 closed by a ${t(1)}`]);
  } finally {
    h.close();
  }
});

Deno.test("Pair: one event ends every matching operation, in creation order", () => {
  const rules = `
type=Pair
ptype=RegExp
pattern=open (\\S+)
desc=op $1
action=none
ptype2=RegExp
pattern2=close all
desc2=closed %1
action2=write @OUT %s
window=0
`;
  const h = new OpHarness(rules);
  try {
    for (const n of ["c", "a", "b"]) h.feed(0, `open ${n}`);
    h.at(1000); // window 0: no expiry
    assertEquals(h.store.size, 3);
    h.feed(1000, "close all");
    assertEquals(h.take(), ["closed c", "closed a", "closed b"]);
    assertEquals(h.store.size, 0);
  } finally {
    h.close();
  }
});

Deno.test("Pair: an operation keeps only the first-match variables desc2 and action2 use", () => {
  const h = new OpHarness(`
type=Pair
ptype=RegExp
pattern=open (\\S+) (?<user>\\S+) (\\S+) (\\S+)
desc=pair $1
action=none
ptype2=RegExp
pattern2=close $1
desc2=%1 %+{user} %{4}
action2=write @OUT %s / $0 / %0 / %+{_inputsrc}

type=Pair
ptype=RegExp
pattern=begin (\\S+) (\\S+)
desc=session $1
action=none
ptype2=SubStr
pattern2=end
desc2=$2 ended
action2=write @OUT %s ($1)
`);
  try {
    h.feed(0, "open a bob c d");
    h.feed(0, "begin s1 alice");
    const kept = h.store.all().map((o) => (o as PairOperation).first!);
    // %0, %1, %4 and %+{user} of the first rule's first match; $1 and $2 of the second's
    assertEquals([...kept[0].groups], ["open a bob c d", "a", undefined, undefined, "d"]);
    assertEquals(kept[0].names, { user: "bob", _inputsrc: "-" });
    assertEquals([...kept[1].groups], [undefined, "s1", "alice"]);
    assertEquals(kept[1].names, {});
    h.feed(1, "close a");
    h.feed(1, "end");
    assertEquals(h.take(), [
      "a bob d / close a / open a bob c d / -",
      "alice ended (s1)",
    ]);
  } finally {
    h.close();
  }
});
