/**
 * Daemon-side inputs on real things: files rotated by rename and by
 * copytruncate while a separate process appends at 10,000 lines/s, named
 * pipes (--rwfifo / --norwfifo), and TCP, UDP, Unix stream and Unix
 * datagram listeners on loopback (backpressure, drops, long lines).
 */
import { deepStrictEqual, ok } from "node:assert";
import { Buffer } from "node:buffer";
import * as dgram from "node:dgram";
import { appendFileSync, writeFileSync } from "node:fs";
import { InputManager, type InputOptions } from "../src/runtime/inputs.ts";
import { MemoryLogger } from "../src/runtime/logger.ts";
import type { SourceEnv } from "../src/runtime/input_source.ts";
import { LineSplitter, parseSocketSpec, SocketSource } from "../src/runtime/input_socket.ts";

const assert = (cond: unknown, msg?: string): void => ok(cond, msg);
const assertEquals = <T>(actual: T, expected: T, msg?: string): void =>
  deepStrictEqual(actual, expected, msg);

const WRITER = new URL("./helpers/rotating_writer.ts", import.meta.url).pathname;
const DRIVER = new URL("./helpers/input_driver.ts", import.meta.url).pathname;

function options(over: Partial<InputOptions> = {}): InputOptions {
  return {
    tail: true,
    fromstart: false,
    textMode: "bytes",
    intcontexts: false,
    blocksize: 8192,
    reopenTimeout: 0,
    checkTimeout: 0,
    pollTimeout: 0.1,
    logger: new MemoryLogger(),
    ...over,
  };
}

function sourceEnv(logger = new MemoryLogger()): SourceEnv {
  return {
    tail: true,
    fromstart: false,
    textMode: "bytes",
    readSize: 1 << 16,
    scratch: Buffer.alloc(1 << 16),
    dryMs: 50,
    reopenMs: 0,
    logger,
    notify: () => {},
    fresh: () => {},
  };
}

/** Collects lines until `done(lines)` or `limitMs`. */
async function collect(
  inputs: InputManager,
  done: (lines: string[]) => boolean,
  limitMs = 10000,
): Promise<string[]> {
  const out: string[] = [];
  const stop = performance.now() + limitMs;
  while (!done(out) && performance.now() < stop) {
    let l;
    while ((l = inputs.nextLine()) !== null) out.push(l.text);
    if (!done(out)) await inputs.waitForData(20);
  }
  return out;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function mkfifo(path: string): Promise<void> {
  const r = await new Deno.Command("mkfifo", { args: ["-m", "600", path] }).output();
  assert(r.success, "mkfifo failed");
}

/** Runs `sh -c script` to completion. */
async function sh(script: string): Promise<void> {
  const r = await new Deno.Command("sh", { args: ["-c", script] }).output();
  assert(r.success, `sh failed: ${script}`);
}

async function rotationRun(modes: string, every: number): Promise<void> {
  const dir = Deno.makeTempDirSync();
  const f = `${dir}/app.log`;
  writeFileSync(f, "");
  const logger = new MemoryLogger();
  const inputs = new InputManager([{ path: f }], options({ logger }));
  const total = 20000;
  try {
    await inputs.start();
    const writer = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", WRITER, f, String(total), "10000", String(every), modes],
      stdout: "piped",
    }).spawn();
    const lines = await collect(inputs, (l) => l.length >= total, 20000);
    const status = await writer.output();
    assert(status.success);
    // a little longer: nothing more may come
    lines.push(...await collect(inputs, () => false, 300));
    const seqs = lines.map((l) => Number(/^L(\d+) x*$/.exec(l)?.[1] ?? NaN));
    const bad = lines.filter((_, i) => Number.isNaN(seqs[i]));
    assertEquals(bad.slice(0, 5), [], "malformed lines");
    const missing: number[] = [];
    const seen = new Set(seqs);
    for (let i = 1; i <= total; i++) if (!seen.has(i)) missing.push(i);
    assertEquals(missing.slice(0, 10), [], `${missing.length} lines missing`);
    assertEquals(seqs.length, total, "lines repeated");
    for (let i = 0; i < seqs.length; i++) assertEquals(seqs[i], i + 1, "order");
    const rotations = inputs.info()[0].rotations ?? 0;
    assertEquals(rotations, Math.floor((total - 1) / every), logger.text());
  } finally {
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("10,000 lines/s through rename rotations: every line once, in order", async () => {
  await rotationRun("rename", 4000);
});

Deno.test("10,000 lines/s through copytruncate rotations: every line once, in order", async () => {
  await rotationRun("copytruncate", 4000);
});

Deno.test("a file truncated and rewritten past the read position between polls is reread", async () => {
  const dir = Deno.makeTempDirSync();
  const f = `${dir}/t.log`;
  writeFileSync(f, "");
  const logger = new MemoryLogger();
  const inputs = new InputManager([{ path: f }], options({ logger, pollTimeout: 0.05 }));
  try {
    await inputs.start();
    writeFileSync(f, "old 1\nold 2\npart");
    assertEquals(await collect(inputs, (l) => l.length >= 2), ["old 1", "old 2"]);
    // truncate and write more than before in one go: the size never looks smaller
    writeFileSync(f, "new 1 with more text\nnew 2 with more text\n");
    assertEquals(await collect(inputs, (l) => l.length >= 3), [
      "part",
      "new 1 with more text",
      "new 2 with more text",
    ]);
    assert(logger.text().includes(`Input file ${f} has been truncated`), logger.text());
  } finally {
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a removed file stays open until the name comes back; partial line kept until done", async () => {
  const dir = Deno.makeTempDirSync();
  const f = `${dir}/t.log`;
  writeFileSync(f, "");
  const logger = new MemoryLogger();
  const inputs = new InputManager([{ path: f }], options({ logger, pollTimeout: 0.05 }));
  try {
    await inputs.start();
    const fd = Deno.openSync(f, { append: true });
    fd.writeSync(new TextEncoder().encode("one\ntw"));
    assertEquals(await collect(inputs, (l) => l.length >= 1), ["one"]);
    assertEquals(await collect(inputs, () => false, 200), []);
    Deno.removeSync(f);
    fd.writeSync(new TextEncoder().encode("o\nthree\n"));
    fd.close();
    assertEquals(await collect(inputs, (l) => l.length >= 2), ["two", "three"]);
    writeFileSync(f, "four\n");
    assertEquals(await collect(inputs, (l) => l.length >= 1), ["four"]);
    assert(logger.text().includes(`Input file ${f} has been recreated`), logger.text());
  } finally {
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("named pipe, --rwfifo: writers come and go, no end of input", async () => {
  const dir = Deno.makeTempDirSync();
  const p = `${dir}/fifo`;
  await mkfifo(p);
  const inputs = new InputManager([{ path: p }], options({ pollTimeout: 0.05 }));
  try {
    await inputs.start();
    await sh(`printf 'a1\\na2\\n' > ${p}`);
    await sh(`printf 'b1\\npart' > ${p}`);
    await sh(`printf 'rest\\n' > ${p}`);
    assertEquals(await collect(inputs, (l) => l.length >= 4), ["a1", "a2", "b1", "partrest"]);
    const info = inputs.info()[0];
    assertEquals([info.type, info.status, info.lines], ["named pipe", "Open", 4]);
  } finally {
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("named pipe, --norwfifo --tail: reopened after each writer, last line delivered", async () => {
  const dir = Deno.makeTempDirSync();
  const p = `${dir}/fifo`;
  await mkfifo(p);
  const logger = new MemoryLogger();
  const inputs = new InputManager(
    [{ path: p }],
    options({ pollTimeout: 0.05, rwfifo: false, logger }),
  );
  try {
    await inputs.start();
    await sh(`printf 'a1\\npart' > ${p}`);
    assertEquals(await collect(inputs, (l) => l.length >= 2), ["a1", "part"]);
    await sh(`printf 'b1\\n' > ${p}`);
    assertEquals(await collect(inputs, (l) => l.length >= 1), ["b1"]);
    const text = logger.text();
    assert(text.includes(`No writers on input pipe ${p}, closing the pipe`), text);
    assert(text.includes(`Reopening input pipe ${p}`), text);
  } finally {
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("named pipe, --norwfifo --notail: input ends when the writer closes", async () => {
  const dir = Deno.makeTempDirSync();
  const p = `${dir}/fifo`;
  await mkfifo(p);
  const inputs = new InputManager([{ path: p }], options({ tail: false, rwfifo: false }));
  try {
    await inputs.start();
    const writer = sh(`printf 'x1\\nx2' > ${p}`);
    const out: string[] = [];
    const stop = performance.now() + 5000;
    for (;;) {
      let l;
      while ((l = inputs.nextLine()) !== null) out.push(l.text);
      if (!await inputs.waitForData(50) || performance.now() > stop) break;
    }
    await writer;
    assertEquals(out, ["x1", "x2"]);
    assert(inputs.ended);
  } finally {
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

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

Deno.test("reconfigure (restarts): kept inputs keep their place, others close and open", async () => {
  const dir = Deno.makeTempDirSync();
  for (const n of ["a", "b", "c"]) writeFileSync(`${dir}/${n}.log`, "");
  const logger = new MemoryLogger();
  const inputs = new InputManager(
    [{ path: `${dir}/a.log` }, { path: `${dir}/b.log` }],
    options({ logger, pollTimeout: 0.05 }),
  );
  try {
    await inputs.start();
    appendFileSync(`${dir}/b.log`, "b1\n");
    assertEquals(await collect(inputs, (l) => l.length >= 1), ["b1"]);
    appendFileSync(`${dir}/b.log`, "b2\n");
    inputs.reconfigure([{ path: `${dir}/b.log` }, { path: `${dir}/c.log` }], true);
    assert(logger.text().includes(`Input file ${dir}/b.log already open`));
    appendFileSync(`${dir}/c.log`, "c1\n");
    appendFileSync(`${dir}/a.log`, "a1\n");
    const got = await collect(inputs, (l) => l.length >= 2);
    assertEquals(got.sort(), ["b2", "c1"]);
    assertEquals(inputs.names, [`${dir}/b.log`, `${dir}/c.log`]);
    // without keep, b is reopened at its end: nothing is read twice
    inputs.reconfigure([{ path: `${dir}/b.log` }], false);
    appendFileSync(`${dir}/b.log`, "b3\n");
    assertEquals(await collect(inputs, (l) => l.length >= 1), ["b3"]);
  } finally {
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
