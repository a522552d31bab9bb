/**
 * Rules that pass --testonly must not crash the agent on its first line:
 * patterns V8 cannot compile and absurd line counts are rejected when the
 * rules load (file:line, reason); the literal pre-check copes with huge
 * literals; --testonly fails where SEC's does (a line not keyword=value).
 */
import { ok } from "node:assert";
import { runSec } from "../helpers/run_sec.ts";

const X = "x".repeat(60000);

Deno.test("a regex too large for V8 is rejected at load with file:line; other rules keep working", async () => {
  const rules = `type=Single
ptype=RegExp
pattern=(login )|(${X})
desc=big
action=write - big

type=Single
ptype=SubStr
pattern=login
desc=small
action=write - small
`;
  const t = await runSec({ rules, args: ["--testonly"] });
  ok(t.code === 1, t.log.slice(0, 2000));
  ok(
    /rules\.sec:3: .*cannot be used: Regular expression too large/.test(t.log),
    t.log.slice(0, 2000),
  );
  const r = await runSec({ rules, input: ["login ok", "login again"] });
  ok(r.code === 0, r.log.slice(0, 2000));
  ok(r.stdout === "small\nsmall\n", r.stdout);
});

Deno.test("huge line counts in ptype are rejected with a reason, not a crash or 3 GB", async () => {
  for (const n of ["4294967296", "100000000"]) {
    const rules = `type=Single\nptype=RegExp${n}\npattern=a\ndesc=x\naction=none\n`;
    const t = await runSec({ rules, args: ["--testonly"] });
    ok(t.code === 1, t.log);
    ok(
      t.log.includes(`rules.sec:2: rule at line 1 is invalid: invalid pattern type 'RegExp${n}'`),
      t.log,
    );
    const r = await runSec({ rules, input: ["a"] });
    ok(r.code === 0, r.log);
  }
});

Deno.test("the literal pre-check: a huge literal among small ones does not break matching", async () => {
  const long = "y".repeat(60000);
  const rules = ["alpha", "beta", "gamma", long].map((w) =>
    `type=Single\nptype=SubStr\npattern=${w}\ndesc=${w.slice(0, 5)}\naction=write - %s\n`
  ).join("\n");
  const r = await runSec({ rules, input: ["alpha beta", `x${long}x`, "gamma"] });
  ok(r.code === 0, r.log.slice(0, 2000));
  ok(r.stdout === "alpha\nyyyyy\ngamma\n", r.stdout);
});

Deno.test("--testonly fails on a line that is not keyword=value, as SEC's does", async () => {
  const t = await runSec({
    rules: "type=Single\npro\nptype=SubStr\npattern=x\ndesc=x\naction=none\n",
    args: ["--testonly"],
  });
  ok(t.code === 1, t.log);
  ok(t.log.includes("rules.sec:2: invalid line 'pro'"), t.log);
});

Deno.test("a context expression in 5000 redundant parentheses loads, as in SEC", async () => {
  const deep = "(".repeat(5000) + "A" + ")".repeat(5000);
  const r = await runSec({
    rules: `type=Single\nptype=SubStr\npattern=go\ncontext=${deep}\ndesc=x\naction=write - ok\n\n` +
      "type=Single\nptype=SubStr\npattern=mk\ndesc=x\naction=create A\n",
    input: ["go", "mk", "go"],
  });
  ok(r.code === 0 && r.stdout === "ok\n", r.log.slice(0, 2000));
});
