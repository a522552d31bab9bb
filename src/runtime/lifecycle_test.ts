/**
 * Control commands carried out between lines (lifecycle.ts), on a real
 * engine with real rule files, outputs and inputs: a soft restart reloads
 * only changed rule files and keeps the state; a full restart starts a new
 * engine; status replies go only where they may; debug levels; a failing
 * command is logged and the correlator goes on.
 */
import { readFileSync } from "node:fs";
import { VirtualClock } from "../engine/clock.ts";
import { createEngine } from "../engine/factory.ts";
import type { Engine } from "../engine/engine.ts";
import { ProcessActionRuntime } from "./action_runtime.ts";
import { type LoadedRules, loadRuleFiles } from "./app.ts";
import { defaultOptions, type SecOptions } from "./cli.ts";
import type { QueuedCommand } from "./control.ts";
import { InputManager } from "./inputs.ts";
import { Lifecycle } from "./lifecycle.ts";
import { LogLevel, MemoryLogger } from "./logger.ts";
import { OutputManager } from "./outputs.ts";
import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { inputOptions } from "../../tests/helpers/inputs.ts";

/** A rule that counts `word` lines (SingleWithThreshold, 3 in 60 s) and writes to `out`. */
const counter = (word: string, out: string, note: string) => `
type=SingleWithThreshold
ptype=RegExp
pattern=^${word}
desc=${word}
action=write ${out} ${word} ${note}
thresh=3
window=60
`;

/** The parts the program wires (app.ts), on temporary rule files. */
async function setup(extra: Partial<SecOptions> = {}) {
  const dir = Deno.makeTempDirSync({ prefix: "sec-ts-life-" });
  const out = `${dir}/out`;
  const a = `${dir}/a.sec`;
  const b = `${dir}/b.sec`;
  Deno.writeTextFileSync(
    a,
    counter("alpha", out, "from-a") +
      `\ntype=Single\nptype=RegExp\npattern=^make (\\S+)\ndesc=make\naction=create $1\n`,
  );
  Deno.writeTextFileSync(b, counter("beta", out, "from-b"));
  const opts: SecOptions = {
    ...defaultOptions(),
    conf: [a, b],
    allowWrite: true,
    ...extra,
  };
  const logger: MemoryLogger & { maxLevel?: number } = new MemoryLogger();
  logger.maxLevel = 5;
  const outputs = new OutputManager("bytes", logger);
  const runtime = new ProcessActionRuntime(opts, logger, outputs, "bytes");
  const clock = new VirtualClock(1_700_000_000);
  const loadFiles = (names: string[]): LoadedRules =>
    loadRuleFiles(names, runtime.loadOptions(), logger, "bytes");
  const buildEngine = (rules: LoadedRules): Engine => {
    const e = createEngine({
      options: { clock, logger, jointbuf: true, bufsize: 1, intcontexts: false, evstoresize: 0 },
      outputs,
      runtime,
    });
    e.setRules(rules.files);
    return e;
  };
  const inputs = new InputManager([], inputOptions({ logger }));
  await inputs.start();
  const life = new Lifecycle({
    opts,
    args: [],
    logger,
    inputs,
    outputs,
    engine: buildEngine(loadFiles(opts.conf)),
    loadFiles,
    buildEngine,
    mayWrite: () => false,
  });
  const feed = (line: string) => {
    life.engine.processLine(line, "-");
    outputs.flush();
  };
  const lines = () => {
    try {
      return readFileSync(out, "latin1").split("\n").filter((l) => l !== "");
    } catch {
      return [];
    }
  };
  const run = (command: QueuedCommand["command"], via = "SIGHUP") => life.run({ command, via });
  const close = async () => {
    runtime.shutdown();
    outputs.closeAll();
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  };
  /** Rewrites a rule file with a modification time one minute later (a change). */
  const change = (file: string, text: string) => {
    Deno.writeTextFileSync(file, text);
    const later = new Date(Date.now() + 60_000);
    Deno.utimeSync(file, later, later);
  };
  return { dir, out, a, b, opts, logger, life, feed, lines, run, close, change };
}

Deno.test("soft restart: only changed rule files load again; contexts and other operations stay", async () => {
  const t = await setup();
  try {
    const engine = t.life.engine;
    t.feed("make KEEP");
    for (const w of ["alpha", "alpha", "beta", "beta"]) t.feed(w);
    t.change(t.b, counter("beta", t.out, "from-new-b"));
    assertEquals(await t.run({ kind: "softrestart" }, "SIGABRT"), false);
    assert(t.life.engine === engine, "the same engine");
    assert(engine.contexts.has("KEEP"), "contexts stay");
    assert(
      t.logger.text().includes(
        `Terminating all event correlation operations started from ${t.b}, number of operations: 1`,
      ),
      t.logger.text(),
    );
    assert(!t.logger.text().includes(`Rules from ${t.a} replaced`), "a.sec did not change");
    // a's operation kept its two events; b's was ended and counts anew with the new rule
    t.feed("alpha");
    t.feed("beta");
    assertEquals(t.lines(), ["alpha from-a"]);
    t.feed("beta");
    t.feed("beta");
    assertEquals(t.lines(), ["alpha from-a", "beta from-new-b"]);
  } finally {
    await t.close();
  }
});

Deno.test("full restart: a new engine with the rule files read again, the old state gone", async () => {
  const t = await setup();
  try {
    const old = t.life.engine;
    t.feed("make GONE");
    t.feed("alpha");
    t.feed("alpha");
    t.change(t.a, counter("alpha", t.out, "from-new-a"));
    assertEquals(await t.run({ kind: "restart" }), false);
    assert(t.life.engine !== old, "a new engine");
    assertEquals(t.life.engine.contexts.has("GONE"), false);
    t.feed("alpha"); // the old count is gone: 1 of 3
    assertEquals(t.lines(), []);
    t.feed("alpha");
    t.feed("alpha");
    assertEquals(t.lines(), ["alpha from-new-a"]);
    assert(t.logger.text().includes("SIGHUP received: full restart of SEC"), t.logger.text());
  } finally {
    await t.close();
  }
});

Deno.test("status: a JSON line beside the control FIFO, written atomically; refused elsewhere", async () => {
  const t = await setup();
  const other = Deno.makeTempDirSync({ prefix: "sec-ts-life-other-" });
  try {
    t.opts.ctlfifo = `${t.dir}/ctl`;
    t.feed("make X");
    await t.run({ kind: "status", reply: `${t.dir}/status.json` }, "control FIFO");
    const reply = JSON.parse(Deno.readTextFileSync(`${t.dir}/status.json`));
    assertEquals(typeof reply, "object");
    assertEquals(Deno.statSync(`${t.dir}/status.json`).mode! & 0o777, 0o600);
    assert(!Deno.readDirSync(t.dir).some((e) => e.name.endsWith(".tmp")), "no temporary file left");
    await t.run({ kind: "status", reply: `${other}/status.json` }, "control FIFO");
    assertEquals([...Deno.readDirSync(other)], []);
    assert(t.logger.text().includes(`Can't write status to ${other}/status.json`), t.logger.text());
  } finally {
    Deno.removeSync(other, { recursive: true });
    await t.close();
  }
});

Deno.test("debug: each SIGINT raises the level, 6 wraps to 1; `debug N` sets N", async () => {
  const t = await setup();
  try {
    await t.run({ kind: "debug", count: 2 }, "SIGINT");
    assertEquals(t.logger.maxLevel, 1); // 5 -> 6 -> 1
    await t.run({ kind: "debug", level: 4 }, "control FIFO");
    assertEquals(t.logger.maxLevel, 4);
    assert(t.logger.text().includes("setting debuglevel from 1 to 4"), t.logger.text());
  } finally {
    await t.close();
  }
});

Deno.test("shutdown ends the loop; a failing dump is logged and the correlator goes on", async () => {
  const t = await setup({ dump: "/nonexistent-dir/sec.dump" });
  try {
    assertEquals(await t.run({ kind: "dump" }, "SIGUSR1"), false);
    assert(
      t.logger.entries.some((e) => e.level <= LogLevel.error && e.message.includes("sec.dump")),
      t.logger.text(),
    );
    t.feed("alpha");
    t.feed("alpha");
    t.feed("alpha");
    assertEquals(t.lines(), ["alpha from-a"]);
    assertEquals(await t.run({ kind: "shutdown" }, "SIGTERM"), true);
  } finally {
    await t.close();
  }
});
