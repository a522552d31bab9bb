/**
 * Long robustness run by hand (not a test): mutated rule files
 * (helpers/rule_mutator.ts) from the built-in bases plus, when present,
 * the shared conformance cases and benchmark rules; each run with
 * --testonly and over a few input lines. Reports crashes and hangs and,
 * with SEC_REF=/path/to/sec, compares the --testonly exit status with the
 * reference SEC's (sec-ts gets --allow-all, which SEC does not need).
 *
 *     SEC_REF=/work/sec-ref/sec deno task fuzz:rules [COUNT] [FIRST_SEED] [JOBS]
 */
import { BASE_RULES, mutatedRuleFile } from "./helpers/rule_mutator.ts";
import { pool, secRefTestonly, secTsRun, secTsTestonly } from "./helpers/mutation_run.ts";

const count = Number(Deno.args[0] ?? 3000);
const first = Number(Deno.args[1] ?? 1);
const jobs = Number(Deno.args[2] ?? 3);
const secRef = Deno.env.get("SEC_REF");

const bases = [...BASE_RULES];
const shared = new URL("../../shared/", import.meta.url).pathname;
try {
  for (const c of Deno.readDirSync(`${shared}conformance/cases`)) {
    for (const f of Deno.readDirSync(`${shared}conformance/cases/${c.name}`)) {
      if (f.name.endsWith(".sec")) {
        bases.push(Deno.readTextFileSync(`${shared}conformance/cases/${c.name}/${f.name}`));
      }
    }
  }
  for (const b of ["small.sec", "medium.sec"]) {
    bases.push(Deno.readTextFileSync(`${shared}bench/${b}`));
  }
} catch {
  // no shared folder: built-in bases only
}

const dir = Deno.makeTempDirSync({ prefix: "sec-ts-fuzz-" });
const seeds = Array.from({ length: count }, (_, i) => first + i);
let crashes = 0, hangs = 0, mismatches = 0, done = 0;
const mismatchKinds = new Map<string, number>();
const t0 = performance.now();
await pool(seeds, jobs, async (seed) => {
  const sub = `${dir}/${seed}`;
  Deno.mkdirSync(sub);
  const file = `${sub}/rules.sec`;
  Deno.writeFileSync(file, mutatedRuleFile(seed, bases));
  const t = await secTsTestonly(file, sub, ["--allow-all"]);
  const r = await secTsRun(file, sub);
  for (const [what, o] of [["--testonly", t], ["run", r]] as const) {
    if (o.crashed || o.hung) {
      if (o.crashed) crashes++;
      else hangs++;
      console.log(
        `seed ${seed} ${what}: ${o.hung ? "HANG" : `CRASH exit ${o.code}`}\n${o.log.slice(-800)}`,
      );
      Deno.copyFileSync(file, `${dir}/problem-${seed}.sec`);
    }
  }
  if (secRef !== undefined && !t.hung && !t.crashed) {
    const ref = await secRefTestonly(secRef, file, sub);
    if (!ref.hung && ref.code !== t.code) {
      mismatches++;
      // the first reason sec-ts gave, without file, line and the variable parts
      const reason = t.code === 1
        ? (/^[^:\n]*:\d+: (?:rule at line \d+ is invalid: )?(.{0,50})/m.exec(t.log)?.[1] ?? "?")
          .replace(/'[^']*'?/g, "'…'").replace(/\d+/g, "N")
        : "sec-ts accepts, SEC rejects: " + (/: ([^:\n]{0,60})\n/.exec(ref.log)?.[1] ?? "?")
          .replace(/\d+/g, "N");
      mismatchKinds.set(reason, (mismatchKinds.get(reason) ?? 0) + 1);
      Deno.copyFileSync(file, `${dir}/mismatch-${seed}.sec`);
    }
  }
  Deno.removeSync(sub, { recursive: true });
  if (++done % 250 === 0) {
    console.log(
      `${done}/${count} files, ${crashes} crashes, ${hangs} hangs, ${mismatches} exit-status ` +
        `mismatches with SEC, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
  }
});
console.log(
  `\n${count} mutated rule files (seeds ${first}..${first + count - 1}): ${crashes} crashes, ` +
    `${hangs} hangs, ${secRef === undefined ? "no SEC_REF" : `${mismatches} mismatches with SEC`}`,
);
for (const [k, n] of [...mismatchKinds].sort((a, b) => b[1] - a[1])) console.log(`  ${n}\t${k}`);
console.log(`problem and mismatch files kept in ${dir}`);
Deno.exit(crashes + hangs > 0 ? 1 : 0);
