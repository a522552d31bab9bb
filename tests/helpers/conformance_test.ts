import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { caseArgv, diffText, loadCase, readPendingList, runCase, runPool } from "./conformance.ts";

const here = dirname(fileURLToPath(import.meta.url));
const fake = [Deno.execPath(), "run", "-A", resolve(here, "../fixtures/conformance/fake_sec.ts")];

/** Builds a case folder for the fake correlator. */
function makeCase(files: Record<string, string>): string {
  const root = Deno.makeTempDirSync({ prefix: "confhelper" });
  const dir = join(root, "p-fake");
  mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const EXPECTED = [
  "ARG --conf=a.sec",
  "ARG --conf=b.sec",
  "ARG --input=-",
  "ARG --notail",
  "ARG --intevents",
  "LINE first",
  "LINE @second",
  "LINE @sleep 9",
  "EOF after >= 1 s",
  "",
].join("\n");

const FILES = {
  "b.sec": "",
  "a.sec": "",
  "input": "first\n@sleep 0.6\n@@second\n@@sleep 9\n",
  "linger": "0.5\n",
  "args": "# a comment\n--intevents\n\n",
  "expected": EXPECTED,
  "expected-files/out.txt": "written\n",
  "about": "fake\n",
};

Deno.test("a case runs as the README prescribes and passes", async () => {
  const dir = makeCase(FILES);
  try {
    const c = loadCase(dir);
    assertEquals(c.name, "p-fake");
    assertEquals(c.confs, ["a.sec", "b.sec"]);
    assertEquals(caseArgv(c, ["x"]), [
      "x",
      "--conf=a.sec",
      "--conf=b.sec",
      "--input=-",
      "--notail",
      "--intevents",
    ]);
    const r = await runCase(c, fake);
    assertEquals(r.problems, []);
    ok(r.passed);
    ok(r.seconds >= 1.1, `took ${r.seconds} s`);
  } finally {
    Deno.removeSync(dirname(dir), { recursive: true });
  }
});

Deno.test("an --input in args replaces --input=-", () => {
  const dir = makeCase({ ...FILES, args: "--input=app.log=APP\n" });
  try {
    assertEquals(caseArgv(loadCase(dir), []), [
      "--conf=a.sec",
      "--conf=b.sec",
      "--notail",
      "--input=app.log=APP",
    ]);
  } finally {
    Deno.removeSync(dirname(dir), { recursive: true });
  }
});

Deno.test("differences in output and files are reported", async () => {
  const dir = makeCase({
    ...FILES,
    linger: "0",
    input: "first\n",
    expected: "ARG nothing\n",
    "expected-files/out.txt": "other\n",
    "expected-files/sub/missing.txt": "x\n",
  });
  try {
    const r = await runCase(loadCase(dir), fake);
    ok(!r.passed);
    assertEquals(r.problems.length, 3);
    ok(r.problems[0].startsWith("stdout differs:"));
    ok(r.problems[0].includes("- ARG nothing"));
    ok(r.problems[0].includes("+ LINE first"));
    ok(r.problems.includes("file sub/missing.txt was not written"));
    ok(r.problems.some((p) => p.startsWith("file out.txt differs:") && p.includes("- other")));
  } finally {
    Deno.removeSync(dirname(dir), { recursive: true });
  }
});

Deno.test("a process that does not exit is killed after the case's timeout", async () => {
  const dir = makeCase({ ...FILES, linger: "0", timeout: "1", args: "--hang\n" });
  try {
    const r = await runCase(loadCase(dir), fake);
    ok(!r.passed);
    ok(r.stderrTail.includes("killed after timeout"));
    ok(r.seconds < 10, `took ${r.seconds} s`);
  } finally {
    Deno.removeSync(dirname(dir), { recursive: true });
  }
});

Deno.test("diffText marks removed and added lines", () => {
  assertEquals(diffText("a\nb\nc", "a\nx\nc"), "  a\n+ x\n- b\n  c");
});

Deno.test("runPool keeps order and the concurrency limit", async () => {
  let running = 0;
  let peak = 0;
  const results = await Promise.all(runPool([1, 2, 3, 4, 5, 6], 2, async (n) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, 20));
    running--;
    return n * 10;
  }));
  assertEquals(results, [10, 20, 30, 40, 50, 60]);
  assertEquals(peak, 2);
});

Deno.test("pending list: names, comments, blank lines", () => {
  const dir = Deno.makeTempDirSync();
  try {
    writeFileSync(join(dir, "p.txt"), "# header\np-one\n\n  c-two  # why\n");
    assertEquals([...readPendingList(join(dir, "p.txt"))], ["p-one", "c-two"]);
    assertEquals(readPendingList(join(dir, "absent.txt")).size, 0);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
