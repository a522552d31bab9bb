/**
 * Runs a real sec-ts process on rules and input lines: `deno run -A
 * main.ts --conf=<rules> --input=- --notail <args>` in a directory, input
 * fed on standard input (with pauses), standard input closed after
 * `linger` seconds; returns standard output, the log (standard error)
 * and the exit code.
 *
 * @module
 */

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** What to run. */
export interface SecRun {
  /** Rule file text (written to `rules.sec` in `dir`). */
  rules: string;
  /** Input lines; a number pauses that many seconds. */
  input?: (string | number)[];
  /** Extra command-line options. */
  args?: string[];
  /** Seconds to wait before standard input is closed. */
  linger?: number;
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
  const err = new Response(child.stderr).text();
  const w = child.stdin.getWriter();
  const enc = new TextEncoder();
  try {
    for (const item of r.input ?? []) {
      if (typeof item === "number") await new Promise((res) => setTimeout(res, item * 1000));
      else await w.write(enc.encode(item + "\n"));
    }
    if (r.linger) await new Promise((res) => setTimeout(res, r.linger! * 1000));
    await w.close();
  } catch {
    // the process ended early
  }
  const status = await child.status;
  clearTimeout(timer);
  return { stdout: await out, log: await err, code: status.code, dir };
}
