import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";

const MODULE = new URL("./proc_self.ts", import.meta.url).href;

/** Runs `code` (with the module imported as `p`) in a fresh Deno, prefixed by `wrap`; returns its output. */
async function run(code: string, wrap: string[] = []): Promise<string> {
  const script = `import * as p from "${MODULE}";\n${code}`;
  const [cmd, ...args] = [...wrap, Deno.execPath(), "eval", "--no-config", script];
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  ok(out.success, text + new TextDecoder().decode(out.stderr));
  return text.trim();
}

Deno.test("childCpuSeconds: children's CPU time, still read once a permission is revoked", async () => {
  const text = await run(`
p.openProcSelf();
await new Deno.Command("sh", { args: ["-c", "i=0; while [ $i -lt 150000 ]; do i=$((i+1)); done"] })
  .output();
Deno.permissions.revokeSync({ name: "net" });
let direct = "readable";
try { Deno.readTextFileSync("/proc/self/stat"); } catch { direct = "refused"; }
console.log(JSON.stringify({ direct, ...p.childCpuSeconds() }));
`);
  const r = JSON.parse(text);
  assertEquals(
    r.direct,
    "refused",
    "Deno no longer refuses /proc/self: this module may be needless",
  );
  ok(r.user > 0, text);
});

Deno.test("supplementaryGroups: the groups the process started with", async () => {
  const text = await run(
    `p.openProcSelf(); console.log(JSON.stringify(p.supplementaryGroups()));`,
    ["setpriv", "--groups=4,24"],
  );
  assertEquals(JSON.parse(text), [4, 24]);
});
