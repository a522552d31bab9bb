/**
 * The child process machinery on real processes: output lines become
 * events (in the named context), exit codes are logged and reported,
 * standard input is fed, a slow child does not block, terminateAll
 * ends children, Perl's shell-or-exec decision.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { type ChildExit, ChildManager } from "./children.ts";
import { MemoryLogger } from "./logger.ts";

class Sink {
  events: [string, string | undefined][] = [];
  queueEvent(text: string, context?: string): void {
    this.events.push([text, context]);
  }
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

Deno.test("spawn: output lines become events in order, partial last line too, exit code logged", async () => {
  const log = new MemoryLogger();
  const m = new ChildManager(log);
  let woke = 0;
  m.onReady = () => woke++;
  const exits: ChildExit[] = [];
  const pid = m.start({
    argv: ["/bin/sh", "-c", "printf 'a 1\\nb 2\\nlast'; exit 3"],
    display: "test",
    output: "events",
    context: "CTX",
    onExit: (e) => exits.push(e),
  });
  ok(pid !== undefined && pid > 0);
  await until(() => exits.length > 0 || m.pending && m.running === 0);
  await until(() => m.running === 0);
  const sink = new Sink();
  await until(() => {
    m.deliver(sink);
    return exits.length > 0;
  });
  assertEquals(sink.events, [["a 1", "CTX"], ["b 2", "CTX"], ["last", "CTX"]]);
  assertEquals(exits[0].code, 3);
  ok(woke > 0);
  ok(log.text().includes(`Child ${pid} terminated with non-zero exitcode 3 ( test )`), log.text());
});

Deno.test("stdin is fed and closed; run() resolves with the exit status", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const m = new ChildManager(new MemoryLogger());
    const exit = await m.run(["/bin/sh", "-c", `cat > ${dir}/out; exit 4`], {
      stdin: "line1\nline2\n",
    });
    assertEquals(exit.code, 4);
    assertEquals(Deno.readTextFileSync(`${dir}/out`), "line1\nline2\n");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("byte strings: output bytes are latin1 code units", async () => {
  const m = new ChildManager(new MemoryLogger(), "bytes");
  m.start({ argv: ["/bin/sh", "-c", "printf '\\303\\251\\n'"], display: "x", output: "events" });
  const sink = new Sink();
  await until(() => {
    m.deliver(sink);
    return sink.events.length > 0;
  });
  assertEquals(sink.events[0][0], "\xc3\xa9");
});

Deno.test("a slow child does not block; terminateAll sends SIGTERM", async () => {
  const log = new MemoryLogger();
  const m = new ChildManager(log);
  const exits: ChildExit[] = [];
  const t0 = performance.now();
  m.start({ argv: ["sleep", "30"], display: "sleep 30", onExit: (e) => exits.push(e) });
  ok(performance.now() - t0 < 1000, "start() waited for the child");
  assertEquals(m.running, 1);
  // as SEC's dump lists it: no status, the output is not read
  assertEquals(m.dumpEntries(), [{ key: String(m.pids[0]), pid: m.pids[0], cmdline: "sleep 30" }]);
  assertEquals(m.terminateAll(), 1);
  await until(() => m.running === 0);
  m.deliver(new Sink());
  assertEquals(exits[0].signal, "SIGTERM");
  assertEquals(exits[0].code, 128 + 15);
  ok(log.text().includes("terminated by signal SIGTERM"), log.text());
});

Deno.test("a program that does not exist: logged, exit 1", async () => {
  const log = new MemoryLogger();
  const m = new ChildManager(log);
  const exit = await m.run(["/nonexistent/prog"]);
  assertEquals(exit.code, 1);
  ok(log.text().includes("Can't start child process for command '/nonexistent/prog'"), log.text());
});
