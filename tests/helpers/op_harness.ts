/**
 * A correlation engine on a virtual clock for operation tests: the rules
 * are loaded as the runtime loads them, actions run through the real
 * executor and action runtime, and `write @OUT ...` in the rules writes to
 * a real file in a temporary directory, read back with `lines()`.
 *
 * Time is given in seconds relative to `t0` (a whole second). `at(s)`
 * moves the clock and runs the timer check as the main loop does once a
 * second; `feed(s, line)` moves the clock and processes a line without a
 * timer check first (an event arriving in the same second before the
 * timer ran); `tickFeed(s, line)` runs the timer check first.
 *
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadRuleText } from "../../src/lang/rule_compiler.ts";
import { VirtualClock } from "../../src/engine/clock.ts";
import { Engine } from "../../src/engine/engine.ts";
import { createEngine } from "../../src/engine/factory.ts";
import { type OperationStore, operationStore } from "../../src/engine/operations/store.ts";
import { defaultOptions } from "../../src/runtime/cli.ts";
import { MemoryLogger } from "../../src/runtime/logger.ts";
import { OutputManager } from "../../src/runtime/outputs.ts";
import { ProcessActionRuntime } from "../../src/runtime/action_runtime.ts";

/** Start of virtual time in the tests (a whole second). */
export const T0 = 1_700_000_000;

/** An engine with rule files, a virtual clock and a real output file. */
export class OpHarness {
  /** The virtual clock. */
  readonly clock = new VirtualClock(T0);
  /** Log messages. */
  readonly logger = new MemoryLogger();
  /** Temporary working directory (removed by close). */
  readonly dir: string;
  /** The file `@OUT` stands for. */
  readonly out: string;
  /** The engine under test. */
  readonly engine: Engine;
  /** Outputs of the actions. */
  readonly outputs: OutputManager;
  /** Children, sockets and permissions. */
  readonly runtime: ProcessActionRuntime;

  /**
   * Loads `files` (name → rule text; `@OUT` is replaced by the output
   * file's path). Throws when a rule does not load.
   */
  constructor(files: Record<string, string> | string) {
    const texts = typeof files === "string" ? { "rules.sec": files } : files;
    this.dir = fs.mkdtempSync("/tmp/sec-ts-op-");
    this.out = path.join(this.dir, "out");
    const opts = { ...defaultOptions(), allowRun: true as const, allowWrite: true as const };
    this.outputs = new OutputManager("bytes", this.logger);
    this.runtime = new ProcessActionRuntime(opts, this.logger, this.outputs, "bytes");
    this.engine = createEngine({
      options: {
        clock: this.clock,
        logger: this.logger,
        jointbuf: true,
        bufsize: 1,
        intcontexts: false,
        evstoresize: 0,
      },
      outputs: this.outputs,
      runtime: this.runtime,
    });
    const loaded = Object.entries(texts).map(([name, text]) => {
      const r = loadRuleText(name, text.replaceAll("@OUT", this.out), this.runtime.loadOptions());
      const bad = r.diagnostics.filter((d) => d.ruleSkipped);
      if (bad.length > 0) throw new Error(bad.map((d) => `${d.line}: ${d.message}`).join("; "));
      return r.file;
    });
    this.engine.setRules(loaded);
  }

  /** The operation store. */
  get store(): OperationStore {
    return operationStore(this.engine);
  }

  /** Moves the clock to `t0 + s` (fractions allowed) and runs the timer check. */
  at(s: number): void {
    this.clock.set(T0 + s);
    this.engine.tick();
  }

  /** Moves the clock to `t0 + s` and processes `line` (no timer check first). */
  feed(s: number, line: string): void {
    this.clock.set(T0 + s);
    this.engine.processLine(line, "-");
  }

  /** Runs the timer check at `t0 + s`, then processes `line`. */
  tickFeed(s: number, line: string): void {
    this.at(s);
    this.engine.processLine(line, "-");
  }

  /** Lines written to `@OUT` so far. */
  lines(): string[] {
    this.outputs.flush();
    if (!fs.existsSync(this.out)) return [];
    const text = fs.readFileSync(this.out, "latin1");
    return text === "" ? [] : text.replace(/\n$/, "").split("\n");
  }

  /** Lines written since the last call of `take` (or since the start). */
  take(): string[] {
    const all = this.lines();
    const fresh = all.slice(this.#taken);
    this.#taken = all.length;
    return fresh;
  }
  #taken = 0;

  /** Closes outputs and children and removes the directory. */
  close(): void {
    this.runtime.shutdown();
    this.outputs.closeAll();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
