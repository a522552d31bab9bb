/**
 * How fast sec-ts could be if reading the log cost the correlator nothing
 * (a benchmark, not a test): for each ruleset of ../shared/bench, the time
 * of a whole run (start-up, reading, splitting, rules) beside the time the
 * engine alone takes on the same lines already split in memory, which is
 * what would stay on the main thread if a worker did all the reading,
 * decoding and splitting. The engine's work cannot be split further
 * without changing its semantics: every line may change the contexts,
 * operations and variables the next line is matched against.
 *
 *     deno task bench:ceiling [LINES] [RULESET...]
 *
 * With `SEC_REF` set to the reference SEC script, SEC runs too and the
 * table shows the time 25× its speed would allow for the whole run.
 *
 * Internally the same file measures: run-bench `--raw` starts
 * `engine_ceiling.ts --engine RULESET OUT LOG` in a fresh directory, which
 * loads the rules, reads and decodes LOG (not timed), feeds its lines to
 * an engine (cut as slices: cheaper than any hand-over from a worker, so
 * the figure is a lower bound) and writes the engine's time to OUT.
 *
 * @module
 */
import { parseCommandLine } from "../../src/runtime/cli.ts";
import { loadRuleFiles, patternLines } from "../../src/runtime/app.ts";
import { createEngine } from "../../src/engine/factory.ts";
import { CachedClock, SystemClock } from "../../src/engine/clock.ts";
import { OutputManager } from "../../src/runtime/outputs.ts";
import { ProcessActionRuntime } from "../../src/runtime/action_runtime.ts";
import { MemoryLogger } from "../../src/runtime/logger.ts";
import { AGENT_V8_FLAGS } from "../../src/runtime/v8_heap.ts";

const bench = new URL("../../../shared/bench/", import.meta.url).pathname;
const main = new URL("../../main.ts", import.meta.url).pathname;
const self = new URL(import.meta.url).pathname;

/** The measuring side: the engine alone over LOG's lines; writes `<ms> <lines>` to `out`. */
function engineAlone(ruleset: string, out: string, log: string): void {
  // decoded at once, not timed; the lines are cut in the timed loop (a slice, no copy) so that
  // they die young as they would when handed over by a worker, not all kept alive at once
  const text = new TextDecoder("latin1").decode(Deno.readFileSync(log));
  const opts = parseCommandLine([`--conf=${ruleset}`, "--allow-write=out.log"]);
  const logger = new MemoryLogger();
  const outputs = new OutputManager("bytes", logger);
  const runtime = new ProcessActionRuntime(opts, logger, outputs, "bytes");
  const patternOptions = { utf8: false, ...runtime.loadOptions() };
  const rules = loadRuleFiles(opts.conf, patternOptions, logger, "bytes");
  const bufsize = patternLines(rules.files);
  const clock = new CachedClock(new SystemClock());
  const engine = createEngine({
    options: {
      clock,
      logger,
      jointbuf: bufsize === 1,
      bufsize,
      intcontexts: false,
      evstoresize: 0,
    },
    outputs,
    runtime,
    patternOptions,
  });
  engine.setRules(rules.files);
  const t0 = performance.now();
  let n = 0;
  for (let at = 0, i = text.indexOf("\n"); i >= 0; at = i + 1, i = text.indexOf("\n", at)) {
    engine.processLine(text.slice(at, i), log);
    // as the main loop does: the clock read every 8 lines, output flushed now and then
    if ((++n & 7) === 0) clock.refresh();
    if ((n & 16383) === 0) outputs.flush();
  }
  outputs.flush();
  Deno.writeTextFileSync(out, `${performance.now() - t0} ${n}`);
}

if (Deno.args[0] === "--engine") {
  engineAlone(Deno.args[1], Deno.args[2], Deno.args[3]);
  Deno.exit(0);
}

try {
  Deno.statSync(bench + "run-bench");
} catch {
  console.error(`no benchmark at ${bench}`);
  Deno.exit(1);
}

const positional = Deno.args.filter((a) => !a.startsWith("--"));
const count = positional[0] ?? "1000000";
const sets = positional.length > 1 ? positional.slice(1) : ["small.sec", "medium.sec", "large.sec"];
const secRef = Deno.env.get("SEC_REF");

/** Runs run-bench with `args`; returns its standard output (exits on failure). */
async function runBench(args: string[]): Promise<string> {
  const out = await new Deno.Command(bench + "run-bench", {
    args,
    cwd: bench,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    console.error(text);
    console.error(`run-bench ${args.join(" ")} failed (exit ${out.code})`);
    Deno.exit(1);
  }
  return text;
}

/** Wall seconds of a whole run of `command` on `set`. */
async function wholeRun(set: string, label: string, command: string[]): Promise<number> {
  const text = await runBench(["--json", "--label", label, set, count, "--", ...command]);
  const json = text.split("\n").find((l) => l.startsWith("JSON "));
  if (json === undefined) throw new Error("run-bench printed no JSON line");
  return Number(JSON.parse(json.slice(5)).wall_s);
}

const rows: string[] = [];
for (const set of sets) {
  const whole = await wholeRun(set, "sec-ts", [
    Deno.execPath(),
    "run",
    "-A",
    main,
    "--allow-write=out.log",
  ]);
  const out = Deno.makeTempFileSync({ prefix: "sec-ts-ceiling-" });
  await runBench([
    "--raw",
    count,
    "--",
    Deno.execPath(),
    "run",
    "-A",
    `--v8-flags=${AGENT_V8_FLAGS}`,
    self,
    "--engine",
    bench + set,
    out,
  ]);
  const [ms, n] = Deno.readTextFileSync(out).split(" ").map(Number);
  Deno.removeSync(out);
  const engine = ms / 1000;
  const lines = n;
  const cells = [
    `${whole.toFixed(2)} s`,
    `${engine.toFixed(2)} s (${(engine * 1e6 / lines).toFixed(2)} µs/line)`,
    `${(100 * engine / whole).toFixed(0)} %`,
  ];
  if (secRef !== undefined) {
    const sec = await wholeRun(set, "SEC 2.9.4", ["perl", secRef]);
    cells.push(`${sec.toFixed(1)} s`, `${(sec / 25).toFixed(2)} s`);
  }
  rows.push(`| ${set} | ${cells.join(" | ")} |`);
  console.log(rows.at(-1));
}
console.log(`\n${count} lines`);
console.log(
  "| ruleset | sec-ts whole run | engine alone (log already read) | share | " +
    (secRef === undefined ? "" : "SEC whole run | 25× SEC allows |"),
);
console.log("| --- | ---: | ---: | ---: |" + (secRef === undefined ? "" : " ---: | ---: |"));
for (const r of rows) console.log(r);
