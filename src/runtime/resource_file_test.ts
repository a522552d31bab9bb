import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { anchorResourceFile, resourceArguments, resourceLines } from "./resource_file.ts";

// expectations from SEC 2.9.4 (SECRC=FILE perl sec --testonly ..., black box)
Deno.test("resource file lines: comments and blank lines skipped, blanks trimmed, one argument a line", () => {
  assertEquals(
    resourceLines(
      "# comment\n\n   # indented comment\n\t#tab comment\n   \n" +
        "--conf=/etc/a.sec   \n  --log=/tmp/l\r\n--conf\n/etc/b.sec\n--conf /etc/c.sec\n" +
        "--desc=a # not a comment\n",
    ),
    [
      "--conf=/etc/a.sec",
      "--log=/tmp/l",
      "--conf",
      "/etc/b.sec",
      "--conf /etc/c.sec", // one argument: SEC reports "Unknown option: conf /etc/c.sec"
      "--desc=a # not a comment",
    ],
  );
  assertEquals(resourceLines(""), []);
  assertEquals(resourceLines("--notail"), ["--notail"]);
});

Deno.test("resource file: missing, empty name, directory, unset", () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/sec.rc`, "--input=-\n# c\n--notail\n");
    assertEquals(resourceArguments(`${dir}/sec.rc`), {
      file: `${dir}/sec.rc`,
      args: ["--input=-", "--notail"],
    });
    assertEquals(resourceArguments(`${dir}/none.rc`), {
      file: `${dir}/none.rc`,
      args: [],
      error: `Can't open resource file ${dir}/none.rc (No such file or directory)`,
    });
    // SECRC= (set but empty): SEC says so with the empty name
    assertEquals(
      resourceArguments("").error,
      "Can't open resource file  (No such file or directory)",
    );
    // a directory: Perl reads no line from it, and says nothing
    assertEquals(resourceArguments(dir), { file: dir, args: [] });
    assertEquals(resourceArguments(undefined), { file: undefined, args: [] });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("anchorResourceFile makes a relative SECRC absolute for a copy started elsewhere", () => {
  const before = Deno.env.get("SECRC");
  try {
    anchorResourceFile({ file: "conf/sec.rc", args: [] });
    assertEquals(Deno.env.get("SECRC"), `${Deno.cwd()}/conf/sec.rc`);
    Deno.env.set("SECRC", "/etc/sec.rc");
    anchorResourceFile({ file: "/etc/sec.rc", args: [] });
    assertEquals(Deno.env.get("SECRC"), "/etc/sec.rc");
  } finally {
    if (before === undefined) Deno.env.delete("SECRC");
    else Deno.env.set("SECRC", before);
  }
});
