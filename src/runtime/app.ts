/**
 * The correlator process: loads the rule files named on the command line,
 * wires the engine to its inputs, outputs and action executor, and runs
 * the main loop (INPUT PROCESSING AND TIMING): read a line, match it,
 * consume synthetic events, and check timers once a second.
 *
 * @module
 */
import { decodeBytes, type TextMode } from "../lang/bytes.ts";
import type { RuleFile } from "../lang/rules.ts";
import { type LoadOptions, loadRuleText } from "../lang/rule_compiler.ts";
import { createEngine } from "../engine/factory.ts";
import { CachedClock, type Clock, SystemClock, VirtualClock } from "../engine/clock.ts";
import { Engine } from "../engine/engine.ts";
import type { SecOptions } from "./cli.ts";
import { expandGlob } from "./glob.ts";
import { InputManager } from "./inputs.ts";
import { expandInputs, globLiteral, inputOptions } from "./input_setup.ts";
import { ControlQueue } from "./control.ts";
import { ControlFifo } from "./control_fifo.ts";
import { Lifecycle } from "./lifecycle.ts";
import { installSignalHandlers } from "./signals.ts";
import type { Logger } from "./logger.ts";
import { OutputManager } from "./outputs.ts";
import { ProcessActionRuntime } from "./action_runtime.ts";
import * as fs from "node:fs";
import { eventTimeOf } from "./event_time.ts";
import { testClockOf } from "./test_clock.ts";
import { openProcSelf } from "./proc_self.ts";

/** Result of loading all rule files. */
export interface LoadedRules {
  /** Compiled files in command line order. */
  files: RuleFile[];
  /** Number of rules that failed to load. */
  errors: number;
}

/** Expands the --conf globs and loads every file (once: by name, at its first place), logging each problem. */
export function loadRuleFiles(
  patterns: string[],
  options: LoadOptions,
  logger: Logger,
  mode: TextMode,
): LoadedRules {
  const files: RuleFile[] = [];
  let errors = 0;
  const seen = new Set<string>(); // a file named twice is loaded once, at its first place (as SEC)
  for (const pattern of patterns) {
    for (const name of expandGlob(pattern)) {
      if (seen.has(name)) continue;
      seen.add(name);
      logger.log(4, `Reading configuration from ${name}`);
      let text: string;
      try {
        text = decodeBytes(fs.readFileSync(name), mode);
      } catch (e) {
        logger.log(2, `Can't open configuration file ${name} (${(e as Error).message})`);
        errors++;
        continue;
      }
      const loaded = loadRuleText(name, text, options);
      for (const d of loaded.diagnostics) {
        logger.log(d.ruleSkipped ? 2 : 3, `${d.file}:${d.line}: ${d.message}`);
        if (!d.warning) errors++; // a malformed line too: SEC's --testonly fails on it
      }
      logger.log(6, `${loaded.file.rules.length} rules loaded from ${name}`);
      files.push(loaded.file);
    }
  }
  return { files, errors };
}

/** The most lines any pattern of `files` spans (1 when none spans more). */
export function patternLines(files: readonly RuleFile[]): number {
  let lines = 1;
  for (const f of files) {
    for (const r of f.rules) {
      for (const p of [r.main, r.second, ...(r.groups ?? [])]) {
        if (p !== undefined && p.pattern.lines > lines) lines = p.pattern.lines;
      }
    }
  }
  return lines;
}

/**
 * Runs the correlator until input ends (--notail) or it is told to stop.
 * Returns the exit code. `args` is the argument list in effect (for
 * dumps); with `commandLine`, the command line's own arguments, each
 * restart reads the resource file ($SECRC) again (options_reload.ts).
 */
export async function runCorrelator(
  opts: SecOptions,
  logger: Logger,
  clock: Clock = new SystemClock(),
  args: string[] = [],
  commandLine?: readonly string[],
): Promise<number> {
  const mode: TextMode = opts.utf8 ? "utf8" : "bytes";
  const outputs = new OutputManager(mode, logger);
  // children, sockets, permissions, rule code (action_runtime.ts)
  const actionRuntime = new ProcessActionRuntime(opts, logger, outputs, mode);
  const loadOptions: LoadOptions = {
    utf8: opts.utf8,
    bufsize: opts.bufsize > 0 ? opts.bufsize : undefined,
    ...actionRuntime.loadOptions(),
  };
  const rules = loadRuleFiles(opts.conf, loadOptions, logger, mode);
  if (opts.testonly) return rules.errors > 0 ? 1 : 0;

  const intcontexts = opts.intcontexts || opts.input.some((i) => i.context !== undefined);
  // the engine's clock is read once per few lines (see CachedClock); refreshed below
  const eventClock = opts.eventTime !== undefined || opts.testClock
    ? new VirtualClock(0)
    : undefined;
  const engineClock = new CachedClock(eventClock ?? clock);
  /** Input buffer size and kind for rules `files`: --bufsize, else their longest pattern. */
  const bufferSettings = (files: readonly RuleFile[]) => {
    let bufsize = opts.bufsize;
    if (bufsize <= 0) {
      bufsize = patternLines(files);
      logger.log(
        6,
        `No --bufsize command line option or --bufsize=0, setting --bufsize to ${bufsize}`,
      );
    }
    return { bufsize, jointbuf: opts.jointbuf ?? bufsize === 1 };
  };
  /** A fresh engine for loaded rules (startup, full restart). */
  const buildEngine = (loaded: LoadedRules): Engine => {
    const { bufsize, jointbuf } = bufferSettings(loaded.files);
    const e = createEngine({
      options: {
        clock: engineClock,
        logger,
        jointbuf,
        bufsize,
        intcontexts,
        evstoresize: opts.evstoresize,
      },
      outputs,
      runtime: actionRuntime,
      patternOptions: loadOptions,
    });
    e.setRules(loaded.files);
    return e;
  };
  let engine = buildEngine(rules);

  // signals and the control FIFO queue commands, run between lines (lifecycle.ts);
  // the handlers go in before any input opens, so an early TERM still shuts down cleanly
  const control = new ControlQueue();
  const removeSignals = installSignalHandlers(control);
  const inputs = new InputManager(
    expandInputs(opts),
    inputOptions(opts, mode, intcontexts, logger),
  );
  await inputs.start();
  control.onCommand = () => inputs.wake();
  actionRuntime.useControl((c, via) => control.push(c, via));
  actionRuntime.children.onReady = () => inputs.wake();
  actionRuntime.useInputs(inputs);
  const lifecycle = new Lifecycle({
    opts,
    args,
    commandLine,
    logger,
    inputs,
    outputs,
    engine,
    loadFiles: (names) => loadRuleFiles(names.map(globLiteral), loadOptions, logger, mode),
    buildEngine,
    bufferSettings,
    now: eventClock === undefined ? undefined : () => Math.floor(eventClock.now()),
    mayWrite: (file) => actionRuntime.permissions.mayWrite(file),
  });
  let ctlfifo: ControlFifo | undefined;
  if (opts.ctlfifo !== undefined) {
    try {
      ctlfifo = await ControlFifo.open(opts.ctlfifo, control, logger);
    } catch (e) {
      logger.log(1, `Can't open control FIFO ${opts.ctlfifo} (${(e as Error).message})`);
      removeSignals();
      await inputs.close();
      return 1;
    }
  }

  // from here on, Deno permissions not granted on the command line are gone
  openProcSelf(); // for dumps: /proc/self cannot be opened once permissions are revoked
  actionRuntime.lockDown();
  let lastTick = 0;
  const startUp = (e: Engine) => {
    engineClock.refresh();
    if (opts.intevents) e.processInternalEvent("SEC_STARTUP");
    // timers are checked once before any input, as SEC does (Calendar rules fire at start-up)
    e.tick();
    lastTick = e.now();
  };
  // --event-time / --test-clock: the clock follows the input (event_time.ts, test_clock.ts)
  const timed = eventTimeOf(opts, eventClock, engineClock, logger, startUp);
  const testClock = testClockOf(opts, timed);
  if (timed === undefined) startUp(engine);
  else if (testClock !== undefined && opts.eventTime === undefined) timed.start(engine);
  const cleantime = Math.max(0, opts.cleantime);
  const tickIfDue = () => {
    const now = engine.now();
    if (timed === undefined && now - lastTick >= cleantime) {
      lastTick = now;
      engine.tick();
    }
  };
  let lastYield = performance.now();
  for (;;) {
    let n = 0;
    let line;
    engineClock.refresh();
    actionRuntime.deliver(engine);
    // a command queued before a line arrived is carried out before that line
    while (!control.pending && (line = inputs.nextLine()) !== null) {
      if (timed !== undefined) {
        if (testClock !== undefined && (line = testClock.filter(line)) === null) break;
        if (!timed.beforeLine(engine, line)) continue;
      }
      engine.processLine(line.text, line.source, line.context);
      actionRuntime.deliver(engine); // child output and exits, as SEC checks children after each line
      if (control.pending) break;
      if ((++n & 7) === 0) engineClock.refresh();
      if ((n & 15) === 0) {
        tickIfDue();
        // let signals, the control FIFO and socket inputs in at least every 50 ms
        if ((n & 16383) === 0 || performance.now() - lastYield >= 50) {
          outputs.flush();
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      }
    }
    if (testClock?.sleeping) {
      await testClock.sleep(engine, inputs, actionRuntime, outputs);
      continue;
    }
    if (control.pending) {
      timed?.start(engine);
      engineClock.refresh();
      const stop = await lifecycle.apply(control);
      engine = lifecycle.engine;
      if (stop) break;
      continue;
    }
    engineClock.refresh();
    tickIfDue();
    outputs.flush();
    const nowF = clock.now();
    const toNextSecond = Math.max(1, Math.ceil((Math.floor(nowF) + 1 - nowF) * 1000));
    const wait = Math.min(Math.max(1, opts.pollTimeout * 1000), toNextSecond);
    const more = await inputs.waitForData(wait);
    if (!more) break;
  }
  timed?.start(engine);
  removeSignals();
  ctlfifo?.close();
  engineClock.refresh();
  if (opts.intevents) engine.processInternalEvent("SEC_SHUTDOWN", false);
  actionRuntime.shutdown();
  await actionRuntime.feedsDone();
  outputs.flush();
  outputs.closeAll();
  await inputs.close();
  return 0;
}

let yields = 0;

/**
 * Lets callbacks run between lines while input keeps coming. A timer
 * yield costs ~2 ms (timers are clamped), so most yields use setImmediate
 * (timers and thread-pool operations run); every fourth one is a timer,
 * which also lets network I/O and signals in.
 */
function yieldToEventLoop(): Promise<void> {
  if ((++yields & 3) !== 0) return new Promise((r) => setImmediate(r));
  return new Promise((r) => setTimeout(r, 0));
}
