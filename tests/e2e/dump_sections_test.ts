/**
 * The dump's event correlation operations and contexts as SEC 2.9.4 shows
 * them, text and JSON. tests/fixtures/dump_operations and dump_contexts
 * hold the reference's own dumps of the same rules and input: operations of
 * every rule type that starts them (Pair, PairWithWindow, SingleWithThreshold,
 * SingleWith2Thresholds in both rounds, SingleWithSuppress, EventGroup1/2;
 * negative, multi-line and truth-value patterns, contexts, continue values,
 * nested action lists), and contexts (aliases, set, action on delete with its
 * match values and %s, event times). Times are compared as placeholders;
 * operations as a set and context names sorted (SEC lists both in Perl hash
 * order, sec-ts in creation order). Also the input buffers (separate mode,
 * synthetic events), pending events, the pattern match cache and the action
 * list variables (built-in ones included), the child processes.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { SecProcess } from "../helpers/sec_process.ts";
import { TIME_BUILTINS } from "../../src/engine/variables.ts";

const FIXTURES = new URL("../fixtures/", import.meta.url).pathname;
const TIME = /[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}/g;
const SEPARATOR = "-".repeat(60) + "\n";

/** The text between two headings of a dump. */
function section(text: string, from: string, to: string): string {
  return text.slice(text.indexOf(from), text.indexOf(to));
}

/** A dump section's entries (times replaced, context names sorted; in sorted order) and its total line. */
function entries(text: string): { entries: string[]; total: string } {
  const parts = text.replace(TIME, "TIME").split("=".repeat(60) + "\n")[1].split(SEPARATOR);
  const total = parts.pop()!.trim();
  const sorted = parts.map((block) => {
    const lines = block.split("\n");
    const isName = (l: string) => l.startsWith("Context name: ");
    return [...lines.filter(isName).sort(), ...lines.filter((l) => !isName(l))].join("\n");
  });
  return { entries: sorted.sort(), total };
}

/**
 * Runs sec-ts on a fixture's rules and input, waits until `done` says the
 * input was processed, and returns its dump (`--dumpfjson` when `json`).
 */
async function dump(
  fixture: string,
  json: boolean,
  done: (sec: SecProcess) => boolean,
  extra: string[] = [],
): Promise<string> {
  const dir = Deno.makeTempDirSync({ prefix: "sec-ts-dump-" });
  Deno.copyFileSync(`${FIXTURES}${fixture}/rules.sec`, `${dir}/rules.sec`);
  Deno.writeTextFileSync(`${dir}/in`, "");
  const sec = new SecProcess(
    ["--conf=rules.sec", "--input=in", "--fromstart", `--dump=${dir}/dump`, "--allow-write=-"]
      .concat(json ? ["--dumpfjson"] : [], extra),
    { cwd: dir },
  );
  try {
    await sec.waitForLog("Opening input file in");
    const input = Deno.readTextFileSync(`${FIXTURES}${fixture}/input`);
    Deno.writeTextFileSync(`${dir}/in`, input, { append: true });
    await sec.waitFor(() => done(sec), 15000, "the input processed");
    sec.kill("SIGUSR1");
    await sec.waitForLog("Dump to ");
    return Deno.readTextFileSync(`${dir}/dump`);
  } finally {
    await sec.stop();
    Deno.removeSync(dir, { recursive: true });
  }
}

/** The operations fixture is processed once its four output lines (as the reference's) are out. */
const operationsDone = (sec: SecProcess) => {
  if (sec.lines.length < 4) return false;
  assertEquals(sec.lines, ["two", "sup", "popen", "counted"]);
  return true;
};
/** The contexts fixture is processed once its last line's event is in its context. */
const contextsDone = (sec: SecProcess) =>
  sec.stderr.includes("Adding event(s) 'x 2' to context 'P_2'");

const expected = (path: string) => Deno.readTextFileSync(`${FIXTURES}${path}`);

Deno.test("dump: the operations section is SEC's, field for field", async () => {
  const text = await dump("dump_operations", false, operationsDone);
  assertEquals(
    entries(section(text, "List of event correlation operations:", "List of contexts:")),
    entries(expected("dump_operations/expected-operations.txt")),
  );
});

Deno.test("dump --dumpfjson: the operations have SEC's keys and values", async () => {
  const ops = JSON.parse(await dump("dump_operations", true, operationsDone)).operations as Record<
    string,
    Record<string, unknown>
  >;
  for (const op of Object.values(ops)) {
    for (const f of ["starttime", "windowstart", "windowend"]) if (f in op) op[f] = 0;
    if (Array.isArray(op.eventtimes)) op.eventtimes = op.eventtimes.map(() => 0);
  }
  assertEquals(ops, JSON.parse(expected("dump_operations/expected-operations.json")));
});

Deno.test("dump: the contexts section is SEC's, field for field", async () => {
  const text = await dump("dump_contexts", false, contextsDone);
  assertEquals(
    entries(section(text, "List of contexts:", "Child processes:")),
    entries(expected("dump_contexts/expected-contexts.txt")),
  );
});

Deno.test("dump --dumpfjson: the contexts have SEC's keys and values", async () => {
  const contexts = JSON.parse(await dump("dump_contexts", true, contextsDone))
    .contexts as Record<string, unknown>[];
  for (const c of contexts) {
    c.inittime = 0;
    c.creationtime = 0;
    c.times = (c.times as number[]).map(() => 0);
    c.name = (c.name as string[]).sort();
  }
  contexts.sort((a, b) => String(a.name).localeCompare(String(b.name)));
  assertEquals(contexts, JSON.parse(expected("dump_contexts/expected-contexts.json")));
});

/** The buffers fixture is processed once its marker rule saw the last line. */
const buffersDone = (sec: SecProcess) => sec.lines.includes("seen $0");

Deno.test("dump: input buffers, pending events and the pattern match cache as SEC shows them", async () => {
  const text = await dump("dump_buffers", false, buffersDone);
  assertEquals(
    section(text, "Input buffering mode:", "List of event correlation operations:")
      .replace(TIME, "TIME"),
    expected("dump_buffers/expected-buffers.txt"),
  );
});

Deno.test("dump --dumpfjson: buffer, pendingevents and pmatchcache have SEC's keys and values", async () => {
  const data = JSON.parse(await dump("dump_buffers", true, buffersDone));
  for (const p of data.pendingevents) p.time = 0;
  assertEquals(
    { buffer: data.buffer, pendingevents: data.pendingevents, pmatchcache: data.pmatchcache },
    JSON.parse(expected("dump_buffers/expected-buffers.json")),
  );
});

/** Time-derived variables whose values depend on when the test runs. */
const TIME_VARIABLES = new Set([...TIME_BUILTINS, "t", "u"]);

/** The variables fixture is processed once its last line's output is out. */
const variablesDone = (sec: SecProcess) => sec.lines.length === 3;

Deno.test("dump: action list variables as SEC lists them (built-ins, %s %t %u of the last substituting list, the user's)", async () => {
  const text = await dump("dump_variables", false, variablesDone);
  const got = text.slice(text.indexOf("Action list variables:")).split("\n").map((l) => {
    const m = /^%(\S+) = '/.exec(l);
    return m !== null && TIME_VARIABLES.has(m[1]) ? `%${m[1]} = 'TIME'` : l;
  });
  assertEquals(got.join("\n"), expected("dump_variables/expected-variables.txt"));
});

Deno.test("dump --dumpfjson: the variables have SEC's names and values", async () => {
  const vars = JSON.parse(await dump("dump_variables", true, variablesDone)).variables;
  for (const k of Object.keys(vars)) if (TIME_VARIABLES.has(k)) vars[k] = "TIME";
  assertEquals(vars, JSON.parse(expected("dump_variables/expected-variables.json")));
});

/** The children fixture is processed once its four children run. */
const childrenDone = (sec: SecProcess) => sec.stderr.split("Child ").length > 4;

Deno.test("dump: child processes as SEC lists them (spawn and cspawn connected to pipe input)", async () => {
  const text = await dump("dump_children", false, childrenDone, ["--allow-run"]);
  const pids = (s: string) => s.replace(/Child PID: \d+/g, "Child PID: PID");
  assertEquals(
    entries(pids(section(text, "Child processes:", "Action list variables:"))),
    entries(expected("dump_children/expected-children.txt")),
  );
});

Deno.test("dump --dumpfjson: the children have SEC's keys and values", async () => {
  const children = JSON.parse(await dump("dump_children", true, childrenDone, ["--allow-run"]))
    .children as Record<string, { pid: number; cmdline: string }>;
  for (const [pid, c] of Object.entries(children)) assertEquals(String(c.pid), pid);
  const got = Object.values(children).map((c) => ({ ...c, pid: 0 }))
    .sort((a, b) => a.cmdline.localeCompare(b.cmdline));
  assertEquals(got, JSON.parse(expected("dump_children/expected-children.json")));
});
