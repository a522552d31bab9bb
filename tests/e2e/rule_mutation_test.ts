/**
 * Mutated rule files (tests/helpers/rule_mutator.ts) on a fixed seed set:
 * no uncaught exception, no crash, no hang, neither in --testonly nor in a
 * run over a few input lines. Longer runs by hand: `deno task fuzz:rules`.
 */
import { ok } from "node:assert";
import { mutatedRuleFile } from "../helpers/rule_mutator.ts";
import { pool, secTsRun, secTsTestonly } from "../helpers/mutation_run.ts";

const SEEDS = Array.from({ length: 150 }, (_, i) => 1000 + i);

Deno.test("150 mutated rule files: no crash, no hang", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "sec-ts-mut-" });
  const problems: string[] = [];
  await pool(SEEDS, 4, async (seed) => {
    const sub = `${dir}/${seed}`;
    Deno.mkdirSync(sub);
    const file = `${sub}/rules.sec`;
    Deno.writeFileSync(file, mutatedRuleFile(seed));
    const runs = [await secTsRun(file, sub)];
    if (seed % 3 === 0) runs.push(await secTsTestonly(file, sub));
    for (const r of runs) {
      if (r.crashed || r.hung) {
        problems.push(
          `seed ${seed}: ${r.hung ? "hang" : `crash (exit ${r.code})`}\n${r.log.slice(-1500)}`,
        );
      }
    }
  });
  Deno.removeSync(dir, { recursive: true });
  ok(problems.length === 0, problems.join("\n\n"));
});
