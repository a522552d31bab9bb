/**
 * Permissions on a real sec-ts process: load-time rejection, run-time
 * refusal, and the revocation of Deno permissions that were not granted
 * (the policy itself: src/runtime/permissions_test.ts).
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { runSec } from "../helpers/run_sec.ts";

Deno.test("load time: a rule needing a permission that was not given is reported with file, line and flag", async () => {
  const r = await runSec({
    rules: `type=Single
ptype=SubStr
pattern=a
desc=a
action=shellcmd touch x

type=Single
ptype=SubStr
pattern=b
desc=b
action=write out.txt $0

type=Single
ptype=SubStr
pattern=c
desc=c
action=tcpsock localhost:2003 x

type=Single
ptype=SubStr
pattern=d
desc=d
action=write - allowed d
`,
    input: ["a", "b", "c", "d"],
  });
  ok(
    /rules\.sec:5: .*action 'shellcmd' needs permission for running programs: add --allow-run=touch/
      .test(r.log),
    r.log,
  );
  ok(/rules\.sec:11: .*add --allow-write=out\.txt/.test(r.log), r.log);
  ok(/rules\.sec:17: .*add --allow-net=localhost:2003/.test(r.log), r.log);
  assertEquals(r.stdout, "allowed d\n");
});

Deno.test("run time: names from variables are checked when the action runs; refusals are logged", async () => {
  const dir = Deno.makeTempDirSync();
  const r = await runSec({
    dir,
    rules: `type=Single
ptype=RegExp
pattern=^run (\\S+)
desc=run
action=cmdexec $1 ran.out

type=Single
ptype=RegExp
pattern=^write (\\S+)
desc=write
action=write $1 data
`,
    input: ["run /bin/touch", "run /usr/bin/env", "write ok.txt", "write no.txt"],
    args: ["--allow-run=/bin/touch", `--allow-write=${dir}/ok.txt`],
    linger: 0.5,
  });
  ok(
    r.log.includes("cmdexec: running '/usr/bin/env' needs permission for running programs"),
    r.log,
  );
  ok(r.log.includes("write: writing file 'no.txt' needs permission for writing files"), r.log);
  assertEquals(Deno.readTextFileSync(`${dir}/ok.txt`), "data\n");
  ok(!existsSync(`${dir}/no.txt`));
  await new Promise((res) => setTimeout(res, 200));
  ok(existsSync(`${dir}/ran.out`), "allowed program did not run");
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

const PROBE = `type=Single
ptype=SubStr
pattern=probe
desc=probe
action=lcall %run -> ( () => { try { new Deno.Command("true").outputSync(); return "ran"; } catch (e) { return e.name; } } ); \\
  lcall %net -> ( () => { try { Deno.listen({ hostname: "127.0.0.1", port: 0 }).close(); return "listened"; } catch (e) { return e.name; } } ); \\
  lcall %wr -> ( () => { try { Deno.writeTextFileSync("w.txt", "x"); return "wrote"; } catch (e) { return e.name; } } ); \\
  write - run=%run net=%net write=%wr
`;

Deno.test("revocation holds: code in a rule cannot run programs, open sockets or write files without the flags", async () => {
  const denied = await runSec({ rules: PROBE, input: ["probe"], args: ["--allow-code"] });
  assertEquals(denied.stdout, "run=NotCapable net=NotCapable write=NotCapable\n", denied.log);
  const allowed = await runSec({ rules: PROBE, input: ["probe"], args: ["--allow-all"] });
  assertEquals(allowed.stdout, "run=ran net=listened write=wrote\n", allowed.log);
});
