/**
 * Window edges of every correlating rule type on a virtual clock (no
 * sleeping): an operation's window of W seconds started at S is over when
 * now - S > W (whole seconds, as SEC keeps time), so an event at S+W is
 * still inside and one at S+W+1 is not.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { VirtualEngine } from "./helpers/virtual_engine.ts";

const SUPPRESS = `type=SingleWithSuppress
ptype=RegExp
pattern=^disk (\\S+) full
desc=full $1
action=logonly alert $1
window=10`;

Deno.test("SingleWithSuppress: repeats are consumed up to and at the window end, not after", () => {
  for (const [t, want] of [[9, []], [10, []], [11, ["alert /var"]]] as const) {
    const v = new VirtualEngine(SUPPRESS);
    v.at(0).line("disk /var full");
    assertEquals(v.take(), ["alert /var"]);
    v.at(t).line("disk /var full");
    assertEquals(v.take(), [...want], `repeat at +${t}`);
  }
  const v = new VirtualEngine(SUPPRESS);
  v.at(0).line("disk /var full").line("disk /tmp full");
  assertEquals(v.take(), ["alert /var", "alert /tmp"]);
});

const THRESHOLD = `type=SingleWithThreshold
ptype=RegExp
pattern=^fail (\\S+)
desc=fails of $1
action=logonly three fails, first $1
action2=logonly window of $1 over
window=10
thresh=2`;

Deno.test("SingleWithThreshold: the second event counts at the window end, not after", () => {
  for (const [t, want] of [[9, true], [10, true], [11, false]] as const) {
    const v = new VirtualEngine(THRESHOLD);
    v.at(0).line("fail bob");
    v.at(t).line("fail bob");
    assertEquals(v.take().includes("three fails, first bob"), want, `second event at +${t}`);
  }
});

Deno.test("SingleWithThreshold: action2 runs when the window of a fired operation ends", () => {
  const v = new VirtualEngine(THRESHOLD);
  v.at(0).line("fail bob");
  v.at(5).line("fail bob");
  assertEquals(v.take(), ["three fails, first bob"]);
  v.at(10);
  assertEquals(v.take(), []);
  v.at(11);
  assertEquals(v.take(), ["window of bob over"]);
});

Deno.test("SingleWithThreshold: the window slides to the oldest remaining event", () => {
  const v = new VirtualEngine(THRESHOLD.replace("thresh=2", "thresh=3"));
  v.at(0).line("fail bob");
  v.at(6).line("fail bob");
  v.at(11); // event at 0 drops out, the window restarts at 6
  v.at(16).line("fail bob"); // 16 - 6 = 10: inside, third event
  assertEquals(v.take(), []);
  const w = new VirtualEngine(THRESHOLD.replace("thresh=2", "thresh=3"));
  w.at(0).line("fail bob");
  w.at(6).line("fail bob");
  w.at(12).line("fail bob");
  assertEquals(w.take(), []); // only two in the window (6, 12)
  w.at(16).line("fail bob"); // 6, 12, 16
  assertEquals(w.take(), ["three fails, first bob"]);
});

const TWO = `type=SingleWith2Thresholds
ptype=RegExp
pattern=^hog (\\S+)
desc=cpu $1
action=logonly overload $1
window=10
thresh=1
desc2=normal $1
action2=logonly %s
window2=5
thresh2=0`;

Deno.test("SingleWith2Thresholds: action2 after a quiet second window, which restarts on a violation", () => {
  const v = new VirtualEngine(TWO);
  v.at(0).line("hog r1");
  assertEquals(v.take(), ["overload r1"]);
  v.at(5);
  assertEquals(v.take(), []);
  v.at(6);
  assertEquals(v.take(), ["normal r1"]);
  const w = new VirtualEngine(TWO);
  w.at(0).line("hog r1");
  w.at(5).line("hog r1"); // violates thresh2=0: the second window restarts at 5
  w.at(6).at(10);
  assertEquals(w.take(), ["overload r1"]);
  w.at(11);
  assertEquals(w.take(), ["normal r1"]);
});

const PAIR = `type=Pair
ptype=RegExp
pattern=^down (\\S+)
desc=$1 down
action=logonly %s
ptype2=RegExp
pattern2=^up $1
desc2=%1 up again
action2=logonly %s
window=10`;

Deno.test("Pair: the second event pairs at the window end, not after", () => {
  for (const [t, want] of [[10, ["a down", "a up again"]], [11, ["a down"]]] as const) {
    const v = new VirtualEngine(PAIR);
    v.at(0).line("down a");
    v.at(t).line("up a");
    assertEquals(v.take(), [...want], `up at +${t}`);
  }
});

Deno.test("PairWithWindow: the timeout action runs after the window, not at its end", () => {
  const v = new VirtualEngine(PAIR.replace("type=Pair", "type=PairWithWindow"));
  v.at(0).line("down a");
  v.at(10);
  assertEquals(v.take(), []);
  v.at(11);
  assertEquals(v.take(), ["a down"]);
});

const GROUP = `type=EventGroup2
ptype=SubStr
pattern=EVENT_A
ptype2=SubStr
pattern2=EVENT_B
desc=A and B
action=logonly both
end=logonly end
window=10`;

Deno.test("EventGroup: both kinds within the window fire, one second later they do not", () => {
  for (const [t, want] of [[10, ["both"]], [11, ["end"]]] as const) {
    const v = new VirtualEngine(GROUP);
    v.at(0).line("EVENT_A");
    v.at(t).line("EVENT_B");
    assertEquals(v.take(), [...want], `B at +${t}`);
  }
});

Deno.test("Calendar: once in every matching minute, also when the context turns true mid-minute", () => {
  const rules = `type=Calendar
time=* * * * *
context=OPEN
desc=cal
action=logonly tick %s

type=Single
ptype=SubStr
pattern=open
desc=o
action=create OPEN`;
  const v = new VirtualEngine(rules, 1_700_000_040); // 40 s into a minute
  const minute = 60 - (v.start % 60); // seconds to the next minute
  v.at(0);
  assertEquals(v.take(), []);
  v.at(1).line("open");
  v.at(2);
  assertEquals(v.take(), ["tick cal"]);
  v.at(3).at(minute - 1);
  assertEquals(v.take(), []);
  v.at(minute);
  assertEquals(v.take(), ["tick cal"]);
});
