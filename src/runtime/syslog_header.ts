/**
 * Syslog headers of socket input (a sec-ts extension): a socket input spec
 * ending in `?syslog` (`--input=udp://127.0.0.1:5514?syslog`) turns each
 * received line that carries a syslog header into the traditional file
 * format of /var/log/syslog, `Mmm dd hh:mm:ss host tag: message`, so rules
 * written for log files match forwarded messages unchanged:
 *
 *     <34>1 2026-12-02T04:41:00.123+01:00 web1 sshd 812 - - Failed password
 *       -> Dec  2 04:41:00 web1 sshd[812]: Failed password
 *     <34>Dec  2 04:41:00 web1 sshd[812]: Failed password    (RFC 3164)
 *       -> Dec  2 04:41:00 web1 sshd[812]: Failed password
 *     <34>2026-12-02T04:41:00+01:00 web1 sshd[812]: Failed password
 *       -> Dec  2 04:41:00 web1 sshd[812]: Failed password
 *
 * RFC 5424: the timestamp's date and time are kept as sent (no time zone
 * conversion, as rsyslog's traditional format does), structured data and
 * MSGID are left out, a UTF-8 BOM before the message is removed, `-` (nil)
 * APP-NAME gives no tag and nil PROCID no `[pid]`; a nil timestamp is the
 * time of arrival (local time). RFC 3164: the `<PRI>` is removed; an ISO
 * timestamp is rewritten, a missing one becomes the time of arrival; a
 * missing host name (a tag `app:` or `app[pid]:` right after the time, as
 * local programs send to a Unix socket) becomes this host's name. Lines
 * without a `<PRI>` header are passed on unchanged.
 *
 * @module
 */
import { SystemClock } from "../engine/clock.ts";

const WALL = new SystemClock();

/** The suffix of a socket input spec that turns header parsing on. */
export const SYSLOG_OPTION = "?syslog";

/** Splits `?syslog` off a socket input spec. */
export function splitSyslogOption(spec: string): { spec: string; syslog: boolean } {
  return spec.endsWith(SYSLOG_OPTION)
    ? { spec: spec.slice(0, -SYSLOG_OPTION.length), syslog: true }
    : { spec, syslog: false };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const PRI = /^<(\d{1,3})>/;
const ISO = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)?(?=\s|$)/;
const BSD_TIME = /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d /;
/** A UTF-8 BOM, as a character and as bytes read as latin1 (sec-ts's byte mode). */
const BOM = /^(?:\uFEFF|\xEF\xBB\xBF)/;

const pad2 = (n: number | string) => String(n).padStart(2, "0");

/** `Mmm dd hh:mm:ss` from date and time fields. */
function bsdTime(month: number, day: number, h: string, m: string, s: string): string {
  return `${MONTHS[month - 1]} ${String(day).padStart(2, " ")} ${h}:${m}:${s}`;
}

/** `Mmm dd hh:mm:ss` of a time in seconds since the Epoch, in local time. */
function localTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  return bsdTime(
    d.getMonth() + 1,
    d.getDate(),
    pad2(d.getHours()),
    pad2(d.getMinutes()),
    pad2(d.getSeconds()),
  );
}

/** Rewrites an ISO timestamp match as `Mmm dd hh:mm:ss`, or null when it is no valid date. */
function isoToBsd(m: RegExpExecArray): string | null {
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return bsdTime(month, day, m[4], m[5], m[6]);
}

/** Skips RFC 5424 structured data (`-` or `[id k="v"]...`); returns the rest or null. */
function skipStructuredData(s: string): string | null {
  if (s.startsWith("-")) return s.slice(1);
  let i = 0;
  while (s[i] === "[") {
    i++;
    let inQuote = false;
    for (; i < s.length; i++) {
      const c = s[i];
      if (c === "\\") i++;
      else if (c === '"') inQuote = !inQuote;
      else if (c === "]" && !inQuote) break;
    }
    if (i >= s.length) return null;
    i++;
  }
  return i === 0 ? null : s.slice(i);
}

/**
 * The message after its separating space, BOM removed, with one space in
 * front unless it starts with one (rsyslog's `sp-if-no-1st-sp`: RFC 3164
 * messages relayed as RFC 5424 keep their leading space).
 */
function message(rest: string): string {
  const msg = (rest.startsWith(" ") ? rest.slice(1) : rest).replace(BOM, "");
  return msg.startsWith(" ") ? msg : ` ${msg}`;
}

/** Converts an RFC 5424 line (after `<PRI>1 `); null when it is malformed. */
function fromRfc5424(s: string, now: () => number): string | null {
  let time: string | null;
  let rest: string;
  if (s.startsWith("- ")) {
    time = localTime(now());
    rest = s.slice(2);
  } else {
    const m = ISO.exec(s);
    if (m === null || s[m[0].length] !== " ") return null;
    time = isoToBsd(m);
    rest = s.slice(m[0].length + 1);
  }
  if (time === null) return null;
  const f = /^(\S+) (\S+) (\S+) (\S+) /.exec(rest);
  if (f === null) return null;
  const [, host, app, procid] = f;
  const msg = skipStructuredData(rest.slice(f[0].length));
  if (msg === null) return null;
  const tag = app === "-" ? "" : procid === "-" ? ` ${app}:` : ` ${app}[${procid}]:`;
  return `${time} ${host}${tag}${message(msg)}`;
}

/** A tag where the host name should be: `app:` or `app[pid]:` (as local programs send). */
const TAG_FIRST = /^[^\s:[\]]+(?:\[[^\s\]]*\])?:(?:\s|$)/;

/** `rest` (what follows the time) with `host` in front when it starts with a tag. */
function withHost(rest: string, host: () => string): string {
  return TAG_FIRST.test(rest) ? ` ${host()} ${rest}` : ` ${rest}`;
}

/** Converts an RFC 3164 line (after `<PRI>`). */
function fromRfc3164(s: string, now: () => number, host: () => string): string {
  if (BSD_TIME.test(s)) return s.slice(0, 15) + withHost(s.slice(16), host);
  const m = ISO.exec(s);
  if (m !== null) {
    const time = isoToBsd(m);
    const rest = s.slice(m[0].length + 1);
    if (time !== null) return rest === "" ? time : time + withHost(rest, host);
  }
  return localTime(now()) + withHost(s, host);
}

let localHost: string | undefined;

/** This machine's host name up to the first dot (rsyslog's default for local messages). */
function thisHost(): string {
  if (localHost === undefined) {
    try {
      localHost = Deno.hostname().split(".")[0] || "localhost";
    } catch {
      localHost = "localhost";
    }
  }
  return localHost;
}

/**
 * Turns a line with a syslog header (RFC 5424 or RFC 3164) into the
 * traditional file format (see the module doc); other lines are returned
 * unchanged. `now` gives seconds since the Epoch for messages without a time,
 * `host` the host name for RFC 3164 messages without one.
 */
export function syslogToTraditional(
  line: string,
  now: () => number = () => WALL.now(),
  host: () => string = thisHost,
): string {
  const p = PRI.exec(line);
  if (p === null || Number(p[1]) > 191) return line;
  const s = line.slice(p[0].length);
  if (s.startsWith("1 ")) return fromRfc5424(s.slice(2), now) ?? line;
  return fromRfc3164(s, now, host);
}
