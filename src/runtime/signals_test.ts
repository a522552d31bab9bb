/**
 * Signals (signals.ts): real signals sent to this process become queued
 * control commands.
 */
import { ControlQueue, type QueuedCommand } from "./control.ts";
import { installSignalHandlers } from "./signals.ts";
import { assertEquals } from "../../tests/helpers/assert.ts";

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const stop = performance.now() + ms;
  while (!cond() && performance.now() < stop) await new Promise((r) => setTimeout(r, 10));
}

// SIGINT is not sent here: the test runner takes it (tested with a real sec-ts process)
Deno.test("real signals become commands", async () => {
  const q = new ControlQueue();
  const remove = installSignalHandlers(q, { sigint: false });
  try {
    for (const s of ["SIGHUP", "SIGABRT", "SIGUSR2", "SIGTERM"] as const) {
      Deno.kill(Deno.pid, s);
      await new Promise((r) => setTimeout(r, 30));
    }
    const got: QueuedCommand[] = [];
    await until(() => {
      got.push(...q.take());
      return got.length >= 4;
    });
    assertEquals(got.map((c) => [c.via, c.command]), [
      ["SIGHUP", { kind: "restart" }],
      ["SIGABRT", { kind: "softrestart" }],
      ["SIGUSR2", { kind: "reopen" }],
      ["SIGTERM", { kind: "shutdown" }],
    ]);
  } finally {
    remove();
  }
});
