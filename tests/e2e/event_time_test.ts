/**
 * --event-time: the cases under tests/fixtures/eventtime/ were recorded
 * from the reference SEC fed in real time (record.py), their lines
 * carrying the times at which they arrived. Replayed at once with
 * --event-time, sec-ts must print exactly what the reference printed
 * live: every rule type with a window, context lifetimes, delayed events,
 * Calendar rules, %u and %t. Each format is replayed from standard input;
 * syslog also from a file, a FIFO and a Unix stream socket.
 *
 * @module
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const FIXTURES = new URL("../fixtures/eventtime/", import.meta.url).pathname;

interface ReplayCase {
  name: string;
  dir: string;
  format: string;
  tz: string;
  /** The input without its @sleep lines. */
  lines: string[];
  expected: string;
}

function loadCases(): ReplayCase[] {
  return readdirSync(FIXTURES).filter((n) => existsSync(join(FIXTURES, n, "event-time"))).sort()
    .map((name) => {
      const dir = join(FIXTURES, name);
      const read = (f: string) => readFileSync(join(dir, f), "utf8");
      return {
        name,
        dir,
        format: read("event-time").trim(),
        tz: read("tz").trim(),
        lines: read("input").split("\n").filter((l) => l !== "" && !l.startsWith("@sleep "))
          .map((l) => (l.startsWith("@@") ? l.slice(1) : l)),
        expected: read("expected"),
      };
    });
}

/**
 * Runs sec-ts on the case's rules with `args`; `feed` gets the process
 * once started and a function returning the output so far.
 */
async function replay(
  c: ReplayCase,
  args: string[],
  feed: (proc: Deno.ChildProcess, output: () => string) => Promise<void>,
): Promise<string> {
  const cwd = await Deno.makeTempDir({ prefix: "sec-ts-evtime-" });
  try {
    Deno.copyFileSync(join(c.dir, "rules.sec"), join(cwd, "rules.sec"));
    const proc = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        MAIN,
        "--conf=rules.sec",
        "--notail",
        `--event-time=${c.format}`,
        ...args,
      ],
      cwd,
      env: { TZ: c.tz },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let out = "";
    const dec = new TextDecoder();
    const outDone = (async () => {
      for await (const chunk of proc.stdout) out += dec.decode(chunk, { stream: true });
    })();
    const errText = new Response(proc.stderr).text();
    await feed(proc, () => out);
    const status = await proc.status;
    await outDone;
    assertEquals(status.code, 0, await errText);
    return out;
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
}

async function writeAll(w: WritableStream<Uint8Array>, text: string): Promise<void> {
  const writer = w.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
}

const cases = existsSync(FIXTURES) ? loadCases() : [];

for (const c of cases) {
  Deno.test(`event time: ${c.name} replayed from stdin equals the live reference run`, async () => {
    const got = await replay(c, ["--input=-"], (p) => writeAll(p.stdin, c.lines.join("\n") + "\n"));
    assertEquals(got, c.expected);
  });
}

const strftime = cases.find((c) => c.name === "strftime");
if (strftime !== undefined) {
  Deno.test("event time: the strftime case replayed with the same format as regex:", async () => {
    const format = "regex:^(?<day>\\d\\d)/(?<mon>\\w{3})/(?<year>\\d{4}):(?<hour>\\d\\d):" +
      "(?<minute>\\d\\d):(?<second>\\d\\d) (?<zone>[+-]\\d{4})";
    const got = await replay(
      { ...strftime, format },
      ["--input=-"],
      (p) => writeAll(p.stdin, strftime.lines.join("\n") + "\n"),
    );
    assertEquals(got, strftime.expected);
  });
}

const syslog = cases.find((c) => c.name === "syslog");
if (syslog !== undefined) {
  const text = syslog.lines.join("\n") + "\n";

  Deno.test("event time: syslog replayed from a file", async () => {
    const file = await Deno.makeTempFile({ suffix: ".log" });
    try {
      Deno.writeTextFileSync(file, text);
      const got = await replay(syslog, [`--input=${file}`], (p) => p.stdin.close());
      assertEquals(got, syslog.expected);
    } finally {
      Deno.removeSync(file);
    }
  });

  Deno.test("event time: syslog replayed from a FIFO", async () => {
    const dir = await Deno.makeTempDir();
    const fifo = join(dir, "in.fifo");
    try {
      await new Deno.Command("mkfifo", { args: [fifo] }).output();
      // --norwfifo: the input ends when the writer closes
      const got = await replay(syslog, [`--input=${fifo}`, "--norwfifo"], async (p) => {
        await p.stdin.close();
        const f = await Deno.open(fifo, { write: true });
        await f.write(new TextEncoder().encode(text));
        f.close();
      });
      assertEquals(got, syslog.expected);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  // a Unix stream socket: a TCP port probed free could be taken by a parallel test meanwhile
  Deno.test("event time: syslog replayed from a socket", async () => {
    const dir = await Deno.makeTempDir();
    const path = join(dir, "in.sock");
    const lastLine = syslog.expected.trimEnd().split("\n").pop()!;
    const got = await replay(syslog, [`--input=unix://${path}`], async (p, output) => {
      await p.stdin.close();
      let conn: Deno.UnixConn | undefined;
      for (let i = 0; i < 100 && conn === undefined; i++) {
        try {
          conn = await Deno.connect({ transport: "unix", path });
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      if (conn === undefined) throw new Error("cannot connect");
      await conn.write(new TextEncoder().encode(text));
      conn.close();
      // a socket input never ends: stop it once the last alert is out
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && !output().endsWith(lastLine + "\n")) {
        await new Promise((r) => setTimeout(r, 50));
      }
      p.kill("SIGTERM");
    });
    await Deno.remove(dir, { recursive: true });
    assertEquals(got, syslog.expected);
  });
}
