/**
 * Permissions (permissions.ts): the policy (lists, paths, peers, programs
 * resolved through PATH) and its messages. On a real sec-ts process:
 * tests/e2e/permissions_test.ts.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { deniedMessage, findProgram, Permissions } from "./permissions.ts";

const none = { allowRun: [], allowWrite: [], allowNet: [], allowCode: false };

Deno.test("default: everything denied but standard output", () => {
  const p = new Permissions(none);
  ok(!p.anyRun && !p.anyWrite && !p.anyNet && !p.code);
  ok(!p.mayRun("/bin/echo"));
  ok(!p.mayWrite("/tmp/x"));
  ok(p.mayWrite("-"));
  ok(!p.mayConnect("localhost", 514));
  ok(!p.mayUnix("/dev/log"));
});

Deno.test("--allow-all style grants allow everything", () => {
  const p = new Permissions({ allowRun: true, allowWrite: true, allowNet: true, allowCode: true });
  ok(p.mayRun("anything") && p.mayWrite("/etc/x") && p.mayConnect("h", 1) && p.mayUnix("/x"));
});

Deno.test("run lists: by name (resolved through PATH) or by path", () => {
  const echo = findProgram("echo");
  ok(echo.startsWith("/"), echo);
  const p = new Permissions({ ...none, allowRun: ["echo"] });
  ok(p.mayRun("echo"));
  ok(p.mayRun(echo));
  ok(!p.mayRun("cat"));
  ok(!p.mayRun("/bin/sh"));
  const q = new Permissions({ ...none, allowRun: [echo] });
  ok(q.mayRun("echo"));
  const sh = new Permissions({ ...none, allowRun: ["sh"] });
  ok(sh.mayRun("/bin/sh"), "sh by name allows /bin/sh");
});

Deno.test("write lists: files and directories, relative to the current directory", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const p = new Permissions({ ...none, allowWrite: [`${dir}/out.log`, `${dir}/sub`] });
    ok(p.mayWrite(`${dir}/out.log`));
    ok(!p.mayWrite(`${dir}/other.log`));
    ok(p.mayWrite(`${dir}/sub/a/b`));
    ok(!p.mayWrite(`${dir}/subx`));
    ok(!p.mayWrite(`${dir}/sub/../other`));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("net lists: host:port, host (any port), Unix socket paths", () => {
  const p = new Permissions({
    ...none,
    allowNet: ["localhost:514", "Example.org", "/dev/log", "[::1]:80"],
  });
  ok(p.mayConnect("localhost", 514));
  ok(!p.mayConnect("localhost", 515));
  ok(p.mayConnect("example.org", 1));
  ok(p.mayConnect("::1", 80));
  ok(p.mayUnix("/dev/log"));
  ok(!p.mayUnix("/tmp/x.sock"));
});

Deno.test("denied messages name the flag", () => {
  assertEquals(
    deniedMessage("run", "action 'shellcmd'", "sh"),
    "action 'shellcmd' needs permission for running programs: add --allow-run=sh (or --allow-run)",
  );
  assertEquals(
    deniedMessage("code", "action 'eval'"),
    "action 'eval' needs permission for JavaScript code in rules: add --allow-code",
  );
});
