/**
 * Runs a real sec-ts process on rules and input lines: `deno run -A
 * main.ts --conf=<rules> --input=- --notail <args>` in a directory, input
 * fed on standard input (with pauses) once the process has started up,
 * standard input closed after `linger` seconds (or once `closeWhen`
 * holds); returns standard output, the log (standard error) and the exit
 * code.
 *
 * @module
 */

import { untilIdle } from "./proc_idle.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

const sleep = (seconds: number) => new Promise((r) => setTimeout(r, seconds * 1000));

/** What to run. */
export interface SecRun {
  /** Rule file text (written to `rules.sec` in `dir`). */
  rules: string;
  /** Input lines; a number pauses that many seconds. */
  input?: (string | number)[];
  /** Extra command-line options. */
  args?: string[];
  /** Seconds to wait after the input before standard input is closed. */
  linger?: number;
  /**
   * Closes standard input as soon as this holds (asked every 20 ms with
   * the log so far, after the input and `linger`) instead of right after
   * `linger`: for what happens outside the correlator's pace, such as a
   * child process starting or ending. Gives up after half the timeout.
   */
  closeWhen?: (log: string) => boolean;
  /** Working directory (a fresh temporary one when absent). */
  dir?: string;
  /** Deno flags (e.g. --unstable-net). */
  denoFlags?: string[];
}

/** What came out. */
export interface SecResult {
  /** Standard output. */
  stdout: string;
  /** Standard error (the log). */
  log: string;
  /** Exit code. */
  code: number;
  /** The working directory. */
  dir: string;
}

/** Runs sec-ts as described; kills it after `timeoutMs`. */
export async function runSec(r: SecRun, timeoutMs = 30000): Promise<SecResult> {
  const dir = r.dir ?? Deno.makeTempDirSync({ prefix: "sec-ts-test-" });
  Deno.writeTextFileSync(`${dir}/rules.sec`, r.rules);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...(r.denoFlags ?? []),
      MAIN,
      "--conf=rules.sec",
      "--input=-",
      "--notail",
      ...(r.args ?? []),
    ],
    cwd: dir,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { SEC_TS_LOG_STDERR: "1" },
  }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch {
      // gone
    }
  }, timeoutMs);
  const out = new Response(child.stdout).text();
  let log = "";
  const err = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (chunk) => void (log += chunk) }),
  );
  const w = child.stdin.getWriter();
  const enc = new TextEncoder();
  try {
    await untilIdle(child.pid, 20);
    for (const item of r.input ?? []) {
      if (typeof item === "number") await sleep(item);
      else await w.write(enc.encode(item + "\n"));
    }
    if (r.linger) await sleep(r.linger);
    if (r.closeWhen) {
      const giveUp = performance.now() + timeoutMs / 2;
      while (!r.closeWhen(log) && performance.now() < giveUp) await sleep(0.02);
    }
    await w.close();
  } catch {
    // the process ended early
  }
  const status = await child.status;
  clearTimeout(timer);
  await err;
  return { stdout: await out, log, code: status.code, dir };
}
