/**
 * The release as a sysadmin gets it (tools/release.ts: `deno task release`):
 * the bundle and its launcher, run from a directory that holds no source,
 * with `--cached-only` (the launcher's flags). Whatever breaks under
 * packaging (dynamic imports, files read relative to import.meta.url,
 * --detach's re-execution of itself) fails here. Also `sec-ts ctl`.
 */
import { deepStrictEqual, ok } from "node:assert";
import { SecProcess } from "../helpers/sec_process.ts";
import {
  COMPILED,
  freePort,
  freeUdpPort,
  runProgram,
  sendTcp,
  sendUdp,
  tempRelease,
} from "../helpers/release.ts";

const FIXTURES = new URL("../fixtures/package/", import.meta.url).pathname;

function workDir(): string {
  const dir = Deno.makeTempDirSync({ prefix: "sec-ts-work-" });
  Deno.mkdirSync(`${dir}/rules`);
  for (const f of ["all-types.sec", "jumped.sec"]) {
    Deno.copyFileSync(`${FIXTURES}${f}`, `${dir}/rules/${f}`);
  }
  return dir;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("release layout: launcher, bundle, units, snippets, man page, tarball", async () => {
  const r = await tempRelease(true);
  try {
    for (
      const f of [
        "install.sh",
        "README.md",
        "root/usr/local/bin/sec-ts",
        "root/usr/local/lib/sec-ts/sec-ts.js",
        "root/usr/local/share/man/man1/sec-ts.1",
        "root/usr/local/share/doc/sec-ts/README.md",
        "root/etc/systemd/system/sec.service",
        "root/etc/systemd/system/sec@.service",
        "root/etc/sysusers.d/sec-ts.conf",
        "root/etc/tmpfiles.d/sec-ts.conf",
        "root/etc/logrotate.d/sec-ts",
        "root/etc/sec-ts/sec.conf",
        "root/etc/sec-ts/NAME.conf.example",
        "root/etc/sec-ts/rules/example.sec",
      ]
    ) ok(Deno.statSync(`${r.dir}/${f}`).isFile, f);
    ok((Deno.statSync(r.program).mode! & 0o111) !== 0, "launcher is executable");
    const bundle = Deno.readTextFileSync(r.bundle);
    ok(!/["']npm:|["']jsr:|["']https?:\/\//.test(bundle), "bundle imports nothing remote");
    ok(!/\bimport\s*\(/.test(bundle), "bundle has no dynamic import");
    const list = await runProgram("tar", ["-tzf", r.tarball!]);
    ok(list.stdout.includes("/root/usr/local/bin/sec-ts\n"), list.stdout);
    // install.sh stages into another root and keeps existing configuration
    const dest = `${r.out}/dest`;
    Deno.mkdirSync(`${dest}/etc/sec-ts`, { recursive: true });
    Deno.writeTextFileSync(`${dest}/etc/sec-ts/sec.conf`, "SEC_TS_ARGS=mine\n");
    const inst = await runProgram(`${r.dir}/install.sh`, [], { env: { DESTDIR: dest } });
    deepStrictEqual(inst.code, 0, inst.stderr);
    deepStrictEqual(Deno.readTextFileSync(`${dest}/etc/sec-ts/sec.conf`), "SEC_TS_ARGS=mine\n");
    ok(Deno.statSync(`${dest}/usr/local/lib/sec-ts/sec-ts.js`).isFile);
    // a relative DESTDIR is relative to where install.sh is run, not to the release's root/
    const rel = await runProgram(`${r.dir}/install.sh`, [], {
      env: { DESTDIR: "rel-dest" },
      cwd: r.out,
    });
    deepStrictEqual(rel.code, 0, rel.stderr);
    ok(Deno.statSync(`${r.out}/rel-dest/usr/local/bin/sec-ts`).isFile, rel.stdout);
    ok(!rel.stdout.includes("/./"), rel.stdout);
    const v = await runProgram(`${dest}/usr/local/bin/sec-ts`, ["--version"], { cwd: r.out });
    ok(v.stdout.startsWith("sec-ts "), v.stdout + v.stderr);
    if (!COMPILED) {
      const bad = await runProgram(`${dest}/usr/local/bin/sec-ts`, ["--version"], {
        env: { SEC_TS_DENO: `${r.out}/no-deno` },
      });
      deepStrictEqual(bad.code, 127);
      ok(bad.stderr.includes(`SEC_TS_DENO=${r.out}/no-deno is not an executable file`), bad.stderr);
    }
    // sec-ts test runs from the release (its cases re-run the launcher's Deno with its flags)
    // on the shipped rule tests, and the README's sshd week example runs from the doc folder
    const examples = `${dest}/usr/local/share/doc/sec-ts/examples`;
    const cases = [...Deno.readDirSync(`${examples}/tests`)].map((e) =>
      `${examples}/tests/${e.name}`
    );
    const t = await runProgram(`${dest}/usr/local/bin/sec-ts`, ["test", ...cases], { cwd: r.out });
    deepStrictEqual(t.code, 0, t.stdout + t.stderr);
    ok(t.stdout.includes("PASS sshd-week\n"), t.stdout);
    const week = await runProgram(`${dest}/usr/local/bin/sec-ts`, [
      `--conf=${examples}/sshd.sec`,
      `--input=${examples}/sshd-week.log`,
      "--notail",
      "--event-time=syslog,year=2026",
    ], { cwd: r.out });
    ok(
      week.stdout.includes("Sat Nov 28 04:00:19 2026 ALERT ssh brute force from 192.0.2.66\n"),
      week.stdout,
    );
    const help = await runProgram(r.program, ["--help"], { cwd: r.out });
    ok(help.stdout.includes("--ctlfifo") && help.stdout.includes("sec-ts ctl"), help.stdout);
    const ctlHelp = await runProgram(r.program, ["ctl", "--help"]);
    ok(ctlHelp.stdout.includes("softrestart"), ctlHelp.stdout);
    // the manual page documents every option --help lists
    const man = Deno.readTextFileSync(`${r.dir}/root/usr/local/share/man/man1/sec-ts.1`)
      .replaceAll("\\-", "-").replace(/\\f[BIRP]/g, "");
    const opts: string[] = help.stdout.match(/--[a-z][a-z0-9-]*/g) ?? [];
    for (const opt of opts) {
      if (opt.startsWith("--no") && opts.includes(`--${opt.slice(4)}`)) continue; // --noX: SEC's rule
      ok(man.includes(opt), `sec-ts.1 lacks ${opt}`);
    }
  } finally {
    Deno.removeSync(r.out, { recursive: true });
  }
});

Deno.test("bundle from an empty directory: every rule type, socket inputs, sec-ts ctl", async () => {
  const r = await tempRelease();
  const work = workDir();
  const tcp = freePort();
  const udp = await freeUdpPort();
  const ctl = `${work}/control`;
  const sec = new SecProcess([
    `--conf=${work}/rules/*.sec`,
    `--input=tcp://127.0.0.1:${tcp}`,
    `--input=udp://127.0.0.1:${udp}?syslog`,
    `--ctlfifo=${ctl}`,
    `--dump=${work}/sec.dump`,
    "--allow-code",
    "--allow-run=/bin/true",
    // with --allow-code, Deno's write permission stays only when some writing is granted:
    // status replies and dumps go to the FIFO's directory
    `--allow-write=${work}`,
  ], { program: r.program, cwd: work });
  const ctlRun = (...args: string[]) => runProgram(r.program, ["ctl", `--fifo=${ctl}`, ...args]);
  try {
    await sec.waitForLog(`Listening on udp://127.0.0.1:${udp}?syslog`);
    await sec.waitForLog(`Listening on tcp://127.0.0.1:${tcp}`);
    await sec.waitForLog("Reading control commands from FIFO");
    await sendTcp(tcp, [
      "noise",
      "single a1",
      "script-me",
      "suppress-me",
      "suppress-me",
      "pair-start 7",
      "pair-end 7",
      "pww-start",
      "pww-end",
      "thresh",
      "thresh",
      "thresh",
      "two",
      "two",
      "eg-a",
      "eg-b",
      "code hello",
      "jump-me",
      "pair-start 8",
    ]);
    await sendUdp(udp, "<13>1 2026-12-02T04:41:00.5Z web1 sshd 812 - - syslog hello");
    for (
      const line of [
        "SINGLE a1",
        "SCRIPT true",
        "SUPPRESS first only",
        "PAIR start 7",
        "PAIR end 7",
        "PWW matched",
        "THRESHOLD 3 seen",
        "TWO 2 seen",
        "EVENTGROUP both",
        "CODE HELLO",
        "JUMP arrived",
        "PAIR start 8",
        "SYSLOG host=web1 tag=sshd pid=812 word=hello",
      ]
    ) await sec.waitForLine(line);
    ok(!sec.lines.includes("NOISE was not suppressed"));
    deepStrictEqual(sec.lines.filter((l) => l === "SUPPRESS first only").length, 1);

    // status: the running agent's summary
    const st = await ctlRun("status");
    deepStrictEqual(st.code, 0, st.stderr);
    const status = JSON.parse(st.stdout);
    deepStrictEqual(status.pid, sec.child.pid);
    ok(status.lines >= 20, st.stdout);
    ok(status.rules >= 15, st.stdout);
    deepStrictEqual(
      status.inputs.map((i: { name: string }) => i.name).sort(),
      [`tcp://127.0.0.1:${tcp}`, `udp://127.0.0.1:${udp}?syslog`].sort(),
    );
    deepStrictEqual(
      [...Deno.readDirSync(work)].map((e) => e.name).filter((n) => n.startsWith(".ctl-")),
      [],
      "reply file removed",
    );

    // dump: written and printed
    const dump = await ctlRun("dump");
    deepStrictEqual(dump.code, 0, dump.stderr);
    ok(dump.stdout.includes("all-types.sec"), dump.stdout.slice(0, 2000));
    ok(dump.stdout.includes("pair 8"), "the open Pair operation is listed");

    // softrestart: a new rule file is loaded, the open Pair operation is kept
    Deno.writeTextFileSync(
      `${work}/rules/new.sec`,
      "type=Single\nptype=SubStr\npattern=added\ndesc=added\naction=write - ADDED\n",
    );
    const soft = await ctlRun("softrestart");
    deepStrictEqual(soft.code, 0, soft.stderr);
    await sec.waitForLog("command 'softrestart'");
    await ctlRun("status"); // commands run in order: the soft restart is done
    await sendTcp(tcp, ["added", "pair-end 8"]);
    await sec.waitForLine("ADDED");
    await sec.waitForLine("PAIR end 8");

    const down = await ctlRun("shutdown");
    deepStrictEqual(down.code, 0, down.stderr);
    deepStrictEqual(await sec.exit(), 0);
    const gone = await ctlRun("status");
    deepStrictEqual(gone.code, 1);
    ok(gone.stderr.includes(`${ctl} does not exist`), gone.stderr);
  } finally {
    await sec.stop();
    Deno.removeSync(work, { recursive: true });
    Deno.removeSync(r.out, { recursive: true });
  }
});

Deno.test("sec-ts ctl: a FIFO nobody reads, bad usage, a stuck agent", async () => {
  const r = await tempRelease();
  const dir = Deno.makeTempDirSync();
  try {
    const fifo = `${dir}/control`;
    await runProgram("mkfifo", [fifo]);
    const none = await runProgram(r.program, ["ctl", "--fifo", fifo, "status"]);
    deepStrictEqual(none.code, 1);
    ok(none.stderr.includes(`no agent is reading ${fifo}`), none.stderr);
    const usage = await runProgram(r.program, ["ctl", "--fifo", fifo]);
    deepStrictEqual(usage.code, 2);
    ok(usage.stderr.includes("no command given"), usage.stderr);
    // a reader that never answers: the wait is bounded
    const reader = new Deno.Command("sh", { args: ["-c", `exec 3<>${fifo}; sleep 30`] }).spawn();
    try {
      await sleep(200);
      const stuck = await runProgram(r.program, [
        "ctl",
        `--fifo=${fifo}`,
        "--timeout=1",
        "status",
      ]);
      deepStrictEqual(stuck.code, 1);
      ok(stuck.stderr.includes("no reply from the agent within 1 s"), stuck.stderr);
      ok(stuck.stderr.includes("needs --allow-write="), stuck.stderr);
    } finally {
      reader.kill("SIGKILL");
      await reader.status;
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
    Deno.removeSync(r.out, { recursive: true });
  }
});

Deno.test("bundle: --detach re-executes the bundle with the launcher's flags", async () => {
  const r = await tempRelease();
  const work = workDir();
  const ctl = `${work}/control`;
  const pidFile = `${work}/sec.pid`;
  const udp = await freeUdpPort();
  try {
    const start = await runProgram(r.program, [
      "--detach",
      `--pid=${pidFile}`,
      `--conf=${work}/rules/*.sec`,
      `--input=udp://127.0.0.1:${udp}`,
      `--ctlfifo=${ctl}`,
      `--log=${work}/sec.log`,
    ], { cwd: work });
    deepStrictEqual(start.code, 0, start.stderr);
    const stop = performance.now() + 15000;
    while (performance.now() < stop) {
      try {
        if (Deno.readTextFileSync(pidFile).trim() !== "") break;
      } catch {
        // not yet
      }
      await sleep(50);
    }
    const pid = Number(Deno.readTextFileSync(pidFile).trim());
    const cmdline = Deno.readTextFileSync(`/proc/${pid}/cmdline`).split("\0");
    if (COMPILED) deepStrictEqual(cmdline[0], r.program, "the binary runs itself");
    else {
      ok(
        cmdline.includes("--cached-only") && cmdline.includes("--unstable-net"),
        cmdline.join(" "),
      );
    }
    while (performance.now() < stop) {
      try {
        if (Deno.statSync(ctl).isFifo) break;
      } catch {
        // not yet
      }
      await sleep(50);
    }
    const st = await runProgram(r.program, ["ctl", `--fifo=${ctl}`, "status"]);
    deepStrictEqual(st.code, 0, st.stderr);
    deepStrictEqual(JSON.parse(st.stdout).pid, pid);
    deepStrictEqual(
      (await runProgram(r.program, ["ctl", `--fifo=${ctl}`, "shutdown"])).code,
      0,
    );
    while (performance.now() < stop) {
      try {
        Deno.statSync(`/proc/${pid}`);
      } catch {
        break;
      }
      await sleep(50);
    }
    ok(Deno.readTextFileSync(`${work}/sec.log`).includes("Changing working directory to /"));
  } finally {
    Deno.removeSync(work, { recursive: true });
    Deno.removeSync(r.out, { recursive: true });
  }
});
