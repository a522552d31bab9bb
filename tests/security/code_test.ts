/**
 * Rule code attacks: code in a rule must not run while the rules load
 * (before the Deno permissions are revoked, and in --testonly); code in
 * context expressions is checked when the rules load; a PerlFunc that
 * throws is logged.
 */
import { ok } from "node:assert";
import { runSec } from "../helpers/run_sec.ts";

const exists = (p: string) => {
  try {
    Deno.lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

/** A rule file whose every code operand writes a file or starts a program when evaluated. */
function hostileRules(dir: string): string {
  const w = (name: string) => `Deno.writeTextFileSync(${JSON.stringify(`${dir}/${name}`)}, "x")`;
  const run = (name: string) =>
    `new Deno.Command("touch", { args: [${JSON.stringify(`${dir}/${name}`)}] }).outputSync()`;
  return `type=Single
ptype=PerlFunc
pattern=(${w("pattern-write")}, ${run("pattern-run")}, (l) => false)
desc=a
action=none

type=Single
ptype=SubStr
pattern=go
context=$0 -> (${w("context-write")}, (x) => true) && =(${w("eval-operand")}, 1)
desc=b
action=lcall %o $0 -> (${w("lcall-write")}, ${run("lcall-run")}, (x) => x)

type=Single
ptype=SubStr
pattern=go
context=SSH :> (${w("cache-write")}, (e) => true)
desc=c
action=none
`;
}

const FILES = [
  "pattern-write",
  "pattern-run",
  "context-write",
  "eval-operand",
  "lcall-write",
  "lcall-run",
  "cache-write",
];

Deno.test("--testonly with --allow-code runs no rule code: nothing written, nothing started", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "sec-ts-code-" });
  const r = await runSec({ rules: hostileRules(dir), dir, args: ["--allow-code", "--testonly"] });
  ok(r.code === 0, r.log);
  for (const f of FILES) ok(!exists(`${dir}/${f}`), `${f} exists: code ran at load\n${r.log}`);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("code runs only after the revoke: without --allow-write/--allow-run its effects fail", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "sec-ts-code-" });
  const r = await runSec({ rules: hostileRules(dir), dir, args: ["--allow-code"], input: ["go"] });
  for (const f of FILES) ok(!exists(`${dir}/${f}`), `${f} exists\n${r.log}`);
  // the pattern's code did run (after the revoke) and its failure is logged as SEC does
  ok(/PerlFunc pattern runtime error: .*(NotCapable|Requires write access)/.test(r.log), r.log);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("code in context expressions needs --allow-code: rejected at load with file:line", async () => {
  for (const ctx of ["$0 -> ( (x) => true )", "SSH :> ( (e) => true )", "=( 1 + 1 )"]) {
    const r = await runSec({
      rules: `type=Single\nptype=SubStr\npattern=go\ncontext=${ctx}\ndesc=x\naction=none\n`,
      args: ["--testonly"],
    });
    ok(r.code === 1, `${ctx}: exit ${r.code}\n${r.log}`);
    ok(
      /rules\.sec:4: .*needs permission for JavaScript code in rules: add --allow-code/.test(r.log),
      r.log,
    );
  }
});

Deno.test("Perl code in context expressions is reported at load with the JavaScript to write", async () => {
  for (const ctx of ["$1 -> ( sub { $_[0] > 1 } )", "=( my $x = 1 )", "SSH :> (sub { 1 })"]) {
    const r = await runSec({
      rules: `type=Single\nptype=RegExp\npattern=(\\d+)\ncontext=${ctx}\ndesc=x\naction=none\n`,
      args: ["--testonly", "--allow-code"],
    });
    ok(r.code === 1, `${ctx}: exit ${r.code}\n${r.log}`);
    ok(
      /rules\.sec:4: .*this is Perl code .*sec-ts takes JavaScript here, e\.g\. context=/.test(
        r.log,
      ),
      r.log,
    );
  }
});

Deno.test("a PerlFunc pattern that throws is logged and does not match", async () => {
  const r = await runSec({
    rules: `type=Single
ptype=PerlFunc
pattern=(l) => { throw new Error("boom " + l); }
desc=x
action=write - matched
`,
    args: ["--allow-code"],
    input: ["abc"],
  });
  ok(r.log.includes("PerlFunc pattern runtime error: boom abc"), r.log);
  ok(!r.stdout.includes("matched"), r.stdout);
});
