/**
 * `sec-ts test CASE_DIR...` (src/runtime/rule_tests.ts): the example test
 * folders under rules/tests pass, a case whose output differs fails with
 * a diff and exit status 1, and every shared conformance case gets the
 * verdict of the real-time runner (all of them pass there: the pending
 * list is empty), in virtual time.
 *
 * @module
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { cpSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const REPO = new URL("../..", import.meta.url).pathname;
const MAIN = join(REPO, "main.ts");
const SHARED = join(REPO, "..", "shared", "conformance", "cases");

async function secTsTest(args: string[]) {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "test", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: r.code, out: new TextDecoder().decode(r.stdout) };
}

Deno.test("sec-ts test: the example folders under rules/tests pass", async () => {
  const dirs = readdirSync(join(REPO, "rules", "tests")).map((d) =>
    join(REPO, "rules", "tests", d)
  );
  const r = await secTsTest(dirs);
  assertEquals(r.code, 0, r.out);
  ok(r.out.includes("PASS example-window\n"), r.out);
  ok(r.out.includes("PASS sshd-week\n"), r.out);
  ok(r.out.endsWith(`${dirs.length} passed, 0 failed\n`), r.out);
});

Deno.test("sec-ts test: a differing output fails with a diff and exit status 1", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const c = join(dir, "window");
    cpSync(join(REPO, "rules", "tests", "example-window"), c, {
      recursive: true,
      dereference: true,
    });
    // a window that lasts 30 s less would alert again: the expected output says otherwise
    Deno.writeTextFileSync(
      join(c, "input"),
      Deno.readTextFileSync(join(c, "input")).replace("@sleep 35", "@sleep 5"),
    );
    const r = await secTsTest([c, join(REPO, "rules", "tests", "sshd-week")]);
    assertEquals(r.code, 1, r.out);
    ok(r.out.startsWith("FAIL window\n  stdout differs:\n"), r.out);
    ok(
      /^ {2}- ALERT: ssh brute force from 203\.0\.113\.9 \(first user tried: pi\)$/m.test(r.out),
      r.out,
    );
    ok(r.out.endsWith("1 passed, 1 failed\n"), r.out);
    const none = await secTsTest([]);
    assertEquals(none.code, 2);
    // an option every case would reject is one usage error (exit 2), not a failure of each case
    for (const bad of ["--jobs=all", "--no-such-option", "--event-time=nonsense"]) {
      const r = await secTsTest([bad, c]);
      assertEquals(r.code, 2, `${bad}: ${r.out}`);
      assertEquals(r.out, "", bad);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sec-ts test: a failing case shows its log (a rule rejected for a missing --allow-*)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const c = join(dir, "needs-write");
    Deno.mkdirSync(join(c, "expected-files"), { recursive: true });
    Deno.writeTextFileSync(
      join(c, "r.sec"),
      "type=Single\nptype=SubStr\npattern=x\ndesc=d\naction=write out.log x\n",
    );
    Deno.writeTextFileSync(join(c, "input"), "x\n");
    Deno.writeTextFileSync(join(c, "expected"), "");
    Deno.writeTextFileSync(join(c, "expected-files", "out.log"), "x\n");
    const r = await secTsTest([c]);
    assertEquals(r.code, 1, r.out);
    ok(r.out.includes("  file out.log was not written\n  log:\n"), r.out);
    ok(r.out.includes("needs permission for writing files: add --allow-write=out.log"), r.out);
    const allowed = await secTsTest(["--allow-write=out.log", c]);
    assertEquals(allowed.code, 0, allowed.out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sec-ts test: a folder that is not a case fails with the reason", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const mk = (name: string, files: Record<string, string>) => {
      Deno.mkdirSync(join(dir, name));
      for (const [f, text] of Object.entries(files)) {
        Deno.writeTextFileSync(join(dir, name, f), text);
      }
      return join(dir, name);
    };
    const rule = "type=Single\nptype=SubStr\npattern=x\ndesc=d\naction=write - x\n";
    const cases = [
      [join(dir, "missing"), "no such directory"],
      [mk("file-not-dir", {}) + "/../file", "no such directory"],
      [join(REPO, "rules", "sshd.sec"), "not a directory"],
      [mk("no-expected", { "r.sec": rule, input: "x\n" }), 'no "expected" file'],
      [mk("no-rules", { expected: "", input: "x\n" }), "no rule file (*.sec)"],
      [
        mk("bad-linger", { "r.sec": rule, expected: "", linger: "5s" }),
        'linger: not a number of seconds: "5s"',
      ],
      [
        mk("bad-sleep", { "r.sec": rule, expected: "", input: "x\n@sleep 1.5\n@sleep -5\n" }),
        'input line 3: @sleep needs seconds (>= 0), not "-5"',
      ],
    ];
    const r = await secTsTest(cases.map(([d]) => d));
    assertEquals(r.code, 1, r.out);
    for (const [d, reason] of cases) {
      ok(r.out.includes(`FAIL ${d}\n  ${reason}`), `${reason}\n${r.out}`);
    }
    ok(r.out.endsWith(`0 passed, ${cases.length} failed\n`), r.out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "sec-ts test: every shared conformance case passes in virtual time, as in real time",
  ignore: !existsSync(SHARED),
  async fn() {
    const cases = readdirSync(SHARED).filter((n) => existsSync(join(SHARED, n, "expected")))
      .sort().map((n) => join(SHARED, n));
    // one case at a time: the suite runs beside timing-sensitive real-time tests
    const r = await secTsTest(["--jobs=1", "--allow-all", ...cases]);
    const failed = r.out.split("\n").filter((l) => l.startsWith("FAIL "));
    assertEquals(failed, [], r.out);
    ok(r.out.endsWith(`${cases.length} passed, 0 failed\n`), r.out.slice(-2000));
    assertEquals(r.code, 0);
  },
});
