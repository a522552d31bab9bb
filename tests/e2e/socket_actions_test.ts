/**
 * Socket actions in rules (tcpsock, udpsock, ustream, udgram) from a real
 * sec-ts process to real listeners; the socket outputs themselves are
 * tested in src/runtime/sockets_out_test.ts.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import * as dgram from "node:dgram";
import { runSec } from "../helpers/run_sec.ts";

Deno.test("socket actions in rules: tcpsock, udpsock, ustream, udgram to real listeners", async () => {
  const dir = Deno.makeTempDirSync();
  const tcp = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const tcpPort = (tcp.addr as Deno.NetAddr).port;
  let tcpText = "";
  const tcpDone = (async () => {
    const c = await tcp.accept();
    for await (const chunk of c.readable) tcpText += new TextDecoder().decode(chunk);
  })();
  const udp = dgram.createSocket("udp4");
  const udpGot: string[] = [];
  udp.on("message", (m) => udpGot.push(m.toString("latin1")));
  await new Promise<void>((r) => udp.bind(0, "127.0.0.1", () => r()));
  const udpPort = udp.address().port;
  const us = Deno.listen({ transport: "unix", path: `${dir}/stream.sock` });
  let usText = "";
  const usDone = (async () => {
    const c = await us.accept();
    for await (const chunk of c.readable) usText += new TextDecoder().decode(chunk);
  })();
  const py = new Deno.Command("python3", {
    args: [
      "-c",
      `import socket,sys
s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("ready", flush=True)
print(s.recv(4096).decode("latin1"), flush=True)`,
      `${dir}/dgram.sock`,
    ],
    stdout: "piped",
  }).spawn();
  const pyOut = py.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let pyText = "";
  while (!pyText.includes("ready\n")) pyText += (await pyOut.read()).value ?? "";
  const r = await runSec({
    dir,
    rules: `type=Single
ptype=RegExp
pattern=^send (\\S+)
desc=msg $1
action=tcpsock 127.0.0.1:${tcpPort} tcp $1%{.nl}; closetcp 127.0.0.1:${tcpPort}; \\
  udpsock 127.0.0.1:${udpPort}; ustream ${dir}/stream.sock; closeustr ${dir}/stream.sock; \\
  udgram ${dir}/dgram.sock <30>dgram $1
`,
    input: ["send X"],
    args: [`--allow-net=127.0.0.1,${dir}`],
    linger: 0.5,
  });
  assertEquals(r.code, 0, r.log);
  await tcpDone;
  await usDone;
  for (;;) {
    const x = await pyOut.read();
    if (x.done) break;
    pyText += x.value;
  }
  await py.status;
  assertEquals(tcpText, "tcp X\n");
  assertEquals(udpGot, ["msg X"]);
  assertEquals(usText, "msg X");
  assertEquals(pyText, "ready\n<30>dgram X\n");
  tcp.close();
  us.close();
  udp.close();
  Deno.removeSync(dir, { recursive: true });
});
