/**
 * The correlator's log through LogTape (--log, --syslog, --debug).
 *
 * As SEC 2.9.4 does: messages up to the --debug level are logged (the level
 * can change at run time: SIGINT, the control FIFO's `debug N`); --log
 * appends "Sun Nov 22 14:56:15 2026: message" lines to a file (reopened on
 * SIGUSR2 and restarts, so a rotated log file is followed); --syslog sends
 * them with the given facility; when standard error is a terminal the
 * messages also go there, without the time stamp. With none of these,
 * nothing is logged (like SEC). The environment variable
 * `SEC_TS_LOG_STDERR=1` sends the messages to standard error in any case
 * (handy under test harnesses).
 *
 * Syslog uses @logtape/syslog: RFC 5424 messages over UDP to localhost:514
 * (rsyslog's imudp; `SEC_TS_SYSLOG=host:port` chooses another target), app
 * name "sec". LogTape has no "critical" and "notice" levels: SEC's levels map
 * to critical→fatal, error→error, warning→warning, notice→info, info→info,
 * debug→debug (so syslog sees critical as emerg and notice as info).
 *
 * @module
 */
import {
  configure,
  dispose,
  getLogger,
  type Logger as LtLogger,
  type LogLevel as LtLevel,
  type LogRecord,
  type Sink,
} from "@logtape/logtape";
import { getFileSink } from "@logtape/file";
import { getSyslogSink } from "@logtape/syslog";
import { perlLocaltime } from "../engine/variables.ts";
import type { Logger } from "./logger.ts";

/** SEC level (1..6) to LogTape level. */
const LEVELS: readonly LtLevel[] = ["fatal", "fatal", "error", "warning", "info", "info", "debug"];

/** Syslog facilities accepted by --syslog. */
export const FACILITIES = [
  "kern",
  "user",
  "mail",
  "daemon",
  "auth",
  "syslog",
  "lpr",
  "news",
  "uucp",
  "cron",
  "authpriv",
  "ftp",
  "local0",
  "local1",
  "local2",
  "local3",
  "local4",
  "local5",
  "local6",
  "local7",
] as const;

/** Where the log goes. */
export interface LogSetup {
  /** --log file. */
  log?: string;
  /** --syslog facility. */
  syslog?: string;
  /** --debug level (1..6). */
  debug: number;
  /** Also log to standard error (default: when it is a terminal, or SEC_TS_LOG_STDERR=1). */
  stderr?: boolean;
  /** Syslog target (default localhost:514, or SEC_TS_SYSLOG). */
  syslogTarget?: { hostname: string; port: number };
}

function envFlag(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/** The text of a log file line: SEC's "localtime: message". */
export function formatLogLine(timestampMs: number, message: string): string {
  return `${perlLocaltime(new Date(timestampMs))}: ${message}\n`;
}

function messageOf(record: LogRecord): string {
  return typeof record.rawMessage === "string" ? record.rawMessage : String(record.message[0]);
}

/** A sink writing synchronously to standard error, without time stamps (SEC on a terminal). */
function stderrSink(): Sink {
  const enc = new TextEncoder();
  return (record: LogRecord) => {
    try {
      Deno.stderr.writeSync(enc.encode(messageOf(record) + "\n"));
    } catch {
      // standard error closed
    }
  };
}

/** A Logger backed by LogTape; see the module doc. */
export class LogTapeLogger implements Logger {
  /** Highest SEC level logged (the --debug level). */
  maxLevel: number;
  #setup: LogSetup;
  #lt: LtLogger | null = null;
  #category: string[];
  static #instances = 0;

  private constructor(setup: LogSetup) {
    this.#setup = setup;
    this.maxLevel = setup.debug;
    this.#category = ["sec", String(LogTapeLogger.#instances++)];
  }

  /** Sets up the sinks; a --syslog facility that is not known throws an Error. */
  static async create(setup: LogSetup): Promise<LogTapeLogger> {
    if (setup.syslog !== undefined && !FACILITIES.includes(setup.syslog as never)) {
      throw new Error(`Invalid syslog facility '${setup.syslog}'`);
    }
    const logger = new LogTapeLogger(setup);
    await logger.#configure();
    return logger;
  }

  /** Logs `message` at SEC level `level` when `level <= maxLevel`. */
  log(level: number, message: string): void {
    if (level > this.maxLevel || this.#lt === null) return;
    this.#lt.emit({
      level: LEVELS[level] ?? "debug",
      message: [message],
      rawMessage: message,
      timestamp: Date.now(),
      properties: { secLevel: level },
    });
  }

  /** Sets the --debug level (1..6). */
  setLevel(level: number): void {
    this.maxLevel = Math.min(6, Math.max(1, Math.trunc(level)));
  }

  /** Reopens the log file (SIGUSR2, restarts), so a rotated file is followed. */
  async reopen(): Promise<void> {
    await this.#configure();
  }

  /** Flushes and closes the sinks. */
  async close(): Promise<void> {
    this.#lt = null;
    await dispose();
  }

  async #configure(): Promise<void> {
    const s = this.#setup;
    const sinks: Record<string, Sink> = {};
    if (s.log !== undefined) {
      sinks.file = getFileSink(s.log, {
        formatter: (r: LogRecord) => formatLogLine(r.timestamp, messageOf(r)),
        bufferSize: 0,
      });
    }
    if (s.syslog !== undefined) {
      let target = s.syslogTarget;
      const env = envFlag("SEC_TS_SYSLOG");
      if (target === undefined && env !== undefined) {
        const m = /^(.*):(\d+)$/.exec(env);
        if (m) target = { hostname: m[1], port: Number(m[2]) };
      }
      sinks.syslog = getSyslogSink({
        hostname: target?.hostname ?? "localhost",
        port: target?.port ?? 514,
        protocol: "udp",
        facility: (s.syslog === "kern"
          ? "kernel"
          : s.syslog === "auth"
          ? "security"
          : s.syslog) as "local0",
        appName: "sec",
      });
    }
    let toStderr = s.stderr;
    if (toStderr === undefined) {
      toStderr = envFlag("SEC_TS_LOG_STDERR") === "1";
      try {
        toStderr ||= Deno.stderr.isTerminal();
      } catch {
        // no standard error
      }
    }
    if (toStderr) sinks.stderr = stderrSink();
    await configure({
      reset: true,
      sinks,
      loggers: [
        { category: ["logtape", "meta"], sinks: [], lowestLevel: "warning" },
        { category: this.#category, sinks: Object.keys(sinks), lowestLevel: "trace" },
      ],
    });
    // without sinks, messages are dropped before they reach LogTape
    this.#lt = Object.keys(sinks).length > 0 ? getLogger(this.#category) : null;
  }
}
