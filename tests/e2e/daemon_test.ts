/**
 * sec-ts as a daemon, tested on a real process (`deno run -A main.ts`):
 * a file appended to at 10,000 lines/s while rotated by rename and by
 * copytruncate, a real FIFO, real TCP/UDP/Unix sockets on loopback, real
 * signals, every control FIFO command, the JSON dump.
 */
import { assert as ok, assertEquals } from "../helpers/assert.ts";
import * as dgram from "node:dgram";
import { SecProcess } from "../helpers/sec_process.ts";

const WRITER = new URL("../helpers/rotating_writer.ts", import.meta.url).pathname;

function tempDir(): string {
  return Deno.makeTempDirSync({ prefix: "sec-ts-daemon-" });
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function sh(script: string): Promise<void> {
  const r = await new Deno.Command("sh", { args: ["-c", script] }).output();
  ok(r.success, `sh failed: ${script}: ${new TextDecoder().decode(r.stderr)}`);
}

async function waitForFile(path: string, ms = 10000): Promise<string> {
  const stop = performance.now() + ms;
  for (;;) {
    try {
      return Deno.readTextFileSync(path);
    } catch {
      if (performance.now() > stop) throw new Error(`${path} did not appear`);
      await new Promise((r) => setTimeout(r, 30));
    }
  }
}

const ECHO_RULE = `type=Single
ptype=RegExp
pattern=^(.*)$
desc=echo
action=write - $1
`;

const INTERNAL_RULES = `type=Single
ptype=RegExp
pattern=^(SEC_\\S+)$
context=[SEC_INTERNAL_EVENT]
desc=internal $1
action=write - internal $1

type=Single
ptype=RegExp
pattern=^ctx (\\S+)$
desc=create $1
action=create CTX_$1; assign %last $1; write - created $1
`;

Deno.test("10,000 lines/s through rename and copytruncate rotations: every line once", async () => {
  const dir = tempDir();
  Deno.writeTextFileSync(`${dir}/r.sec`, ECHO_RULE);
  Deno.writeTextFileSync(`${dir}/app.log`, "");
  const sec = new SecProcess(["--conf=r.sec", "--input=app.log", "--fromstart"], { cwd: dir });
  try {
    await sec.waitForLog("Opening input file app.log");
    const total = 30000;
    // before each copytruncate the writer waits until sec-ts has written every line so far:
    // lines written between the reader's last read and the truncation are lost by any reader
    const ack = `${dir}/ack`;
    const writer = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        WRITER,
        `${dir}/app.log`,
        String(total),
        "10000",
        "5000",
        "rename,copytruncate",
      ],
      env: { ROTATE_ACK: ack },
      stdout: "null",
    }).spawn();
    let finished = false;
    const status = writer.status.then((s) => {
      finished = true;
      return s;
    });
    while (!finished) {
      let want = Infinity;
      try {
        want = Number(Deno.readTextFileSync(`${ack}.want`));
      } catch {
        // no rotation waiting
      }
      if (sec.lines.length >= want) Deno.writeTextFileSync(ack, String(sec.lines.length));
      await new Promise((r) => setTimeout(r, 20));
    }
    ok((await status).success);
    await sec.waitFor(() => sec.lines.length >= total, 20000, `${total} lines`);
    await new Promise((r) => setTimeout(r, 300));
    const seqs = sec.lines.map((l) => Number(/^L(\d+) x*$/.exec(l)?.[1] ?? NaN));
    const missing = [];
    const seen = new Set(seqs);
    for (let i = 1; i <= total; i++) if (!seen.has(i)) missing.push(i);
    assertEquals(missing.slice(0, 10), [], `${missing.length} missing`);
    assertEquals(seqs.length, total, "repeated or malformed lines");
    for (let i = 0; i < total; i++) if (seqs[i] !== i + 1) assertEquals(seqs[i], i + 1, "order");
    ok(sec.stderr.includes("Input file app.log has been recreated"));
    ok(sec.stderr.includes("Input file app.log has been truncated"));
  } finally {
    assertEquals(await sec.stop(), 0);
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a real FIFO as input, writers coming and going", async () => {
  const dir = tempDir();
  Deno.writeTextFileSync(`${dir}/r.sec`, ECHO_RULE);
  await sh(`mkfifo ${dir}/in.fifo`);
  const sec = new SecProcess(["--conf=r.sec", "--input=in.fifo"], { cwd: dir });
  try {
    await sec.waitForLog("Opening input file in.fifo");
    await sh(`printf 'f1\\nf2\\n' > ${dir}/in.fifo`);
    await sh(`printf 'f3\\n' > ${dir}/in.fifo`);
    await sec.waitForLine("f3");
    assertEquals(sec.lines, ["f1", "f2", "f3"]);
  } finally {
    assertEquals(await sec.stop(), 0);
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("TCP, UDP, Unix stream and datagram sockets: lines, names, contexts", async () => {
  const dir = tempDir();
  const port = freePort();
  Deno.writeTextFileSync(
    `${dir}/r.sec`,
    `type=Single
ptype=RegExp
pattern=^(.*)$
context=[NETCTX]
desc=net
action=write - tcp-context $+{_inputsrc} $1

type=Single
ptype=RegExp
pattern=^(.*)$
desc=echo
action=write - $+{_inputsrc} $1
`,
  );
  const tcp = `tcp://127.0.0.1:${port}`;
  const udp = `udp://127.0.0.1:${port}`;
  const unix = `unix://${dir}/s.sock`;
  const unixgram = `unixgram://${dir}/d.sock`;
  const sec = new SecProcess(
    [
      "--conf=r.sec",
      `--input=${tcp}=NETCTX`,
      `--input=${udp}`,
      `--input=${unix}`,
      `--input=${unixgram}`,
    ],
    { cwd: dir, denoFlags: ["--unstable-net"] },
  );
  try {
    await sec.waitForLog(`Listening on ${unixgram}`);
    const enc = new TextEncoder();
    const c = await Deno.connect({ hostname: "127.0.0.1", port });
    await c.write(enc.encode("over tcp\nlast tcp line"));
    c.close();
    const u = dgram.createSocket("udp4");
    await new Promise<void>((r) => u.send("over udp", port, "127.0.0.1", () => r()));
    u.close();
    const s = await Deno.connect({ transport: "unix", path: `${dir}/s.sock` });
    await s.write(enc.encode("over unix\n"));
    s.close();
    await sh(
      `python3 -c "import socket; s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); ` +
        `s.sendto(b'over unixgram', '${dir}/d.sock')"`,
    );
    await sec.waitFor(() => sec.lines.length >= 5, 10000, "5 lines");
    assertEquals(
      [...sec.lines].sort(),
      [
        `tcp-context ${tcp} last tcp line`,
        `tcp-context ${tcp} over tcp`,
        `${udp} over udp`,
        `${unix} over unix`,
        `${unixgram} over unixgram`,
      ].sort(),
    );
  } finally {
    assertEquals(await sec.stop(), 0);
  }
  let left = true;
  try {
    Deno.statSync(`${dir}/s.sock`);
  } catch {
    left = false;
  }
  ok(!left, "unix socket file left behind");
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("signals: HUP, ABRT, USR2, USR1, INT, TERM with internal events", async () => {
  const dir = tempDir();
  Deno.writeTextFileSync(`${dir}/r.sec`, INTERNAL_RULES);
  Deno.writeTextFileSync(`${dir}/in.log`, "");
  const sec = new SecProcess(
    [
      "--conf=r.sec",
      "--input=in.log",
      "--intevents",
      `--dump=${dir}/dump.json`,
      "--dumpfjson",
      `--log=${dir}/sec.log`,
    ],
    { cwd: dir },
  );
  try {
    await sec.waitForLine("internal SEC_STARTUP");
    Deno.writeTextFileSync(`${dir}/in.log`, "ctx a\n", { append: true });
    await sec.waitForLine("created a");
    sec.kill("SIGABRT");
    await sec.waitForLine("internal SEC_SOFTRESTART");
    // soft restart keeps contexts and variables
    sec.kill("SIGUSR1");
    const d1 = JSON.parse(await waitForFile(`${dir}/dump.json`));
    assertEquals(d1.contexts.map((c: { name: string[] }) => c.name), [["CTX_a"]]);
    // the user's variables beside SEC's built-in ones (names starting with "." or "%", and s, t, u)
    const own = (vars: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(vars).filter(([k]) => !/^[.%]/.test(k) && !["s", "t", "u"].includes(k)),
      );
    assertEquals(own(d1.variables), { last: "a" });
    assertEquals(d1.variables[".chr65"], "A");
    Deno.removeSync(`${dir}/dump.json`);
    sec.kill("SIGHUP");
    await sec.waitForLine("internal SEC_RESTART");
    sec.kill("SIGUSR1");
    const d2 = JSON.parse(await waitForFile(`${dir}/dump.json`));
    assertEquals(d2.contexts, [], "full restart keeps no contexts");
    assertEquals(own(d2.variables), {});
    Deno.renameSync(`${dir}/sec.log`, `${dir}/sec.log.1`);
    sec.kill("SIGUSR2");
    await sec.waitForLine("internal SEC_LOGROTATE");
    await waitForFile(`${dir}/sec.log`);
    sec.kill("SIGINT");
    await sec.waitForLog("1 SIGINT signal(s) received: setting debuglevel from 6 to 1");
    sec.kill("SIGTERM");
    assertEquals(await sec.exit(), 0);
    assertEquals(sec.lines, [
      "internal SEC_STARTUP",
      "created a",
      "internal SEC_PRE_SOFTRESTART",
      "internal SEC_SOFTRESTART",
      "internal SEC_PRE_RESTART",
      "internal SEC_RESTART",
      "internal SEC_PRE_LOGROTATE",
      "internal SEC_LOGROTATE",
      "internal SEC_SHUTDOWN",
    ]);
    // the message about SIGUSR2 goes to the old file, what follows to the new one
    const old = Deno.readTextFileSync(`${dir}/sec.log.1`);
    ok(old.includes("SIGUSR2 received: closing outputs and restarting logging"), old);
    // each internal event is logged as SEC logs it (level 5)
    const events = old.split("\n").filter((l) => / SEC internal /.test(l)).map((l) =>
      l.slice(l.indexOf("SEC internal") - "Creating ".length)
    );
    assertEquals(events.slice(0, 3), [
      "Creating SEC internal context 'SEC_INTERNAL_EVENT'",
      "Creating SEC internal event 'SEC_STARTUP'",
      "Deleting SEC internal context 'SEC_INTERNAL_EVENT'",
    ]);
    ok(old.includes("Creating SEC internal event 'SEC_PRE_LOGROTATE'"), old);
    const log = Deno.readTextFileSync(`${dir}/sec.log`);
    ok(!log.includes("SIGUSR2 received"), log);
    ok(log.includes("setting debuglevel from 6 to 1"), log);
  } finally {
    await sec.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("soft restart reloads only changed rule files and keeps state", async () => {
  const dir = tempDir();
  Deno.writeTextFileSync(`${dir}/a.sec`, INTERNAL_RULES);
  Deno.writeTextFileSync(
    `${dir}/b.sec`,
    "type=Single\nptype=SubStr\npattern=hello\ndesc=b\naction=write - old b\n",
  );
  Deno.writeTextFileSync(`${dir}/in.log`, "");
  const sec = new SecProcess(
    ["--conf=*.sec", "--input=in.log", "--intevents", `--log=${dir}/sec.log`],
    { cwd: dir },
  );
  try {
    await sec.waitForLine("internal SEC_STARTUP");
    Deno.writeTextFileSync(`${dir}/in.log`, "ctx k\nhello\n", { append: true });
    await sec.waitForLine("old b");
    Deno.writeTextFileSync(
      `${dir}/b.sec`,
      "type=Single\nptype=SubStr\npattern=hello\ndesc=b\naction=write - new b\n",
    );
    // make sure the modification time differs
    Deno.utimeSync(`${dir}/b.sec`, new Date(), new Date(Date.now() + 5000));
    sec.kill("SIGABRT");
    await sec.waitForLine("internal SEC_SOFTRESTART");
    Deno.writeTextFileSync(`${dir}/in.log`, "hello\n", { append: true });
    await sec.waitForLine("new b");
    const log = Deno.readTextFileSync(`${dir}/sec.log`);
    ok(/rules loaded from b\.sec[\s\S]*SIGABRT[\s\S]*rules loaded from b\.sec/.test(log), log);
    ok(!/SIGABRT[\s\S]*rules loaded from a\.sec/.test(log), "a.sec was reloaded");
  } finally {
    assertEquals(await sec.stop(), 0);
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("control FIFO: every command, unknown ones ignored", async () => {
  const dir = tempDir();
  Deno.writeTextFileSync(`${dir}/r.sec`, INTERNAL_RULES);
  Deno.writeTextFileSync(`${dir}/in.log`, "");
  const ctl = `${dir}/control`;
  const sec = new SecProcess(
    [
      "--conf=r.sec",
      "--input=in.log",
      "--intevents",
      `--ctlfifo=${ctl}`,
      `--dump=${dir}/dump.txt`,
      `--log=${dir}/sec.log`,
    ],
    { cwd: dir },
  );
  const send = (cmd: string) => sh(`printf '%s\\n' '${cmd}' > ${ctl}`);
  try {
    await sec.waitForLine("internal SEC_STARTUP");
    assertEquals(Deno.statSync(ctl).mode! & 0o777, 0o600);
    Deno.writeTextFileSync(`${dir}/in.log`, "ctx z\n", { append: true });
    await sec.waitForLine("created z");
    await send("no such command");
    await send("status");
    await sec.waitForLog("Status: {");
    await send(`status ${dir}/status.json`);
    const status = JSON.parse(await waitForFile(`${dir}/status.json`));
    assertEquals([status.contexts, status.rules, status.lines], [1, 2, 1]);
    await send("dump");
    const dump = await waitForFile(`${dir}/dump.txt`);
    ok(dump.includes("Context name: CTX_z"), dump);
    ok(/in\.log \(status: Open, type: regular file, read offset: 6/.test(dump), dump);
    await send("softrestart");
    await sec.waitForLine("internal SEC_SOFTRESTART");
    await send("restart");
    await sec.waitForLine("internal SEC_RESTART");
    await send("reopen");
    await sec.waitForLine("internal SEC_LOGROTATE");
    await send("debug 3");
    await sec.waitForLog("setting debuglevel from 6 to 3");
    await send("shutdown");
    assertEquals(await sec.exit(), 0);
    assertEquals(sec.lines.at(-1), "internal SEC_SHUTDOWN");
    ok(sec.stderr.includes("unknown control command 'no such command', ignored"), sec.stderr);
    let left = true;
    try {
      Deno.statSync(ctl);
    } catch {
      left = false;
    }
    ok(!left, "control FIFO left behind");
  } finally {
    await sec.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("JSON dump lists every live operation and context", async () => {
  const dir = tempDir();
  Deno.writeTextFileSync(
    `${dir}/r.sec`,
    `type=SingleWithThreshold
ptype=RegExp
pattern=^fail (\\S+)
desc=failures of $1
action=write - alarm $1
window=60
thresh=5

type=Single
ptype=RegExp
pattern=^ctx (\\S+)
desc=ctx $1
action=create C_$1 100; add C_$1 $0; write - made $1
`,
  );
  Deno.writeTextFileSync(`${dir}/in.log`, "");
  const sec = new SecProcess(
    [
      "--conf=r.sec",
      "--input=in.log",
      "--fromstart",
      `--dump=${dir}/d`,
      "--dumpfjson",
      "--dumpfts",
    ],
    { cwd: dir },
  );
  try {
    await sec.waitForLog("Opening input file in.log");
    Deno.writeTextFileSync(
      `${dir}/in.log`,
      "fail u1\nfail u2\nfail u1\nctx one\nctx two\n",
      { append: true },
    );
    await sec.waitForLine("made two");
    sec.kill("SIGUSR1");
    await sec.waitForLog("Dump to ");
    const name = [...Deno.readDirSync(dir)].map((e) => e.name).find((n) => /^d\.\d+$/.test(n));
    ok(name !== undefined, "no dump file with a time stamp suffix");
    const d = JSON.parse(Deno.readTextFileSync(`${dir}/${name}`));
    assertEquals(Object.keys(d.operations).length, 2, JSON.stringify(d.operations));
    assertEquals(
      d.contexts.map((c: { name: string[]; buffer: string[] }) => [c.name, c.buffer]),
      [[["C_one"], ["ctx one"]], [["C_two"], ["ctx two"]]],
    );
    assertEquals(d.rulestats["r.sec"].stats.map((s: { matches: number }) => s.matches), [3, 2]);
    assertEquals(d.inputs["in.log"].lines, 5);
  } finally {
    assertEquals(await sec.stop(), 0);
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("--pid, --umask and --user handling", async () => {
  const dir = tempDir();
  Deno.writeTextFileSync(`${dir}/r.sec`, ECHO_RULE);
  Deno.writeTextFileSync(`${dir}/in.log`, "");
  Deno.writeTextFileSync(
    `${dir}/w.sec`,
    "type=Single\nptype=RegExp\npattern=.\ndesc=w\naction=write out.txt $0\n",
  );
  const sec = new SecProcess(
    [
      "--conf=w.sec",
      "--input=in.log",
      "--fromstart",
      `--pid=${dir}/sec.pid`,
      "--umask=077",
      "--allow-write",
      "--dump=d",
    ],
    { cwd: dir },
  );
  try {
    const pid = Number((await waitForFile(`${dir}/sec.pid`)).trim());
    assertEquals(pid, sec.child.pid);
    await sec.waitForLog("Opening input file in.log");
    Deno.writeTextFileSync(`${dir}/in.log`, "x\n", { append: true });
    await waitForFile(`${dir}/out.txt`);
    assertEquals(Deno.statSync(`${dir}/out.txt`).mode! & 0o777, 0o600, "umask not applied");
    // an existing dump file is never overwritten
    Deno.writeTextFileSync(`${dir}/d`, "keep");
    sec.kill("SIGUSR1");
    await sec.waitForLog("Can't write to dumpfile: d exists");
    assertEquals(Deno.readTextFileSync(`${dir}/d`), "keep");
  } finally {
    assertEquals(await sec.stop(), 0);
  }
  const other = Deno.uid() === 0 ? "nobody" : "root";
  const refused = new SecProcess(["--conf=r.sec", `--user=${other}`], { cwd: dir });
  assertEquals(await refused.exit(), 1);
  ok(refused.stderr.includes("User= and Group= in the systemd unit"), refused.stderr);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("--detach: a new session in /, the pid file names it, SIGTERM ends it", async () => {
  const dir = tempDir();
  Deno.writeTextFileSync(`${dir}/r.sec`, ECHO_RULE);
  Deno.writeTextFileSync(`${dir}/in.log`, "");
  const parent = new SecProcess([
    "--detach",
    `--conf=${dir}/r.sec`,
    `--input=${dir}/in.log`,
    `--pid=${dir}/sec.pid`,
    `--log=${dir}/sec.log`,
  ]);
  assertEquals(await parent.exit(), 0);
  const pid = Number((await waitForFile(`${dir}/sec.pid`)).trim());
  try {
    ok(pid !== parent.child.pid);
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    assertEquals(Number(fields[3]), pid, "not a session leader"); // session id
    assertEquals(Deno.readLinkSync(`/proc/${pid}/cwd`), "/");
    const stop = performance.now() + 10000;
    while (!Deno.readTextFileSync(`${dir}/sec.log`).includes("Opening input file")) {
      if (performance.now() > stop) throw new Error("detached sec-ts did not start");
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    Deno.kill(pid, "SIGTERM");
  }
  const stop = performance.now() + 10000;
  while (performance.now() < stop) {
    try {
      Deno.statSync(`/proc/${pid}`);
    } catch {
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  ok(Deno.readTextFileSync(`${dir}/sec.log`).includes("SIGTERM received: shutting down SEC"));
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("--input-timeout runs --timeout-script with 1 and 0 and the input name", async () => {
  const dir = tempDir();
  Deno.writeTextFileSync(`${dir}/r.sec`, ECHO_RULE);
  Deno.writeTextFileSync(`${dir}/in.log`, "");
  Deno.writeTextFileSync(`${dir}/to.sh`, `#!/bin/sh\necho "$1 $2" >> ${dir}/calls\n`);
  Deno.chmodSync(`${dir}/to.sh`, 0o755);
  const sec = new SecProcess(
    ["--conf=r.sec", "--input=in.log", "--input-timeout=1", `--timeout-script=${dir}/to.sh`],
    { cwd: dir },
  );
  try {
    const calls = () => {
      try {
        return Deno.readTextFileSync(`${dir}/calls`);
      } catch {
        return "";
      }
    };
    await sec.waitFor(() => calls() === "1 in.log\n", 10000, "timeout script with 1");
    Deno.writeTextFileSync(`${dir}/in.log`, "fresh\n", { append: true });
    await sec.waitForLine("fresh");
    await sec.waitFor(() => calls().startsWith("1 in.log\n0 in.log\n"), 10000, "script with 0");
  } finally {
    assertEquals(await sec.stop(), 0);
    Deno.removeSync(dir, { recursive: true });
  }
});
