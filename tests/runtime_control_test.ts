/**
 * Control commands without the engine: command parsing, the control FIFO
 * (a real FIFO, mode 0600, written by real processes), real signals sent to
 * this process, process options.
 */
import { deepStrictEqual, ok } from "node:assert";
import { ControlQueue, parseControlLine, type QueuedCommand } from "../src/runtime/control.ts";
import { ControlFifo } from "../src/runtime/control_fifo.ts";
import { installSignalHandlers } from "../src/runtime/signals.ts";
import { MemoryLogger } from "../src/runtime/logger.ts";
import { checkUserGroup, selfCommand } from "../src/runtime/process.ts";
import { defaultOptions } from "../src/runtime/cli.ts";

const assertEquals = <T>(actual: T, expected: T, msg?: string): void =>
  deepStrictEqual(actual, expected, msg);

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const stop = performance.now() + ms;
  while (!cond() && performance.now() < stop) await new Promise((r) => setTimeout(r, 10));
}

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

Deno.test("--user/--group: accepted only when already in effect", () => {
  const o = defaultOptions();
  assertEquals(checkUserGroup(o), null);
  const me = Deno.uid();
  const name = Deno.readTextFileSync("/etc/passwd").split("\n").map((l) => l.split(":"))
    .find((f) => Number(f[2]) === me)?.[0];
  ok(name !== undefined);
  assertEquals(checkUserGroup({ ...o, user: name }), null);
  const other = me === 0 ? "nobody" : "root";
  ok(/User= and Group= in the systemd unit/.test(checkUserGroup({ ...o, user: other }) ?? ""));
  ok(/unknown user/.test(checkUserGroup({ ...o, user: "no-such-user-xyz" }) ?? ""));
});

Deno.test("the detached copy is started with the config file and the main module", () => {
  const [exe, args] = selfCommand(["--conf=x"]);
  assertEquals(exe, Deno.execPath());
  assertEquals(args[0], "run");
  ok(args.includes("--config") && args[args.indexOf("--config") + 1].endsWith("/deno.json"));
  assertEquals(args[args.length - 1], "--conf=x");
});
