/**
 * SECRC, SEC's resource file (manual: ENVIRONMENT), end to end: its lines
 * are arguments appended after the command line's, so its `--conf` files
 * load after those of the command line and its single-valued options win.
 * The expectations were taken from SEC 2.9.4 run as a black box; with
 * SEC_REF set to the reference script, the reference is run too and must
 * give the same.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { SecProcess } from "../helpers/sec_process.ts";

const rule = (word: string) =>
  `type=Single\nptype=SubStr\npattern=${word}\ndesc=${word}\naction=write - ${word} matched\n`;

/** A directory with rule files a.sec and b.sec and an empty in.log. */
function setup(): string {
  const dir = Deno.makeTempDirSync({ prefix: "sec-ts-secrc-" });
  Deno.writeTextFileSync(`${dir}/a.sec`, rule("a"));
  Deno.writeTextFileSync(`${dir}/b.sec`, rule("b"));
  Deno.writeTextFileSync(`${dir}/in.log`, "");
  return dir;
}

/** The "Reading configuration from X" lines of a log, in order. */
function readings(log: string): string[] {
  return log.split("\n").filter((l) => l.includes("Reading configuration from")).map((l) =>
    l.slice(l.indexOf("Reading"))
  );
}

async function waitFor(cond: () => boolean, what: string, ms = 15000): Promise<void> {
  const stop = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > stop) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

function removeIfThere(path: string): void {
  try {
    Deno.removeSync(path);
  } catch {
    // not there
  }
}

function readOr(path: string, dflt = ""): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return dflt;
  }
}

Deno.test("SECRC: resource file arguments come after the command line's; comments and blank lines skipped", async () => {
  const dir = setup();
  try {
    Deno.writeTextFileSync(
      `${dir}/sec.rc`,
      `# rules\n\n   # indented comment\n--conf=${dir}/a.sec   \n--log\n${dir}/rc.log\n`,
    );
    const args = ["--testonly", "--debug=6", `--conf=${dir}/b.sec`, `--log=${dir}/cli.log`];
    const runs: [string, string[]][] = [["sec-ts", [Deno.execPath(), "run", "-A", MAIN, ...args]]];
    const ref = Deno.env.get("SEC_REF");
    if (ref !== undefined) runs.push(["SEC", ["perl", ref, ...args]]);
    for (const [who, [cmd, ...argv]] of runs) {
      for (const f of ["rc.log", "cli.log"]) removeIfThere(`${dir}/${f}`);
      const out = await new Deno.Command(cmd, {
        args: argv,
        cwd: dir,
        env: { SECRC: `${dir}/sec.rc` },
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).output();
      assertEquals(out.code, 0, `${who}: ${new TextDecoder().decode(out.stderr)}`);
      // the resource file's --log (given last) wins; its --conf loads after the command line's
      assertEquals(readings(readOr(`${dir}/rc.log`)), [
        `Reading configuration from ${dir}/b.sec`,
        `Reading configuration from ${dir}/a.sec`,
      ], who);
      assertEquals(readOr(`${dir}/cli.log`, "absent"), "absent", who);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("SECRC: the dump names the resource file and lists its arguments after the command line's", async () => {
  const dir = setup();
  Deno.writeTextFileSync(`${dir}/sec.rc`, `--conf=${dir}/a.sec\n--debug\n6\n`);
  // --fromstart: lines appended right after "Opening input file" are read even if the
  // file is opened (at its end) a moment after that message
  const cli = [`--conf=${dir}/b.sec`, `--input=${dir}/in.log`, "--fromstart", `--dump=${dir}/dump`];
  const sec = new SecProcess(cli, { env: { SECRC: `${dir}/sec.rc` } });
  try {
    await sec.waitForLog("Opening input file");
    Deno.writeTextFileSync(`${dir}/in.log`, "a\nb\n", { append: true });
    // both rule files loaded: the resource file's rule matches too
    await sec.waitForLine("a matched");
    await sec.waitForLine("b matched");
    sec.kill("SIGUSR1");
    await waitFor(() => readOr(`${dir}/dump`).includes("Program options"), "the dump");
    const dump = readOr(`${dir}/dump`);
    ok(dump.includes(`Program resource file: ${dir}/sec.rc\n`), dump);
    ok(dump.includes(`Program options: ${cli.join(" ")} --conf=${dir}/a.sec --debug 6\n`), dump);
  } finally {
    await sec.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("SECRC: a resource file that cannot be read is reported and sec-ts runs on", async () => {
  const dir = setup();
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "--testonly", `--conf=${dir}/a.sec`],
      env: { SECRC: `${dir}/missing.rc` },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 0, err);
    ok(
      err.includes(`Can't open resource file ${dir}/missing.rc (No such file or directory)`),
      err,
    );
    ok(err.includes(`Reading configuration from ${dir}/a.sec`), err);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("SECRC: a relative resource file is read by the --detach copy too (which starts in /)", async () => {
  const dir = setup();
  Deno.writeTextFileSync(
    `${dir}/sec.rc`,
    `--input=${dir}/in.log\n--log=${dir}/sec.log\n--pid=${dir}/sec.pid\n`,
  );
  const parent = new SecProcess(["--detach", `--conf=${dir}/a.sec`], {
    cwd: dir,
    env: { SECRC: "sec.rc" },
  });
  assertEquals(await parent.exit(), 0, parent.stderr);
  let pid = 0;
  try {
    await waitFor(() => readOr(`${dir}/sec.pid`) !== "", "the pid file of the detached copy");
    pid = Number(readOr(`${dir}/sec.pid`).trim());
    await waitFor(
      () => readOr(`${dir}/sec.log`).includes(`Opening input file ${dir}/in.log`),
      "the detached copy to open the input of the resource file",
    );
  } finally {
    // the detached copy (found by its arguments when it wrote no pid file)
    if (pid === 0) pid = processWith(dir) ?? 0;
    if (pid > 0) {
      Deno.kill(pid, "SIGTERM");
      await waitFor(() => !alive(pid), "the detached copy to exit");
    }
    Deno.removeSync(dir, { recursive: true });
  }
});

/** True while process `pid` exists. */
function alive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/** The pid of a process whose command line mentions `text` (Linux /proc), if any. */
function processWith(text: string): number | undefined {
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const cmdline = readOr(`/proc/${e.name}/cmdline`);
    if (cmdline.includes(text) && cmdline.includes("--detach")) return Number(e.name);
  }
  return undefined;
}

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

Deno.test("SECRC: read again at SIGHUP and SIGABRT (rule files, inputs); the debug level goes back to --debug; start-only options are reported", async () => {
  // expectations from SEC 2.9.4 run the same way as a black box
  const dir = setup();
  const saw = (w: string) =>
    `type=Single\nptype=RegExp\npattern=^${w}\\d\ndesc=${w}\naction=write - ${w} saw $0\n`;
  Deno.writeTextFileSync(`${dir}/a.sec`, saw("a"));
  Deno.writeTextFileSync(`${dir}/b.sec`, saw("b"));
  Deno.writeTextFileSync(`${dir}/in2.log`, "");
  // kept.log stays an input throughout, listed last: "Input file ... kept.log already open" is
  // logged after the inputs before it were opened (a file opened at a restart is read from its
  // end, so a line appended before it is open would be lost)
  Deno.writeTextFileSync(`${dir}/kept.log`, "");
  const kept = `--input=${dir}/kept.log\n`;
  const rc = `${dir}/sec.rc`;
  Deno.writeTextFileSync(rc, `--conf=${dir}/a.sec\n--input=${dir}/in.log\n${kept}`);
  const sec = new SecProcess(["--fromstart", "--debug=6"], { env: { SECRC: rc } });
  const keptAgain = () => sec.stderr.split(`Input file ${dir}/kept.log already open`).length;
  const append = (f: string, text: string) =>
    Deno.writeTextFileSync(`${dir}/${f}`, text, { append: true });
  try {
    await sec.waitForLog(`Opening input file ${dir}/in.log`);
    append("in.log", "a1\nb1\n");
    await sec.waitForLine("a saw a1");
    // SIGINT: debug level 6 -> 1 (nothing below error is logged any more)
    sec.kill("SIGINT");
    await sec.waitForLog("setting debuglevel from 6 to 1");
    Deno.writeTextFileSync(
      rc,
      `--conf=${dir}/b.sec\n--input=${dir}/in2.log\n${kept}--log=${dir}/other.log\n`,
    );
    let before = keptAgain();
    sec.kill("SIGHUP");
    // level 6 again, so the restart's own messages are logged
    await sec.waitForLog(`Reading configuration from ${dir}/b.sec`);
    ok(sec.stderr.includes(`Resource file ${rc} changes --log`), sec.stderr);
    await sec.waitFor(() => keptAgain() > before, 15000, "the inputs of the full restart");
    append("in.log", "b2\n"); // no longer an input
    append("in2.log", "b3\na3\n"); // b.sec only
    await sec.waitForLine("b saw b3");
    Deno.writeTextFileSync(
      rc,
      `--conf=${dir}/a.sec\n--input=${dir}/in.log\n--input=${dir}/in2.log\n${kept}`,
    );
    before = keptAgain();
    sec.kill("SIGABRT");
    await sec.waitFor(() => keptAgain() > before, 15000, "the inputs of the soft restart");
    assertEquals(sec.stderr.split("Reading configuration").length, 4, sec.stderr);
    ok(
      sec.stderr.includes(
        `Terminating all event correlation operations started from ${dir}/b.sec, number of operations: 0`,
      ),
      sec.stderr,
    );
    append("in2.log", "a4\nb4\n");
    await sec.waitForLine("a saw a4");
    sec.kill("SIGINT");
    await sec.waitFor(
      () => sec.stderr.split("setting debuglevel from 6 to 1").length === 3,
      15000,
      "the second SIGINT",
    );
    assertEquals(await sec.stop(), 0);
    assertEquals(sec.lines, ["a saw a1", "b saw b3", "a saw a4"]);
    assertEquals(readOr(`${dir}/other.log`, "absent"), "absent");
  } finally {
    await sec.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});
