/**
 * An engine on a virtual clock for unit tests of time windows: rules from
 * text, `logonly` messages collected in memory, time moved by hand.
 *
 * @module
 */
import { ActionExecutor } from "../../src/engine/action_executor.ts";
import { VirtualClock } from "../../src/engine/clock.ts";
import { Engine } from "../../src/engine/engine.ts";
import { installOperations } from "../../src/engine/operations/mod.ts";
import { loadRuleText } from "../../src/lang/rule_compiler.ts";
import { MemoryLogger } from "../../src/runtime/logger.ts";
import { OutputManager } from "../../src/runtime/outputs.ts";

/** A test engine. */
export class VirtualEngine {
  readonly clock: VirtualClock;
  readonly logger = new MemoryLogger();
  readonly engine: Engine;

  /** Loads `rules` with the clock at `start` (whole seconds). */
  constructor(rules: string, start = 1_700_000_000) {
    this.clock = new VirtualClock(start);
    const { file, diagnostics } = loadRuleText("t.sec", rules);
    const bad = diagnostics.filter((d) => d.ruleSkipped);
    if (bad.length > 0) throw new Error(bad.map((d) => d.message).join("\n"));
    this.engine = new Engine({
      clock: this.clock,
      logger: this.logger,
      jointbuf: true,
      bufsize: 1,
      intcontexts: false,
      evstoresize: 0,
    });
    const executor = new ActionExecutor({
      outputs: new OutputManager("bytes", this.logger),
      options: {},
    });
    this.engine.actions = executor;
    installOperations(this.engine, executor);
    this.engine.setRules([file]);
  }

  /** Seconds since the start. */
  get elapsed(): number {
    return this.clock.now() - this.start;
  }

  readonly start = 1_700_000_000;

  /** Moves the clock to `t` seconds after the start and runs the timers. */
  at(t: number): this {
    this.clock.set(this.start + t);
    this.engine.tick();
    return this;
  }

  /** Feeds a line at the current time. */
  line(text: string): this {
    this.engine.processLine(text, "-");
    return this;
  }

  /** The logonly messages so far (level 4), and forgets them. */
  take(): string[] {
    const out = this.logger.entries.filter((e) => e.level === 4).map((e) => e.message);
    this.logger.entries.length = 0;
    return out;
  }
}
