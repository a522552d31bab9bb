/**
 * Timestamp parsers of --event-time (timestamps.ts); the clock rules of
 * event time end to end are in tests/e2e/event_time_rules_test.ts.
 *
 * @module
 */
import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import {
  EpochParser,
  IsoParser,
  Rfc5424Parser,
  strftimeToRegex,
  SyslogParser,
  timestampParser,
} from "./timestamps.ts";

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
