/**
 * Runs sec-ts (and optionally the reference SEC) on one mutated rule file:
 * `--testonly`, and a run over a few input lines with --notail; reports
 * crashes (uncaught exceptions, panics, exit codes other than 0/1, deaths
 * by signal) and hangs (killed after the timeout).
 *
 * @module
 */
import { MUTATION_INPUT } from "./rule_mutator.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** The outcome of one process run. */
export interface RunOutcome {
  /** Exit code (-1 when killed by the timeout or a signal). */
  code: number;
  /** Killed after the timeout. */
  hung: boolean;
  /** Uncaught exception, panic, or an exit status other than 0 and 1. */
  crashed: boolean;
  /** Standard error (the log), bounded. */
  log: string;
}

async function run(cmd: string, args: string[], cwd: string, ms: number): Promise<RunOutcome> {
  const child = new Deno.Command(cmd, {
    args,
    cwd,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { SEC_TS_LOG_STDERR: "1" },
  }).spawn();
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    try {
      child.kill("SIGKILL");
    } catch {
      // gone
    }
  }, ms);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const c of child.stderr) {
    if (size < 20000) chunks.push(c);
    size += c.length;
  }
  const st = await child.status;
  clearTimeout(timer);
  const log = new TextDecoder("latin1").decode(
    chunks.reduce((a, c) => {
      const m = new Uint8Array(a.length + c.length);
      m.set(a);
      m.set(c, a.length);
      return m;
    }, new Uint8Array()),
  ).slice(0, 20000);
  const code = st.signal === null ? st.code : -1;
  const crashed = !hung &&
    (/Uncaught|panicked|RUST_BACKTRACE|Stack backtrace/.test(log) || (code !== 0 && code !== 1));
  return { code, hung, crashed, log };
}

/** Runs sec-ts --testonly on `file` (extra sec-ts options in `args`). */
export function secTsTestonly(file: string, dir: string, args: string[] = [], ms = 30000) {
  return run(
    Deno.execPath(),
    ["run", "-A", MAIN, `--conf=${file}`, "--testonly", ...args],
    dir,
    ms,
  );
}

/** Runs sec-ts on `file` over {@link MUTATION_INPUT} until the input ends. */
export function secTsRun(file: string, dir: string, ms = 30000) {
  const input = `${dir}/input.log`;
  Deno.writeTextFileSync(input, MUTATION_INPUT.join("\n") + "\n");
  return run(
    Deno.execPath(),
    ["run", "-A", MAIN, `--conf=${file}`, `--input=${input}`, "--notail", "--fromstart"],
    dir,
    ms,
  );
}

/** Runs the reference SEC (`perl <secRef>`) --testonly on `file`. */
export function secRefTestonly(secRef: string, file: string, dir: string, ms = 30000) {
  return run("perl", [secRef, `--conf=${file}`, "--testonly"], dir, ms);
}

/** Runs `fn` over `items` with at most `n` at a time. */
export async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}
