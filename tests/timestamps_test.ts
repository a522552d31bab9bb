/**
 * Timestamp parsers of --event-time (src/runtime/timestamps.ts) and the
 * clock rules of event time end to end (older lines, lines without a
 * timestamp, the start, the end of input).
 *
 * @module
 */
import { deepStrictEqual as assertEquals, ok, throws } from "node:assert/strict";
import {
  EpochParser,
  IsoParser,
  Rfc5424Parser,
  strftimeToRegex,
  SyslogParser,
  timestampParser,
} from "../src/runtime/timestamps.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** Local time as seconds (the test runs in any TZ: the parsers use local time too). */
const local = (y: number, mo: number, d: number, h: number, mi: number, s: number) =>
  new Date(y, mo - 1, d, h, mi, s).getTime() / 1000;

Deno.test("syslog: Mmm dd hh:mm:ss, local time, year from the wall clock", () => {
  const now = local(2026, 12, 2, 12, 0, 0);
  const p = new SyslogParser(() => now);
  assertEquals(p.parse("Dec  2 04:50:01 host sshd[1]: x"), local(2026, 12, 2, 4, 50, 1));
  // same prefix: cached
  assertEquals(p.parse("Dec  2 04:50:01 host other"), local(2026, 12, 2, 4, 50, 1));
  assertEquals(p.parse("Dec 02 04:50:02 host"), local(2026, 12, 2, 4, 50, 2));
  assertEquals(p.parse("dec  2 04:51:00 x"), local(2026, 12, 2, 4, 51, 0));
  assertEquals(p.parse("Dex  2 04:50:01 host"), NaN);
  assertEquals(p.parse("Dec  2 04:50"), NaN);
  assertEquals(p.parse("Dec  2 24:50:01 host"), NaN);
  assertEquals(p.parse(""), NaN);
});

Deno.test("syslog: a first timestamp ahead of the wall clock is last year's", () => {
  const p = new SyslogParser(() => local(2027, 1, 3, 12, 0, 0));
  assertEquals(p.parse("Dec 30 23:59:58 a"), local(2026, 12, 30, 23, 59, 58));
});

Deno.test("syslog: December -> January rolls over to the next year, a stray old line does not", () => {
  const p = new SyslogParser(() => local(2026, 12, 31, 0, 0, 0));
  assertEquals(p.parse("Dec 31 23:59:59 a"), local(2026, 12, 31, 23, 59, 59));
  assertEquals(p.parse("Jan  1 00:00:01 a"), local(2027, 1, 1, 0, 0, 1));
  assertEquals(p.parse("Dec 31 23:59:58 late"), local(2026, 12, 31, 23, 59, 58));
  assertEquals(p.parse("Jan  1 00:00:02 a"), local(2027, 1, 1, 0, 0, 2));
  assertEquals(p.parse("Feb  1 00:00:00 a"), local(2027, 2, 1, 0, 0, 0));
});

Deno.test("syslog,year=YYYY fixes the first year", () => {
  const p = timestampParser("syslog,year=2020", () => local(2026, 1, 1, 0, 0, 0));
  assertEquals(p.parse("Mar  1 10:00:00 x"), local(2020, 3, 1, 10, 0, 0));
});

Deno.test("iso8601: zone offsets, Z, fraction, local time without zone", () => {
  const p = new IsoParser();
  assertEquals(p.parse("2026-12-02T04:50:01Z x"), Date.UTC(2026, 11, 2, 4, 50, 1) / 1000);
  assertEquals(p.parse("2026-12-02T04:50:01.25Z x"), Date.UTC(2026, 11, 2, 4, 50, 1) / 1000 + 0.25);
  assertEquals(p.parse("2026-12-02T10:20:01+05:30 x"), Date.UTC(2026, 11, 2, 4, 50, 1) / 1000);
  assertEquals(p.parse("2026-12-02T00:50:01-0400 x"), Date.UTC(2026, 11, 2, 4, 50, 1) / 1000);
  assertEquals(p.parse("2026-12-02T06:50:01,5+02 x"), Date.UTC(2026, 11, 2, 4, 50, 1) / 1000 + 0.5);
  assertEquals(p.parse("2026-12-02 04:50:01 x"), local(2026, 12, 2, 4, 50, 1));
  assertEquals(p.parse("2026-12-02T04:50:01.5 x"), local(2026, 12, 2, 4, 50, 1) + 0.5);
  assertEquals(p.parse("2026-13-02T04:50:01 x"), NaN);
  assertEquals(p.parse("x 2026-12-02T04:50:01"), NaN);
});

Deno.test("rfc5424: PRI optional, NILVALUE has no time", () => {
  const p = new Rfc5424Parser();
  const t = Date.UTC(2026, 11, 2, 4, 50, 1) / 1000;
  assertEquals(p.parse("<34>1 2026-12-02T04:50:01.003Z host app 1 ID - msg"), t + 0.003);
  assertEquals(p.parse("1 2026-12-02T05:50:01+01:00 host app - - - msg"), t);
  assertEquals(p.parse("<34>1 - host app - - - msg"), NaN);
  assertEquals(p.parse("<34> 2026-12-02T04:50:01Z"), NaN);
});

Deno.test("epoch: seconds with an optional fraction", () => {
  const p = new EpochParser();
  assertEquals(p.parse("1764651001 x"), 1764651001);
  assertEquals(p.parse("1764651001.5 x"), 1764651001.5);
  assertEquals(p.parse("1764651001"), 1764651001);
  assertEquals(p.parse("17646x"), NaN);
  assertEquals(p.parse("x 1"), NaN);
});

Deno.test("strftime patterns and regex:EXPR", () => {
  const now = () => local(2026, 12, 2, 12, 0, 0);
  const apache = timestampParser("[%d/%b/%Y:%H:%M:%S %z]", now);
  assertEquals(
    apache.parse("[02/Dec/2026:05:50:01 +0100] GET /"),
    Date.UTC(2026, 11, 2, 4, 50, 1) / 1000,
  );
  assertEquals(apache.parse("02/Dec/2026:05:50:01 +0100 GET /"), NaN);
  const us = timestampParser("%m/%d/%y %I:%M:%S %p", now);
  assertEquals(us.parse("12/02/26 04:50:01 PM x"), local(2026, 12, 2, 16, 50, 1));
  const noYear = timestampParser("%b %e %T.%f", now);
  assertEquals(noYear.parse("Dec  2 04:50:01.25 x"), local(2026, 12, 2, 4, 50, 1) + 0.25);
  const re = timestampParser("regex:time=(?<epoch>\\d+)", now);
  assertEquals(re.parse("level=info time=1764651001 msg=x"), 1764651001);
  const re2 = timestampParser(
    "regex:^(?<day>\\d\\d)\\.(?<month>\\d\\d)\\.(?<year>\\d{4}) (?<hour>\\d\\d):(?<minute>\\d\\d)",
    now,
  );
  assertEquals(re2.parse("02.12.2026 04:50 x"), local(2026, 12, 2, 4, 50, 0));
  assertEquals(strftimeToRegex("%%%Y").source, "^%(?<year>\\d{4})");
  throws(() => timestampParser("%Q"), /unknown directive %Q/);
  throws(() => timestampParser("regex:(?<hour>\\d+)"), /named groups/);
  throws(() => timestampParser("regex:("), /bad regular expression/);
  throws(() => timestampParser("sislog"), /unknown format/);
  // bad option text says what is wrong with it
  throws(() => timestampParser("syslog,year=26"), /",year=" needs a four-digit year, not "26"/);
  throws(() => timestampParser("syslog,year="), /needs a four-digit year, not ""/);
  throws(() => timestampParser("syslog,yaer=2026"), /unknown option ",yaer=2026" after "syslog"/);
  throws(() => timestampParser("epoch,year=2026"), /epoch timestamps carry their year/);
  throws(() => timestampParser("%Y-%m %H"), /the pattern "%Y-%m %H" needs a day \(%d or %e\)/);
  // a pattern may hold commas; one with %s needs no date
  assertEquals(
    timestampParser("%d,%m,%Y,year=2020", now).parse("02,12,2026"),
    local(2026, 12, 2, 0, 0, 0),
  );
  assertEquals(timestampParser("[%s]", now).parse("[1764651001] x"), 1764651001);
});

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
