/**
 * The counting rule types (counting.ts) on the virtual clock.
 *
 * SingleWithSuppress: the window of `window` seconds runs from the first
 * event; events up to and including its last second are suppressed, the
 * first event after it starts a new operation. (Edges checked against SEC
 * 2.9.4: window=3, events at 0, 3, 4 -> fired at 0 and 4.)
 *
 * SingleWithThreshold and SingleWith2Thresholds:
 * thresholds reached just before, exactly at and just after the window
 * end; the sliding window; action2 at the end of a window that saw the
 * action; the second round of SingleWith2Thresholds and how a violation of
 * thresh2 moves its window. (Edges checked against SEC 2.9.4.)
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { OpHarness, T0 } from "../../../tests/helpers/op_harness.ts";

const t = (s: number) => String(T0 + s);

function threshold(thresh: number, window: number): string {
  return `
type=SingleWithThreshold
ptype=RegExp
pattern=thr (\\S+) (\\S+)
desc=count $1
action=write @OUT fired $1 $2 %u
action2=write @OUT over $1 $2 %u
thresh=${thresh}
window=${window}
`;
}

const SUPPRESS_RULES = `
type=SingleWithSuppress
ptype=RegExp
pattern=sup (\\S+) (\\S+)
desc=suppress $1
action=write @OUT fired $1 $2 %u
window=3
`;

Deno.test("SingleWithSuppress: events just before and exactly at the window end are suppressed", () => {
  const h = new OpHarness(SUPPRESS_RULES);
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
  const h = new OpHarness(SUPPRESS_RULES);
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
  const h = new OpHarness(SUPPRESS_RULES);
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

Deno.test("SingleWithThreshold: threshold reached just before and exactly at the window end", () => {
  for (const second of [2, 3]) {
    const h = new OpHarness(threshold(2, 3));
    try {
      h.feed(0, "thr a first");
      for (let s = 1; s <= second; s++) h.at(s);
      h.feed(second + 0.5, "thr a second");
      // variables come from the event that started the operation
      assertEquals(h.take(), [`fired a first ${t(second)}`]);
      h.at(3);
      assertEquals(h.take(), []);
      h.at(4); // the window (0..3) is over: action2, then the end
      assertEquals(h.take(), [`over a first ${t(4)}`]);
      assertEquals(h.store.size, 0);
    } finally {
      h.close();
    }
  }
});

Deno.test("SingleWithThreshold: an event just after the window does not count with the old one", () => {
  for (const tick of [true, false]) {
    const h = new OpHarness(threshold(2, 3));
    try {
      h.feed(0, "thr a first");
      if (tick) h.at(4); // the window slides: no time remains, the operation ends silently
      assertEquals(h.store.size, tick ? 0 : 1);
      h.feed(4, "thr a second"); // without a tick the lookup expires the operation first
      assertEquals(h.take(), []);
      assertEquals(h.store.size, 1);
      h.feed(7, "thr a third"); // 7 - 4 = 3: inside the new window
      assertEquals(h.take(), [`fired a second ${t(7)}`]);
      h.at(8);
      assertEquals(h.take(), [`over a second ${t(8)}`]);
    } finally {
      h.close();
    }
  }
});

Deno.test("SingleWithThreshold: the window slides to the earliest time not older than the window", () => {
  // thresh=3, window=3: events at 0, 2, 4, 5. At 4 the event at 0 falls out
  // and the window starts at 2; the event at 5 is the third within 2..5.
  const h = new OpHarness(threshold(3, 3));
  try {
    h.feed(0, "thr a e0");
    h.feed(2, "thr a e2");
    h.at(4);
    assertEquals(h.store.all()[0].start, T0 + 2);
    h.feed(4, "thr a e4");
    h.at(5);
    h.feed(5, "thr a e5");
    assertEquals(h.take(), [`fired a e0 ${t(5)}`]);
    h.at(5);
    assertEquals(h.take(), []);
    h.at(6); // the window 2..5 is over
    assertEquals(h.take(), [`over a e0 ${t(6)}`]);
  } finally {
    h.close();
  }
});

Deno.test("SingleWithThreshold: an event exactly at the window age stays in the slid window", () => {
  // events at 0, 1, 4, 5, 9: at 4 the window moves to 1 (4 - 1 = 3 is not
  // older than the window); at 5 it moves to 4; 4, 5 are only two events.
  const h = new OpHarness(threshold(3, 3));
  try {
    h.feed(0, "thr a e0");
    h.feed(1, "thr a e1");
    h.at(4);
    assertEquals(h.store.all()[0].start, T0 + 1);
    h.feed(4, "thr a e4");
    h.at(5);
    assertEquals(h.store.all()[0].start, T0 + 4);
    h.feed(5, "thr a e5");
    h.at(8);
    assertEquals(h.store.size, 1);
    h.at(9); // 9 - 5 = 4: nothing remains, the operation ends without action
    assertEquals(h.store.size, 0);
    h.feed(9, "thr a e9");
    assertEquals(h.take(), []);
  } finally {
    h.close();
  }
});

Deno.test("SingleWithThreshold: the manual's SSH example (window 60, thresh 3)", () => {
  const rules = `
type=SingleWithThreshold
ptype=RegExp
pattern=sshd\\[\\d+\\]: Failed .+ for (\\S+) from [\\d.]+ port \\d+ ssh2
desc=Three SSH login failures within 1m for user $1
action=write @OUT %s
window=60
thresh=3
`;
  const h = new OpHarness(rules);
  const ev = (user: string) =>
    `Dec 28 01:42:21 test sshd[28132]: Failed password for ${user} from 10.1.2.7 port 42172 ssh2`;
  try {
    h.feed(0, ev("risto")); // 01:42:21
    h.feed(49, ev("risto")); // 01:43:10
    h.at(61); // 01:43:22: the window moves to 01:43:10
    assertEquals(h.store.all()[0].start, T0 + 49);
    h.feed(68, ev("risto")); // 01:43:29
    h.feed(99, ev("risto2")); // 01:44:00
    h.feed(102, ev("risto")); // 01:44:03: third event within 60 s
    assertEquals(h.take(), ["Three SSH login failures within 1m for user risto"]);
    h.feed(106, ev("risto")); // consumed silently
    h.at(109); // 01:44:10: the last second of the window
    assertEquals(h.store.size, 2);
    h.at(110);
    assertEquals(h.store.size, 1);
    h.at(159); // 01:45:00 for risto2
    assertEquals(h.store.size, 1);
    h.at(160);
    assertEquals(h.store.size, 0);
    assertEquals(h.take(), []);
  } finally {
    h.close();
  }
});

function twoThresholds(thresh2: number): string {
  return `
type=SingleWith2Thresholds
ptype=RegExp
pattern=two (\\S+) (\\S+)
desc=two $1
action=write @OUT fired $1 $2 %u
window=3
thresh=2
desc2=quiet $1 $2
action2=write @OUT over %s %u
window2=3
thresh2=${thresh2}
`;
}

Deno.test("SingleWith2Thresholds: the second round runs window2 seconds from the action", () => {
  // events at 0, 1: action at 1; second round 1..4; an event at 4 (exactly
  // at its end) is within thresh2=1; action2 at 5.
  const h = new OpHarness(twoThresholds(1));
  try {
    h.feed(0, "two a e0");
    h.feed(1, "two a e1");
    assertEquals(h.take(), [`fired a e0 ${t(1)}`]);
    h.at(4);
    h.feed(4, "two a e4");
    h.at(4);
    assertEquals(h.take(), []);
    h.at(5);
    assertEquals(h.take(), [`over quiet a e0 ${t(5)}`]);
    assertEquals(h.store.size, 0);
    h.feed(5, "two a e5"); // just after: a new operation
    assertEquals(h.store.size, 1);
  } finally {
    h.close();
  }
});

Deno.test("SingleWith2Thresholds: violating thresh2 moves the second window to the second earliest event", () => {
  // (SEC 2.9.4: events 0, 1, 3, 4 -> fired at 1, over at 8; 0, 1, 4, 4 -> the same.)
  for (const times of [[3, 4], [4, 4]]) {
    const h = new OpHarness(twoThresholds(1));
    try {
      h.feed(0, "two a e0");
      h.feed(1, "two a e1");
      h.feed(times[0], "two a x");
      h.feed(times[1], "two a y"); // two events in the round: the window starts at 4
      assertEquals(h.store.all()[0].start, T0 + 4);
      h.at(7);
      assertEquals(h.take(), [`fired a e0 ${t(1)}`]);
      h.at(8);
      assertEquals(h.take(), [`over quiet a e0 ${t(8)}`]);
    } finally {
      h.close();
    }
  }
});

Deno.test("SingleWith2Thresholds: an event just after the second window starts a new operation", () => {
  const h = new OpHarness(twoThresholds(1));
  try {
    h.feed(0, "two a e0");
    h.feed(1, "two a e1");
    h.feed(4, "two a e4");
    h.tickFeed(5, "two a e5"); // the timer ends the round first (SEC: over at 5)
    assertEquals(h.take(), [`fired a e0 ${t(1)}`, `over quiet a e0 ${t(5)}`]);
    assertEquals(h.store.size, 1);
    h.feed(6, "two a e6");
    assertEquals(h.take(), [`fired a e5 ${t(6)}`]);
  } finally {
    h.close();
  }
});

Deno.test("SingleWith2Thresholds: thresh2=0 (the manual's CPUHOG example, scaled)", () => {
  const h = new OpHarness(twoThresholds(0));
  try {
    h.feed(0, "two r1 e0");
    h.feed(2, "two r1 e2"); // action; the round starts at 2
    h.feed(5, "two r1 e5"); // violates thresh2=0: the round restarts at 5
    assertEquals(h.store.all()[0].start, T0 + 5);
    h.at(8);
    assertEquals(h.take(), [`fired r1 e0 ${t(2)}`]);
    h.at(9);
    assertEquals(h.take(), [`over quiet r1 e0 ${t(9)}`]);
  } finally {
    h.close();
  }
});

Deno.test("SingleWith2Thresholds: the first window slides like SingleWithThreshold's", () => {
  const h = new OpHarness(twoThresholds(1));
  try {
    h.feed(0, "two a e0");
    h.at(4); // 4 - 0 > 3: no time remains, the operation ends silently
    assertEquals(h.store.size, 0);
    h.feed(4, "two a e4");
    h.feed(7, "two a e7"); // exactly at the end of 4..7
    assertEquals(h.take(), [`fired a e4 ${t(7)}`]);
  } finally {
    h.close();
  }
});

Deno.test("SingleWithThreshold: the action binds the first event's $N, $+{name}, $$ when it runs later", () => {
  const h = new OpHarness(`
type=SingleWithThreshold
ptype=RegExp
pattern=^thr (?<host>\\S+) (\\S+)
desc=count $+{host}
action=write @OUT $+{host} $2 $1 $$5 $3|%s
action2=write @OUT over $2
thresh=2
window=10

type=SingleWithThreshold
ptype=SubStr
pattern=plain
desc=plain
action=write @OUT plain $1 $$
thresh=2
window=10
`);
  try {
    h.feed(0, "thr h1 first");
    h.feed(1, "thr h1 second");
    h.feed(2, "plain");
    h.feed(3, "plain");
    h.at(11);
    assertEquals(h.take(), [
      "h1 first h1 $5 |count h1",
      "plain $1 $$", // a pattern without match variables leaves them as written
      "over first",
    ]);
  } finally {
    h.close();
  }
});
