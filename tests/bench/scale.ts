/**
 * Scale curves (a benchmark, not a test): how the time per line and the peak
 * memory of sec-ts (this checkout) and, with `SEC_REF` set, of the reference
 * SEC 2.9.4 (`perl $SEC_REF`) grow
 *
 * - **rules:** with the number of rules (10 ... 1,000: large.sec copied per
 *   site, see scale_inputs.ts) over a fixed log (gen-log, each line given to
 *   one of 5 sites);
 * - **state:** with the number of open SingleWithThreshold operations and
 *   contexts (1k ... 1M, one of each per key, never closing), for a fixed
 *   number of lines that hit them;
 * - **pairs:** with the number of open Pair operations (1k ... 1M), for a
 *   fixed number of lines that are candidates for their pattern2.
 *
 *     deno task bench:scale [--curves=rules,state,pairs] [--lines=200000]
 *       [--rules=10,30,100,300,1000] [--state=1000,...] [--state-lines=200000]
 *       [--pairs=1000,...] [--pair-lines=20000] [--sec-budget=120] [--ts-budget=600]
 *       [--no-ts] [--smoke] [--cache-dir=/tmp/sec-bench-cache]
 *
 * Per point, sec-ts then SEC run on the same files (alternating, so both see
 * the same state of a shared machine). Each log carries marker lines that the
 * last rule writes to out.log; the runner polls out.log, so the steady part
 * (after `start`, or after `filled` for state and pairs) is timed without the
 * start-up, rule loading and filling: wall time and user+sys CPU (from
 * /proc/PID/stat at the marker and GNU time's totals at exit). Peak RSS is GNU
 * `/usr/bin/time -v`'s maximum resident set size. Where both ran, the out.log
 * sha256 must be equal. A point whose estimated wall time (from the previous
 * point's, growing at least linearly) exceeds an implementation's budget is
 * skipped ("–"). `--smoke`: the smallest points, sec-ts only, a few hundred lines.
 *
 * @module
 */
import {
  PAIR_RULES,
  pairLog,
  RuleReplicator,
  siteLog,
  STATE_RULES,
  stateLog,
} from "./scale_inputs.ts";

const bench = new URL("../../../shared/bench/", import.meta.url).pathname;
const main = new URL("../../main.ts", import.meta.url).pathname;
const inputsSource = new URL("./scale_inputs.ts", import.meta.url).pathname;

const args = new Map<string, string>();
for (const a of Deno.args) {
  const m = /^--([\w-]+)(?:=(.*))?$/.exec(a);
  if (m === null) throw new Error(`unknown argument ${a}`);
  args.set(m[1], m[2] ?? "");
}
const smoke = args.has("smoke");
const nums = (name: string, dflt: string) =>
  (args.get(name) ?? dflt).split(",").filter((s) => s !== "").map(Number);
const curves = (args.get("curves") ?? "rules,state,pairs").split(",");
const lines = nums("lines", smoke ? "300" : "200000")[0];
const rulePoints = nums("rules", smoke ? "10" : "10,30,100,300,1000");
const statePoints = nums("state", smoke ? "1000" : "1000,10000,100000,1000000");
const stateLines = nums("state-lines", smoke ? "300" : "200000")[0];
const pairPoints = nums("pairs", smoke ? "1000" : "1000,10000,100000,1000000");
const pairLines = nums("pair-lines", smoke ? "300" : "20000")[0];
const secBudget = nums("sec-budget", "120")[0];
const tsBudget = nums("ts-budget", "600")[0];
const cacheDir = args.get("cache-dir") ?? "/tmp/sec-bench-cache";
const secRef = smoke ? undefined : Deno.env.get("SEC_REF");
const TIME = "/usr/bin/time";
try {
  Deno.statSync(TIME);
} catch {
  console.error(`${TIME} (GNU time, Debian package "time") is needed for peak RSS and CPU`);
  Deno.exit(1);
}

/** One implementation: its name, command line and time budget per point. */
interface Impl {
  name: string;
  command: (conf: string, input: string) => string[];
  budget: number;
}
const impls: Impl[] = [];
if (!args.has("no-ts")) {
  impls.push({
    name: "sec-ts",
    command: (
      c,
      i,
    ) => [
      Deno.execPath(),
      "run",
      "-A",
      main,
      `--conf=${c}`,
      `--input=${i}`,
      "--notail",
      "--allow-write=out.log",
    ],
    budget: tsBudget,
  });
}
if (secRef !== undefined) {
  impls.push({
    name: "SEC",
    command: (c, i) => ["perl", secRef, `--conf=${c}`, `--input=${i}`, "--notail"],
    budget: secBudget,
  });
}

/** The figures of one run. */
interface Run {
  /** Seconds from spawn to the start marker (start-up and rule loading). */
  startup: number;
  /** Seconds of the fill phase (start to filled marker), state and pairs only. */
  fill?: number;
  /** Wall and user+sys CPU seconds of the steady phase (start or filled marker to exit). */
  wall: number;
  cpu: number;
  /** Total wall seconds of the run. */
  total: number;
  rssKb: number;
  outLines: number;
  sha: string;
}

const sha256 = async (data: Uint8Array) =>
  Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", data as BufferSource)))
    .map((b) => b.toString(16).padStart(2, "0")).join("");

/** user+sys CPU seconds of a live process, from /proc (undefined when it is gone). */
function procCpu(pid: number): number | undefined {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100; // CLK_TCK is 100 on Linux
  } catch {
    return undefined;
  }
}

/** The pid of the process GNU time runs (its only child). */
function childOf(pid: number): number | undefined {
  try {
    const c = Deno.readTextFileSync(`/proc/${pid}/task/${pid}/children`).trim();
    return c === "" ? undefined : Number(c.split(" ")[0]);
  } catch {
    return undefined;
  }
}

/** Runs one implementation on a ruleset and log in a fresh directory; undefined on timeout. */
async function runOnce(impl: Impl, conf: string, input: string): Promise<Run | undefined> {
  const dir = await Deno.makeTempDir({ prefix: "sec-scale-" });
  const timeFile = `${dir}/time.txt`;
  const t0 = performance.now();
  const child = new Deno.Command(TIME, {
    args: ["-v", "-o", timeFile, ...impl.command(conf, input)],
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let exited = false;
  const result = child.output().finally(() => exited = true);
  const timer = setTimeout(() => child.kill("SIGKILL"), Math.max(3 * impl.budget, 60) * 1000);
  const marks = new Map<string, { t: number; cpu?: number }>();
  let seen = 0;
  let rest = "";
  let pid: number | undefined;
  const out = `${dir}/out.log`;
  const poll = async () => {
    let size = 0;
    try {
      size = (await Deno.stat(out)).size;
    } catch {
      return;
    }
    if (size <= seen) return;
    const f = await Deno.open(out);
    await f.seek(seen, Deno.SeekMode.Start);
    const buf = new Uint8Array(size - seen);
    let n = 0;
    while (n < buf.length) {
      const r = await f.read(buf.subarray(n));
      if (r === null) break;
      n += r;
    }
    f.close();
    seen += n;
    const text = rest + new TextDecoder().decode(buf.subarray(0, n));
    const ls = text.split("\n");
    rest = ls.pop() ?? "";
    for (const l of ls) {
      const m = /^marker (\w+)$/.exec(l);
      if (m === null) continue;
      pid ??= childOf(child.pid);
      marks.set(m[1], { t: performance.now(), cpu: pid === undefined ? undefined : procCpu(pid) });
    }
  };
  while (!exited) {
    await new Promise((r) => setTimeout(r, 3));
    await poll();
  }
  const res = await result;
  const tEnd = performance.now();
  clearTimeout(timer);
  await poll();
  const time = await Deno.readTextFile(timeFile).catch(() => "");
  const field = (name: string) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(time)?.[1] ?? NaN);
  const cpuTotal = field("User time \\(seconds\\)") + field("System time \\(seconds\\)");
  const stderr = new TextDecoder().decode(res.stderr).trim();
  const outData = await Deno.readFile(out).catch(() => new Uint8Array());
  await Deno.remove(dir, { recursive: true });
  if (res.signal === "SIGKILL") return undefined;
  if (!res.success) throw new Error(`${impl.name} exited with ${res.code}: ${stderr.slice(-2000)}`);
  const start = marks.get("start");
  const from = marks.get("filled") ?? start;
  if (start === undefined || from === undefined || !marks.has("end")) {
    throw new Error(`${impl.name}: markers missing in out.log (${[...marks.keys()]}); ${stderr}`);
  }
  const outText = new TextDecoder().decode(outData);
  return {
    startup: (start.t - t0) / 1000,
    fill: marks.has("filled") ? (marks.get("filled")!.t - start.t) / 1000 : undefined,
    wall: (tEnd - from.t) / 1000,
    cpu: from.cpu === undefined ? NaN : cpuTotal - from.cpu,
    total: (tEnd - t0) / 1000,
    rssKb: field("Maximum resident set size \\(kbytes\\)"),
    outLines: outText.split("\n").length - 1,
    sha: await sha256(outData),
  };
}

/** A cached generated file: written once per name (names carry a hash of the generators). */
async function cached(name: string, make: () => string | Promise<string>): Promise<string> {
  const path = `${cacheDir}/scale/${name}`;
  try {
    await Deno.stat(path);
    return path;
  } catch { /* make it */ }
  await Deno.mkdir(`${cacheDir}/scale`, { recursive: true });
  await Deno.writeTextFile(`${path}.tmp`, await make());
  await Deno.rename(`${path}.tmp`, path);
  return path;
}

/** gen-log's log of n lines, cached as run-bench caches it. */
async function genLog(n: number, genHash: string): Promise<string> {
  const path = `${cacheDir}/log-${n}-seeddefault-${genHash}.log`;
  try {
    await Deno.stat(path);
    return path;
  } catch { /* generate */ }
  await Deno.mkdir(cacheDir, { recursive: true });
  const out = await new Deno.Command("python3", { args: [`${bench}gen-log`, String(n)] }).output();
  if (!out.success) throw new Error(`gen-log failed: ${new TextDecoder().decode(out.stderr)}`);
  await Deno.writeFile(`${path}.tmp`, out.stdout);
  await Deno.rename(`${path}.tmp`, path);
  return path;
}

/** A measured point of a curve: one entry per implementation (undefined: skipped). */
interface Point {
  curve: string;
  label: string;
  size: number;
  lines: number;
  runs: Map<string, Run | undefined>;
}
const points: Point[] = [];
/** Per implementation and curve: the last measured (size, total seconds), for the budget estimate. */
const history = new Map<string, { size: number; total: number }[]>();

async function measure(
  curve: string,
  label: string,
  size: number,
  n: number,
  conf: string,
  log: string,
) {
  const point: Point = { curve, label, size, lines: n, runs: new Map() };
  for (const impl of impls) {
    const h = history.get(`${impl.name}/${curve}`) ?? [];
    let estimate = 0;
    if (h.length > 0) {
      const last = h[h.length - 1];
      let exp = 1;
      if (h.length > 1) {
        const prev = h[h.length - 2];
        exp = Math.max(1, Math.log(last.total / prev.total) / Math.log(last.size / prev.size));
      }
      estimate = last.total * Math.pow(size / last.size, exp);
    }
    if (estimate > impl.budget) {
      console.log(
        `${curve} ${label}: ${impl.name} skipped (${
          impl.budget < 0
            ? "a smaller point was over budget"
            : `estimated ${estimate.toFixed(0)} s > budget ${impl.budget} s`
        })`,
      );
      point.runs.set(impl.name, undefined);
      impl.budget = -1; // the curve grows: skip its larger points too
      continue;
    }
    const r = await runOnce(impl, conf, log);
    point.runs.set(impl.name, r);
    if (r === undefined) {
      console.log(
        `${curve} ${label}: ${impl.name} killed after ${Math.max(3 * impl.budget, 60)} s`,
      );
      impl.budget = -1;
      continue;
    }
    history.set(`${impl.name}/${curve}`, [...h, { size, total: r.total }]);
    console.log(
      `${curve} ${label}: ${impl.name} ${us(r.wall, n)} µs/line wall, ${us(r.cpu, n)} cpu, ` +
        `start-up ${r.startup.toFixed(2)} s${
          r.fill === undefined ? "" : `, fill ${r.fill.toFixed(2)} s`
        }, ` +
        `total ${r.total.toFixed(1)} s, peak RSS ${mb(r.rssKb)}, out.log ${r.outLines} lines ${
          r.sha.slice(0, 12)
        }`,
    );
  }
  points.push(point);
}

const us = (s: number, n: number) =>
  Number.isNaN(s) ? "?" : (s * 1e6 / n).toFixed(s * 1e6 / n < 10 ? 2 : 1);
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

const srcHash = (await sha256(await Deno.readFile(inputsSource))).slice(0, 8);
const budgets = new Map(impls.map((i) => [i.name, i.budget]));
const resetBudgets = () => {
  for (const i of impls) i.budget = budgets.get(i.name)!;
};

if (curves.includes("rules")) {
  resetBudgets();
  let large: string | undefined;
  try {
    large = await Deno.readTextFile(`${bench}large.sec`);
  } catch {
    console.log(`rules curve skipped: no ${bench}large.sec`);
  }
  if (large !== undefined) {
    const genHash = (await sha256(await Deno.readFile(`${bench}gen-log`))).slice(0, 12);
    const rep = new RuleReplicator(large);
    const h = `${genHash}-${srcHash}`;
    const log = await cached(
      `sites-${lines}-${h}.log`,
      async () =>
        siteLog(
          (await Deno.readTextFile(await genLog(lines, genHash))).split("\n").filter((l) =>
            l !== ""
          ),
          rep.renameWords,
        ),
    );
    for (const n of rulePoints) {
      const conf = await cached(`rules-${n}-${h}.sec`, () => rep.ruleset(n));
      await measure("rules", `${n} rules`, n, lines, conf, log);
    }
  }
}

if (curves.includes("state")) {
  resetBudgets();
  const conf = await cached(`state-${srcHash}.sec`, () => STATE_RULES);
  for (const n of statePoints) {
    const log = await cached(
      `state-${n}-${stateLines}-${srcHash}.log`,
      () => stateLog(n, stateLines),
    );
    await measure("state", `${n} ops + ${n} contexts`, n, stateLines, conf, log);
  }
}

if (curves.includes("pairs")) {
  resetBudgets();
  const conf = await cached(`pairs-${srcHash}.sec`, () => PAIR_RULES);
  for (const n of pairPoints) {
    const log = await cached(`pairs-${n}-${pairLines}-${srcHash}.log`, () => pairLog(n, pairLines));
    await measure("pairs", `${n} open Pairs`, n, pairLines, conf, log);
  }
}

const cell = (r: Run | undefined, n: number) =>
  r === undefined ? "–" : `${us(r.wall, n)} (${us(r.cpu, n)})`;
console.log(
  `\nscale: steady µs/line, wall (user+sys CPU); ${
    secRef === undefined ? "SEC_REF unset" : "SEC = SEC 2.9.4"
  }; rules: ${lines} lines, state: ${stateLines}, pairs: ${pairLines}`,
);
console.log(
  "| curve | point | sec-ts µs/line | SEC µs/line | SEC / sec-ts | sec-ts peak RSS | SEC peak RSS | start-up or fill, sec-ts / SEC | out.log |",
);
console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |");
for (const p of points) {
  const o = p.runs.get("sec-ts");
  const s = p.runs.get("SEC");
  const ratio = o !== undefined && s !== undefined ? `${(s.wall / o.wall).toFixed(1)}×` : "–";
  const setup = (r: Run | undefined) =>
    r === undefined
      ? "–"
      : r.fill === undefined
      ? `${r.startup.toFixed(2)} s`
      : r.fill < 0.01
      ? "fill < 10 ms" // below the polling resolution
      : `${(r.fill * 1e6 / p.size).toFixed(1)} µs/key`;
  const both = [o, s].filter((r) => r !== undefined) as Run[];
  const out = both.length === 0
    ? "–"
    : both.length === 2
    ? `${o!.outLines} lines, ${o!.sha === s!.sha ? "identical" : "DIFFERENT"} ${
      o!.sha.slice(0, 12)
    }`
    : `${both[0].outLines} lines ${both[0].sha.slice(0, 12)}`;
  console.log(
    `| ${p.curve} | ${p.label} | ${cell(o, p.lines)} | ${cell(s, p.lines)} | ${ratio} | ` +
      `${o === undefined ? "–" : mb(o.rssKb)} | ${s === undefined ? "–" : mb(s.rssKb)} | ` +
      `${setup(o)} / ${setup(s)} | ${out} |`,
  );
}
if (
  points.some((p) =>
    p.runs.get("sec-ts") && p.runs.get("SEC") &&
    p.runs.get("sec-ts")!.sha !== p.runs.get("SEC")!.sha
  )
) {
  console.error("out.log differs between sec-ts and SEC");
  Deno.exit(1);
}
