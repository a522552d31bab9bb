/**
 * What every kind of input source (regular file, standard input or a pipe,
 * FIFO, socket) offers the InputManager, and the settings they
 * share.
 *
 * @module
 */
import type { Buffer } from "node:buffer";
import type { TextMode } from "../lang/bytes.ts";
import type { Logger } from "./logger.ts";

/** Settings shared by all sources of one InputManager. Times are in milliseconds. */
export interface SourceEnv {
  /** --tail (follow inputs) or --notail (read to EOF, then finish). */
  tail: boolean;
  /** --fromstart: with tail, read the content present at startup too. */
  fromstart: boolean;
  /** How bytes become strings. */
  textMode: TextMode;
  /** Bytes asked for per read. */
  readSize: number;
  /** Scratch buffer of at least `readSize` bytes for synchronous reads (shared). */
  scratch: Buffer;
  /** Pause after an input had no new data (--poll-timeout, or --check-timeout when larger). */
  dryMs: number;
  /** Interval of reopen attempts for a closed input, 0 = never (--reopen-timeout). */
  reopenMs: number;
  /** Where messages go. */
  logger: Logger;
  /** After a rename rotation, the old file is read until quiet this long (0 = closed at once). */
  rotationGraceMs?: number;
  /** Open connections per stream socket input (default 256). */
  socketMaxConnections?: number;
  /** Milliseconds after which an idle socket connection is closed (0 = never; default 600 s). */
  socketIdleMs?: number;
  /** Called by asynchronous sources when new data has arrived or they ended. */
  notify(): void;
  /** Called by a source that read new data while flagged `timedOut` (--input-timeout). */
  fresh(source: InputSource): void;
}

/** The state of an input source, for dumps and status reports. */
export interface SourceInfo {
  /** Name as given. */
  name: string;
  /** Kind: "regular file", "pipe", "named pipe", "tcp", "udp", "unix", "unixgram". */
  type: string;
  /** "Open" or "Closed". */
  status: string;
  /** Internal context of its lines, if any. */
  context: string | undefined;
  /** Lines handed out to the correlator. */
  lines: number;
  /** Bytes read (streams and sockets). */
  bytes?: number;
  /** Files: read position, size, device and i-node. */
  offset?: number;
  /** Size in bytes. */
  size?: number;
  /** Device number. */
  dev?: number;
  /** Inode number. */
  inode?: number;
  /** Files: times the file was found rotated or truncated. */
  rotations?: number;
  /** Sockets: lines dropped because the queue was full (UDP). */
  dropped?: number;
  /** UDP: datagrams the kernel dropped (receive buffer full), when known. */
  kernelDropped?: number;
  /** Stream sockets: times the listener paused at --max-connections. */
  refused?: number;
  /** Stream sockets: accepts that failed (EMFILE, ...). */
  acceptErrors?: number;
  /** Sockets: lines cut at the length limit. */
  cut?: number;
  /** Sockets: connections open now (stream sockets). */
  connections?: number;
  /** Sockets: lines waiting in the queue. */
  queued?: number;
}

/** One input source. All methods but `close` are synchronous. */
export interface InputSource {
  /** The name as given on the command line ("-" for standard input). */
  readonly name: string;
  /** The internal context name of its lines, if contexts are on. */
  readonly context: string | undefined;
  /** Opens the source; failures are logged, never thrown. */
  open(): void;
  /** The next complete line (without "\n"), or null if none is ready now. */
  next(): string | null;
  /** True when `next()` may return a line right now without waiting. */
  ready(nowMs: number): boolean;
  /** Periodic work (reopen attempts, checks for appended data); true when data may be ready. */
  poll(nowMs: number): boolean;
  /** True when the source will never deliver another line (--notail: EOF reached, all read). */
  readonly finished: boolean;
  /** performance.now() of the last read that brought data (or of the source's creation). */
  lastDataMs: number;
  /** Set by the manager when --input-timeout passed without data; sources call `env.fresh` on data. */
  timedOut: boolean;
  /** Releases the source. */
  close(): void;
  /** State for dumps. */
  info(): SourceInfo;
}

const ERRNO_TEXT: Record<string, string> = {
  EACCES: "Permission denied",
  EPERM: "Operation not permitted",
  ENOENT: "No such file or directory",
  ENOTDIR: "Not a directory",
  EISDIR: "Is a directory",
  ELOOP: "Too many levels of symbolic links",
  ENAMETOOLONG: "File name too long",
  EMFILE: "Too many open files",
  ENFILE: "Too many open files in system",
  EIO: "Input/output error",
  ENXIO: "No such device or address",
  EBADF: "Bad file descriptor",
  EAGAIN: "Resource temporarily unavailable",
  EINVAL: "Invalid argument",
  ENODEV: "No such device",
  ESTALE: "Stale file handle",
};

/** The system error text of an exception (like Perl's `$!`), e.g. "Permission denied". */
export function errorText(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  if (typeof code === "string" && code in ERRNO_TEXT) return ERRNO_TEXT[code];
  if (e instanceof Deno.errors.PermissionDenied) return "Permission denied";
  if (e instanceof Deno.errors.NotFound) return "No such file or directory";
  if (e instanceof Error) return e.message;
  return String(e);
}

/** The error code of an exception (e.g. "ENOENT"), or "" if it has none. */
export function errorCode(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  return typeof code === "string" ? code : "";
}
