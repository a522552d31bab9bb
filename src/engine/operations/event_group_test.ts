/**
 * EventGroup on the virtual clock: per-pattern thresholds met just before,
 * exactly at and just after the window end; the sliding window with the
 * slide and end lists; multact; init and countN order; egtoken and
 * egpattern. (Timings checked against SEC 2.9.4: window=3, multact=yes,
 * A@0 B@2 A@3 A@5 -> fired 2, 3, slide 4, fired 5, slide 6, 7, end 9;
 * multact=no, A@0 A@2 B@5 B@5 -> slide 4, fired 5, end 6.)
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { OpHarness, T0 } from "../../../tests/helpers/op_harness.ts";

const t = (s: number) => String(T0 + s);

function group(extra: string, window = 3): string {
  return `
type=EventGroup2
ptype=RegExp
pattern=ega (\\S+)
ptype2=RegExp
pattern2=egb (\\S+)
desc=group
action=write @OUT fired $1 %u
end=write @OUT end $1 %u
slide=write @OUT slide $1 %u
window=${window}
${extra}
`;
}

Deno.test("EventGroup: the last kind arriving just before or exactly at the window end fires", () => {
  for (const s of [2, 3]) {
    const h = new OpHarness(group(""));
    try {
      h.feed(0, "ega 1");
      for (let k = 1; k <= s; k++) h.at(k);
      h.feed(s, "egb 2");
      assertEquals(h.take(), [`fired 1 ${t(s)}`]);
      h.at(3);
      assertEquals(h.take(), []);
      h.at(4); // fired without multact: end when the window (0..3) is over
      assertEquals(h.take(), [`end 1 ${t(4)}`]);
      assertEquals(h.store.size, 0);
    } finally {
      h.close();
    }
  }
});

Deno.test("EventGroup: the last kind just after the window end does not fire", () => {
  const h = new OpHarness(group(""));
  try {
    h.feed(0, "ega 1");
    h.at(4); // nothing remains after the slide: end, and the operation finishes
    assertEquals(h.take(), [`end 1 ${t(4)}`]);
    h.feed(4, "egb 2");
    assertEquals(h.take(), []);
    assertEquals(h.store.size, 1);
    h.at(8);
    assertEquals(h.take(), [`end 2 ${t(8)}`]);
  } finally {
    h.close();
  }
});

Deno.test("EventGroup: the window slides to the oldest remaining event and runs slide", () => {
  const h = new OpHarness(group(""));
  try {
    h.feed(0, "ega 1");
    h.feed(2, "ega 2");
    h.at(4); // the event at 0 leaves; the window starts at 2
    assertEquals(h.take(), [`slide 1 ${t(4)}`]);
    assertEquals(h.store.all()[0].start, T0 + 2);
    h.feed(5, "egb 3"); // 5 - 2 = 3: inside
    h.feed(5, "egb 4"); // consumed without multact
    assertEquals(h.take(), [`fired 1 ${t(5)}`]);
    h.at(6);
    assertEquals(h.take(), [`end 1 ${t(6)}`]);
  } finally {
    h.close();
  }
});

Deno.test("EventGroup: multact re-runs the action and keeps sliding after it", () => {
  const h = new OpHarness(group("multact=yes"));
  try {
    h.feed(0, "ega 1");
    h.feed(2, "egb 2");
    h.feed(3, "ega 3");
    h.at(4);
    h.feed(5, "ega 4");
    for (let s = 5; s <= 9; s++) h.at(s);
    assertEquals(h.take(), [
      `fired 1 ${t(2)}`,
      `fired 1 ${t(3)}`,
      `slide 1 ${t(4)}`,
      `fired 1 ${t(5)}`,
      `slide 1 ${t(6)}`,
      `slide 1 ${t(7)}`,
      `end 1 ${t(9)}`,
    ]);
    assertEquals(h.store.size, 0);
  } finally {
    h.close();
  }
});

Deno.test("EventGroup: the manual's example (thresholds 2 and 2, window 60)", () => {
  const rules = `
type=EventGroup2
ptype=SubStr
pattern=EVENT_A
thresh=2
ptype2=SubStr
pattern2=EVENT_B
thresh2=2
desc=Sequence of two or more As and Bs observed within 60 seconds
action=write @OUT %s
window=60
`;
  const h = new OpHarness(rules);
  try {
    h.feed(0, "EVENT_A"); // 12:03:01
    h.feed(3, "EVENT_B");
    h.feed(9, "EVENT_A"); // thresh met, thresh2 not yet
    h.feed(10, "EVENT_A");
    assertEquals(h.take(), []);
    h.feed(26, "EVENT_B"); // 12:03:27
    assertEquals(h.take(), ["Sequence of two or more As and Bs observed within 60 seconds"]);
    h.feed(45, "EVENT_A");
    h.feed(58, "EVENT_A");
    h.at(60); // 12:04:01: the last second
    assertEquals(h.store.size, 1);
    h.at(61);
    assertEquals(h.store.size, 0);
    assertEquals(h.take(), []);
  } finally {
    h.close();
  }
});

Deno.test("EventGroup: init before the first count; countN with each event's variables; egpattern on egtokens", () => {
  const rules = `
type=EventGroup2
ptype=RegExp
pattern=ega (\\S+)
count=write @OUT count1 $1
egtoken=A
ptype2=RegExp
pattern2=egb (\\S+)
count2=write @OUT count2 $1
thresh2=2
egtoken2=B$1
desc=eg
init=write @OUT init $1
action=write @OUT fired $1
egptype=RegExp
egpattern=^A B\\S+ B\\S+$
window=30
`;
  const h = new OpHarness(rules);
  try {
    h.feed(0, "ega 1");
    h.feed(1, "egb 2");
    h.feed(2, "egb 3");
    assertEquals(h.take(), ["init 1", "count1 1", "count2 2", "count2 3", "fired 1"]);
    h.at(40);
    const g = new OpHarness(rules);
    try {
      // thresholds met, but the group string "B0 A B2 B3" does not match
      g.feed(0, "egb 0");
      g.feed(1, "ega 1");
      g.feed(2, "egb 2");
      g.feed(3, "egb 3");
      assertEquals(g.take(), ["init 0", "count2 0", "count1 1", "count2 2", "count2 3"]);
    } finally {
      g.close();
    }
  } finally {
    h.close();
  }
});
