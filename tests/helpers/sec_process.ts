/**
 * A real sec-ts process for integration tests: `deno run -A main.ts ...`
 * as a child, its standard output collected line by line.
 *
 * @module
 */

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** A running sec-ts. */
export class SecProcess {
  readonly child: Deno.ChildProcess;
  /** Complete lines written to standard output so far. */
  readonly lines: string[] = [];
  /** Standard error so far. */
  stderr = "";
  #partial = "";
  #done: Promise<void>;

  /**
   * Starts `deno run -A [denoFlags] main.ts args` in `cwd`, or `program args`
   * when `program` is given (a built release's sec-ts); `main` replaces main.ts.
   */
  constructor(
    args: string[],
    options: {
      cwd?: string;
      denoFlags?: string[];
      program?: string;
      env?: Record<string, string>;
      main?: string;
    } = {},
  ) {
    const [cmd, argv] = options.program !== undefined
      ? [options.program, args]
      : [Deno.execPath(), [
        "run",
        "-A",
        ...(options.denoFlags ?? []),
        options.main ?? MAIN,
        ...args,
      ]];
    this.child = new Deno.Command(cmd, {
      args: argv,
      cwd: options.cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { SEC_TS_LOG_STDERR: "1", ...options.env },
    }).spawn();
    const out = this.#collect(this.child.stdout, (t) => {
      const parts = (this.#partial + t).split("\n");
      this.#partial = parts.pop()!;
      this.lines.push(...parts);
    });
    const err = this.#collect(this.child.stderr, (t) => this.stderr += t);
    this.#done = Promise.all([out, err]).then(() => {});
  }

  async #collect(stream: ReadableStream<Uint8Array>, sink: (t: string) => void): Promise<void> {
    const dec = new TextDecoder("latin1");
    for await (const chunk of stream) sink(dec.decode(chunk, { stream: true }));
  }

  /** Waits until `cond()` holds; throws with the collected output after `ms`. */
  async waitFor(cond: () => boolean, ms = 15000, what = "condition"): Promise<void> {
    const stop = performance.now() + ms;
    while (!cond()) {
      if (performance.now() > stop) {
        throw new Error(
          `timeout waiting for ${what}\nstdout (last 20):\n${
            this.lines.slice(-20).join("\n")
          }\nstderr (last 3000):\n${this.stderr.slice(-3000)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Waits for a stdout line equal to `line`. */
  waitForLine(line: string, ms = 15000): Promise<void> {
    return this.waitFor(() => this.lines.includes(line), ms, `line '${line}'`);
  }

  /** Waits for `text` in standard error (the log, with SEC_TS_LOG_STDERR=1). */
  waitForLog(text: string, ms = 15000): Promise<void> {
    return this.waitFor(() => this.stderr.includes(text), ms, `log '${text}'`);
  }

  /** Sends a signal. */
  kill(signal: Deno.Signal): void {
    this.child.kill(signal);
  }

  /** Waits for the process to exit (killing it after `ms`); returns its exit code. */
  async exit(ms = 15000): Promise<number> {
    const timer = setTimeout(() => {
      try {
        this.child.kill("SIGKILL");
      } catch {
        // gone
      }
    }, ms);
    const status = await this.child.status;
    clearTimeout(timer);
    await this.#done;
    return status.code;
  }

  /** SIGTERM, then waits for the exit. */
  stop(): Promise<number> {
    try {
      this.child.kill("SIGTERM");
    } catch {
      // gone
    }
    return this.exit();
  }
}

/** Resident memory of a process in bytes (Linux), or -1. */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
    return m ? Number(m[1]) * 1024 : -1;
  } catch {
    return -1;
  }
}
