/**
 * SingleWithScript with real child processes: the names of all contexts
 * on the script's standard input, action on exit code 0 and action2
 * otherwise (run from the main loop between events, after matching went
 * on), shell=no keeping each match variable one argument.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import * as fs from "node:fs";
import { OpHarness } from "../../../tests/helpers/op_harness.ts";

/** Waits until the children have exited and delivers their exits to the engine. */
async function settle(h: OpHarness): Promise<void> {
  const until = performance.now() + 10_000;
  while (h.runtime.children.running > 0 || h.runtime.children.pending) {
    if (performance.now() > until) throw new Error("children did not exit");
    await new Promise((r) => setTimeout(r, 10));
    h.runtime.deliver(h.engine);
  }
}

Deno.test("SingleWithScript: exit 0 runs action, other codes action2; contexts on stdin", async () => {
  const h = new OpHarness(`
type=Single
ptype=RegExp
pattern=^ctx (\\S+)
desc=ctx
action=create $1

type=SingleWithScript
ptype=RegExp
pattern=^check (\\d+) (\\S+)
script=cat > @OUT.$2; exit $1
desc=check $2
action=write @OUT ok %s
action2=write @OUT fail %s

type=Single
ptype=RegExp
pattern=^next
desc=next
action=write @OUT next
`);
  try {
    h.feed(0, "ctx CTX_B");
    h.feed(0, "ctx CTX_A");
    h.feed(0, "check 0 zero");
    h.feed(0, "check 3 three");
    h.feed(0, "next"); // matching goes on while the scripts run
    assertEquals(h.take(), ["next"]);
    await settle(h);
    assertEquals(h.take().sort(), ["fail check three", "ok check zero"]);
    const names = fs.readFileSync(`${h.out}.zero`, "latin1").split("\n").filter((l) => l !== "");
    assertEquals(names.sort(), ["CTX_A", "CTX_B"]);
  } finally {
    h.close();
  }
});

Deno.test("SingleWithScript: shell=no passes each match variable as one argument", async () => {
  const h = new OpHarness(`
type=SingleWithScript
ptype=RegExp
pattern=^cmp (.+)\\|(.+)$
script=test $1 = $2
shell=no
desc=cmp $1|$2
action=write @OUT same %s
action2=write @OUT differ %s
`);
  try {
    h.feed(0, "cmp a b|a b");
    await settle(h);
    h.feed(0, "cmp a b|a c");
    await settle(h);
    assertEquals(h.take(), ["same cmp a b|a b", "differ cmp a b|a c"]);
  } finally {
    h.close();
  }
});
