/**
 * Logging that reaches the operator: --syslog to a real Unix datagram (and
 * stream) socket standing in for /dev/log, SEC's priorities, no --allow-*
 * flag needed; the journal's stream (JOURNAL_STREAM) with priority
 * prefixes; --testonly findings on a pipe; in real sec-ts processes (the
 * message format: src/runtime/log_format_test.ts; the logger's sinks:
 * src/runtime/log_setup_test.ts).
 */
import { assert as ok, assertEquals } from "../helpers/assert.ts";
import { datagramReceiver, until } from "../helpers/receivers.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const dec = new TextDecoder();

Deno.test("--syslog works with no --allow-* flag, after the permissions are revoked", async () => {
  const dir = Deno.makeTempDirSync();
  const rx = datagramReceiver(`${dir}/log`);
  try {
    Deno.writeTextFileSync(
      `${dir}/r.sec`,
      "type=Single\nptype=RegExp\npattern=^go (.*)\ndesc=$1\naction=logonly got $1\n",
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "--conf=r.sec", "--input=-", "--notail", "--syslog=daemon"],
      cwd: dir,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      env: { SEC_TS_SYSLOG_SOCKET: `${dir}/log` },
    }).spawn();
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode("go a\x1b]0;owned\x07\rb\n"));
    await until(() => rx.got.some((m) => m.includes("got ")), 15000, "logonly message");
    await w.close();
    const out = await child.output();
    assertEquals(out.code, 0, dec.decode(out.stderr));
    // revoked before the line was read: the socket still works
    ok(rx.got.some((m) => m.includes("Deno permissions revoked: run, net")), rx.got.join(""));
    const got = rx.got.find((m) => m.includes("got "))!;
    // logonly is notice: daemon (3) * 8 + 5
    ok(got.startsWith("<29>"), got);
    ok(got.endsWith(": got a\\x1b]0;owned\\x07\\rb\n"), got);
  } finally {
    rx.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("started by systemd: messages on the journal stream with priority prefixes", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(
      `${dir}/r.sec`,
      "type=Single\nptype=RegExp\npattern=x\naction=write - x\n\n" +
        "type=Single\nptype=RegExp\npattern=^(.*)$\ndesc=$1\naction=logonly $1\n",
    );
    Deno.writeTextFileSync(`${dir}/in`, "line\x1b[2J one\n");
    const args = [MAIN, "--conf=r.sec", "--input=in", "--notail"];
    const res = await new Deno.Command("sh", {
      args: [
        "-c",
        `JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2); export JOURNAL_STREAM; ` +
        `exec '${Deno.execPath()}' run -A ${args.map((a) => `'${a}'`).join(" ")}`,
      ],
      cwd: dir,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const lines = dec.decode(res.stderr).split("\n");
    ok(
      lines.includes("<3>r.sec:1: rule at line 1 is invalid: keyword 'desc' missing"),
      lines.join("\n"),
    );
    ok(lines.includes("<5>line\\x1b[2J one"), lines.join("\n"));
    ok(lines.every((l) => l === "" || /^<[2-7]>/.test(l)), lines.join("\n"));
    // a JOURNAL_STREAM that is not standard error (inherited from a parent): nothing
    const plain = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", ...args],
      cwd: dir,
      env: { JOURNAL_STREAM: "1:1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(dec.decode(plain.stderr), "");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("--testonly prints its findings to standard error on a pipe, exit status as SEC's", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/bad.sec`, "type=Single\nptype=RegExp\npattern=x\naction=none\n");
    Deno.writeTextFileSync(
      `${dir}/good.sec`,
      "type=Single\nptype=RegExp\npattern=x\ndesc=x\naction=none\n",
    );
    const run = (conf: string) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", MAIN, `--conf=${conf}`, "--testonly"],
        cwd: dir,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
    const bad = await run("bad.sec");
    assertEquals(bad.code, 1);
    ok(dec.decode(bad.stderr).includes("keyword 'desc' missing"), dec.decode(bad.stderr));
    const good = await run("good.sec");
    assertEquals(good.code, 0);
    ok(dec.decode(good.stderr).includes("1 rules loaded from good.sec"), dec.decode(good.stderr));
    const missing = await run("missing.sec");
    assertEquals(missing.code, 1);
    ok(dec.decode(missing.stderr).includes("missing.sec"), dec.decode(missing.stderr));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
