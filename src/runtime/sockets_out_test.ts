/**
 * Socket outputs against real listeners on loopback: TCP, UDP, Unix
 * stream and Unix datagram (received by a python3 process), keeping the
 * socket between sends, reconnecting after close, refusing peers.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import * as dgram from "node:dgram";
import { MemoryLogger } from "./logger.ts";
import { parsePeer, SocketOutputs } from "./sockets_out.ts";

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

Deno.test("parsePeer", () => {
  assertEquals(parsePeer("localhost:514"), { host: "localhost", port: 514 });
  assertEquals(parsePeer("[::1]:80"), { host: "::1", port: 80 });
  assertEquals(parsePeer("nohost"), null);
  assertEquals(parsePeer("h:0"), null);
});

Deno.test("tcpsock: one connection per peer, data in order, closetcp then reconnect", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const received: string[] = [];
  let conns = 0;
  const serve = (async () => {
    for await (const c of listener) {
      conns++;
      (async () => {
        let text = "";
        for await (const chunk of c.readable) text += new TextDecoder().decode(chunk);
        received.push(text);
      })();
    }
  })();
  const s = new SocketOutputs(new MemoryLogger(), "bytes", 5);
  const peer = `127.0.0.1:${port}`;
  s.tcp(peer, "a b\n");
  s.tcp(peer, "c\n");
  s.closeTcp(peer);
  await until(() => received.length === 1);
  assertEquals(received[0], "a b\nc\n");
  s.tcp(peer, "again\n");
  s.closeTcp(peer);
  await until(() => received.length === 2);
  assertEquals(received[1], "again\n");
  assertEquals(conns, 2);
  listener.close();
  await serve.catch(() => {});
});

Deno.test("tcpsock: a refused connection is logged and forgotten", async () => {
  const log = new MemoryLogger();
  const s = new SocketOutputs(log, "bytes", 5);
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  s.tcp(`127.0.0.1:${port}`, "x");
  await until(() => log.text().includes("TCP connection to"));
  assertEquals(s.openCount, 0);
});

Deno.test("udpsock: datagrams to a UDP listener, one socket kept", async () => {
  const server = dgram.createSocket("udp4");
  const got: string[] = [];
  server.on("message", (m) => got.push(m.toString("latin1")));
  await new Promise<void>((r) => server.bind(0, "127.0.0.1", () => r()));
  const port = server.address().port;
  const s = new SocketOutputs(new MemoryLogger());
  s.udp(`127.0.0.1:${port}`, "<13>one");
  s.udp(`127.0.0.1:${port}`, "two");
  await until(() => got.length === 2);
  assertEquals(got, ["<13>one", "two"]);
  assertEquals(s.openCount, 1);
  s.closeUdp(`127.0.0.1:${port}`);
  assertEquals(s.openCount, 0);
  server.close();
});

Deno.test("ustream: writes to a Unix stream listener; closeustr ends the connection", async () => {
  const dir = Deno.makeTempDirSync();
  const path = `${dir}/s.sock`;
  const listener = Deno.listen({ transport: "unix", path });
  const received: string[] = [];
  const serve = (async () => {
    for await (const c of listener) {
      (async () => {
        let text = "";
        for await (const chunk of c.readable) text += new TextDecoder().decode(chunk);
        received.push(text);
      })();
    }
  })();
  const s = new SocketOutputs(new MemoryLogger());
  s.ustream(path, "hello ");
  s.ustream(path, "world\n");
  s.closeUstream(path);
  await until(() => received.length === 1);
  assertEquals(received[0], "hello world\n");
  const log = new MemoryLogger();
  new SocketOutputs(log).ustream(`${dir}/none.sock`, "x");
  ok(log.text().includes("Can't connect to Unix stream socket"), log.text());
  listener.close();
  await serve.catch(() => {});
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("udgram: datagrams to a Unix datagram socket (python3 receiver)", async () => {
  const dir = Deno.makeTempDirSync();
  const path = `${dir}/d.sock`;
  const py = new Deno.Command("python3", {
    args: [
      "-c",
      `import socket,sys
s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("ready", flush=True)
for i in range(2):
    print(s.recv(4096).decode("latin1"), flush=True)`,
      path,
    ],
    stdout: "piped",
  }).spawn();
  const reader = py.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("ready\n")) out += (await reader.read()).value ?? "";
  const s = new SocketOutputs(new MemoryLogger());
  s.udgram(path, "<30>first message");
  s.udgram(path, "second");
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    out += r.value;
  }
  await py.status;
  assertEquals(out, "ready\n<30>first message\nsecond\n");
  s.closeAll();
  assertEquals(s.openCount, 0);
  Deno.removeSync(dir, { recursive: true });
});
