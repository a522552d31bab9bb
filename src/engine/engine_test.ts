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

Deno.test("a line goes through the rule files in order: the first match ends a file unless continue=TakeNext", () => {
  const rule = (name: string, extra = "") =>
    `type=Single\nptype=RegExp\npattern=^x\ndesc=${name}\naction=write @OUT ${name} $+{_inputsrc}\n${extra}`;
  const h = new OpHarness({
    "a.sec": [rule("a1", "continue=TakeNext\n"), rule("a2"), rule("a3")].join("\n"),
    "b.sec": rule("b1"),
  });
  try {
    h.engine.processLine("x", "/var/log/app.log");
    assertEquals(h.take(), ["a1 /var/log/app.log", "a2 /var/log/app.log", "b1 /var/log/app.log"]);
    h.engine.processLine("y", "-");
    assertEquals(h.take(), []);
  } finally {
    h.close();
  }
});

Deno.test("an event an action creates is processed after its line, before the next line", () => {
  const h = new OpHarness(`
type=Single
ptype=RegExp
pattern=^go (\\S+)
desc=go
action=event made $1; write @OUT go $1

type=Single
ptype=RegExp
pattern=^(made|next) (\\S+)
desc=$1
action=write @OUT $1 $2
`);
  try {
    h.feed(0, "go A");
    h.feed(0, "next B");
    assertEquals(h.take(), ["go A", "made A", "next B"]);
  } finally {
    h.close();
  }
});

Deno.test("a context lives its lifetime; at the timer check after it, its action list runs", () => {
  const h = new OpHarness(`
type=Single
ptype=RegExp
pattern=^start
desc=start
action=create C 10 (write @OUT expired)

type=Single
ptype=RegExp
pattern=^check
context=C
desc=check
action=write @OUT C exists
`);
  try {
    h.feed(0, "start");
    h.feed(5, "check");
    h.at(10); // created + lifetime: still alive
    h.feed(10, "check");
    assertEquals(h.take(), ["C exists", "C exists"]);
    h.at(11);
    assertEquals(h.take(), ["expired"]);
    h.feed(12, "check");
    assertEquals(h.take(), []);
    assertEquals(h.engine.contexts.has("C"), false);
  } finally {
    h.close();
  }
});
