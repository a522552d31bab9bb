/**
 * The dump's event correlation operations as SEC 2.9.4 shows them, text and
 * JSON, for every rule type that starts operations (Pair, PairWithWindow,
 * SingleWithThreshold before and after its threshold, SingleWith2Thresholds
 * in both rounds, SingleWithSuppress, EventGroup1/2; negative, multi-line and
 * truth-value patterns, contexts, continue values, nested action lists):
 * tests/fixtures/dump_operations holds the reference's own dumps of the
 * same rules and input. Times are compared as placeholders; the operations
 * are compared as a set (SEC lists them in Perl hash order).
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { SecProcess } from "../helpers/sec_process.ts";

const FIXTURE = new URL("../fixtures/dump_operations/", import.meta.url).pathname;
const TIME = /[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}/g;
const SEPARATOR = "-".repeat(60) + "\n";

/** The operations of a text dump's section, times replaced, as a sorted list of blocks. */
function textOperations(section: string): string[] {
  const body = section.replace(TIME, "TIME");
  return body.slice(body.indexOf("Key:"), body.lastIndexOf(SEPARATOR)).split(SEPARATOR).sort();
}

/** Runs sec-ts on the fixture and returns its dump (`--dumpfjson` when `json`). */
async function dump(json: boolean): Promise<string> {
  const dir = Deno.makeTempDirSync({ prefix: "sec-ts-dump-ops-" });
  Deno.copyFileSync(`${FIXTURE}rules.sec`, `${dir}/rules.sec`);
  Deno.writeTextFileSync(`${dir}/in`, "");
  const sec = new SecProcess(
    ["--conf=rules.sec", "--input=in", "--fromstart", `--dump=${dir}/dump`, "--allow-write=-"]
      .concat(json ? ["--dumpfjson"] : []),
    { cwd: dir },
  );
  try {
    await sec.waitForLog("Opening input file in");
    Deno.writeTextFileSync(`${dir}/in`, Deno.readTextFileSync(`${FIXTURE}input`), { append: true });
    // what the reference wrote: the last of them comes from the last input line
    await sec.waitFor(() => sec.lines.length === 4, 15000, "the actions' output");
    assertEquals(sec.lines, ["two", "sup", "popen", "counted"]);
    sec.kill("SIGUSR1");
    await sec.waitForLog("Dump to ");
    return Deno.readTextFileSync(`${dir}/dump`);
  } finally {
    await sec.stop();
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("dump: the operations section is SEC's, field for field", async () => {
  const text = await dump(false);
  const section = text.slice(
    text.indexOf("List of event correlation operations:"),
    text.indexOf("List of contexts:"),
  );
  const expected = Deno.readTextFileSync(`${FIXTURE}expected-operations.txt`);
  assertEquals(textOperations(section), textOperations(expected));
  assertEquals(section.replace(TIME, "TIME").slice(-24), expected.slice(-24)); // "Total: 10 elements"
});

Deno.test("dump --dumpfjson: the operations have SEC's keys and values", async () => {
  const ops = JSON.parse(await dump(true)).operations as Record<string, Record<string, unknown>>;
  for (const op of Object.values(ops)) {
    for (const f of ["starttime", "windowstart", "windowend"]) if (f in op) op[f] = 0;
    if (Array.isArray(op.eventtimes)) op.eventtimes = op.eventtimes.map(() => 0);
  }
  const expected = JSON.parse(Deno.readTextFileSync(`${FIXTURE}expected-operations.json`));
  assertEquals(ops, expected);
});
