/**
 * addinput/dropinput, varset, sigemul and the file actions (write,
 * writen, owritecl, closef) on real files, behind --allow-write, on a real
 * sec-ts process.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { runSec } from "../helpers/run_sec.ts";

Deno.test("addinput reads a file from an offset with its internal context; dropinput closes it", async () => {
  const dir = Deno.makeTempDirSync();
  Deno.writeTextFileSync(`${dir}/f.log`, "file line 1\nfile line 2\n");
  const r = await runSec({
    dir,
    rules: `type=Single
ptype=RegExp
pattern=^add (\\S+)$
desc=add
action=addinput f.log $1 FCTX; write - added

type=Single
ptype=RegExp
pattern=^drop$
desc=drop
action=dropinput f.log; write - dropped

type=Single
ptype=RegExp
pattern=^file (.*)
desc=f
action=write - from file: $1 src=$+{_inputsrc} ctx=$+{_intcontext}
`,
    input: ["add 12", 1, "drop"],
    args: ["--intcontexts"],
  });
  assertEquals(
    r.stdout,
    "added\nfrom file: line 2 src=f.log ctx=FCTX\ndropped\n",
  );
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("varset looks up the pattern match cache of the current event", async () => {
  const r = await runSec({
    rules: `type=Single
ptype=RegExp
pattern=^cache
varmap=C
continue=TakeNext
desc=c
action=varset %a C; varset %b D; write - a=%a b=%b
`,
    input: ["cache"],
  });
  assertEquals(r.stdout, "a=1 b=0\n");
});

Deno.test("sigemul USR1 writes the dump file; TERM ends the correlator", async () => {
  const dir = Deno.makeTempDirSync();
  const r = await runSec({
    dir,
    rules: `type=Single
ptype=RegExp
pattern=^(\\S+)$
desc=sig
action=sigemul $1; write - sent $1
`,
    input: ["USR1", 1, "TERM", "not seen"],
    args: [`--dump=${dir}/dump.txt`],
    linger: 2,
  });
  ok(Deno.readTextFileSync(`${dir}/dump.txt`).length > 0);
  assertEquals(r.stdout.split("\n")[0], "sent USR1");
  ok(!r.stdout.includes("not seen"), r.stdout);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("write, writen, owritecl, closef on real files with --allow-write; refused without it", async () => {
  const dir = Deno.makeTempDirSync();
  const rules = `type=Single
ptype=RegExp
pattern=^go (\\S+)$
desc=go
action=write out/w.txt line $1; writen out/w.txt no newline; closef out/w.txt; \\
  writen out/w.txt %.nl; owritecl out/o.txt once $1%.nl; write $1 var; write - done
`;
  Deno.mkdirSync(`${dir}/out`);
  const denied = await runSec({ dir, rules, input: ["go out/v.txt"] });
  ok(
    /rules\.sec:5: .*action 'write' to 'out\/w\.txt' needs permission for writing files: add --allow-write=out\/w\.txt/
      .test(denied.log),
    denied.log,
  );
  assertEquals(denied.stdout, "");
  const r = await runSec({
    dir,
    rules,
    input: ["go out/v.txt"],
    args: [`--allow-write=${dir}/out`],
  });
  assertEquals(r.stdout, "done\n", r.log);
  assertEquals(Deno.readTextFileSync(`${dir}/out/w.txt`), "line out/v.txt\nno newline\n");
  assertEquals(Deno.readTextFileSync(`${dir}/out/o.txt`), "once out/v.txt\n");
  assertEquals(Deno.readTextFileSync(`${dir}/out/v.txt`), "var\n");
  const r2 = await runSec({
    dir,
    rules,
    input: ["go elsewhere.txt"],
    args: [`--allow-write=${dir}/out`],
  });
  ok(r2.log.includes("write: writing file 'elsewhere.txt' needs permission"), r2.log);
  ok(!existsSync(`${dir}/elsewhere.txt`));
  Deno.removeSync(dir, { recursive: true });
});

function existsSync(p: string): boolean {
  try {
    Deno.statSync(p);
    return true;
  } catch {
    return false;
  }
}
