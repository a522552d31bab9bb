/**
 * Runs conformance cases (../shared/conformance/cases/*) the way
 * ../shared/conformance/README.md and its `run-case` script prescribe:
 *
 * copy the case folder (minus expected, expected-files, input, args, linger,
 * timeout, about) into a fresh temporary directory; start
 * `COMMAND --conf=<x.sec>... --input=- --notail <args>` there (--input=- left
 * out when an extra argument starts with `--input`); feed `input` line by
 * line (`@sleep N` waits N seconds, `@@` sends one `@` less); wait `linger`
 * seconds; close standard input; wait at most `timeout` seconds (default
 * 30) for the exit, killing the process after that; compare standard output
 * byte for byte with `expected` and each file under `expected-files/` with
 * the same file in the working directory.
 *
 * @module
 */
import { cpSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { diffText, equalBytes, filesUnder, loadTestCase } from "../../src/runtime/rule_tests.ts";
import { untilIdle } from "./proc_idle.ts";

export { diffText };

/** Files of a case folder that are not copied into the working directory. */
const META = new Set(["expected", "expected-files", "input", "args", "linger", "timeout", "about"]);

/** A loaded case. */
export interface ConformanceCase {
  /** Folder name, e.g. "p-varmap". */
  name: string;
  /** Absolute path of the case folder. */
  dir: string;
  /** Rule files (`*.sec`), sorted by name. */
  confs: string[];
  /** Extra arguments from `args`. */
  extraArgs: string[];
  /** Input lines (bytes, without newline). */
  lines: Uint8Array[];
  /** Seconds to wait before closing standard input. */
  linger: number;
  /** Seconds to wait for the exit. */
  timeout: number;
  /** Expected standard output. */
  expected: Uint8Array;
  /** One-line description. */
  about: string;
}

/** Outcome of one run. */
export interface CaseResult {
  /** The case. */
  name: string;
  /** True when output and files matched. */
  passed: boolean;
  /** Human-readable differences (empty when passed). */
  problems: string[];
  /** The command line used. */
  argv: string[];
  /** Tail of standard error. */
  stderrTail: string;
  /** Wall time in seconds. */
  seconds: number;
}

function readOr(path: string, fallback: string): string {
  return existsSync(path) ? new TextDecoder().decode(readFileSync(path)) : fallback;
}

/** Lists the case folders under `casesDir` that have an `expected` file, sorted. */
export function listCases(casesDir: string): string[] {
  return readdirSync(casesDir)
    .filter((n) => existsSync(join(casesDir, n, "expected")))
    .sort();
}

/** Reads a case folder (as `sec-ts test` does, plus its `about` line). */
export function loadCase(dir: string): ConformanceCase {
  const c = loadTestCase(dir);
  return {
    name: c.name,
    dir: c.dir,
    confs: c.confs,
    extraArgs: c.args,
    lines: c.lines,
    linger: c.linger,
    timeout: c.timeout,
    expected: c.expected,
    about: readOr(join(dir, "about"), "").trim(),
  };
}

/** The full argument vector for a case. */
export function caseArgv(c: ConformanceCase, command: string[]): string[] {
  const argv = [...command, ...c.confs.map((f) => `--conf=${f}`)];
  if (!c.extraArgs.some((a) => a.startsWith("--input"))) argv.push("--input=-");
  argv.push("--notail", ...c.extraArgs);
  return argv;
}

const sleep = (seconds: number) => new Promise((r) => setTimeout(r, seconds * 1000));

/** Reads a stream to the end, or until `stop` resolves (then cancels it). */
async function collect(
  stream: ReadableStream<Uint8Array>,
  stop: Promise<void>,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let stopped = false;
  stop.then(() => {
    stopped = true;
    reader.cancel().catch(() => {});
  });
  try {
    while (!stopped) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
  } catch {
    // cancelled
  }
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/** Feeds the input lines with @sleep/@@ handling, lingers and closes stdin. */
async function feed(c: ConformanceCase, stdin: WritableStream<Uint8Array>): Promise<void> {
  const writer = stdin.getWriter();
  const sleepPrefix = new TextEncoder().encode("@sleep ");
  try {
    for (const line of c.lines) {
      if (startsWith(line, sleepPrefix)) {
        await sleep(parseFloat(new TextDecoder().decode(line.subarray(7))));
        continue;
      }
      const data = line[0] === 0x40 && line[1] === 0x40 ? line.subarray(1) : line;
      const buf = new Uint8Array(data.length + 1);
      buf.set(data);
      buf[data.length] = 0x0a;
      await writer.write(buf);
    }
    if (c.linger > 0) await sleep(c.linger);
  } catch {
    // broken pipe: the process exited early
  }
  await writer.close().catch(() => {});
}

function startsWith(a: Uint8Array, prefix: Uint8Array): boolean {
  if (a.length < prefix.length) return false;
  return prefix.every((b, i) => a[i] === b);
}

/** Runs one case with `command` (e.g. ["deno", "run", "-A", "main.ts", "--allow-all"]). */
export async function runCase(c: ConformanceCase, command: string[]): Promise<CaseResult> {
  const started = performance.now();
  const work = await Deno.makeTempDir({ prefix: `conf-${c.name}-` });
  try {
    for (const entry of readdirSync(c.dir)) {
      if (!META.has(entry)) cpSync(join(c.dir, entry), join(work, entry), { recursive: true });
    }
    const argv = caseArgv(c, command);
    const proc = new Deno.Command(argv[0], {
      args: argv.slice(1),
      cwd: work,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // Once the process has ended, its pipes get 5 s to drain (children may hold them open).
    let giveUp!: () => void;
    const stop = new Promise<void>((r) => (giveUp = r));
    const outP = collect(proc.stdout, stop);
    const errP = collect(proc.stderr, stop);
    await untilIdle(proc.pid, 20);
    await feed(c, proc.stdin);
    let killed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<"timeout">((r) => {
      timer = setTimeout(() => r("timeout"), c.timeout * 1000);
    });
    const first = await Promise.race([proc.status, timedOut]);
    clearTimeout(timer);
    if (first === "timeout") {
      killed = true;
      try {
        proc.kill("SIGKILL");
      } catch {
        // already gone
      }
      await proc.status;
    }
    const drainTimer = setTimeout(giveUp, 5000);
    const [got, err] = await Promise.all([outP, errP]);
    clearTimeout(drainTimer);
    giveUp();

    const problems: string[] = [];
    const dec = new TextDecoder();
    if (!equalBytes(got, c.expected)) {
      problems.push("stdout differs:\n" + diffText(dec.decode(c.expected), dec.decode(got)));
    }
    const ef = join(c.dir, "expected-files");
    if (existsSync(ef)) {
      for (const rel of filesUnder(ef)) {
        const want = readFileSync(join(ef, rel));
        const path = join(work, rel);
        if (!existsSync(path)) {
          problems.push(`file ${rel} was not written`);
          continue;
        }
        const have = readFileSync(path);
        if (!equalBytes(have, want)) {
          problems.push(`file ${rel} differs:\n` + diffText(dec.decode(want), dec.decode(have)));
        }
      }
    }
    const stderrText = dec.decode(err) + (killed ? "\n[killed after timeout]\n" : "");
    return {
      name: c.name,
      passed: problems.length === 0,
      problems,
      argv,
      stderrTail: stderrText.slice(-3000),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

/** Runs `task` over `items` with at most `limit` running at once; results in item order. */
export function runPool<T, R>(
  items: T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R>[] {
  const results: Promise<R>[] = [];
  let running = 0;
  const queue: (() => void)[] = [];
  const acquire = () =>
    running < limit ? (running++, Promise.resolve()) : new Promise<void>((r) => queue.push(r));
  const release = () => {
    const next = queue.shift();
    if (next) next();
    else running--;
  };
  for (const item of items) {
    results.push(
      acquire().then(async () => {
        try {
          return await task(item);
        } finally {
          release();
        }
      }),
    );
  }
  return results;
}

/** Reads a pending list: one case name a line, `#` comments and blank lines ignored. */
export function readPendingList(path: string): Set<string> {
  if (!existsSync(path)) return new Set();
  return new Set(
    readOr(path, "").split("\n").map((l) => l.replace(/#.*/, "").trim()).filter((l) => l !== ""),
  );
}
