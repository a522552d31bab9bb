/**
 * The correlator's log. SEC logs with numeric levels 1..7 (--debug):
 * 1 critical, 2 error, 3 warning, 4 notice, 5 info, 6 debug (SEC's default
 * --debug level is 6, so messages up to level 6 are logged by default).
 * Everything that reports to the operator goes through a Logger; where it
 * ends up (standard error, a --log file, syslog) is the sink's business.
 *
 * @module
 */
import type { Logger } from "../engine/ports.ts";

export type { Logger } from "../engine/ports.ts";

/** SEC's log levels (the value of --debug selects the highest one logged). */
export const LogLevel = {
  critical: 1,
  error: 2,
  warning: 3,
  notice: 4,
  info: 5,
  debug: 6,
} as const;

/** A logger that keeps messages in memory, for tests. */
export class MemoryLogger implements Logger {
  /** Logged messages with their levels, oldest first. */
  readonly entries: { level: number; message: string }[] = [];
  /** Records the message. */
  log(level: number, message: string): void {
    this.entries.push({ level, message });
  }
  /** All messages as text, one per line. */
  text(): string {
    return this.entries.map((e) => e.message).join("\n");
  }
}
