/**
 * Socket inputs (input_socket.ts): spec parsing, the line splitter, and
 * TCP, UDP, Unix stream and Unix datagram listeners on loopback
 * (contexts, names, partial lines, backpressure, drops).
 */
import { Buffer } from "node:buffer";
import * as dgram from "node:dgram";
import { InputManager } from "./inputs.ts";
import { MemoryLogger } from "./logger.ts";
import { LineSplitter, parseSocketSpec, SocketSource } from "./input_socket.ts";
import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import {
  collect,
  freePort,
  inputOptions as options,
  sh,
  sourceEnv,
} from "../../tests/helpers/inputs.ts";

const DRIVER = new URL("../../tests/helpers/input_driver.ts", import.meta.url).pathname;

Deno.test("socket specs parse; malformed ones are rejected", () => {
  assertEquals(parseSocketSpec("udp://127.0.0.1:5514"), {
    kind: "udp",
    host: "127.0.0.1",
    port: 5514,
  });
  assertEquals(parseSocketSpec("tcp://[::1]:80"), { kind: "tcp", host: "::1", port: 80 });
  assertEquals(parseSocketSpec("tcp://:80"), { kind: "tcp", host: "0.0.0.0", port: 80 });
  assertEquals(parseSocketSpec("unix:///run/x.sock"), { kind: "unix", path: "/run/x.sock" });
  assertEquals(parseSocketSpec("unixgram://rel.sock"), { kind: "unixgram", path: "rel.sock" });
  for (const bad of ["tcp://host", "udp://h:99999", "unix://", "tcp://a:b"]) {
    let threw = false;
    try {
      parseSocketSpec(bad);
    } catch {
      threw = true;
    }
    assert(threw, bad);
  }
});

Deno.test("line splitter: partial lines joined, long lines cut, datagram last line", () => {
  const s = new LineSplitter(8, "latin1");
  const out: string[] = [];
  const emit = (l: string) => out.push(l);
  const b = (t: string) => Buffer.from(t, "latin1");
  s.push(b("ab"), emit);
  s.push(b("c\nde"), emit);
  s.push(b("fghijklmnop"), emit);
  s.push(b("qrs\nok\n"), emit);
  s.push(b("0123456789\n\xff\n"), emit);
  assertEquals(out, ["abc", "defghijk", "ok", "01234567", "\xff"]);
  assertEquals(s.cut, 2);
  out.length = 0;
  s.datagram(b("d1\nd2"), emit);
  s.datagram(b("d3\n"), emit);
  assertEquals(out, ["d1", "d2", "d3"]);
});

Deno.test("tcp and udp inputs on loopback: lines, partial line at close, contexts, names", async () => {
  const port = freePort();
  const tcp = `tcp://127.0.0.1:${port}`;
  const udp = `udp://127.0.0.1:${port}`;
  const inputs = new InputManager(
    [{ path: tcp, context: "NET" }, { path: udp }],
    options({ pollTimeout: 0.05 }),
  );
  try {
    await inputs.start();
    const c1 = await Deno.connect({ hostname: "127.0.0.1", port });
    const c2 = await Deno.connect({ hostname: "127.0.0.1", port });
    await c1.write(new TextEncoder().encode("t1\nt2 part"));
    await c2.write(new TextEncoder().encode("u1\n"));
    const sock = dgram.createSocket("udp4");
    await new Promise<void>((r) => sock.send("g1\ng2", port, "127.0.0.1", () => r()));
    const got: [string, string, string][] = [];
    const stop = performance.now() + 5000;
    while (got.length < 5 && performance.now() < stop) {
      let l;
      while ((l = inputs.nextLine()) !== null) got.push([l.text, l.source, l.context ?? ""]);
      if (got.length === 4) c1.close();
      await inputs.waitForData(20);
    }
    c2.close();
    sock.close();
    got.sort();
    assertEquals(got, [
      ["g1", udp, `_FILE_EVENT_${udp}`],
      ["g2", udp, `_FILE_EVENT_${udp}`],
      ["t1", tcp, "NET"],
      ["t2 part", tcp, "NET"],
      ["u1", tcp, "NET"],
    ]);
    const info = inputs.info();
    assertEquals(info.map((i) => [i.name, i.type, i.status, i.lines]), [
      [tcp, "tcp", "Open", 3],
      [udp, "udp", "Open", 2],
    ]);
  } finally {
    await inputs.close();
  }
});

Deno.test("tcp ?syslog: octet-counted and newline-framed messages on one connection; plain tcp keeps newline framing", async () => {
  const port = freePort();
  const plainPort = freePort();
  const inputs = new InputManager(
    [{ path: `tcp://127.0.0.1:${port}?syslog` }, { path: `tcp://127.0.0.1:${plainPort}` }],
    options({ pollTimeout: 0.05 }),
  );
  const counted = "<38>1 2026-12-02T10:00:00Z web sshd 4242 - - counted";
  const stream = `${counted.length} ${counted}<38>Dec  2 10:00:01 web sshd[4242]: newline\n`;
  try {
    await inputs.start();
    for (const p of [port, plainPort]) {
      const c = await Deno.connect({ hostname: "127.0.0.1", port: p });
      // in two writes, the second starting inside the length prefix
      const bytes = new TextEncoder().encode(stream);
      await c.write(bytes.subarray(0, 1));
      await new Promise((r) => setTimeout(r, 50));
      await c.write(bytes.subarray(1));
      c.close();
    }
    const got = await collect(inputs, (l) => l.length >= 3, 5000);
    assertEquals(got.sort(), [
      `${counted.length} ${counted}<38>Dec  2 10:00:01 web sshd[4242]: newline`,
      "Dec  2 10:00:00 web sshd[4242]: counted",
      "Dec  2 10:00:01 web sshd[4242]: newline",
    ]);
  } finally {
    await inputs.close();
  }
});

Deno.test("unix stream input: lines from two clients, socket file removed at close", async () => {
  const dir = Deno.makeTempDirSync();
  const path = `${dir}/in.sock`;
  const inputs = new InputManager([{ path: `unix://${path}` }], options({ pollTimeout: 0.05 }));
  try {
    await inputs.start();
    for (const who of ["a", "b"]) {
      const c = await Deno.connect({ transport: "unix", path });
      await c.write(new TextEncoder().encode(`${who}1\n${who}2\n`));
      c.close();
    }
    const got = await collect(inputs, (l) => l.length >= 4, 5000);
    assertEquals(got.sort(), ["a1", "a2", "b1", "b2"]);
  } finally {
    await inputs.close();
  }
  let exists = true;
  try {
    Deno.statSync(path);
  } catch {
    exists = false;
  }
  assert(!exists, "socket file left behind");
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("unix datagram input (needs --unstable-net) in a real process", async () => {
  const dir = Deno.makeTempDirSync();
  const path = `${dir}/in.dgram`;
  const config = {
    specs: [{ path: `unixgram://${path}` }],
    options: { ...options(), logger: undefined, pollTimeout: 0.05 },
    maxSeconds: 10,
  };
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-net", DRIVER, JSON.stringify(config)],
    stdout: "piped",
  }).spawn();
  try {
    for (let i = 0; i < 100; i++) {
      try {
        if (Deno.statSync(path).isSocket) break;
      } catch {
        // not yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await sh(
      `python3 -c "import socket; s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); ` +
        `s.sendto(b'd1\\nd2', '${path}'); s.sendto(b'QUIT\\n', '${path}')"`,
    );
    const out = new TextDecoder().decode((await child.output()).stdout);
    const lines = out.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l))
      .filter((o) => "line" in o).map((o) => o.line);
    assertEquals(lines, ["d1", "d2", "QUIT"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("tcp backpressure: a fast sender is held back, nothing is lost", async () => {
  const port = freePort();
  const src = new SocketSource(`tcp://127.0.0.1:${port}`, undefined, sourceEnv(), {
    maxQueued: 256 * 1024,
  });
  src.open();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const total = 400_000; // 40 MB
  const line = new TextEncoder().encode("y".repeat(99) + "\n");
  const block = new Uint8Array(100 * 1000);
  for (let i = 0; i < 1000; i++) block.set(line, i * 100);
  let sent = 0;
  const sender = (async () => {
    for (let i = 0; i < total / 1000; i++) {
      let off = 0;
      while (off < block.length) off += await conn.write(block.subarray(off));
      sent += 1000;
    }
    conn.close();
  })();
  await new Promise((r) => setTimeout(r, 700));
  const info = src.info();
  assert(sent < total, "sender was not held back");
  assert(info.queued! * 100 <= 256 * 1024 + 65536 + 100, `queued ${info.queued}`);
  let n = 0;
  const stop = performance.now() + 30000;
  while (n < total && performance.now() < stop) {
    let l;
    while ((l = src.next()) !== null) {
      if (l.length !== 99) throw new Error(`bad line of ${l.length}`);
      n++;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await sender;
  assertEquals(n, total);
  assertEquals(src.dropped, 0);
  src.close();
});

Deno.test("udp flood: queue bounded, drops counted and logged", async () => {
  const port = freePort();
  const logger = new MemoryLogger();
  const src = new SocketSource(`udp://127.0.0.1:${port}`, undefined, sourceEnv(logger), {
    maxQueued: 16 * 1024,
  });
  src.open();
  await new Promise((r) => setTimeout(r, 100));
  const sock = dgram.createSocket("udp4");
  const sent = 5000;
  const msg = Buffer.from("z".repeat(99) + "\n");
  for (let i = 0; i < sent; i++) {
    await new Promise<void>((r) => sock.send(msg, port, "127.0.0.1", () => r()));
  }
  await new Promise((r) => setTimeout(r, 300));
  sock.close();
  const info = src.info();
  assert(info.queued! * 100 <= 16 * 1024 + 200, `queued ${info.queued}`);
  assert(src.dropped > 0, `nothing dropped: ${JSON.stringify(info)}`);
  let n = 0;
  while (src.next() !== null) n++;
  const kernel = info.kernelDropped ?? 0;
  assert(n + src.dropped + kernel <= sent);
  assert(n + src.dropped + kernel >= sent * 0.9, `${n} + ${src.dropped} + ${kernel} of ${sent}`);
  src.poll(performance.now() + 20000);
  assert(/lines dropped/.test(logger.text()), logger.text());
  src.close();
});
