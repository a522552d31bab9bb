/**
 * Child processes (CHILD PROCESSES): the programs started by shellcmd,
 * spawn, cspawn, cmdexec, spawnexec, cspawnexec, pipe, pipeexec, report,
 * reportexec and SingleWithScript.
 *
 * A child never blocks event processing: it runs asynchronously, data for
 * its standard input is written in the background, and what a spawned
 * child prints is collected line by line. Results reach the engine only
 * through {@link ChildManager.deliver}, which the main loop calls between
 * events (SEC checks its children after each event): the lines become
 * synthetic events and exit callbacks run, in the order they arrived.
 * Exit codes other than 0 are logged. {@link ChildManager.terminateAll}
 * sends SIGTERM to every running child (--childterm, on shutdown and full
 * restart).
 *
 * A command line is run the way Perl's exec() runs one string: through
 * `/bin/sh -c` when it holds shell metacharacters, otherwise split at
 * whitespace and executed directly (`commandArgv` in lang/command_line.ts).
 *
 * @module
 */
import { decodeBytes, encodeString, type TextMode } from "../lang/bytes.ts";
import type { Logger } from "./logger.ts";
import type { ChildExit, ChildSpec, Dumpable, ProcessRunner } from "../engine/ports.ts";

export type { ChildExit, ChildSpec } from "../engine/ports.ts";

/** A synthetic event received from a child. */
export interface ChildEvent {
  /** The line. */
  text: string;
  /** Internal context (undefined: the default one). */
  context: string | undefined;
  /** Child pid. */
  pid: number;
}

/** Where delivered results go (the engine). */
export interface ChildSink {
  /** Queues a synthetic event. */
  queueEvent(text: string, context?: string): void;
}

type Pending =
  | { kind: "event"; event: ChildEvent }
  | { kind: "exit"; exit: ChildExit; cb: (exit: ChildExit) => void };

/** Runs and tracks child processes. */
export class ChildManager implements ProcessRunner, Dumpable {
  readonly #logger: Logger;
  readonly #mode: TextMode;
  readonly #children = new Map<
    number,
    { child: Deno.ChildProcess; display: string; piped: boolean }
  >();
  #pending: Pending[] = [];
  /** Writes to children's standard input not finished yet. */
  readonly #feeds = new Set<Promise<void>>();
  /** Set at exit: children ending after it are not reported (SEC has exited by then). */
  #exiting = false;
  /** Called whenever something is ready for {@link deliver} (wakes the main loop). */
  onReady: (() => void) | undefined;

  /** Creates a manager; child output is decoded per `mode`. */
  constructor(logger: Logger, mode: TextMode = "bytes") {
    this.#logger = logger;
    this.#mode = mode;
  }

  /** Number of children still running. */
  get running(): number {
    return this.#children.size;
  }

  /** Pids of the running children. */
  get pids(): number[] {
    return [...this.#children.keys()];
  }

  /**
   * The running children for dumps, as SEC lists them: pid, command line,
   * and for those whose output becomes events (spawn, cspawn), the status
   * "Connected to pipe input".
   */
  dumpEntries(): { key: string; pid: number; cmdline: string; status?: string }[] {
    return [...this.#children].map(([pid, c]) => ({
      key: String(pid),
      pid,
      cmdline: c.display,
      ...(c.piped ? { status: "Connected to pipe input" } : {}),
    }));
  }

  /** True when events or exit callbacks wait for {@link deliver}. */
  get pending(): boolean {
    return this.#pending.length > 0;
  }

  /**
   * Starts a child. Returns its pid, or undefined when the program could
   * not be started (logged; `onExit` is still called, with code 1, as a
   * failed exec in a forked child would exit).
   */
  start(spec: ChildSpec): number | undefined {
    const [program, ...args] = spec.argv;
    const output = spec.output ?? "inherit";
    let child: Deno.ChildProcess;
    try {
      if (program === undefined) throw new Error("empty command line");
      child = new Deno.Command(program, {
        args,
        stdin: spec.stdin !== undefined ? "piped" : "null",
        stdout: output === "events" ? "piped" : output === "ignore" ? "null" : "inherit",
        stderr: "inherit",
      }).spawn();
    } catch (e) {
      this.#logger.log(
        2,
        `Can't start child process for command '${spec.display}': ${(e as Error).message}`,
      );
      const exit = { pid: 0, code: 1, signal: null };
      if (spec.onExit) this.#push({ kind: "exit", exit, cb: spec.onExit });
      spec.onExitNow?.(exit);
      return undefined;
    }
    const pid = child.pid;
    this.#children.set(pid, { child, display: spec.display, piped: output === "events" });
    this.#logger.log(6, `Child ${pid} created for command '${spec.display}'`);
    const io: Promise<unknown>[] = [];
    if (spec.stdin !== undefined) {
      const fed = this.#feed(child, spec.stdin);
      this.#feeds.add(fed);
      fed.finally(() => this.#feeds.delete(fed));
      io.push(fed);
    }
    if (output === "events") io.push(this.#collect(child, pid, spec.context));
    child.status.then(async (st) => {
      await Promise.allSettled(io);
      this.#children.delete(pid);
      const code = st.signal !== null ? 128 + signalNumber(st.signal) : st.code;
      if (this.#exiting) {
        // not reported: SEC exits right after it signals its children
      } else if (st.signal !== null) {
        this.#logger.log(3, `Child ${pid} terminated by signal ${st.signal} ( ${spec.display} )`);
      } else if (st.code !== 0) {
        this.#logger.log(
          3,
          `Child ${pid} terminated with non-zero exitcode ${st.code} ( ${spec.display} )`,
        );
      }
      const exit = { pid, code, signal: st.signal };
      if (spec.onExit) this.#push({ kind: "exit", exit, cb: spec.onExit });
      spec.onExitNow?.(exit);
    });
    return pid;
  }

  /**
   * Runs a command, feeds it `stdin` (if given), and resolves with its
   * exit status; output goes to the correlator's standard output. The
   * promise settles as soon as the child ends; to act on the engine, use
   * `start` with `onExit`, which runs from {@link deliver} in the main loop.
   */
  run(argv: string[], options: { stdin?: string; display?: string } = {}): Promise<ChildExit> {
    return new Promise((resolve) => {
      this.start({
        argv,
        display: options.display ?? argv.join(" "),
        stdin: options.stdin,
        onExitNow: resolve,
      });
    });
  }

  /**
   * Hands what arrived since the last call to the engine: child output
   * lines become synthetic events, exit callbacks run. Call it from the
   * main loop between events.
   */
  deliver(sink: ChildSink): void {
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      for (const p of batch) {
        if (p.kind === "event") {
          this.#logger.log(
            6,
            `Creating event '${p.event.text}' (received from child ${p.event.pid})`,
          );
          sink.queueEvent(p.event.text, p.event.context);
        } else {
          try {
            p.cb(p.exit);
          } catch (e) {
            this.#logger.log(2, `Child exit handler failed: ${(e as Error).message}`);
          }
        }
      }
    }
  }

  /** Sends `signal` (SIGTERM) to every running child (--childterm). */
  terminateAll(signal: Deno.Signal = "SIGTERM"): number {
    let n = 0;
    for (const [pid, { child }] of this.#children) {
      try {
        child.kill(signal);
        n++;
        this.#logger.log(4, `Sending ${signal} to process ${pid}`);
      } catch {
        // already gone
      }
    }
    return n;
  }

  /**
   * Waits until what was written to children's standard input has reached
   * them, at most `timeoutMs` (at exit: SEC has written it before it exits,
   * so a child it does not terminate still gets it).
   */
  async feedsDone(timeoutMs: number): Promise<void> {
    if (this.#feeds.size === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.allSettled([...this.#feeds]),
      new Promise((r) => timer = setTimeout(r, timeoutMs)),
    ]);
    clearTimeout(timer);
  }

  /** Marks the correlator as exiting: children that end from now on are not logged. */
  markExiting(): void {
    this.#exiting = true;
  }

  /** Waits until every child has ended, at most `timeoutMs`; true when none is left. */
  async waitAll(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (this.#children.size > 0 && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.#children.size === 0;
  }

  #push(p: Pending): void {
    this.#pending.push(p);
    this.onReady?.();
  }

  async #feed(child: Deno.ChildProcess, data: string): Promise<void> {
    const w = child.stdin.getWriter();
    try {
      await w.write(encodeString(data, this.#mode));
      await w.close();
    } catch {
      // the child closed its standard input early (SIGPIPE in SEC's writer)
      try {
        await w.abort();
      } catch {
        // ignore
      }
    }
  }

  async #collect(
    child: Deno.ChildProcess,
    pid: number,
    context: string | undefined,
  ): Promise<void> {
    let rest = "";
    try {
      for await (const chunk of child.stdout) {
        const text = rest + decodeBytes(chunk, this.#mode);
        const lines = text.split("\n");
        rest = lines.pop()!;
        for (const line of lines) {
          this.#push({ kind: "event", event: { text: line, context, pid } });
        }
      }
    } catch (e) {
      this.#logger.log(3, `Error reading from child ${pid}: ${(e as Error).message}`);
    }
    if (rest !== "") this.#push({ kind: "event", event: { text: rest, context, pid } });
  }
}

const SIGNALS: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
};

function signalNumber(name: string): number {
  return SIGNALS[name] ?? 0;
}
