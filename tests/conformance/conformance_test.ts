/**
 * Runs every conformance case of ../shared/conformance/cases (recorded from
 * SEC 2.9.4) against sec-ts, following ../shared/conformance/README.md.
 * Each case is one test step named after it; a summary per prefix
 * (p-, c-, a-) is printed at the end.
 *
 * The project's own cases, in tests/fixtures/conformance/cases (same
 * format, recorded from SEC 2.9.4 with run-case --record), run as well.
 *
 * Cases listed in tests/conformance/conformance_pending.txt are expected to fail for
 * now: they run and are reported ("still failing" / "PASS-unexpectedly")
 * but do not fail the suite. Every other case must pass.
 *
 * Environment:
 * - SEC_CONFORMANCE_FILTER: regex; only cases whose name matches run
 * - SEC_CONFORMANCE_JOBS: cases run at once (default 8)
 * - SEC_CONFORMANCE_CMD: command to test instead of `deno run -A main.ts
 *   --allow-all`, split at spaces (e.g. `perl /opt/refsec/sec`)
 * - SEC_CONFORMANCE_STRICT=1: ignore the pending list (every case must pass)
 * - SEC_CONFORMANCE_VERBOSE=1: also show the differences of pending cases
 * - SEC_CONFORMANCE_WRITE_PENDING=1: rewrite the pending list: the cases
 *   that failed in this run, plus the listed ones that did not run
 *
 * @module
 */
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type CaseResult,
  listCases,
  loadCase,
  readPendingList,
  runCase,
  runPool,
} from "../helpers/conformance.ts";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const casesDir = resolve(repo, "..", "shared", "conformance", "cases");
/** The project's own cases (recorded from SEC 2.9.4 the same way), run beside the shared ones. */
const ownCasesDir = join(repo, "tests", "fixtures", "conformance", "cases");
const pendingFile = join(repo, "tests", "conformance", "conformance_pending.txt");
const env = (name: string) => Deno.env.get(name);

function command(): string[] {
  const custom = env("SEC_CONFORMANCE_CMD");
  if (custom) return custom.trim().split(/\s+/);
  return [Deno.execPath(), "run", "-A", join(repo, "main.ts"), "--allow-all"];
}

function report(r: CaseResult): string {
  return [
    `FAIL ${r.name} (${r.seconds.toFixed(1)} s)`,
    ...r.problems.map((p) => "  " + p.replaceAll("\n", "\n  ")),
    `  command: ${r.argv.join(" ")}`,
    `  stderr (tail):\n    ${r.stderrTail.replaceAll("\n", "\n    ")}`,
  ].join("\n");
}

if (!existsSync(casesDir)) {
  Deno.test({
    name: `conformance: SKIPPED, no cases at ${casesDir} (clone the shared folder beside the repo)`,
    ignore: true,
    fn() {},
  });
} else {
  Deno.test("conformance", async (t) => {
    const filter = env("SEC_CONFORMANCE_FILTER");
    const re = filter ? new RegExp(filter) : undefined;
    const dirs = new Map<string, string>();
    for (const n of listCases(casesDir)) dirs.set(n, join(casesDir, n));
    if (existsSync(ownCasesDir)) {
      for (const n of listCases(ownCasesDir)) dirs.set(n, join(ownCasesDir, n));
    }
    const names = [...dirs.keys()].sort().filter((n) => !re || re.test(n));
    const strict = env("SEC_CONFORMANCE_STRICT") === "1";
    const pending = strict ? new Set<string>() : readPendingList(pendingFile);
    const jobs = Math.max(1, parseInt(env("SEC_CONFORMANCE_JOBS") ?? "8", 10) || 8);
    const cmd = command();
    const verbose = env("SEC_CONFORMANCE_VERBOSE") === "1";
    const cases = names.map((n) => loadCase(dirs.get(n)!));
    const runs = runPool(cases, jobs, (c) => runCase(c, cmd));

    const results: CaseResult[] = [];
    for (let i = 0; i < cases.length; i++) {
      const name = cases[i].name;
      await t.step(name, async () => {
        const r = await runs[i];
        results.push(r);
        if (r.passed) {
          if (pending.has(name)) {
            console.log(
              `PASS-unexpectedly ${name}: remove it from tests/conformance/conformance_pending.txt`,
            );
          }
          return;
        }
        if (pending.has(name)) {
          if (verbose) console.log(`pending, still failing:\n${report(r)}`);
          return;
        }
        throw new Error(report(r));
      });
    }

    const lines: string[] = [];
    for (const prefix of ["p-", "c-", "a-"]) {
      const mine = results.filter((r) => r.name.startsWith(prefix));
      if (mine.length === 0) continue;
      const passed = mine.filter((r) => r.passed).length;
      const pend = mine.filter((r) => !r.passed && pending.has(r.name)).length;
      lines.push(
        `conformance ${prefix}: ${passed} passed, ${mine.length - passed} failed` +
          (pend ? ` (${pend} of them pending)` : ""),
      );
    }
    const others = results.filter((r) => !/^[pca]-/.test(r.name));
    if (others.length) {
      const passed = others.filter((r) => r.passed).length;
      lines.push(`conformance other: ${passed} passed, ${others.length - passed} failed`);
    }
    const unexpected = results.filter((r) => r.passed && pending.has(r.name)).map((r) => r.name);
    if (unexpected.length) lines.push(`PASS-unexpectedly (unlist them): ${unexpected.join(" ")}`);
    const stale = [...pending].filter((n) => !dirs.has(n));
    if (stale.length) lines.push(`pending list names unknown cases: ${stale.join(" ")}`);
    console.log(lines.join("\n"));

    if (env("SEC_CONFORMANCE_WRITE_PENDING") === "1") {
      // cases not run this time (filtered out) keep their entry
      const ran = new Set(results.map((r) => r.name));
      const failing = [
        ...[...readPendingList(pendingFile)].filter((n) => !ran.has(n)),
        ...results.filter((r) => !r.passed).map((r) => r.name),
      ].sort();
      writeFileSync(
        pendingFile,
        "# Conformance cases not yet expected to pass (see tests/conformance/conformance_test.ts).\n" +
          "# One case name a line. Remove a case as soon as it passes.\n" +
          failing.map((n) => n + "\n").join(""),
      );
      console.log(`wrote ${failing.length} names to ${pendingFile}`);
    }
  });
}
