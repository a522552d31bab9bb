/**
 * One line must not stall the agent: a pattern V8 would backtrack on for
 * minutes (a nested quantifier) is refused at load, named; the other rules
 * run and the agent keeps answering the FIFO and SIGTERM on lines that
 * would have made it backtrack. (The analysis's verdicts on 62 patterns:
 * src/lang/regex_safety_test.ts.)
 */
import { ok } from "node:assert";
import { SecProcess } from "../helpers/sec_process.ts";
import { runSec } from "../helpers/run_sec.ts";

Deno.test("a nested quantifier V8 cannot bound is refused at load, naming it", async () => {
  const r = await runSec({
    rules: "type=Single\nptype=RegExp\npattern=^(\\w+\\s?)*$\ndesc=x\naction=none\n",
    args: ["--testonly"],
  });
  ok(r.code === 1, r.log);
  ok(
    r.log.includes("rules.sec:3: rule at line 1 is invalid: nested quantifier '(\\w+\\s?)*'"),
    r.log,
  );
});

Deno.test("lines that would backtrack for minutes: the agent still answers the FIFO and SIGTERM", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "sec-ts-regex-" });
  Deno.writeTextFileSync(
    `${dir}/r.sec`,
    "type=Single\nptype=RegExp\npattern=(x+x+)+y\ndesc=x\naction=write - bad\n\n" +
      "type=Single\nptype=RegExp\npattern=x+y$\ndesc=x\naction=write - matched\n",
  );
  // each line takes V8's backtracking engine far longer than the test may run
  Deno.writeTextFileSync(`${dir}/in.log`, ("x".repeat(3000) + "\n").repeat(50) + "xxy\n");
  const p = new SecProcess([
    `--conf=${dir}/r.sec`,
    `--input=${dir}/in.log`,
    "--fromstart",
    `--ctlfifo=${dir}/ctl`,
  ]);
  try {
    await p.waitForLog(`Reading control commands from FIFO ${dir}/ctl`);
    const f = await Deno.open(`${dir}/ctl`, { write: true });
    await f.write(new TextEncoder().encode(`status ${dir}/status.json\n`));
    f.close();
    await p.waitFor(
      () => {
        try {
          return Deno.statSync(`${dir}/status.json`).size > 0;
        } catch {
          return false;
        }
      },
      30000,
      "status reply",
    );
    await p.waitForLine("matched", 30000);
    ok(p.stderr.includes("nested quantifier '(x+x+)+'"), p.stderr);
  } finally {
    const code = await p.stop();
    ok(code === 0, `exit ${code}\n${p.stderr}`);
    Deno.removeSync(dir, { recursive: true });
  }
});
