/**
 * README's "Using it like SEC" from a source checkout: `deno run -A main.ts`
 * with a UDP input and no --unstable-net flag. deno.json's `"unstable":
 * ["net"]` gives Deno's own UDP sockets; without it the node:dgram fallback
 * bound after sec-ts had revoked the net permission and the process died
 * with an uncaught NotCapable at start.
 */
import { deepStrictEqual, ok } from "node:assert";
import { freeUdpPort, sendUdp } from "../helpers/release.ts";

const REPO = new URL("../..", import.meta.url).pathname;

Deno.test("checkout: deno run -A main.ts listens on UDP (and ?syslog) without --unstable-net", async () => {
  const dir = Deno.makeTempDirSync();
  const port = await freeUdpPort();
  Deno.writeTextFileSync(
    `${dir}/r.sec`,
    "type=Single\nptype=RegExp\npattern=^(.*)$\ndesc=x\naction=write - got $1\n",
  );
  const p = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", `--conf=${dir}/r.sec`, `--input=udp://127.0.0.1:${port}?syslog`],
    cwd: REPO,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { SEC_TS_LOG_STDERR: "1" },
  }).spawn();
  let out = "";
  try {
    const reader = p.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const stop = performance.now() + 20000;
    let pending = reader.read();
    while (!out.includes("got ") && performance.now() < stop) {
      await sendUdp(port, "<13>Dec  2 04:41:00 web1 app: hello");
      const r = await Promise.race([
        pending,
        new Promise<null>((res) => setTimeout(() => res(null), 300)),
      ]);
      if (r === null) continue;
      if (r.done) break;
      out += r.value;
      pending = reader.read();
    }
    ok(out.includes("got Dec  2 04:41:00 web1 app: hello\n"), out);
  } finally {
    try {
      p.kill("SIGTERM");
    } catch {
      // exited
    }
    const s = await p.status;
    const err = new TextDecoder().decode(
      (await p.stderr.getReader().read()).value ?? new Uint8Array(),
    );
    ok(!err.includes("NotCapable"), err);
    deepStrictEqual(s.success || s.signal === "SIGTERM" || s.code === 0, true, err);
    Deno.removeSync(dir, { recursive: true });
  }
});
