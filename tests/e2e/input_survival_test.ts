/**
 * Socket inputs that survive: a real sec-ts under a lowered descriptor
 * limit (`ulimit -n 64`) keeps accepting after EMFILE; --max-connections
 * closes connections beyond the cap; --idle-timeout closes idle ones;
 * thousands of short connections leave no descriptors behind; a bounded
 * UDP flood on loopback is counted (received, dropped) in the dump.
 */
import { ok } from "node:assert";

import { stopChild } from "../helpers/child.ts";
const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const RULES = "type=Single\nptype=RegExp\npattern=^(.*)$\ndesc=$1\naction=write - got $1\n";

/** A sec-ts child started through `sh` (for ulimit), stdout collected. */
class Agent {
  readonly child: Deno.ChildProcess;
  out = "";
  err = "";
  #done: Promise<void>;
  constructor(dir: string, args: string[], ulimit?: number) {
    const cmd = [Deno.execPath(), "run", "-A", MAIN, ...args].map((a) => `'${a}'`).join(" ");
    this.child = new Deno.Command("sh", {
      args: ["-c", `${ulimit ? `ulimit -n ${ulimit}; ` : ""}exec ${cmd}`],
      cwd: dir,
      env: { SEC_TS_LOG_STDERR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const dec = new TextDecoder();
    const read = async (s: ReadableStream<Uint8Array>, f: (t: string) => void) => {
      for await (const c of s) f(dec.decode(c, { stream: true }));
    };
    this.#done = Promise.all([
      read(this.child.stdout, (t) => this.out += t),
      read(this.child.stderr, (t) => this.err += t),
    ]).then(() => {});
  }
  async until(cond: () => boolean, what: string, ms = 20000): Promise<void> {
    const stop = performance.now() + ms;
    while (!cond()) {
      if (performance.now() > stop) {
        throw new Error(`timeout: ${what}\nstdout: ${this.out.slice(-500)}\nlog: ${this.err}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  fds(): number {
    try {
      return [...Deno.readDirSync(`/proc/${this.child.pid}/fd`)].length;
    } catch {
      return -1;
    }
  }
  async stop(): Promise<void> {
    await stopChild(this.child);
    await this.#done;
  }
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function connect(port: number): Promise<Deno.TcpConn | null> {
  try {
    return await Deno.connect({ hostname: "127.0.0.1", port });
  } catch {
    return null;
  }
}

async function send(port: number, text: string): Promise<void> {
  const c = await Deno.connect({ hostname: "127.0.0.1", port });
  await c.write(new TextEncoder().encode(text));
  c.close();
}

/** Resolves to true when the server closes `c` (EOF or reset) within `ms`. */
async function closedByServer(c: Deno.Conn, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((r) => timer = setTimeout(() => r(false), ms));
  const read = (async () => {
    try {
      return (await c.read(new Uint8Array(16))) === null;
    } catch {
      return true;
    }
  })();
  const r = await Promise.race([read, timeout]);
  clearTimeout(timer);
  return r;
}

Deno.test("TCP input keeps accepting after running out of descriptors (ulimit -n 64)", async () => {
  const dir = Deno.makeTempDirSync();
  Deno.writeTextFileSync(`${dir}/r.sec`, RULES);
  const port = freePort();
  const agent = new Agent(dir, [
    "--conf=r.sec",
    `--input=tcp://127.0.0.1:${port}`,
    "--max-connections=1000",
    `--dump=${dir}/dump`,
  ], 64);
  const conns: Deno.TcpConn[] = [];
  try {
    await agent.until(() => agent.err.includes("Deno permissions revoked"), "start-up");
    await send(port, "before\n");
    await agent.until(() => agent.out.includes("got before"), "line before the flood");
    // more connections than descriptors: the agent's accepts fail with EMFILE
    for (let i = 0; i < 100; i++) {
      const c = await connect(port);
      if (c !== null) conns.push(c);
    }
    await agent.until(
      () => /could not be accepted \(.*\); still listening/.test(agent.err),
      "EMFILE",
    );
    for (const c of conns.splice(0)) c.close();
    // all clients gone: new connections are accepted again
    await agent.until(() => agent.fds() < 40, "descriptors released");
    await send(port, "after\n");
    await agent.until(() => agent.out.includes("got after"), "line after the flood");
    agent.child.kill("SIGUSR1");
    await agent.until(() => {
      try {
        return /failed accepts: \d+/.test(Deno.readTextFileSync(`${dir}/dump`));
      } catch {
        return false;
      }
    }, "failed accepts in the dump");
  } finally {
    for (const c of conns) c.close();
    await agent.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("--max-connections holds connections beyond the cap; --idle-timeout closes idle ones", async () => {
  const dir = Deno.makeTempDirSync();
  Deno.writeTextFileSync(`${dir}/r.sec`, RULES);
  const port = freePort();
  const agent = new Agent(dir, [
    "--conf=r.sec",
    `--input=tcp://127.0.0.1:${port}`,
    "--max-connections=3",
    "--idle-timeout=1",
  ]);
  const conns: Deno.TcpConn[] = [];
  try {
    await agent.until(() => agent.err.includes("Deno permissions revoked"), "start-up");
    for (let i = 0; i < 3; i++) {
      const c = await Deno.connect({ hostname: "127.0.0.1", port });
      conns.push(c);
      await c.write(new TextEncoder().encode(`held ${i}\n`));
    }
    await agent.until(() => agent.out.includes("got held 2"), "3 connections read");
    await agent.until(() => agent.err.includes("--max-connections reached"), "cap warning");
    // a 4th connection waits in the backlog, its line kept, until a slot is free
    await send(port, "fourth\n");
    ok(!agent.out.includes("got fourth"), "a 4th connection was read beyond the cap");
    // the three held connections send nothing more: closed after about 1 s
    for (const c of conns) ok(await closedByServer(c, 15000), "idle connection not closed");
    await agent.until(() => agent.err.includes("no data for 1 s"), "idle log");
    await agent.until(() => agent.out.includes("got fourth"), "4th connection after idle close");
  } finally {
    for (const c of conns) c.close();
    await agent.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("2,000 short connections leave no descriptors behind", async () => {
  const dir = Deno.makeTempDirSync();
  Deno.writeTextFileSync(`${dir}/r.sec`, RULES);
  const port = freePort();
  const agent = new Agent(dir, ["--conf=r.sec", `--input=tcp://127.0.0.1:${port}`]);
  try {
    await agent.until(() => agent.err.includes("Deno permissions revoked"), "start-up");
    const base = agent.fds();
    for (let i = 0; i < 2000; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, k) => send(port, `c${i + k}\n`)));
    }
    await agent.until(() => agent.out.includes("got c1999"), "last line");
    await agent.until(() => agent.fds() <= base + 5, `descriptors back to ${base}`);
    console.log(`descriptors: ${base} before, ${agent.fds()} after 2,000 connections`);
  } finally {
    await agent.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("UDP flood on loopback: received and dropped datagrams are counted", async () => {
  const dir = Deno.makeTempDirSync();
  Deno.writeTextFileSync(
    `${dir}/r.sec`,
    "type=Single\nptype=RegExp\npattern=^end$\ndesc=end\naction=write - end seen\n",
  );
  const port = freePort();
  const agent = new Agent(dir, [
    "--conf=r.sec",
    `--input=udp://127.0.0.1:${port}`,
    `--dump=${dir}/dump`,
    "--dumpfjson",
  ]);
  try {
    await agent.until(() => agent.err.includes("Deno permissions revoked"), "start-up");
    const sock = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
    const msg = new TextEncoder().encode("x".repeat(100) + "\n");
    const target: Deno.NetAddr = { transport: "udp", hostname: "127.0.0.1", port };
    let sent = 0;
    const stop = performance.now() + 2000;
    while (performance.now() < stop && sent < 300_000) {
      for (let k = 0; k < 100; k++) {
        await sock.send(msg, target);
        sent++;
      }
    }
    // the flood is over when "end" gets through
    for (let i = 0; i < 50 && !agent.out.includes("end seen"); i++) {
      await sock.send(new TextEncoder().encode("end\n"), target);
      await new Promise((r) => setTimeout(r, 100));
    }
    sock.close();
    await agent.until(() => agent.out.includes("end seen"), "end of flood");
    agent.child.kill("SIGUSR1");
    let dump: { inputs: Record<string, Record<string, number>> } | undefined;
    await agent.until(() => {
      try {
        dump = JSON.parse(Deno.readTextFileSync(`${dir}/dump`));
        return true;
      } catch {
        return false;
      }
    }, "dump");
    const i = dump!.inputs[`udp://127.0.0.1:${port}`];
    ok(i !== undefined, JSON.stringify(dump!.inputs));
    ok(typeof i.kernelDropped === "number", "no kernel drop count");
    if (i.kernelDropped > 0) {
      await agent.until(() => agent.err.includes("the kernel dropped"), "kernel drop warning");
    }
    const received = i.lines + (i.dropped ?? 0);
    ok(received + i.kernelDropped <= sent + 50, `${received} + ${i.kernelDropped} > ${sent}`);
    console.log(
      `UDP flood: ${sent} sent in 2 s, ${i.lines} lines read, ${i.dropped} dropped by sec-ts, ` +
        `${i.kernelDropped} dropped by the kernel`,
    );
  } finally {
    await agent.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});
