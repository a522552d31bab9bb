/**
 * The agent runs with its V8 heap settings (runtime/v8_heap.ts) unless the
 * operator set DENO_V8_FLAGS; programs started by actions never inherit ours.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { SecProcess } from "../helpers/sec_process.ts";
import { AGENT_V8_FLAGS } from "../../src/runtime/v8_heap.ts";

/** Runs the agent until a shellcmd action has dumped its environment; returns agent's and child's. */
async function environments(
  env: Record<string, string>,
): Promise<{ agent: string[]; child: string[] }> {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(
      `${dir}/rules.sec`,
      `type=Single\nptype=SubStr\npattern=go\ndesc=go\naction=shellcmd env > ${dir}/child.env\n`,
    );
    Deno.writeTextFileSync(`${dir}/in.log`, "go\n");
    const sec = new SecProcess(
      [
        `--conf=${dir}/rules.sec`,
        `--input=${dir}/in.log`,
        "--fromstart",
        "--allow-run",
        `--allow-write=${dir}`,
      ],
      { env },
    );
    try {
      await sec.waitFor(
        () => {
          try {
            return Deno.readTextFileSync(`${dir}/child.env`).includes("PATH=");
          } catch {
            return false;
          }
        },
        15000,
        "the action's child",
      );
      const agent = Deno.readTextFileSync(`/proc/${sec.child.pid}/environ`).split("\0");
      const child = Deno.readTextFileSync(`${dir}/child.env`).split("\n");
      return { agent, child };
    } finally {
      await sec.stop();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("V8 heap settings: the agent's own unless the operator's; never passed to children", async () => {
  const ours = await environments({});
  ok(ours.agent.includes(`DENO_V8_FLAGS=${AGENT_V8_FLAGS}`), ours.agent.join(" "));
  assertEquals(ours.child.filter((l) => l.startsWith("DENO_V8_FLAGS=")), []);
  assertEquals(ours.child.filter((l) => l.startsWith("SEC_TS_V8_FLAGS=")), []);

  const theirs = await environments({ DENO_V8_FLAGS: "--max-semi-space-size=4" });
  ok(theirs.agent.includes("DENO_V8_FLAGS=--max-semi-space-size=4"), theirs.agent.join(" "));
  ok(!theirs.agent.includes(`DENO_V8_FLAGS=${AGENT_V8_FLAGS}`));
  // the operator's variable is theirs to pass on
  assertEquals(theirs.child.filter((l) => l.startsWith("DENO_V8_FLAGS=")), [
    "DENO_V8_FLAGS=--max-semi-space-size=4",
  ]);
});
