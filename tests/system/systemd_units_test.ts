/**
 * The systemd side of a release, checked with the real tools: both units
 * pass `systemd-analyze verify` and score <= 2.0 under `systemd-analyze
 * security --offline=yes`; every system call the bundled sec-ts makes
 * (traced with strace as an unprivileged user, through inputs, the control
 * FIFO, a child process, a dump, reopen and soft restart) is admitted by
 * the units' SystemCallFilter; the sysusers.d and tmpfiles.d snippets create
 * the user and directories in a scratch root; logrotate with the shipped
 * snippet rotates files and the running correlator reopens through its FIFO.
 */
import { deepStrictEqual, ok } from "node:assert";
import { SecProcess } from "../helpers/sec_process.ts";
import { freePort, freeUdpPort, runProgram, sendTcp, tempRelease } from "../helpers/release.ts";

const REPO = new URL("../../", import.meta.url).pathname;
const UNITS = ["sec.service", "sec@.service"];

function unitText(name: string): string {
  return Deno.readTextFileSync(`${REPO}systemd/${name}`);
}

/** Values of a directive in a unit (all occurrences). */
function directive(text: string, key: string): string[] {
  return text.split("\n").filter((l) => l.startsWith(`${key}=`)).map((l) =>
    l.slice(key.length + 1)
  );
}

Deno.test("units: systemd-analyze verify passes, the settings a sysadmin relies on are there", async () => {
  const r = await tempRelease();
  try {
    for (const name of UNITS) {
      const text = unitText(name);
      // verify against the built program (it checks that ExecStart= is executable)
      const copy = `${r.out}/${name}`;
      Deno.writeTextFileSync(copy, text.replaceAll("/usr/local/bin/sec-ts", r.program));
      const v = await runProgram("systemd-analyze", ["verify", "--man=no", copy]);
      deepStrictEqual(v.code, 0, `${name}: ${v.stdout}${v.stderr}`);
      deepStrictEqual(v.stderr.trim(), "", `${name} has warnings: ${v.stderr}`);
      const instance = name === "sec@.service" ? "%i/" : "";
      const [exec] = directive(text, "ExecStart");
      ok(exec.startsWith("/usr/local/bin/sec-ts "), exec);
      ok(exec.includes(`--ctlfifo=/run/sec-ts/${instance}control`), exec);
      ok(exec.includes(`--dump=/run/sec-ts/${instance}sec.dump --dumpfts`), exec);
      ok(exec.endsWith(" $SEC_TS_ARGS"), exec);
      deepStrictEqual(directive(text, "ExecReload"), [
        `/usr/local/bin/sec-ts ctl --fifo=/run/sec-ts/${instance}control softrestart`,
      ]);
      deepStrictEqual(directive(text, "Restart"), ["on-failure"]);
      deepStrictEqual(directive(text, "User"), ["sec-ts"]);
      deepStrictEqual(directive(text, "MemoryDenyWriteExecute"), ["no"]);
      ok(directive(text, "SystemCallFilter")[0].includes("pkey_alloc"));
      ok(!directive(text, "Environment")[0].includes("SEC_TS_LOG_STDERR")); // the journal is found by JOURNAL_STREAM
      deepStrictEqual(directive(text, "ProcSubset"), [], "/proc/net/udp must stay readable");
    }
  } finally {
    Deno.removeSync(r.out, { recursive: true });
  }
});

Deno.test("units: exposure <= 2.0 under systemd-analyze security --offline=yes", async () => {
  for (const name of UNITS) {
    const s = await runProgram("systemd-analyze", [
      "security",
      "--offline=yes",
      "--no-pager",
      `${REPO}systemd/${name}`,
    ]);
    const m = /Overall exposure level for \S+: (\d+\.\d)/.exec(s.stdout);
    ok(m !== null, s.stdout + s.stderr);
    const score = Number(m[1]);
    console.log(`${name}: exposure ${score}`);
    ok(score <= 2.0, `${name}: exposure ${score}\n${s.stdout}`);
  }
});

/** The system calls a SystemCallFilter= allow list and ~deny lists admit. */
async function admitted(filters: string[]): Promise<{ allow: Set<string>; deny: Set<string> }> {
  const cache = new Map<string, string[]>();
  const expand = async (item: string): Promise<string[]> => {
    if (!item.startsWith("@")) return [item];
    if (cache.has(item)) return cache.get(item)!;
    const r = await runProgram("systemd-analyze", ["syscall-filter", "--no-pager", item]);
    if (r.code !== 0) throw new Error(`syscall-filter ${item}: ${r.stderr}`);
    const out: string[] = [];
    for (const line of r.stdout.split("\n").slice(1)) {
      const w = line.trim();
      if (w === "" || w.startsWith("#")) continue;
      out.push(...await expand(w));
    }
    cache.set(item, out);
    return out;
  };
  const allow = new Set<string>();
  const deny = new Set<string>();
  for (const f of filters) {
    const neg = f.startsWith("~");
    for (const item of (neg ? f.slice(1) : f).trim().split(/\s+/)) {
      for (const s of await expand(item)) (neg ? deny : allow).add(s);
    }
  }
  return { allow, deny };
}

/**
 * Runs the bundled sec-ts as an unprivileged user (as under User=sec-ts)
 * through socket inputs, a child process, an output file, and the control
 * FIFO's status, dump, reopen, softrestart and shutdown; `wrap` goes in
 * front of the program (strace, the seccomp filter). Throws when any of it
 * does not work.
 */
async function exercise(program: string, work: string, wrap: string[]): Promise<void> {
  Deno.writeTextFileSync(
    `${work}/r.sec`,
    "type=Single\nptype=RegExp\npattern=^run (\\S+)\ndesc=run\n" +
      `action=shellcmd echo $1 >> ${work}/child.out; write ${work}/out.log $1\n`,
  );
  const tcp = freePort();
  const udp = await freeUdpPort();
  const ctl = `${work}/control`;
  const sec = new SecProcess([
    "--reuid=65534",
    "--regid=65534",
    "--clear-groups",
    ...wrap,
    program,
    `--conf=${work}/r.sec`,
    `--input=tcp://127.0.0.1:${tcp}`,
    `--input=udp://127.0.0.1:${udp}?syslog`,
    `--input=unixgram://${work}/in.dgram`,
    `--ctlfifo=${ctl}`,
    `--dump=${work}/sec.dump`,
    `--log=${work}/sec.log`,
    "--allow-run=sh",
    `--allow-write=${work}`,
  ], { program: "setpriv", cwd: work, env: { DENO_DIR: `${work}/deno`, HOME: work } });
  try {
    await sec.waitForLog("Reading control commands from FIFO", 60000);
    await sendTcp(tcp, ["run one", "run two"]);
    const stop = performance.now() + 30000;
    const has = (f: string, t: string) => {
      try {
        return Deno.readTextFileSync(f).includes(t);
      } catch {
        return false;
      }
    };
    while (!(has(`${work}/child.out`, "two") && has(`${work}/out.log`, "two"))) {
      if (performance.now() > stop) throw new Error(`no child output\n${sec.stderr.slice(-2000)}`);
      await new Promise((res) => setTimeout(res, 50));
    }
    for (const cmd of ["status", "dump", "reopen", "softrestart", "status"]) {
      const c = await runProgram(program, ["ctl", `--fifo=${ctl}`, "--timeout=30", cmd]);
      deepStrictEqual(c.code, 0, `${cmd}: ${c.stderr}\n${sec.stderr.slice(-2000)}`);
    }
    await runProgram(program, ["ctl", `--fifo=${ctl}`, "shutdown"]);
    deepStrictEqual(await sec.exit(60000), 0, sec.stderr.slice(-2000));
  } finally {
    await sec.stop();
  }
}

/** A scratch directory an unprivileged user can use, with a release in it. */
async function scratch(): Promise<{ work: string; program: string; cleanup: () => void }> {
  const r = await tempRelease();
  const work = Deno.makeTempDirSync({ prefix: "sec-ts-syscalls-" });
  for (const d of [r.out, work]) Deno.chmodSync(d, 0o777);
  Deno.mkdirSync(`${work}/deno`);
  Deno.chmodSync(`${work}/deno`, 0o777);
  return {
    work,
    program: r.program,
    cleanup: () => {
      Deno.removeSync(work, { recursive: true });
      Deno.removeSync(r.out, { recursive: true });
    },
  };
}

const FILTERS = directive(unitText("sec@.service"), "SystemCallFilter");

Deno.test("units: the SystemCallFilter admits every system call sec-ts (V8, children) makes", async () => {
  deepStrictEqual(directive(unitText("sec.service"), "SystemCallFilter"), FILTERS);
  const { work, program, cleanup } = await scratch();
  try {
    await exercise(program, work, ["strace", "-f", "-qq", "-o", `${work}/trace`]);
    const used = new Set<string>();
    for (const line of Deno.readTextFileSync(`${work}/trace`).split("\n")) {
      const m = /^\d+\s+(?:<\.\.\. )?([a-z_0-9]+)[( ]/.exec(line);
      if (m !== null) used.add(m[1]);
    }
    ok(used.has("execve") && (used.has("clone3") || used.has("clone")), "a child was started");
    const { allow, deny } = await admitted(FILTERS);
    const refused = [...used].filter((s) => !allow.has(s) || deny.has(s)).sort();
    console.log(
      `${used.size} distinct system calls traced (pkey_alloc: ${used.has("pkey_alloc")}), ` +
        `refused by the filter: ${refused.join(" ") || "none"}`,
    );
    deepStrictEqual(refused, [], `system calls the filter refuses: ${refused.join(" ")}`);
  } finally {
    cleanup();
  }
});

Deno.test("units: sec-ts works under the SystemCallFilter enforced with seccomp", async () => {
  const { work, program, cleanup } = await scratch();
  try {
    const { allow, deny } = await admitted(FILTERS);
    const list = [...allow].filter((s) => !deny.has(s));
    Deno.writeTextFileSync(`${work}/allowed`, list.join("\n") + "\n");
    const wrap = (allowed: string) => [
      "/usr/bin/python3",
      new URL("../helpers/seccomp_exec.py", import.meta.url).pathname,
      allowed,
      "--",
    ];
    // the wrapper does enforce: without mknodat, mkfifo fails
    Deno.writeTextFileSync(
      `${work}/no-mknod`,
      list.filter((s) => !s.startsWith("mknod")).join("\n") + "\n",
    );
    const [py, ...pyArgs] = wrap(`${work}/no-mknod`);
    const denied = await runProgram(py, [...pyArgs, "mkfifo", `${work}/f`]);
    ok(denied.code !== 0 && /not permitted/i.test(denied.stderr), denied.stderr);
    // everything else fails with EPERM (SystemCallErrorNumber=EPERM), as under systemd
    await exercise(program, work, wrap(`${work}/allowed`));
    console.log(
      `${list.length} system calls allowed; sec-ts, V8 and its child ran under the filter`,
    );
  } finally {
    cleanup();
  }
});

Deno.test("sysusers.d and tmpfiles.d snippets create the user and directories", async () => {
  const root = Deno.makeTempDirSync({ prefix: "sec-ts-root-" });
  try {
    Deno.mkdirSync(`${root}/etc`);
    Deno.writeTextFileSync(`${root}/etc/passwd`, "root:x:0:0:root:/root:/bin/sh\n");
    Deno.writeTextFileSync(`${root}/etc/group`, "root:x:0:\nadm:x:4:\n");
    const u = await runProgram("systemd-sysusers", [
      `--root=${root}`,
      `${REPO}packaging/sysusers.conf`,
    ]);
    deepStrictEqual(u.code, 0, u.stderr);
    const pw = Deno.readTextFileSync(`${root}/etc/passwd`).split("\n").find((l) =>
      l.startsWith("sec-ts:")
    );
    ok(pw !== undefined);
    const [, , uid, gid, , home, shell] = pw.split(":");
    ok(Number(uid) > 0 && Number(uid) < 1000, `a system user: ${pw}`);
    deepStrictEqual([home, shell], ["/var/lib/sec-ts", "/usr/sbin/nologin"]);
    const t = await runProgram("systemd-tmpfiles", [
      `--root=${root}`,
      "--create",
      `${REPO}packaging/tmpfiles.conf`,
    ]);
    deepStrictEqual(t.code, 0, t.stderr);
    const conf = Deno.statSync(`${root}/etc/sec-ts`);
    deepStrictEqual([conf.uid, conf.gid, conf.mode! & 0o777], [0, Number(gid), 0o750]);
    const logs = Deno.statSync(`${root}/var/log/sec-ts`);
    deepStrictEqual([logs.uid, logs.gid, logs.mode! & 0o777], [Number(uid), 4, 0o750]);
    ok(Deno.statSync(`${root}/var/cache/sec-ts`).isDirectory);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("logrotate with the shipped snippet: files rotated, sec-ts reopens through its FIFO", async () => {
  const r = await tempRelease();
  const dir = Deno.makeTempDirSync({ prefix: "sec-ts-logrotate-" });
  const logs = `${dir}/log`;
  Deno.mkdirSync(logs, { mode: 0o750 });
  const ctl = `${dir}/control`;
  const conf = Deno.readTextFileSync(`${REPO}packaging/logrotate.conf`)
    .replaceAll("/var/log/sec-ts", logs)
    .replace("/run/sec-ts/control /run/sec-ts/*/control", ctl)
    .replaceAll("/usr/local/bin/sec-ts", r.program)
    .replace("create 0640 sec-ts adm", "create 0640 root root");
  Deno.writeTextFileSync(`${dir}/logrotate.conf`, conf);
  Deno.writeTextFileSync(
    `${dir}/r.sec`,
    `type=Single\nptype=RegExp\npattern=^line (\\S+)\ndesc=l\naction=write ${logs}/out.log $1\n`,
  );
  const tcp = freePort();
  const sec = new SecProcess([
    `--conf=${dir}/r.sec`,
    `--input=tcp://127.0.0.1:${tcp}`,
    `--ctlfifo=${ctl}`,
    `--log=${logs}/sec.log`,
    `--allow-write=${logs}`,
    "--intevents",
  ], { program: r.program, cwd: dir });
  try {
    await sec.waitForLog("Reading control commands from FIFO");
    await sendTcp(tcp, ["line before"]);
    const wait = async (f: string, text: string) => {
      const stop = performance.now() + 15000;
      while (performance.now() < stop) {
        try {
          if (Deno.readTextFileSync(f).includes(text)) return;
        } catch {
          // not yet
        }
        await new Promise((res) => setTimeout(res, 50));
      }
      const ls = [...Deno.readDirSync(logs)].map((e) => e.name).join(" ");
      throw new Error(`[${ls}] ${f} never held '${text}'\n${sec.stderr.slice(-2000)}`);
    };
    await wait(`${logs}/out.log`, "before");
    const lr = await runProgram("logrotate", ["-f", "-s", `${dir}/state`, `${dir}/logrotate.conf`]);
    deepStrictEqual(lr.code, 0, lr.stdout + lr.stderr);
    await sec.waitForLog("command 'reopen'");
    await sendTcp(tcp, ["line after"]);
    await wait(`${logs}/out.log`, "after");
    deepStrictEqual(Deno.readTextFileSync(`${logs}/out.log`), "after\n");
    deepStrictEqual(Deno.readTextFileSync(`${logs}/out.log.1`), "before\n");
    // the log was reopened: new messages go to the new file
    await runProgram(r.program, ["ctl", `--fifo=${ctl}`, "debug", "6"]);
    await wait(`${logs}/sec.log`, "command 'debug 6'");
    ok(!Deno.readTextFileSync(`${logs}/sec.log.1`).includes("debug 6"));
  } finally {
    await sec.stop();
    Deno.removeSync(dir, { recursive: true });
    Deno.removeSync(r.out, { recursive: true });
  }
});
