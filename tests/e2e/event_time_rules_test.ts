/**
 * The clock rules of --event-time end to end, in a real sec-ts process
 * (older lines, lines without a timestamp, the start, the end of input,
 * timers, Calendar rules, a live FIFO); the timestamp parsers are tested in
 * src/runtime/timestamps_test.ts.
 *
 * @module
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

async function run(input: string, rules: string, args: string[] = []) {
  const dir = await Deno.makeTempDir();
  try {
    Deno.writeTextFileSync(`${dir}/r.sec`, rules);
    const p = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        MAIN,
        "--conf=r.sec",
        "--input=-",
        "--notail",
        "--log=/dev/stderr",
        ...args,
      ],
      cwd: dir,
      env: { TZ: "UTC" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const w = p.stdin.getWriter();
    await w.write(new TextEncoder().encode(input));
    await w.close();
    const r = await p.output();
    return {
      out: new TextDecoder().decode(r.stdout),
      err: new TextDecoder().decode(r.stderr),
      code: r.code,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const ECHO = `type=Single
ptype=RegExp
pattern=(\\S+)$
desc=echo
action=write - %u $1
`;

Deno.test("event time: older lines and lines without a timestamp run at the clock's time; held lines wait for the first timestamp", async () => {
  const r = await run(
    ["header", "100 a", "105 b", "103 older", "no-time", "106 c"].join("\n") + "\n",
    ECHO,
    ["--event-time=epoch"],
  );
  assertEquals(r.out, "100 header\n100 a\n105 b\n105 older\n105 no-time\n106 c\n");
  assertEquals(r.code, 0);
  assertEquals(
    /line from .* is older than the clock .*1 such lines so far/.test(r.err),
    true,
    r.err,
  );
});

Deno.test("event time: pending timers do not fire at the end of input (--notail)", async () => {
  const rules = `type=Single
ptype=RegExp
pattern=go
desc=go
action=create X 10 (write - %u expired); event 5 LATER

type=Single
ptype=RegExp
pattern=LATER
desc=later
action=write - %u later
`;
  const r = await run("100 go\n104 x\n", rules, ["--event-time=epoch"]);
  assertEquals(r.out, "");
  const r2 = await run("100 go\n111 x\n", rules, ["--event-time=epoch"]);
  assertEquals(r2.out, "105 later\n111 expired\n");
});

Deno.test("event time: --cleantime spaces the timer checks as live", async () => {
  const rules = `type=Single
ptype=RegExp
pattern=go
desc=go
action=create X 2 (write - %u expired)
`;
  const r = await run("100 go\n200 x\n", rules, ["--event-time=epoch", "--cleantime=5"]);
  // checks at 100, 105: the context (over after 102) expires at 105
  assertEquals(r.out, "105 expired\n");
});

Deno.test("event time: a format no line has is warned about, not silently replaced by the wall clock", async () => {
  const r = await run("Dec  2 04:50:01 h a\nDec  2 04:50:09 h b\n", ECHO, ["--event-time=epoch"]);
  assertEquals(r.out.split("\n").length, 3, r.out);
  ok(
    r.err.includes("none of the first 2 lines has a timestamp of the --event-time format"),
    r.err,
  );
  const many = "no time here\n".repeat(1000) + "100 late\n";
  const r2 = await run(many, ECHO, ["--event-time=epoch"]);
  ok(r2.err.includes("none of the first 1000 lines has a timestamp"), r2.err);
  // a right format: no warning
  const r3 = await run("header\n100 a\n", ECHO, ["--event-time=epoch"]);
  ok(!r3.err.includes("none of the first"), r3.err);
});

Deno.test("event time: a timestamp more than a day ahead of the wall clock is taken as none", async () => {
  const far = Math.floor(Date.now() / 1000) + 2 * 86400;
  const r = await run(`${far} first\n100 a\n${far} far\n105 b\n`, ECHO, ["--event-time=epoch"]);
  assertEquals(r.out, "100 first\n100 a\n100 far\n105 b\n");
  ok(r.err.includes("is more than a day ahead of the wall clock"), r.err);
  ok(r.err.includes("(2 such lines so far)") === false && r.err.includes("(1 such lines"), r.err);
});

Deno.test("event time: a bad format is a usage error", async () => {
  const r = await run("", ECHO, ["--event-time=nonsense"]);
  assertEquals(r.code, 1);
  assertEquals(/Invalid --event-time: unknown format "nonsense"/.test(r.err), true, r.err);
});

Deno.test("event time: Calendar rules run every minute crossed; with a context, as soon as it exists", async () => {
  const rules = `type=Calendar
time=* * * * *
desc=cal
action=write - %u minute

type=Calendar
time=* * * * *
context=ON
desc=cal
action=write - %u minute with context

type=Single
ptype=RegExp
pattern=on
desc=on
action=create ON
`;
  const r = await run("100 x\n130 on\n200 x\n", rules, ["--event-time=epoch"]);
  assertEquals(
    r.out,
    "100 minute\n120 minute\n131 minute with context\n180 minute\n180 minute with context\n",
  );
});

Deno.test("event time: --tail on a live FIFO follows the lines' clock; older lines run at the clock's time", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const fifo = `${dir}/live.fifo`;
    await new Deno.Command("mkfifo", { args: [fifo] }).output();
    Deno.writeTextFileSync(
      `${dir}/r.sec`,
      `type=Single
ptype=RegExp
pattern=go
desc=go
action=create X 10 (write - %u expired); event 5 LATER

type=Single
ptype=RegExp
pattern=(LATER|old)
desc=later
action=write - %u $1
`,
    );
    const p = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "--conf=r.sec", `--input=${fifo}`, "--tail", "--event-time=epoch"],
      cwd: dir,
      env: { TZ: "UTC" },
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    let out = "";
    const reading = (async () => {
      for await (const c of p.stdout) out += new TextDecoder().decode(c);
    })();
    const f = await Deno.open(fifo, { write: true });
    const send = (s: string) => f.write(new TextEncoder().encode(s));
    const until = async (text: string) => {
      for (let i = 0; i < 300 && !out.includes(text); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await send("100 go\n103 x\n");
    await send("99 old\n112 x\n");
    await until("111 expired\n");
    p.kill("SIGTERM");
    await p.status;
    await reading;
    f.close();
    assertEquals(out, "103 old\n105 LATER\n111 expired\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
