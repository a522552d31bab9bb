/**
 * Features of the README's feature table that no other test exercised in
 * a real process: --testonly, getctime/setctime, PerlFuncN, closeudp and
 * closeudgr.
 */
import { deepStrictEqual, ok } from "node:assert";
import * as dgram from "node:dgram";
import { runSec } from "../helpers/run_sec.ts";
import { runProgram } from "../helpers/release.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

Deno.test("--testonly: 0 for good rules, 1 with file and line for bad ones", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(
      `${dir}/good.sec`,
      "type=Single\nptype=SubStr\npattern=x\ndesc=x\naction=none\n",
    );
    Deno.writeTextFileSync(
      `${dir}/bad.sec`,
      "type=Single\nptype=SubStr\npattern=x\ndesc=x\naction=frob\n",
    );
    const run = (conf: string) =>
      runProgram(Deno.execPath(), ["run", "-A", MAIN, "--testonly", `--conf=${dir}/${conf}`], {
        env: { SEC_TS_LOG_STDERR: "1" },
      });
    const good = await run("good.sec");
    deepStrictEqual(good.code, 0, good.stderr);
    const bad = await run("bad.sec");
    deepStrictEqual(bad.code, 1, bad.stderr);
    ok(bad.stderr.includes(`${dir}/bad.sec`) && /frob/.test(bad.stderr), bad.stderr);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("getctime/setctime and a PerlFunc2 pattern", async () => {
  const r = await runSec({
    rules: `type=Single
ptype=SubStr
pattern=ctime
desc=ctime
action=create CT; getctime %c1 CT; setctime 5 CT; getctime %c2 CT; setctime %c1 CT; \\
  getctime %c3 CT; write - ctime %c1 %c2 %c3

type=Single
ptype=PerlFunc2
pattern=(a, b, srcA, srcB) => { const m = /^first (\\w+)\\nsecond (\\w+)$/.exec(a + "\\n" + b); \\
  return m ? [m[1], m[2], srcB] : false; }
desc=pf2
action=write - PF2 $1 $2 $3
`,
    input: ["ctime", "first one", "second two"],
    args: ["--allow-code"],
  });
  deepStrictEqual(r.code, 0, r.log);
  const lines = r.stdout.trim().split("\n");
  const m = /^ctime (\d+) (\d+) (\d+)$/.exec(lines[0]);
  ok(m !== null, r.stdout);
  // a time before the creation is refused; the creation time itself is accepted
  deepStrictEqual([m[2], m[3]], [m[1], m[1]]);
  ok(Math.abs(Number(m[1]) - Date.now() / 1000) < 60, m[1]);
  deepStrictEqual(lines[1], "PF2 one two -");
});

Deno.test("closeudp: the next udpsock opens a new socket; closeudgr closes the Unix one", async () => {
  const udp = dgram.createSocket("udp4");
  const got: { text: string; port: number }[] = [];
  udp.on("message", (msg, rinfo) => got.push({ text: msg.toString("latin1"), port: rinfo.port }));
  await new Promise<void>((res) => udp.bind(0, "127.0.0.1", () => res()));
  const port = udp.address().port;
  const dir = Deno.makeTempDirSync();
  const py = new Deno.Command("python3", {
    args: [
      "-c",
      `import socket,sys
s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("ready", flush=True)
for i in range(2):
    print(s.recv(4096).decode("latin1"), flush=True)`,
      `${dir}/dgram.sock`,
    ],
    stdout: "piped",
  }).spawn();
  const reader = py.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let pyText = "";
  while (!pyText.includes("ready\n")) pyText += (await reader.read()).value ?? "";
  try {
    const r = await runSec({
      dir,
      rules: `type=Single
ptype=RegExp
pattern=^send (\\S+)
desc=send $1
action=udpsock 127.0.0.1:${port} a-$1; udpsock 127.0.0.1:${port} b-$1; \\
  closeudp 127.0.0.1:${port}; udpsock 127.0.0.1:${port} c-$1; \\
  udgram ${dir}/dgram.sock d-$1; closeudgr ${dir}/dgram.sock; udgram ${dir}/dgram.sock e-$1
`,
      input: ["send X"],
      args: [`--allow-net=127.0.0.1,${dir}`],
      linger: 0.5,
    });
    deepStrictEqual(r.code, 0, r.log);
    const stop = performance.now() + 5000;
    while (got.length < 3 && performance.now() < stop) {
      await new Promise((res) => setTimeout(res, 20));
    }
    deepStrictEqual(got.map((g) => g.text).sort(), ["a-X", "b-X", "c-X"]);
    const portOf = (t: string) => got.find((g) => g.text === t)!.port;
    deepStrictEqual(portOf("a-X"), portOf("b-X"), "one socket until closeudp");
    ok(portOf("c-X") !== portOf("a-X"), "a new socket after closeudp");
    for (;;) {
      const x = await reader.read();
      if (x.done) break;
      pyText += x.value;
    }
    deepStrictEqual(pyText, "ready\nd-X\ne-X\n");
  } finally {
    udp.close();
    try {
      py.kill("SIGKILL");
    } catch {
      // ended
    }
    await py.status;
    Deno.removeSync(dir, { recursive: true });
  }
});
