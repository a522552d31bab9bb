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
