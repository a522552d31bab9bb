/**
 * Syslog header parsing of socket input (`?syslog`): RFC 5424 and RFC 3164
 * lines become traditional /var/log/syslog lines; everything else passes.
 */
import { deepStrictEqual } from "node:assert";
import { splitSyslogOption, syslogToTraditional } from "./syslog_header.ts";
import { parseInputSpec } from "./cli.ts";

const eq = <T>(actual: T, expected: T, msg?: string): void =>
  deepStrictEqual(actual, expected, msg);

// 2026-12-02 04:41:07 local time, for messages without a timestamp
const NOW = new Date(2026, 11, 2, 4, 41, 7).getTime() / 1000;
const conv = (line: string) => syslogToTraditional(line, () => NOW, () => "h0");

Deno.test("?syslog is split off a socket spec", () => {
  eq(splitSyslogOption("udp://127.0.0.1:5514?syslog"), {
    spec: "udp://127.0.0.1:5514",
    syslog: true,
  });
  eq(splitSyslogOption("unix:///run/x.sock"), { spec: "unix:///run/x.sock", syslog: false });
});

Deno.test("?syslog after an input context is taken as if it came right after the address", () => {
  eq(parseInputSpec("udp://127.0.0.1:5514=NET?syslog"), {
    pattern: "udp://127.0.0.1:5514?syslog",
    context: "NET",
  });
  eq(parseInputSpec("udp://127.0.0.1:5514?syslog=NET"), {
    pattern: "udp://127.0.0.1:5514?syslog",
    context: "NET",
  });
  eq(parseInputSpec("/var/log/x=A?syslog"), { pattern: "/var/log/x", context: "A?syslog" });
});

Deno.test("RFC 5424: time as sent, host, app[procid]:, structured data and BOM dropped", () => {
  eq(
    conv("<34>1 2026-12-02T04:41:00.123456+01:00 web1 sshd 812 ID47 - Failed password"),
    "Dec  2 04:41:00 web1 sshd[812]: Failed password",
  );
  eq(
    conv('<13>1 2026-01-15T23:05:09Z h app - - [a@1 x="]\\"" y="1"][b@2] \xEF\xBB\xBFhi there'),
    "Jan 15 23:05:09 h app: hi there",
  );
  eq(conv("<13>1 2026-03-04T05:06:07Z h - - - - bare"), "Mar  4 05:06:07 h bare");
  eq(conv("<13>1 - h app 9 - -"), "Dec  2 04:41:07 h app[9]: ");
  // relayed RFC 3164 messages keep their leading space: not doubled
  eq(
    conv("<13>1 2026-12-02T04:41:00+00:00 h sshd 42 - -  recipe"),
    "Dec  2 04:41:00 h sshd[42]: recipe",
  );
  eq(
    conv("<13>1 2026-12-02T04:41:00Z h app 9 - - \uFEFFsp  aces "),
    "Dec  2 04:41:00 h app[9]: sp  aces ",
  );
});

Deno.test("RFC 3164: <PRI> removed, ISO time rewritten, missing time added", () => {
  eq(conv("<13>Dec  2 04:41:00 web1 cron[5]: job"), "Dec  2 04:41:00 web1 cron[5]: job");
  eq(
    conv("<13>2026-12-02T04:41:00.5+00:00 web1 cron[5]: job"),
    "Dec  2 04:41:00 web1 cron[5]: job",
  );
  eq(conv("<13>tag: no time"), "Dec  2 04:41:07 h0 tag: no time");
});

Deno.test("RFC 3164 without a host name (logger -u, /dev/log style): the host is added", () => {
  eq(conv("<13>Dec  2 04:41:00 myapp: unix default"), "Dec  2 04:41:00 h0 myapp: unix default");
  eq(conv("<13>Dec  2 04:41:00 cron[5]: job"), "Dec  2 04:41:00 h0 cron[5]: job");
  eq(conv("<13>2026-12-02T04:41:00Z cron[5]: job"), "Dec  2 04:41:00 h0 cron[5]: job");
  eq(conv("<13>cron[5]:"), "Dec  2 04:41:07 h0 cron[5]:");
  // a host name is kept, also one that is an IPv6 address; text without a tag is left as it is
  eq(conv("<13>Dec  2 04:41:00 ::1 app: x"), "Dec  2 04:41:00 ::1 app: x");
  eq(conv("<13>Dec  2 04:41:00 web1 app: x"), "Dec  2 04:41:00 web1 app: x");
  eq(conv("<13>just text"), "Dec  2 04:41:07 just text");
  // the default host is this machine's short name
  const name = Deno.hostname().split(".")[0];
  eq(syslogToTraditional("<13>Dec  2 04:41:00 a: b"), `Dec  2 04:41:00 ${name} a: b`);
});

Deno.test("lines without a valid header pass unchanged", () => {
  for (
    const line of [
      "Dec  2 04:41:00 web1 sshd[1]: plain",
      "",
      "<999>1 2026-12-02T04:41:00Z h a p m - x",
      "<13>1 garbage",
      "<13>1 2026-13-02T04:41:00Z h a p m - x",
      "<13>1 2026-12-02T04:41:00Z h a p m [unclosed",
      "<13>1 2026-12-02T04:41:00Z h a",
    ]
  ) eq(conv(line), line, line);
});
