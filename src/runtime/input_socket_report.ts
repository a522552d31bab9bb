/**
 * The warnings of a socket input (input_socket.ts), rate limited: lines
 * dropped because the queue was full, lines cut at the length limit,
 * --max-connections reached, failed accepts, and datagrams the kernel
 * dropped. Each is logged with the count since it was last logged, at
 * most once every {@link REPORT_MS}.
 *
 * @module
 */
import { LogLevel } from "./logger.ts";
import type { Logger } from "./logger.ts";

/** Minimum interval between two reports of one input, in ms. */
export const REPORT_MS = 10_000;

/** The totals a socket input counts (since it was created). */
export interface SocketCounts {
  /** Lines dropped because the queue was full (datagram sockets). */
  readonly dropped: number;
  /** Lines cut at the length limit. */
  readonly cut: number;
  /** Times the listener paused at --max-connections. */
  readonly refused: number;
  /** Failed accepts. */
  readonly acceptErrors: number;
}

/** Rate-limited warnings of one socket input (see the module doc). */
export class SocketWarnings {
  /** The text of the last failed accept. */
  lastAcceptError = "";
  readonly #name: string;
  readonly #logger: Logger;
  readonly #maxLine: number;
  readonly #kernelDrops: () => number | undefined;
  #lastReport = 0;
  #lastKernelCheck = 0;
  #drops = 0;
  #cuts = 0;
  #refused = 0;
  #acceptErrors = 0;
  #kernel: number | undefined;

  /**
   * Warnings of input `name` through `logger`; `maxLine` is its line
   * length limit, `kernelDrops` reads the kernel's drop count.
   */
  constructor(
    name: string,
    logger: Logger,
    maxLine: number,
    kernelDrops: () => number | undefined,
  ) {
    this.#name = name;
    this.#logger = logger;
    this.#maxLine = maxLine;
    this.#kernelDrops = kernelDrops;
  }

  /** Takes the kernel's drop count now as the base (when the UDP socket is bound). */
  kernelBase(): void {
    this.#kernel = this.#kernelDrops();
  }

  /** True when a report may be logged at `nowMs`. */
  due(nowMs: number): boolean {
    return nowMs - this.#lastReport >= REPORT_MS;
  }

  /** Logs what grew in `c` (and the kernel's count) since it was last logged, if due. */
  report(nowMs: number, c: SocketCounts): void {
    if (!this.due(nowMs)) return;
    const drops = c.dropped - this.#drops;
    const cuts = c.cut - this.#cuts;
    const refused = c.refused - this.#refused;
    const acceptErrors = c.acceptErrors - this.#acceptErrors;
    let kernel = 0;
    if (nowMs - this.#lastKernelCheck >= 1000) {
      this.#lastKernelCheck = nowMs;
      const k = this.#kernelDrops();
      if (k !== undefined) {
        kernel = k - (this.#kernel ?? k);
        this.#kernel = k;
      }
    }
    if (drops === 0 && cuts === 0 && refused === 0 && acceptErrors === 0 && kernel <= 0) return;
    this.#lastReport = nowMs;
    const warn = (msg: string) => this.#logger.log(LogLevel.warning, `Input ${this.#name}: ${msg}`);
    if (kernel > 0) {
      warn(
        `the kernel dropped ${kernel} datagrams (receive buffer full), ${this.#kernel} in total`,
      );
    }
    if (acceptErrors > 0) {
      warn(
        `${acceptErrors} connections could not be accepted (${this.lastAcceptError}); still listening`,
      );
      this.#acceptErrors = c.acceptErrors;
    }
    if (refused > 0) {
      warn(`--max-connections reached ${refused} times, new connections wait`);
      this.#refused = c.refused;
    }
    if (drops > 0) {
      warn(`${drops} lines dropped (queue full, correlator behind), ${c.dropped} in total`);
      this.#drops = c.dropped;
    }
    if (cuts > 0) {
      warn(`${cuts} lines longer than ${this.#maxLine} bytes were cut`);
      this.#cuts = c.cut;
    }
  }
}
