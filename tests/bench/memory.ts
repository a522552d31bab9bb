/**
 * Where the peak memory goes (a benchmark, not a test): runs
 * ../shared/bench (the SEC benchmark: same log, same rules) and samples
 * the correlator's /proc/PID/status every 10 ms, so that its peak
 * resident set is split into private memory (RssAnon: heap, stacks, the
 * state) and file-backed pages (RssFile: the pages of the executable and
 * its libraries that were touched, shared with every other process running
 * the same binary and dropped first under memory pressure).
 *
 *     deno task bench:memory [LINES] [RULESET...]
 *
 * With `SEC_REF` set to the reference SEC script (run with perl), SEC runs
 * too, after sec-ts on each ruleset. Prints a table: peak RSS, peak
 * private memory and the file-backed pages at the peak, for each.
 *
 * Internally the same file is the sampler: run-bench starts
 * `memory.ts --sample OUT -- COMMAND...` with its own `--conf`, `--input`
 * and `--notail` appended; the sampler runs COMMAND with them and writes
 * its figures to OUT.
 *
 * @module
 */
const bench = new URL("../../../shared/bench/", import.meta.url).pathname;
const main = new URL("../../main.ts", import.meta.url).pathname;
const self = new URL(import.meta.url).pathname;

/** Peak figures of one run, in KiB. */
interface Peak {
  rss: number;
  anon: number;
  fileAtPeak: number;
}

/** The kB values of the named fields of /proc/PID/status, or undefined once the process is gone. */
function status(pid: number): Record<string, number> | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(`/proc/${pid}/status`);
  } catch {
    return undefined;
  }
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^(VmRSS|RssAnon|RssFile):\s+(\d+) kB$/gm)) out[m[1]] = +m[2];
  return out;
}

/** Runs `command` and samples it until it exits; returns its exit code and peaks. */
async function sample(command: string[]): Promise<{ code: number; peak: Peak }> {
  const child = new Deno.Command(command[0], {
    args: command.slice(1),
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const peak: Peak = { rss: 0, anon: 0, fileAtPeak: 0 };
  const look = () => {
    const s = status(child.pid);
    if (s === undefined || s.VmRSS === undefined) return;
    if (s.VmRSS > peak.rss) {
      peak.rss = s.VmRSS;
      peak.fileAtPeak = s.RssFile ?? 0;
    }
    peak.anon = Math.max(peak.anon, s.RssAnon ?? 0);
  };
  const timer = setInterval(look, 10);
  const { code } = await child.status;
  clearInterval(timer);
  return { code, peak };
}

if (Deno.args[0] === "--sample") {
  const out = Deno.args[1];
  const command = Deno.args.slice(Deno.args.indexOf("--") + 1);
  const { code, peak } = await sample(command);
  Deno.writeTextFileSync(out, JSON.stringify(peak));
  Deno.exit(code);
}

try {
  Deno.statSync(bench + "run-bench");
} catch {
  console.error(`no benchmark at ${bench} (../shared/bench beside this checkout)`);
  Deno.exit(1);
}

const positional = Deno.args.filter((a) => !a.startsWith("--"));
const lines = positional[0] ?? "1000000";
const sets = positional.length > 1 ? positional.slice(1) : ["small.sec", "medium.sec", "large.sec"];
const secRef = Deno.env.get("SEC_REF");

/** Runs one implementation on one ruleset through run-bench; returns its peaks. */
async function measure(set: string, label: string, command: string[]): Promise<Peak> {
  const out = Deno.makeTempFileSync({ prefix: "sec-ts-memory-" });
  try {
    const sampler = [Deno.execPath(), "run", "-A", "--no-config", self, "--sample", out, "--"];
    const r = await new Deno.Command(bench + "run-bench", {
      args: ["--label", label, set, lines, "--", ...sampler, ...command],
      cwd: bench,
      stdout: "piped",
      stderr: "inherit",
    }).output();
    const text = new TextDecoder().decode(r.stdout);
    for (const l of text.split("\n")) if (l.startsWith("run ")) console.log(`${label}: ${l}`);
    if (!r.success) throw new Error(`${label} failed on ${set} (exit ${r.code})`);
    return JSON.parse(Deno.readTextFileSync(out));
  } finally {
    Deno.removeSync(out);
  }
}

const mb = (kib: number) => `${(kib / 1024).toFixed(0)}`;
const rows: string[] = [];
for (const set of sets) {
  const ours = await measure(set, "sec-ts", [
    Deno.execPath(),
    "run",
    "-A",
    main,
    "--allow-write=out.log",
  ]);
  const cells = [`${mb(ours.rss)} / ${mb(ours.anon)} / ${mb(ours.fileAtPeak)}`];
  if (secRef !== undefined) {
    const ref = await measure(set, "SEC 2.9.4", ["perl", secRef]);
    cells.unshift(`${mb(ref.rss)} / ${mb(ref.anon)} / ${mb(ref.fileAtPeak)}`);
  }
  rows.push(`| ${set} | ${cells.join(" | ")} |`);
}
console.log(
  `\n${lines} lines; MB: peak RSS / peak private memory (RssAnon) / file-backed pages at the peak`,
);
console.log(secRef === undefined ? "| ruleset | sec-ts |" : "| ruleset | SEC 2.9.4 | sec-ts |");
console.log(secRef === undefined ? "| --- | ---: |" : "| --- | ---: | ---: |");
for (const r of rows) console.log(r);
