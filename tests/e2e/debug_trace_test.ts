/**
 * --debug=6 logs SEC's action trace: a ruleset exercising the actions runs
 * through a real sec-ts, and its log must have the messages SEC 2.9.4 logged
 * for it (tests/fixtures/debug_trace/reference.log, recorded once from the
 * reference with time stamps stripped and a message's further lines joined
 * with `\n`, as sec-ts escapes them), in the same order. Numbers (process
 * ids, times) are compared as N.
 *
 * Messages left out of the comparison, and why:
 * - start-up lines that are not about rules: SEC's version banner, its
 *   --bufsize note, sec-ts's "Deno permissions revoked";
 * - error texts for a socket or file that is not open or not there (sec-ts
 *   words its own errors with the reason);
 * - input file open/close lines (sec-ts names the file without quotes);
 * - events from children and SIGTERMs at exit: when a child's output
 *   arrives, and which children still run at the end, is a matter of timing.
 */
import { deepStrictEqual } from "node:assert";

const FIX = new URL("../fixtures/debug_trace/", import.meta.url).pathname;
const MAIN = new URL("../../main.ts", import.meta.url).pathname;

const SKIP = [
  /^SEC \(Simple Event Correlator\)/,
  /^No --bufsize command line option/,
  /^Deno permissions revoked/,
  /is not open, can't close$/,
  /^Can't (send|connect)/,
  /^(Opening|Closing) input file/,
  /\(received from child \d+\)$/,
  /^Sending SIGTERM to process/,
];

function normalize(lines: string[]): string[] {
  return lines.filter((l) => l !== "" && !SKIP.some((re) => re.test(l)))
    .map((l) => l.replace(/\d+/g, "N"));
}

Deno.test("--debug=6: SEC's action trace, message for message", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "sec-trace-" });
  try {
    for (const f of ["rules.sec", "input"]) Deno.copyFileSync(FIX + f, `${dir}/${f}`);
    Deno.writeTextFileSync(`${dir}/extra.log`, "");
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        MAIN,
        "--conf=rules.sec",
        "--input=input",
        "--notail",
        "--debug=6",
        "--log=sec.log",
        "--allow-all",
      ],
      cwd: dir,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    deepStrictEqual(out.code, 0, new TextDecoder().decode(out.stderr));
    const ours = Deno.readTextFileSync(`${dir}/sec.log`).split("\n")
      .map((l) => l.replace(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: /, ""));
    const ref = Deno.readTextFileSync(FIX + "reference.log").split("\n");
    deepStrictEqual(normalize(ours), normalize(ref));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("tevent/cevent with an invalid time: logged as SEC does, no event (no loop)", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "sec-trace-" });
  try {
    Deno.writeTextFileSync(
      `${dir}/r.sec`,
      "type=Single\nptype=SubStr\npattern=internal\ndesc=internal\n" +
        "action=write - fired; cevent C x; tevent y\n",
    );
    Deno.writeTextFileSync(`${dir}/in`, "internal\n");
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "--conf=r.sec", "--input=in", "--notail", "--allow-all"],
      cwd: dir,
      env: { SEC_TS_LOG_STDERR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // before the fix the event (its text the desc, "internal") fired the rule again, forever
    const timer = setTimeout(() => child.kill("SIGKILL"), 20000);
    const out = await child.output();
    clearTimeout(timer);
    const dec = new TextDecoder();
    deepStrictEqual(dec.decode(out.stdout), "fired\n");
    const log = dec.decode(out.stderr);
    deepStrictEqual(log.includes("Invalid time specification 'x' for creating events"), true, log);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
