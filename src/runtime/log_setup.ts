/**
 * The correlator's log (--log, --syslog, --debug, standard error).
 *
 * As SEC 2.9.4 does: messages up to the --debug level are logged (the level
 * can change at run time: SIGINT, the control FIFO's `debug N`); --log
 * appends "Sun Nov 22 14:56:15 2026: message" lines to a file through
 * LogTape's file sink (reopened on SIGUSR2 and restarts, so a rotated file
 * is followed); --syslog sends them with the given facility to the local
 * syslog socket /dev/log (syslog_socket.ts; `SEC_TS_SYSLOG_SOCKET` names
 * another path), with SEC's priorities (log_format.ts).
 *
 * Standard error gets the messages, without time stamps, when it is a
 * terminal, when `SEC_TS_LOG_STDERR=1`, with --testonly, and when sec-ts
 * was started by systemd with standard error connected to the journal
 * (`JOURNAL_STREAM` names standard error's device and i-node) and neither
 * --log nor --syslog is given. On the journal stream each line starts with
 * its syslog priority (`<3>...`), so `journalctl -p warning` filters them.
 *
 * Control characters in messages (from input lines, the control FIFO) are
 * escaped in every sink (escapeControls).
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
import * as fs from "node:fs";
import {
  escapeControls,
  FACILITY_CODES,
  formatJournalLine,
  formatLogLine,
  formatSyslog,
} from "./log_format.ts";
import { DEFAULT_SYSLOG_SOCKET, SyslogSocket } from "./syslog_socket.ts";
import type { Logger } from "./logger.ts";

export { formatLogLine } from "./log_format.ts";

/** SEC level (1..6) to LogTape level. */
const LEVELS: readonly LtLevel[] = ["fatal", "fatal", "error", "warning", "info", "info", "debug"];

/** Syslog facilities accepted by --syslog. */
export const FACILITIES: readonly string[] = Object.keys(FACILITY_CODES);

/** Where the log goes. */
export interface LogSetup {
  /** --log file. */
  log?: string;
  /** --syslog facility. */
  syslog?: string;
  /** --debug level (1..6). */
  debug: number;
  /**
   * Log to standard error: true always, false never; by default when it is
   * a terminal, with SEC_TS_LOG_STDERR=1, or when it is the journal and no
   * other sink is given.
   */
  stderr?: boolean;
  /** --testonly: the findings always go to standard error (unless `stderr` is false). */
  testonly?: boolean;
  /** Syslog socket path (default SEC_TS_SYSLOG_SOCKET or /dev/log). */
  syslogSocket?: string;
}

function envFlag(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/**
 * True when standard error is the journal's stream: systemd sets
 * JOURNAL_STREAM to "device:i-node" of the stream it connected.
 */
export function stderrIsJournal(): boolean {
  const js = envFlag("JOURNAL_STREAM");
  const m = js === undefined ? null : /^(\d+):(\d+)$/.exec(js);
  if (m === null) return false;
  try {
    const st = fs.fstatSync(2, { bigint: true });
    return st.dev === BigInt(m[1]) && st.ino === BigInt(m[2]);
  } catch {
    return false;
  }
}

function stderrIsTerminal(): boolean {
  try {
    return Deno.stderr.isTerminal();
  } catch {
    return false;
  }
}

function messageOf(record: LogRecord): string {
  return typeof record.rawMessage === "string" ? record.rawMessage : String(record.message[0]);
}

function levelOf(record: LogRecord): number {
  return (record.properties.secLevel as number | undefined) ?? 6;
}

/** A sink writing synchronously to standard error, without time stamps (journal: with priorities). */
function stderrSink(journal: boolean): Sink {
  const enc = new TextEncoder();
  return (record: LogRecord) => {
    const msg = messageOf(record);
    const text = journal ? formatJournalLine(levelOf(record), msg) : msg + "\n";
    try {
      Deno.stderr.writeSync(enc.encode(text));
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
  #syslog: SyslogSocket | null = null;
  static #instances = 0;

  private constructor(setup: LogSetup) {
    this.#setup = setup;
    this.maxLevel = setup.debug;
    this.#category = ["sec", String(LogTapeLogger.#instances++)];
  }

  /** Sets up the sinks; a --syslog facility that is not known throws an Error. */
  static async create(setup: LogSetup): Promise<LogTapeLogger> {
    if (setup.syslog !== undefined && !(setup.syslog in FACILITY_CODES)) {
      throw new Error(`Invalid syslog facility '${setup.syslog}'`);
    }
    const logger = new LogTapeLogger(setup);
    await logger.#configure();
    return logger;
  }

  /** The syslog connection (with its drop count), when --syslog is given. */
  get syslog(): SyslogSocket | null {
    return this.#syslog;
  }

  /** Logs `message` at SEC level `level` when `level <= maxLevel`. */
  log(level: number, message: string): void {
    if (level > this.maxLevel || this.#lt === null) return;
    const text = escapeControls(message);
    this.#lt.emit({
      level: LEVELS[level] ?? "debug",
      message: [text],
      rawMessage: text,
      timestamp: Date.now(),
      properties: { secLevel: level },
    });
  }

  /** True when a message at `level` is logged somewhere. */
  enabled(level: number): boolean {
    return level <= this.maxLevel && this.#lt !== null;
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
    this.#syslog?.close();
    this.#syslog = null;
  }

  #syslogSink(facility: number): Sink {
    const path = this.#setup.syslogSocket ?? envFlag("SEC_TS_SYSLOG_SOCKET") ??
      DEFAULT_SYSLOG_SOCKET;
    // the socket is opened now, before the correlator revokes its permissions, and kept
    if (this.#syslog === null || this.#syslog.path !== path) {
      this.#syslog?.close();
      this.#syslog = new SyslogSocket(path);
      if (!this.#syslog.connected) {
        const why = this.#syslog.lastError ?? "not connected";
        try {
          Deno.stderr.writeSync(
            new TextEncoder().encode(`sec-ts: can't connect to syslog socket ${path} (${why})\n`),
          );
        } catch {
          // standard error closed
        }
      }
    }
    const sock = this.#syslog;
    const pid = Deno.pid;
    return (r: LogRecord) => {
      sock.send(formatSyslog(facility, levelOf(r), messageOf(r), r.timestamp, pid));
    };
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
    if (s.syslog !== undefined) sinks.syslog = this.#syslogSink(FACILITY_CODES[s.syslog]);
    const journal = stderrIsJournal();
    let toStderr = s.stderr;
    if (toStderr === undefined) {
      toStderr = envFlag("SEC_TS_LOG_STDERR") === "1" || s.testonly === true ||
        stderrIsTerminal() || (journal && s.log === undefined && s.syslog === undefined);
    }
    if (toStderr) sinks.stderr = stderrSink(journal);
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
