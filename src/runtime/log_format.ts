/**
 * How a log message is written out, for every sink: control characters
 * escaped, SEC's log file line, the syslog datagram SEC sends to /dev/log,
 * and the journald priority prefix.
 *
 * SEC's levels (1 critical .. 6 debug) map to syslog priorities as SEC
 * 2.9.4 maps them (checked against it): 1 crit (2), 2 err (3), 3 warning (4),
 * 4 notice (5), 5 info (6), 6 debug (7). Level 1 is never emerg, which
 * Debian's rsyslog would broadcast to every terminal.
 *
 * @module
 */
import { perlLocaltime } from "../engine/variables.ts";

/** Syslog facility names accepted by --syslog, with their codes. */
export const FACILITY_CODES: Readonly<Record<string, number>> = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
};

/** The syslog severity of SEC level `level` (1 crit .. 6 debug; out of range: debug). */
export function syslogSeverity(level: number): number {
  return level >= 1 && level <= 6 ? level + 1 : 7;
}

// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/g;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r" };

/**
 * Escapes the control characters of `message` (C0 except tab, and DEL):
 * newline and carriage return as `\n` and `\r`, others as `\xHH`, so a
 * line from an input or the control FIFO can neither forge log lines nor
 * drive the terminal that shows the log.
 */
export function escapeControls(message: string): string {
  CONTROL.lastIndex = 0;
  if (!CONTROL.test(message)) return message;
  return message.replace(
    CONTROL,
    (c) => NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}

/** The text of a log file line: SEC's "localtime: message". */
export function formatLogLine(timestampMs: number, message: string): string {
  return `${perlLocaltime(new Date(timestampMs))}: ${message}\n`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad2 = (n: number) => String(n).padStart(2, "0");

/**
 * The message SEC sends to the local syslog socket:
 * `<PRI>Mmm dd hh:mm:ss sec[pid]: message` and a newline (local time).
 */
export function formatSyslog(
  facility: number,
  level: number,
  message: string,
  timestampMs: number,
  pid: number,
  tag = "sec",
): string {
  const d = new Date(timestampMs);
  const day = String(d.getDate()).padStart(2, " ");
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  const pri = facility * 8 + syslogSeverity(level);
  return `<${pri}>${MONTHS[d.getMonth()]} ${day} ${time} ${tag}[${pid}]: ${message}\n`;
}

/** A line for journald's stdout/stderr stream: `<severity>message`. */
export function formatJournalLine(level: number, message: string): string {
  return `<${syslogSeverity(level)}>${message}\n`;
}
