/**
 * Symlink attacks on --allow-write=DIR and Unix socket grants: real
 * symlinks inside the granted directory that lead out of it.
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

Deno.test("write: a file symlink or a symlinked directory inside --allow-write=DIR cannot lead out", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "sec-ts-link-" });
  Deno.mkdirSync(`${dir}/allowed`);
  Deno.mkdirSync(`${dir}/outside`);
  Deno.writeTextFileSync(`${dir}/outside/victim`, "keep\n");
  Deno.symlinkSync(`${dir}/outside/victim`, `${dir}/allowed/link`);
  Deno.symlinkSync(`${dir}/outside`, `${dir}/allowed/sd`);
  Deno.symlinkSync(`../outside/victim`, `${dir}/allowed/rel`);
  const r = await runSec({
    dir,
    rules: `type=Single
ptype=RegExp
pattern=^w (\\S+)
desc=$1
action=write ${dir}/allowed/$1 pwned
`,
    input: ["w link", "w sd/new", "w rel", "w sd/victim", "w ok"],
    args: [`--allow-write=${dir}/allowed`],
  });
  ok(Deno.readTextFileSync(`${dir}/outside/victim`) === "keep\n", r.log);
  ok(!exists(`${dir}/outside/new`), r.log);
  ok(Deno.readTextFileSync(`${dir}/allowed/ok`) === "pwned\n", r.log);
  ok(/writing files: add --allow-write=.*allowed\/link/.test(r.log), r.log);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("write: a symlink to a place inside the grant still works", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "sec-ts-link-" });
  Deno.mkdirSync(`${dir}/allowed/real`, { recursive: true });
  Deno.symlinkSync(`${dir}/allowed/real`, `${dir}/allowed/alias`);
  const r = await runSec({
    dir,
    rules:
      `type=Single\nptype=SubStr\npattern=go\ndesc=x\naction=write ${dir}/allowed/alias/f ok\n`,
    input: ["go"],
    args: [`--allow-write=${dir}/allowed`],
  });
  ok(Deno.readTextFileSync(`${dir}/allowed/real/f`) === "ok\n", r.log);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("ustream: a symlinked socket path inside the granted directory does not reach a socket outside", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "sec-ts-link-" });
  Deno.mkdirSync(`${dir}/allowed`);
  Deno.mkdirSync(`${dir}/outside`);
  const outside = Deno.listen({ transport: "unix", path: `${dir}/outside/real.sock` });
  let connected = false;
  const accepting = (async () => {
    try {
      const c = await outside.accept();
      connected = true;
      c.close();
    } catch {
      // closed
    }
  })();
  Deno.symlinkSync(`${dir}/outside/real.sock`, `${dir}/allowed/sock`);
  Deno.symlinkSync(`${dir}/outside`, `${dir}/allowed/sd`);
  const r = await runSec({
    dir,
    rules: `type=Single
ptype=RegExp
pattern=^s (\\S+)
desc=$1
action=ustream ${dir}/allowed/$1 hello
`,
    input: ["s sock", "s sd/real.sock"],
    args: [`--allow-net=${dir}/allowed`],
    linger: 0.5,
  });
  outside.close();
  await accepting;
  ok(!connected, r.log);
  ok(/ustream: Unix socket '.*allowed\/sock'/.test(r.log), r.log);
  Deno.removeSync(dir, { recursive: true });
});
