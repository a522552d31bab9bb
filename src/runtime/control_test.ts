/**
 * Control commands (control.ts): parsing control lines, the command queue.
 * The control FIFO, signals and process options are tested beside their
 * modules (control_fifo_test.ts, signals_test.ts, process_test.ts).
 */
import { ControlQueue, parseControlLine } from "./control.ts";
import { assert as ok, assertEquals } from "../../tests/helpers/assert.ts";

Deno.test("control lines parse into commands; bad ones give errors", () => {
  assertEquals(parseControlLine("restart"), { kind: "restart" });
  assertEquals(parseControlLine("  SoftRestart \r"), { kind: "softrestart" });
  assertEquals(parseControlLine("dump"), { kind: "dump" });
  assertEquals(parseControlLine("reopen"), { kind: "reopen" });
  assertEquals(parseControlLine("shutdown"), { kind: "shutdown" });
  assertEquals(parseControlLine("debug 3"), { kind: "debug", level: 3 });
  assertEquals(parseControlLine("status"), { kind: "status" });
  assertEquals(parseControlLine("status /tmp/x"), { kind: "status", reply: "/tmp/x" });
  for (const bad of ["debug", "debug 7", "debug x", "dump now", "frobnicate", "status a b"]) {
    ok("error" in parseControlLine(bad), bad);
  }
});

Deno.test("SIGINTs in a row are merged with a count", () => {
  const q = new ControlQueue();
  q.push({ kind: "debug" }, "SIGINT");
  q.push({ kind: "debug" }, "SIGINT");
  q.push({ kind: "dump" }, "SIGUSR1");
  q.push({ kind: "debug" }, "SIGINT");
  assertEquals(q.take().map((c) => c.command), [
    { kind: "debug", count: 2 },
    { kind: "dump" },
    { kind: "debug" },
  ]);
  assertEquals(q.pending, false);
});
