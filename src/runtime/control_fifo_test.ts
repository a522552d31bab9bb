/**
 * The control FIFO (control_fifo.ts): a real FIFO, mode 0600, written by
 * real processes; an existing regular file is not replaced.
 */
import { ControlQueue, type QueuedCommand } from "./control.ts";
import { ControlFifo } from "./control_fifo.ts";
import { MemoryLogger } from "./logger.ts";
import { assert as ok, assertEquals } from "../../tests/helpers/assert.ts";

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const stop = performance.now() + ms;
  while (!cond() && performance.now() < stop) await new Promise((r) => setTimeout(r, 10));
}

Deno.test("control FIFO: mode 0600, commands from several writers, unknown ones logged", async () => {
  const dir = Deno.makeTempDirSync();
  const path = `${dir}/ctl`;
  const q = new ControlQueue();
  let wakes = 0;
  q.onCommand = () => wakes++;
  const logger = new MemoryLogger();
  const fifo = await ControlFifo.open(path, q, logger);
  try {
    const st = Deno.statSync(path);
    ok(st.isFifo);
    assertEquals(st.mode! & 0o777, 0o600);
    const got: QueuedCommand[] = [];
    const sh = (s: string) => new Deno.Command("sh", { args: ["-c", s] }).output();
    await sh(`printf 'dump\\nbogus command\\ndebug 2\\n' > ${path}`);
    await sh(`printf 'status ${dir}/reply\\nshut' > ${path}`);
    await sh(`printf 'down\\n' > ${path}`);
    await until(() => {
      got.push(...q.take());
      return got.length >= 4;
    });
    assertEquals(got.map((c) => c.command), [
      { kind: "dump" },
      { kind: "debug", level: 2 },
      { kind: "status", reply: `${dir}/reply` },
      { kind: "shutdown" },
    ]);
    ok(wakes >= 4);
    ok(logger.text().includes("unknown control command 'bogus command', ignored"), logger.text());
  } finally {
    fifo.close();
  }
  let exists = true;
  try {
    Deno.statSync(path);
  } catch {
    exists = false;
  }
  ok(!exists, "FIFO not removed");
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("control FIFO: an existing regular file is not replaced", async () => {
  const dir = Deno.makeTempDirSync();
  Deno.writeTextFileSync(`${dir}/ctl`, "x");
  let msg = "";
  try {
    await ControlFifo.open(`${dir}/ctl`, new ControlQueue(), new MemoryLogger());
  } catch (e) {
    msg = (e as Error).message;
  }
  assertEquals(msg, `${dir}/ctl exists and is not a FIFO`);
  Deno.removeSync(dir, { recursive: true });
});
