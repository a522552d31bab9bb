/**
 * Throughput benchmark (not a test): runs ../shared/bench (the SEC
 * benchmark: same log, same rules as the reference, output hashes to
 * compare) for each ruleset against this checkout.
 *
 *     deno task bench:throughput [--rounds=N] [LINES] [RULESET...]
 *
 * With `SEC_REF` set to the reference SEC script (run with perl), each
 * ruleset is run alternately, sec-ts then SEC, N rounds (default 1), so
 * both see the same state of the machine (a VM's speed drifts within the
 * hour), and a table is printed at the end: lines/s and peak RSS of each
 * (medians over the rounds), the speed-up, and whether out.log was
 * identical (sha256). Without `SEC_REF` only sec-ts runs.
 *
 * @module
 */
const bench = new URL("../../../shared/bench/", import.meta.url).pathname;
const main = new URL("../../main.ts", import.meta.url).pathname;

const roundsArg = Deno.args.find((a) => a.startsWith("--rounds="));
const rounds = roundsArg === undefined ? 1 : Math.max(1, parseInt(roundsArg.slice(9), 10) || 1);
const positional = Deno.args.filter((a) => !a.startsWith("--"));
const lines = positional[0] ?? "1000000";
const sets = positional.length > 1 ? positional.slice(1) : ["small.sec", "medium.sec", "large.sec"];
const secRef = Deno.env.get("SEC_REF");

try {
  Deno.statSync(bench + "run-bench");
} catch {
  console.error(`no benchmark at ${bench}`);
  Deno.exit(1);
}

/** One run's figures, as run-bench prints them with --json. */
interface Run {
  wall: number;
  linesPerSec: number;
  rss: number;
  sha: string;
}

/** Runs one implementation once on a ruleset; prints run-bench's report, returns its figures. */
async function runOnce(set: string, label: string, command: string[]): Promise<Run> {
  const out = await new Deno.Command(bench + "run-bench", {
    args: ["--json", "--label", label, set, lines, "--", ...command],
    cwd: bench,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  for (const l of text.split("\n")) if (l !== "" && !l.startsWith("JSON ")) console.log(l);
  if (!out.success) {
    console.error(`${label} failed on ${set} (exit ${out.code})`);
    Deno.exit(out.code);
  }
  const json = text.split("\n").find((l) => l.startsWith("JSON "));
  if (json === undefined) throw new Error("run-bench printed no JSON line");
  const r = JSON.parse(json.slice(5));
  return {
    wall: Number(r.wall_s),
    linesPerSec: Number(r.lines_per_s),
    rss: Number(r.maxrss_kb) / 1024,
    sha: String(r.out_sha256),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const secTs = [Deno.execPath(), "run", "-A", main, "--allow-write=out.log"];
const rows: string[] = [];
for (const set of sets) {
  const ours: Run[] = [];
  const ref: Run[] = [];
  for (let i = 0; i < rounds; i++) {
    ours.push(await runOnce(set, "sec-ts", secTs));
    if (secRef !== undefined) ref.push(await runOnce(set, "SEC 2.9.4", ["perl", secRef]));
  }
  const o = { lps: median(ours.map((r) => r.linesPerSec)), rss: median(ours.map((r) => r.rss)) };
  if (ref.length === 0) {
    rows.push(`| ${set} | | ${Math.round(o.lps)} | | | ${o.rss.toFixed(0)} MB | ${ours[0].sha} |`);
    continue;
  }
  const s = { lps: median(ref.map((r) => r.linesPerSec)), rss: median(ref.map((r) => r.rss)) };
  const same = [...ours, ...ref].every((r) => r.sha === ours[0].sha);
  rows.push(
    `| ${set} | ${Math.round(s.lps)} | ${Math.round(o.lps)} | ${(o.lps / s.lps).toFixed(1)}× | ` +
      `${s.rss.toFixed(0)} / ${o.rss.toFixed(0)} MB | ${same ? "identical" : "DIFFERENT"} ` +
      `${ours[0].sha.slice(0, 12)} |`,
  );
}
console.log(
  `\n${lines} lines, ${rounds} round(s), medians${secRef === undefined ? " (SEC_REF unset)" : ""}`,
);
console.log(
  "| ruleset | SEC lines/s | sec-ts lines/s | speed-up | peak RSS SEC / sec-ts | out.log |",
);
console.log("| --- | ---: | ---: | ---: | ---: | --- |");
for (const r of rows) console.log(r);
