/**
 * Bad input never stops processing (a real sec-ts process, real files): a
 * malformed rule, invalid UTF-8 (passed through as bytes), a 1 MB line, an
 * empty line and an input file that cannot be read are each logged or
 * handled, and the lines after them are still processed.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const latin1 = (b: Uint8Array) => String.fromCharCode(...b);

Deno.test("bad rules and odd input lines are logged or passed through; processing goes on", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "sec-ts-robust-" });
  try {
    Deno.writeTextFileSync(
      `${dir}/rules.sec`,
      [
        "type=Single\nptype=RegExp\npattern=(unclosed\ndesc=bad\naction=none",
        "type=Single\nptype=RegExp\npattern=^(\\S+) (.*)$\ndesc=d\naction=write out.txt $1|$2",
        "type=Single\nptype=RegExp\npattern=^(y+)$\ndesc=d\naction=lcall %n $1 -> ( (s) => s.length ); write out.txt long %n",
        "type=Single\nptype=RegExp\npattern=^$\ndesc=d\naction=write out.txt empty line",
        "type=Single\nptype=SubStr\npattern=last\ndesc=d\naction=write out.txt last seen",
      ].join("\n\n"),
    );
    const input = bytes("caf\xe9 \xff\xfe\x80 end\n\n");
    const long = new Uint8Array(1_000_001).fill(0x79); // 'y' * 1e6 + "\n"
    long[1_000_000] = 0x0a;
    const tail = bytes("last line\n");
    const all = new Uint8Array(input.length + long.length + tail.length);
    all.set(input);
    all.set(long, input.length);
    all.set(tail, input.length + long.length);
    Deno.writeFileSync(`${dir}/in.log`, all);
    Deno.mkdirSync(`${dir}/a-directory`);
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        MAIN,
        "--conf=rules.sec",
        "--input=in.log",
        "--input=a-directory",
        "--input=missing.log",
        "--notail",
        "--allow-write=out.txt",
        "--allow-code",
      ],
      cwd: dir,
      env: { SEC_TS_LOG_STDERR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const log = new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 0, log);
    ok(
      /rules\.sec:3: rule at line 1 is invalid: invalid regular expression '\(unclosed'/.test(log),
      log,
    );
    ok(log.includes("4 rules loaded from rules.sec"), log);
    ok(log.includes("Input file a-directory is of unsupported type"), log);
    ok(log.includes("Input file missing.log does not exist"), log);
    const written = latin1(Deno.readFileSync(`${dir}/out.txt`));
    assertEquals(
      written,
      "caf\xe9|\xff\xfe\x80 end\nempty line\nlong 1000000\nlast|line\n",
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
