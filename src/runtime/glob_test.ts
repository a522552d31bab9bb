import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { expandGlob } from "./glob.ts";

/** A temp dir with: B a C .hid b_1 b-2 "sp ace" d1 d2 sub/x sub/.y "[a" "x]" Zz é. */
function fixture(): string {
  const dir = Deno.makeTempDirSync({ prefix: "globtest" });
  for (
    const f of ["B", "a", "C", ".hid", "b_1", "b-2", "sp ace", "d1", "d2", "[a", "x]", "Zz", "é"]
  ) {
    writeFileSync(`${dir}/${f}`, "");
  }
  mkdirSync(`${dir}/sub`);
  writeFileSync(`${dir}/sub/x`, "");
  writeFileSync(`${dir}/sub/.y`, "");
  return dir;
}

/** [pattern, expected] relative to the fixture directory, as Perl's glob() answers. */
const CASES: [string, string[]][] = [
  ["*", ["é", "[a", "a", "B", "b-2", "b_1", "C", "d1", "d2", "sp ace", "sub", "x]", "Zz"]],
  [".*", [".", "..", ".hid"]],
  ["*1", ["b_1", "d1"]],
  ["x{1,2}", ["x1", "x2"]],
  ["{a,B}", ["a", "B"]],
  ["[ab]*", ["a", "b-2", "b_1"]],
  ["[!a]*", ["é", "[a", "B", "b-2", "b_1", "C", "d1", "d2", "sp ace", "sub", "x]", "Zz"]],
  ["[^a]*", ["a"]],
  ["?", ["a", "B", "C"]],
  ["??", ["é", "[a", "d1", "d2", "x]", "Zz"]],
  ["sub/*", ["sub/x"]],
  ["*/*", ["sub/x"]],
  ["*/", ["sub/"]],
  ["no", ["no"]],
  ["no*", []],
  ["a b", ["a", "b"]],
  ["sp\\ ace", ["sp ace"]],
  ['"sp ace"', ["sp ace"]],
  ["'sp ace'", ["sp ace"]],
  ['"a*" b', ["a", "b"]],
  ["a\\b", ["ab"]],
  ["\\*", ["*"]],
  ["[a-c]", ["a"]],
  ["{}", ["{}"]],
  ["a{b", ["a"]],
  ["{a,{B,C}}", ["a", "B", "C"]],
  ["{d1,*2}", ["d1", "b-2", "d2"]],
  ["x{1,{2,3}}y", ["x1y", "x2y", "x3y"]],
  ["\\{a,b\\}", ["{a,b}"]],
  ["d[12]", ["d1", "d2"]],
  ["*[", []],
  ["[", ["["]],
  ["[a", ["[a"]],
  ["[a*", ["[a"]],
  ["[]a]", ["a"]],
  ["[z-a]", []],
  ["sub/../a", ["sub/../a"]],
  ["su?/x", ["sub/x"]],
  ["sub/.*", ["sub/.", "sub/..", "sub/.y"]],
  ['a"b', ['a"b']],
  ["", []],
  ["-", ["-"]],
];

// relative patterns are expanded in the fixture directory given as `cwd`: the test
// never changes the process's directory, which other test files running at the
// same time (and the programs they start) share
Deno.test("expandGlob follows Perl glob() semantics", () => {
  const dir = fixture();
  try {
    for (const [pattern, want] of CASES) {
      assertEquals(expandGlob(pattern, dir), want, `pattern ${JSON.stringify(pattern)}`);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("expandGlob: absolute patterns and home directory", () => {
  const dir = fixture();
  try {
    assertEquals(expandGlob(`${dir}/d*`), [`${dir}/d1`, `${dir}/d2`]);
    assertEquals(expandGlob(`${dir}/sub/x ${dir}/nope`), [`${dir}/sub/x`, `${dir}/nope`]);
    const home = Deno.env.get("HOME");
    if (home) assertEquals(expandGlob("~/conf.sec"), [`${home}/conf.sec`]);
    assertEquals(expandGlob("~no-such-user-xyz/a"), ["~no-such-user-xyz/a"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

/** Perl's own glob() as the oracle, when perl is installed. */
function perlGlob(patterns: string[], cwd: string): string[] | undefined {
  try {
    const out = new Deno.Command("perl", {
      args: ["-e", 'print join("\\x01", glob($_)), "\\n" for @ARGV', ...patterns],
      cwd,
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    if (!out.success) return undefined;
    return new TextDecoder().decode(out.stdout).split("\n").slice(0, patterns.length);
  } catch {
    return undefined;
  }
}

Deno.test("expandGlob agrees with perl's glob() (skipped without perl)", () => {
  const dir = fixture();
  try {
    const patterns = CASES.map(([p]) => p).filter((p) => p !== "~");
    const perl = perlGlob(patterns, dir);
    if (perl === undefined) {
      console.log("perl not found: oracle comparison skipped");
      return;
    }
    patterns.forEach((p, i) => {
      assertEquals(expandGlob(p, dir).join("\x01"), perl[i], `pattern ${JSON.stringify(p)}`);
    });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
