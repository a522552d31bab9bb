/**
 * `sec-ts ctl` argument checks that need no agent: a command the agent would
 * only log and ignore is refused by the client with exit status 2.
 */
import { deepStrictEqual, ok } from "node:assert";
import { runCtl } from "./ctl.ts";

async function ctl(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCtl(args, { out: (t) => out += t, err: (t) => err += t });
  return { code, out, err };
}

Deno.test("ctl refuses commands the agent would ignore, before looking for the FIFO", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const fifo = `--fifo=${dir}/none`;
    for (
      const [args, msg] of [
        [["bogus"], "unknown control command 'bogus'"],
        [["debug"], "'debug' needs a level from 1 to 6"],
        [["debug", "9"], "'debug' needs a level from 1 to 6"],
        [["restart", "now"], "'restart' takes no arguments"],
      ] as const
    ) {
      const r = await ctl([fifo, ...args]);
      deepStrictEqual(r.code, 2, `${args}: ${r.err}`);
      ok(r.err.startsWith(`sec-ts ctl: `) && r.err.includes(msg), r.err);
    }
    const r = await ctl(["-i", "../x", "status"]);
    deepStrictEqual(r.code, 2);
    ok(r.err.includes("an instance name has no '/'"), r.err);
    // a valid command gets as far as the FIFO
    const ok1 = await ctl([fifo, "debug", "3"]);
    deepStrictEqual(ok1.code, 1);
    ok(ok1.err.includes("does not exist"), ok1.err);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
