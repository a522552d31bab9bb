/**
 * reset, getwpos and setwpos on the virtual clock: rule offsets (0, +N,
 * -N), absolute rule numbers, reset without an offset (every rule of the
 * file, no other file), getwpos leaving the variable alone for a missing
 * operation, setwpos moving the window end, dropping earlier occurrences,
 * refusing times outside [window start, now], and not running slide.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { OpHarness, T0 } from "../../../tests/helpers/op_harness.ts";

const t = (s: number) => String(T0 + s);

function suppress(desc: string, window = 60): string {
  return `
type=SingleWithSuppress
continue=TakeNext
ptype=RegExp
pattern=^alarm (\\S+)
desc=${desc} $1
action=write @OUT %s
window=${window}
`;
}

const CLEAR = `
type=Single
ptype=RegExp
pattern=^clear (\\S+)
desc=clear
action=reset -1 X $1
`;

const CLEAR_ALL = `
type=Single
ptype=RegExp
pattern=^clearall (\\S+)
desc=clearall
action=reset X $1
`;

Deno.test("reset: offsets 0, -N, +N and absolute rule numbers", () => {
  // rules: 1 = options-free suppress, 2 = reset rule, 3 = suppress
  const rules = `
type=Options
joincfset=x

${suppress("X")}

type=Single
continue=TakeNext
ptype=RegExp
pattern=^reset (\\S+) (\\S+)
desc=r
action=reset $1 X $2

${suppress("X")}
`;
  // the offset is literal in the rule: build one rule per offset form
  for (
    const [offset, cleared] of [["-1", [0]], ["+1", [2]], ["1", [0]], ["3", [2]], ["0", []]] as [
      string,
      number[],
    ][]
  ) {
    const h = new OpHarness(rules.replace("reset $1 X $2", `reset ${offset} X $2`));
    try {
      h.feed(0, "alarm a");
      assertEquals(h.take(), ["X a", "X a"]);
      h.feed(1, "reset _ a");
      const left = h.store.all().map((o) => o.rule.index);
      assertEquals(left, [0, 2].filter((i) => !cleared.includes(i)), `offset ${offset}`);
      h.feed(2, "alarm a");
      assertEquals(h.take(), cleared.map(() => "X a"), `offset ${offset}`);
    } finally {
      h.close();
    }
  }
});

Deno.test("reset: without an offset, every rule of the same file, and no other file", () => {
  const h = new OpHarness({
    "a.sec": suppress("X") + "\n" + suppress("X") + "\n" + CLEAR_ALL,
    "b.sec": suppress("X"),
  });
  try {
    h.feed(0, "alarm a");
    assertEquals(h.store.size, 3);
    h.feed(1, "clearall a");
    assertEquals(h.store.all().map((o) => o.rule.file), ["b.sec"]);
    h.take();
    h.feed(2, "alarm a");
    assertEquals(h.take(), ["X a", "X a"]);
  } finally {
    h.close();
  }
});

Deno.test("reset: a missing operation is no error; the same ID starts afresh", () => {
  const h = new OpHarness(suppress("X") + "\n" + CLEAR);
  try {
    h.feed(0, "clear a");
    h.feed(0, "alarm a");
    h.feed(1, "clear a");
    h.feed(1, "alarm a");
    assertEquals(h.take(), ["X a", "X a"]);
  } finally {
    h.close();
  }
});

Deno.test("reset 0 in an EventGroup slide list ends the operation without end", () => {
  const rules = `
type=EventGroup
ptype=SubStr
pattern=E
thresh=3
desc=g
action=write @OUT fired
slide=write @OUT slide; reset 0
end=write @OUT end
window=3
`;
  const h = new OpHarness(rules);
  try {
    h.feed(0, "E");
    h.feed(2, "E");
    h.at(4);
    assertEquals(h.take(), ["slide"]);
    assertEquals(h.store.size, 0);
    h.at(10);
    assertEquals(h.take(), []);
  } finally {
    h.close();
  }
});

const WPOS = `
${suppress("X", 3)}

type=Single
ptype=RegExp
pattern=^get (\\S+)
desc=get
action=assign %p unset; getwpos %p -1 X $1; write @OUT pos %p

type=Single
ptype=RegExp
pattern=^set (\\S+) (\\S+)
desc=set
action=setwpos $2 -2 X $1; getwpos %p -2 X $1; write @OUT pos %p
`;

Deno.test("getwpos: the window start; the variable is unchanged without the operation", () => {
  const h = new OpHarness(WPOS);
  try {
    h.feed(0.5, "alarm a");
    h.feed(2, "get a");
    h.feed(2, "get b");
    h.at(4);
    h.feed(4, "get a");
    assertEquals(h.take(), ["X a", `pos ${t(0)}`, "pos unset", "pos unset"]);
  } finally {
    h.close();
  }
});

Deno.test("setwpos: moves the window end; the time must lie between the start and now", () => {
  // (SEC 2.9.4: window 3 from 0, setwpos to 2 at 2 -> an event at 5 is
  // suppressed, one at 6 acts.)
  const h = new OpHarness(WPOS);
  try {
    h.feed(0, "alarm a");
    h.feed(2, `set a ${T0 - 1}`); // before the start: refused
    h.feed(2, `set a ${T0 + 3}`); // after now: refused
    h.feed(2, `set a 1.5`); // not whole seconds: refused
    h.feed(2, `set a ${T0 + 2}`); // now: allowed (both ends included)
    assertEquals(h.take(), ["X a", `pos ${t(0)}`, `pos ${t(0)}`, `pos ${t(0)}`, `pos ${t(2)}`]);
    h.at(4);
    h.at(5);
    h.feed(5, "alarm a");
    assertEquals(h.take(), []);
    h.at(6);
    assertEquals(h.store.size, 0);
    h.feed(6, "alarm a");
    assertEquals(h.take(), ["X a"]);
  } finally {
    h.close();
  }
});

Deno.test("setwpos: a SingleWithThreshold operation forgets events before the new start", () => {
  const rules = `
type=SingleWithThreshold
ptype=SubStr
pattern=ERR
desc=errors
action=write @OUT three %u
thresh=3
window=60

type=Single
ptype=RegExp
pattern=^move (\\d+)
desc=move
action=setwpos $1 -1 errors
`;
  const h = new OpHarness(rules);
  try {
    h.feed(0, "ERR");
    h.feed(2, "ERR");
    h.feed(3, `move ${T0 + 2}`); // the event at 0 leaves, the one at 2 stays
    h.feed(4, "ERR");
    assertEquals(h.take(), []);
    h.feed(5, "ERR");
    assertEquals(h.take(), [`three ${t(5)}`]);
    h.at(62);
    assertEquals(h.store.size, 1);
    h.at(63); // the window 2..62 is over
    assertEquals(h.store.size, 0);
  } finally {
    h.close();
  }
});

Deno.test("setwpos: moving an EventGroup window does not run slide", () => {
  const rules = `
type=EventGroup
ptype=SubStr
pattern=E
thresh=5
desc=g
action=none
slide=write @OUT slide
end=write @OUT end
window=3

type=Single
ptype=RegExp
pattern=^move (\\d+)
desc=move
action=setwpos $1 -1 g
`;
  const h = new OpHarness(rules);
  try {
    h.feed(0, "E");
    h.feed(1, "E");
    h.feed(2, "E");
    h.feed(2, `move ${T0 + 2}`);
    assertEquals(h.take(), []);
    assertEquals(h.store.all()[0].start, T0 + 2);
    h.at(5);
    assertEquals(h.take(), []);
    h.at(6); // nothing older than 3 s remains: end
    assertEquals(h.take(), ["end"]);
  } finally {
    h.close();
  }
});
