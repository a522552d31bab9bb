/**
 * `sec-ts test CASE_DIR...`: runs rule test cases in the conformance case
 * format (rule files `*.sec`, `input` with `@sleep N`, `args`, `linger`,
 * `timeout`, `expected`, `expected-files/`) in virtual time.
 *
 * Each case runs as its own sec-ts process in a fresh temporary copy of
 * its folder, as `sec-ts --test-clock --conf=<x.sec>... --input=- --notail
 * <args> <options given to test>`. The input goes to its standard input
 * as written: `@sleep N` lines included, which the process itself turns
 * into clock moves (test_clock.ts) and acknowledges on standard error;
 * nothing more is sent until the acknowledgement came, so no real time
 * passes. `linger` becomes a last `@sleep`. When the case reads no
 * standard input (an `--input` in `args` without `-`), nothing is sent,
 * as a live run would not read it either. Standard output and the files
 * under `expected-files/` are then compared byte for byte.
 *
 * @module
 */
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseCommandLine } from "./cli.ts";
import { selfCommand as processSelfCommand } from "./process.ts";
import { ACK } from "./test_clock.ts";

const META = new Set(["expected", "expected-files", "input", "args", "linger", "timeout", "about"]);

/** A test case folder, read. */
export interface TestCase {
  /** Folder name. */
  name: string;
  /** Absolute folder path. */
  dir: string;
  /** Rule files, sorted. */
  confs: string[];
  /** Extra arguments (`args`). */
  args: string[];
  /** Input lines (bytes, without newline). */
  lines: Uint8Array[];
  /** Seconds of `linger`. */
  linger: number;
  /** Seconds to wait for the exit (`timeout`, default 30). */
  timeout: number;
  /** Expected standard output. */
  expected: Uint8Array;
}

/** The verdict on one case. */
export interface TestResult {
  /** Case name. */
  name: string;
  /** True when output and files matched. */
  passed: boolean;
  /** Differences and diagnostics (empty when passed). */
  problems: string[];
}

function readOr(path: string, fallback: string): string {
  return existsSync(path) ? new TextDecoder().decode(readFileSync(path)) : fallback;
}

/** Seconds from an optional case file (`linger`, `timeout`); throws on text that is no number. */
function secondsOr(path: string, fallback: number): number {
  const text = readOr(path, "").trim();
  if (text === "") return fallback;
  if (!/^\d+(\.\d+)?$/.test(text)) {
    throw new Error(`${basename(path)}: not a number of seconds: "${text.slice(0, 40)}"`);
  }
  return parseFloat(text);
}

/**
 * Reads a case folder; throws an Error saying why it is not a case (no
 * such directory, not a directory, no `expected` file, no rule file, a
 * `linger` or `timeout` that is no number).
 */
export function loadTestCase(dir: string): TestCase {
  dir = resolve(dir);
  let st: Deno.FileInfo;
  try {
    st = Deno.statSync(dir);
  } catch {
    throw new Error("no such directory");
  }
  if (!st.isDirectory) throw new Error("not a directory (a case is a folder, see sec-ts test)");
  if (!existsSync(join(dir, "expected"))) {
    throw new Error(`no "expected" file (the exact standard output the case must give)`);
  }
  const confs = readdirSync(dir).filter((e) => e.endsWith(".sec")).sort();
  if (confs.length === 0) throw new Error("no rule file (*.sec)");
  const linger = secondsOr(join(dir, "linger"), 0);
  const timeout = secondsOr(join(dir, "timeout"), 30) || 30;
  const input = existsSync(join(dir, "input"))
    ? readFileSync(join(dir, "input"))
    : new Uint8Array();
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < input.length; i++) {
    if (input[i] === 0x0a) {
      lines.push(input.subarray(start, i));
      start = i + 1;
    }
  }
  if (start < input.length) lines.push(input.subarray(start));
  const dec = new TextDecoder();
  lines.forEach((l, i) => {
    if (dec.decode(l.subarray(0, 7)) !== "@sleep ") return;
    const n = dec.decode(l.subarray(7)).trim();
    if (!/^\d+(\.\d*)?$|^\.\d+$/.test(n)) {
      throw new Error(`input line ${i + 1}: @sleep needs seconds (>= 0), not "${n.slice(0, 40)}"`);
    }
  });
  return {
    name: dir.split("/").pop()!,
    dir,
    confs,
    args: readOr(join(dir, "args"), "").split(/\r?\n/).map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#")),
    lines,
    linger,
    timeout,
    expected: readFileSync(join(dir, "expected")),
  };
}

/** True when the case's process reads standard input. */
function readsStdin(c: TestCase): boolean {
  const inputs = c.args.filter((a) => a.startsWith("--input"));
  return inputs.length === 0 || inputs.some((a) => /^--input=-(=|$)/.test(a));
}

/** Collects a stream; `onLine` sees each complete line (for acknowledgements). */
async function collect(
  stream: ReadableStream<Uint8Array>,
  onLine?: (line: string) => void,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const dec = new TextDecoder();
  let partial = "";
  for await (const chunk of stream) {
    chunks.push(chunk);
    if (onLine !== undefined) {
      const parts = (partial + dec.decode(chunk, { stream: true })).split("\n");
      partial = parts.pop()!;
      for (const p of parts) onLine(p);
    }
  }
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/**
 * Runs one case with `command` (the sec-ts command line, e.g. deno, run,
 * -A, main.ts) plus `options` (given after the case's own arguments).
 */
export async function runTestCase(
  c: TestCase,
  command: string[],
  options: string[] = [],
): Promise<TestResult> {
  const work = await Deno.makeTempDir({ prefix: `sec-ts-test-${c.name}-` });
  try {
    for (const e of readdirSync(c.dir)) {
      // symbolic links (to the rule files under test, say) are copied as what they point to
      if (!META.has(e)) {
        cpSync(join(c.dir, e), join(work, e), { recursive: true, dereference: true });
      }
    }
    const argv = [...command, "--test-clock", ...c.confs.map((f) => `--conf=${f}`)];
    if (!c.args.some((a) => a.startsWith("--input"))) argv.push("--input=-");
    argv.push("--notail", ...c.args, ...options);
    const proc = new Deno.Command(argv[0], {
      args: argv.slice(1),
      cwd: work,
      // its log (rules rejected for a missing --allow-*, refused actions) explains a failure
      env: { SEC_TS_LOG_STDERR: "1" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let acks = 0;
    let wake: (() => void) | undefined;
    const outP = collect(proc.stdout);
    const errLines: string[] = [];
    const errP = collect(proc.stderr, (l) => {
      if (l === ACK) {
        acks++;
        wake?.();
      } else if (l !== "") errLines.push(l);
    });
    let exited = false;
    const status = proc.status.then((s) => {
      exited = true;
      wake?.();
      return s;
    });
    const writer = proc.stdin.getWriter();
    try {
      if (readsStdin(c)) {
        let sent = 0;
        const send = async (data: Uint8Array) => {
          const buf = new Uint8Array(data.length + 1);
          buf.set(data);
          buf[data.length] = 0x0a;
          await writer.write(buf);
        };
        const sleep = async (data: Uint8Array) => {
          await send(data);
          sent++;
          while (acks < sent && !exited) await new Promise<void>((r) => (wake = r));
        };
        const isSleep = (l: Uint8Array) => new TextDecoder().decode(l.subarray(0, 7)) === "@sleep ";
        for (const line of c.lines) {
          if (exited) break;
          await (isSleep(line) ? sleep(line) : send(line));
        }
        if (c.linger > 0 && !exited) await sleep(new TextEncoder().encode(`@sleep ${c.linger}`));
      }
    } catch {
      // the process exited early: broken pipe
    }
    await writer.close().catch(() => {});
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<"timeout">((r) => {
      timer = setTimeout(() => r("timeout"), c.timeout * 1000);
    });
    const first = await Promise.race([status, timedOut]);
    clearTimeout(timer);
    const problems: string[] = [];
    if (first === "timeout") {
      try {
        proc.kill("SIGKILL");
      } catch {
        // gone
      }
      problems.push(`did not exit within ${c.timeout} s`);
    }
    const [got] = await Promise.all([outP, errP]);
    const dec = new TextDecoder();
    if (!equalBytes(got, c.expected)) {
      problems.push("stdout differs:\n" + diffText(dec.decode(c.expected), dec.decode(got)));
    }
    const ef = join(c.dir, "expected-files");
    if (existsSync(ef)) {
      for (const rel of filesUnder(ef)) {
        const path = join(work, rel);
        if (!existsSync(path)) {
          problems.push(`file ${rel} was not written`);
          continue;
        }
        const want = readFileSync(join(ef, rel)), have = readFileSync(path);
        if (!equalBytes(have, want)) {
          problems.push(`file ${rel} differs:\n` + diffText(dec.decode(want), dec.decode(have)));
        }
      }
    }
    if (problems.length > 0 && errLines.length > 0) {
      // the start (rule loading) and the end; repeated lines once
      const lines = [...new Set(errLines)];
      const shown = lines.length <= 20
        ? lines
        : [...lines.slice(0, 10), `... (${lines.length - 20} more)`, ...lines.slice(-10)];
      problems.push("log:\n" + shown.join("\n"));
    }
    return { name: c.name, passed: problems.length === 0, problems };
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

/** Whether two byte arrays are equal. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Files under `dir`, as paths relative to it. */
export function filesUnder(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, rel))) {
    const r = rel === "" ? e : `${rel}/${e}`;
    if (statSync(join(dir, r)).isDirectory()) out.push(...filesUnder(dir, r));
    else out.push(r);
  }
  return out;
}

/** A line diff (LCS): "-" expected, "+" got, "  " both. */
export function diffText(want: string, got: string): string {
  const a = want.split("\n"), b = got.split("\n");
  if (a.length * b.length > 4_000_000) return `--- expected\n${want}\n+++ got\n${got}`;
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: string[] = [];
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(`  ${a[i++]}`);
      j++;
    } else if (j < b.length && (i === a.length || lcs[i][j + 1] >= lcs[i + 1][j])) {
      out.push(`+ ${b[j++]}`);
    } else out.push(`- ${a[i++]}`);
  }
  return out.join("\n");
}

/**
 * The command that runs this sec-ts again: a compiled binary itself; under
 * `deno run` (main.ts, or the bundle through its launcher) Deno with this
 * process's own flags (--cached-only, --unstable-net, --no-config carry over)
 * and the main module (process.ts's selfCommand, without this run's arguments).
 */
export function selfCommand(): string[] {
  const [exe, argv] = processSelfCommand(Deno.args);
  return [exe, ...argv.slice(0, argv.length - Deno.args.length)];
}

/**
 * `sec-ts test [OPTION...] CASE_DIR...`: options (arguments starting
 * with `--`, e.g. `--allow-all`) are passed to every case's sec-ts;
 * `--jobs=N` sets how many cases run at once. Prints `PASS name` or
 * `FAIL name` with the differences per case, then `N passed, N failed`.
 * Returns the exit status: 0 only when all passed.
 */
export async function testCommand(args: string[], command = selfCommand()): Promise<number> {
  let jobs = Math.max(2, navigator.hardwareConcurrency ?? 2);
  const options: string[] = [];
  const dirs: string[] = [];
  const usage = "usage: sec-ts test [--jobs=N] [sec-ts option...] CASE_DIR...";
  for (const a of args) {
    if (a.startsWith("--jobs")) {
      const j = /^--jobs=(\d+)$/.exec(a);
      if (j === null) {
        console.error(`sec-ts test: --jobs needs a number, as --jobs=N, not '${a}'\n${usage}`);
        return 2;
      }
      jobs = Math.max(1, parseInt(j[1], 10));
    } else if (a.startsWith("--")) options.push(a);
    else dirs.push(a);
  }
  if (dirs.length === 0) {
    console.error(usage);
    return 2;
  }
  try {
    // an option every case would reject is one usage error, not a failure of each case
    parseCommandLine(options);
  } catch (e) {
    console.error(`sec-ts test: ${(e as Error).message}\n${usage}`);
    return 2;
  }
  const cases: (TestCase | { dir: string; error: string })[] = dirs.map((d) => {
    try {
      return loadTestCase(d);
    } catch (e) {
      return { dir: d, error: (e as Error).message };
    }
  });
  const results: Promise<TestResult>[] = [];
  let running = 0;
  const queue: (() => void)[] = [];
  for (const c of cases) {
    if ("error" in c) {
      results.push(Promise.resolve({ name: c.dir, passed: false, problems: [c.error] }));
      continue;
    }
    results.push((async () => {
      if (running >= jobs) await new Promise<void>((r) => queue.push(r));
      else running++;
      try {
        return await runTestCase(c, command, options);
      } finally {
        const next = queue.shift();
        if (next) next();
        else running--;
      }
    })());
  }
  let passed = 0, failed = 0;
  for (const p of results) {
    const r = await p;
    if (r.passed) {
      passed++;
      console.log(`PASS ${r.name}`);
    } else {
      failed++;
      console.log(`FAIL ${r.name}`);
      for (const problem of r.problems) console.log("  " + problem.replaceAll("\n", "\n  "));
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}
