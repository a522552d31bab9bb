/**
 * Carrying out control commands (signals, control FIFO) between two input
 * lines, as SEC 2.9.4 does (SIGNALS; INTERNAL EVENTS AND CONTEXTS):
 *
 * - restart (SIGHUP): SEC_PRE_RESTART, options read again (the resource
 *   file, options_reload.ts; the debug level back to --debug), child processes terminated
 *   (--childterm), outputs closed, log reopened, rule files loaded anew
 *   (--conf patterns expanded again), all state dropped (a new engine),
 *   inputs expanded again (open ones stay open), SEC_RESTART;
 * - softrestart (SIGABRT): SEC_PRE_SOFTRESTART, options read again, outputs closed, log
 *   reopened, only rule files that are new or whose modification time
 *   changed are loaded; operations of changed and removed files are
 *   terminated, everything else (contexts, variables, other operations,
 *   match counts) stays; inputs expanded again, kept open with --keepopen,
 *   reopened otherwise; SEC_SOFTRESTART;
 * - dump (SIGUSR1): the dump file (dump.ts);
 * - reopen (SIGUSR2): SEC_PRE_LOGROTATE, log reopened, outputs closed,
 *   SEC_LOGROTATE;
 * - debug (SIGINT: next level, 6 wraps to 1; `debug N`: level N);
 * - shutdown (SIGTERM): the main loop ends (and generates SEC_SHUTDOWN);
 * - status: the one-line JSON summary into a reply file or the log. The
 *   reply file may only be in the control FIFO's directory or in a
 *   directory --allow-write grants (real paths compared); it is written to
 *   `<file>.tmp`, created exclusively (O_EXCL, no symlink followed) with
 *   mode 0600, then renamed to `<file>`.
 *
 * Internal events are generated with --intevents only.
 *
 * @module
 */
import type { Engine } from "../engine/engine.ts";
import type { RuleFile } from "../lang/rules.ts";
import type { LoadedRules } from "./app.ts";
import type { SecOptions } from "./cli.ts";
import type { ControlCommand, ControlQueue, QueuedCommand } from "./control.ts";
import { collectDump, dumpFileName, statusSummary, writeDump } from "./dump.ts";
import { expandConf, expandInputs } from "./input_setup.ts";
import type { InputManager } from "./inputs.ts";
import { type Logger, LogLevel } from "./logger.ts";
import { collectGarbage, initGc } from "./gc.ts";
import { realTarget, within, writeFileAtomic } from "./safe_write.ts";
import { reinterpretOptions } from "./options_reload.ts";
import * as path from "node:path";

/** A logger whose level can change and whose files can be reopened (LogTapeLogger). */
export interface ControllableLogger extends Logger {
  /** Current --debug level. */
  maxLevel?: number;
  /** Reopens log files. */
  reopen?: () => Promise<void>;
}

/** What the lifecycle works on. */
export interface LifecycleDeps {
  /** Command line options. */
  opts: SecOptions;
  /** Command line as given, resource file arguments included (for dumps). */
  args: string[];
  /**
   * The command line's own arguments, without the resource file's: when
   * given, each restart reads the resource file again and takes the
   * options a running process can change (options_reload.ts).
   */
  commandLine?: readonly string[];
  /** The log. */
  logger: ControllableLogger;
  /** The inputs. */
  inputs: InputManager;
  /** Files written by actions. */
  outputs: { flush(): void; closeAll(): void };
  /** The engine now running. */
  engine: Engine;
  /** Loads exactly these rule files, logging problems. */
  loadFiles(names: string[]): LoadedRules;
  /** A new engine with these rules (full restart). */
  buildEngine(rules: LoadedRules): Engine;
  /** Input buffer size and kind the rules of these files need (soft restart). */
  bufferSettings?(files: readonly RuleFile[]): { bufsize: number; jointbuf: boolean };
  /** Process start time (seconds since the epoch); default now. */
  startTime?: number;
  /** The time dumps and status show (--event-time: event time); default the wall clock. */
  now?: () => number;
  /** May the file be written (--allow-write grants)? Default: no. */
  mayWrite?: (file: string) => boolean;
}

interface LoadedFile {
  file: RuleFile;
  mtime: number;
  loadTime: number;
}

/** Seconds since the epoch (wall clock: dump times, not engine logic). */
function wallNow(): number {
  return Math.floor(Date.now() / 1000);
}

function mtimeOf(name: string): number {
  try {
    return Deno.statSync(name).mtime?.getTime() ?? -1;
  } catch {
    return -1;
  }
}

/** Runs control commands; see the module doc. */
export class Lifecycle {
  /** The engine now running (replaced by a full restart). */
  engine: Engine;
  readonly #d: LifecycleDeps;
  #files = new Map<string, LoadedFile>();
  #loadTime: number;
  readonly #startTime: number;

  /** Takes over the running parts; the engine's rule files count as loaded now. */
  constructor(deps: LifecycleDeps) {
    initGc(); // before the correlator revokes its permissions
    this.#d = deps;
    this.engine = deps.engine;
    this.#startTime = deps.startTime ?? wallNow();
    this.#loadTime = wallNow();
    this.#remember(deps.engine.files);
  }

  /** Carries out the queued commands in order; true when the correlator is to shut down. */
  async apply(queue: ControlQueue): Promise<boolean> {
    let shutdown = false;
    for (const q of queue.take()) {
      if (await this.run(q)) shutdown = true;
    }
    return shutdown;
  }

  /** Carries out one command; true for shutdown. */
  async run(q: QueuedCommand): Promise<boolean> {
    const c = q.command;
    try {
      switch (c.kind) {
        case "restart":
          this.#notice(q, "full restart of SEC");
          await this.restart();
          return false;
        case "softrestart":
          this.#notice(q, "soft restart of SEC");
          await this.softRestart();
          return false;
        case "dump":
          this.#notice(q, "dumping performance and debug data");
          this.dump();
          return false;
        case "reopen":
          this.#notice(q, "closing outputs and restarting logging");
          await this.reopen();
          return false;
        case "debug":
          this.#debug(q, c);
          return false;
        case "shutdown":
          this.#notice(q, "shutting down SEC");
          return true;
        case "status":
          this.status(c.reply);
          return false;
      }
    } catch (e) {
      this.#d.logger.log(LogLevel.error, `${q.via} ${c.kind} failed: ${(e as Error).message}`);
    }
    return false;
  }

  /** Full restart (SIGHUP). */
  async restart(): Promise<void> {
    const d = this.#d;
    this.#internal("SEC_PRE_RESTART");
    this.#reinterpretOptions();
    if (d.opts.childterm) this.engine.ports.children?.terminateAll();
    d.outputs.flush();
    d.outputs.closeAll();
    this.engine.ports.sockets?.closeAll(); // socket actions reopen on demand
    await d.logger.reopen?.();
    const rules = d.loadFiles(expandConf(d.opts));
    const previous = this.engine;
    this.engine = d.buildEngine(rules);
    this.engine.adoptBuffers(previous); // the lines seen stay in the input buffers
    this.#files.clear();
    this.#loadTime = wallNow();
    this.#remember(this.engine.files);
    d.inputs.reconfigure(expandInputs(d.opts), true);
    this.#internal("SEC_RESTART");
    collectGarbage(); // the previous generation, at once (gc.ts)
  }

  /** Soft restart (SIGABRT): reloads only new and changed rule files. */
  async softRestart(): Promise<void> {
    const d = this.#d;
    this.#internal("SEC_PRE_SOFTRESTART");
    this.#reinterpretOptions();
    d.outputs.flush();
    d.outputs.closeAll();
    this.engine.ports.sockets?.closeAll(); // socket actions reopen on demand
    await d.logger.reopen?.();
    const names = expandConf(d.opts);
    const toLoad = names.filter((n) => {
      const prev = this.#files.get(n);
      return prev === undefined || prev.mtime !== mtimeOf(n);
    });
    const loaded = toLoad.length > 0 ? d.loadFiles(toLoad).files : [];
    const byName = new Map(loaded.map((f) => [f.name, f]));
    const now = wallNow();
    const next = new Map<string, LoadedFile>();
    const files: RuleFile[] = [];
    for (const n of names) {
      const fresh = byName.get(n);
      const prev = this.#files.get(n);
      if (fresh !== undefined) {
        next.set(n, { file: fresh, mtime: mtimeOf(n), loadTime: now });
        files.push(fresh);
      } else if (prev !== undefined && !toLoad.includes(n)) {
        next.set(n, prev);
        files.push(prev.file);
      }
    }
    const buffers = d.bufferSettings?.(files); // logged here, as SEC does
    for (const [n, prev] of this.#files) {
      if (next.get(n)?.file !== prev.file) {
        const ended = this.engine.operations?.terminateFile(n) ?? 0;
        d.logger.log(
          LogLevel.debug,
          `Terminating all event correlation operations started from ${n}, number of operations: ${ended}`,
        );
      }
    }
    this.#files = next;
    if (toLoad.length > 0) this.#loadTime = now;
    this.engine.setRules(files);
    if (buffers !== undefined) this.engine.resizeBuffers(buffers.bufsize, buffers.jointbuf);
    d.inputs.reconfigure(expandInputs(d.opts), d.opts.keepopen);
    this.#internal("SEC_SOFTRESTART");
    collectGarbage();
  }

  /** Writes the dump file (SIGUSR1). */
  dump(): void {
    const d = this.#d;
    const now = d.now?.() ?? wallNow();
    const file = dumpFileName(d.opts.dump, d.opts.dumpfts, now);
    const error = writeDump(file, this.#collect(now), d.opts.dumpfjson);
    if (error !== null) d.logger.log(LogLevel.error, error);
    else d.logger.log(LogLevel.notice, `Dump to ${file} completed`);
  }

  /** Reopens the log and closes outputs (SIGUSR2). */
  async reopen(): Promise<void> {
    this.#internal("SEC_PRE_LOGROTATE");
    await this.#d.logger.reopen?.();
    this.#d.outputs.flush();
    this.#d.outputs.closeAll();
    this.engine.ports.sockets?.closeAll();
    this.#internal("SEC_LOGROTATE");
  }

  /** Writes the status line to `reply` (atomically) or logs it. */
  status(reply?: string): void {
    const line = JSON.stringify(statusSummary(this.#collect(this.#d.now?.() ?? wallNow())));
    if (reply === undefined) {
      this.#d.logger.log(LogLevel.notice, `Status: ${line}`);
      return;
    }
    const target = this.#statusTarget(reply);
    if (target === undefined) {
      this.#d.logger.log(
        LogLevel.error,
        `Can't write status to ${reply}: only the control FIFO's directory and directories ` +
          `granted by --allow-write may receive it`,
      );
      return;
    }
    try {
      writeFileAtomic(target, line + "\n");
    } catch (e) {
      this.#d.logger.log(
        LogLevel.error,
        `Can't write status to ${reply} (${(e as Error).message})`,
      );
    }
  }

  /** The real path to write a status reply to, or undefined when not allowed there. */
  #statusTarget(reply: string): string | undefined {
    const real = realTarget(reply);
    const fifo = this.#d.opts.ctlfifo;
    if (fifo !== undefined && within(real, realTarget(path.dirname(path.resolve(fifo))))) {
      return real;
    }
    return this.#d.mayWrite?.(real) ? real : undefined;
  }

  #collect(now: number) {
    const loadTimes = new Map<string, number>();
    for (const [n, f] of this.#files) loadTimes.set(n, f.loadTime);
    return collectDump({
      engine: this.engine,
      inputs: this.#d.inputs.info(),
      args: this.#d.args,
      startTime: this.#startTime,
      loadTime: this.#loadTime,
      fileLoadTimes: loadTimes,
      now,
    });
  }

  #debug(q: QueuedCommand, c: Extract<ControlCommand, { kind: "debug" }>): void {
    const logger = this.#d.logger;
    const from = logger.maxLevel ?? this.#d.opts.debug;
    let to = from;
    if (c.level !== undefined) to = c.level;
    else for (let i = 0; i < (c.count ?? 1); i++) to = to >= 6 ? 1 : to + 1;
    logger.maxLevel = to;
    const what = c.level !== undefined
      ? `${q.via}: debug ${c.level}`
      : `${c.count ?? 1} SIGINT signal(s) received`;
    logger.log(Math.min(LogLevel.notice, to), `${what}: setting debuglevel from ${from} to ${to}`);
  }

  /**
   * As SEC does at a restart: the options are read again (with a command
   * line to read them from) and the debug level goes back to --debug.
   */
  #reinterpretOptions(): void {
    const d = this.#d;
    const again = d.commandLine === undefined
      ? undefined
      : reinterpretOptions(d.opts, d.commandLine);
    if (again?.args !== undefined) d.args = again.args;
    if (d.logger.maxLevel !== undefined) d.logger.maxLevel = d.opts.debug;
    for (const [level, message] of again?.messages ?? []) d.logger.log(level, message);
  }

  #notice(q: QueuedCommand, what: string): void {
    const who = q.via.startsWith("SIG") ? `${q.via} received` : `${q.via}: ${q.command.kind}`;
    this.#d.logger.log(LogLevel.notice, `${who}: ${what}`);
  }

  #internal(name: string): void {
    if (this.#d.opts.intevents) this.engine.processInternalEvent(name);
  }

  #remember(files: RuleFile[]): void {
    const now = wallNow();
    for (const f of files) {
      this.#files.set(f.name, { file: f, mtime: mtimeOf(f.name), loadTime: now });
    }
  }
}
