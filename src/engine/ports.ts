/**
 * The ports of the engine: what it needs from the world around it, as
 * interfaces it owns. The runtime implements them (runtime/logger.ts,
 * outputs.ts, children.ts, sockets_out.ts, permissions.ts) and hands them
 * in typed ({@link EnginePorts}); the engine never imports the runtime.
 *
 * @module
 */

/** A destination for log messages. */
export interface Logger {
  /** Logs `message` at `level` (1 = critical ... 6 = debug) if the level is enabled. */
  log(level: number, message: string): void;
  /** True when a message at `level` would go anywhere (lets callers skip building it). */
  enabled?(level: number): boolean;
}

/** Output files of write, writen, owritecl, closef (and report/pipe to standard output, "-"). */
export interface OutputSink {
  /** Appends `text` to file `name` ("-" = standard output), opening it when needed. */
  write(name: string, text: string): void;
  /** Writes `text` to `name` and closes it again (owritecl). */
  writeOnce(name: string, text: string): void;
  /** Closes `name` (closef). */
  close(name: string): void;
  /** Flushes buffered output (before a child writes to the same standard output). */
  flush(): void;
}

/** How a child ended. */
export interface ChildExit {
  /** Process id (0 when the program could not be started). */
  pid: number;
  /** Exit code (128 + signal number when killed by a signal, 1 when it could not start). */
  code: number;
  /** The terminating signal, if any. */
  signal: string | null;
}

/** What to run. */
export interface ChildSpec {
  /** Program and arguments. */
  argv: string[];
  /** The command line as shown in log messages. */
  display: string;
  /** Data for standard input (a string in the text mode), which is then closed; none: /dev/null. */
  stdin?: string;
  /**
   * "inherit": standard output is the correlator's; "events": each line
   * becomes a synthetic event (spawn); "ignore": discarded.
   */
  output?: "inherit" | "events" | "ignore";
  /** Internal context for the synthetic events (cspawn); default _INTERNAL_EVENT. */
  context?: string;
  /** Called from the main loop, between events, once the child has ended. */
  onExit?: (exit: ChildExit) => void;
  /** Called as soon as the child has ended (outside the main loop's control). */
  onExitNow?: (exit: ChildExit) => void;
}

/** Runs child processes (shellcmd, spawn, pipe, ..., SingleWithScript). */
export interface ProcessRunner {
  /** Starts a child; its pid, or undefined when it could not be started (logged). */
  start(spec: ChildSpec): number | undefined;
  /** Sends SIGTERM to every running child (--childterm); how many were signalled. */
  terminateAll(): number;
}

/** Sends to sockets (udgram, ustream, udpsock, tcpsock and their close actions). */
export interface SocketSender {
  /** Sends a datagram to the Unix socket `path`. */
  udgram(path: string, text: string): void;
  /** Closes the Unix datagram socket of `path`. */
  closeUdgram(path: string): void;
  /** Writes to the Unix stream socket `path`. */
  ustream(path: string, text: string): void;
  /** Closes the Unix stream socket of `path`. */
  closeUstream(path: string): void;
  /** Sends a UDP datagram to `peer` (host:port). */
  udp(peer: string, text: string): void;
  /** Closes the UDP socket of `peer`. */
  closeUdp(peer: string): void;
  /** Writes to the TCP connection to `peer` (host:port). */
  tcp(peer: string, text: string): void;
  /** Closes the TCP connection to `peer`. */
  closeTcp(peer: string): void;
  /** Closes every socket (restarts, shutdown; actions reopen on demand). */
  closeAll(): void;
}

/** The permission kinds of sec-ts. */
export type PermissionKind = "run" | "write" | "net" | "code";

/** What rules may do (the --allow-* flags). */
export interface PermissionPolicy {
  /** --allow-code given. */
  readonly code: boolean;
  /** Some program may be run. */
  readonly anyRun: boolean;
  /** Some network or Unix socket access is granted. */
  readonly anyNet: boolean;
  /** True when `program` may be run. */
  mayRun(program: string): boolean;
  /** True when file `name` may be written. */
  mayWrite(name: string): boolean;
  /** True when `host`:`port` may be reached. */
  mayConnect(host: string, port: string | number): boolean;
  /** True when the Unix socket `name` may be used. */
  mayUnix(name: string): boolean;
}

/** Something the dump (SIGUSR1) lists: one entry per item, keyed by `key` when given. */
export interface Dumpable {
  /** The entries to list. */
  dumpEntries(): unknown[];
}

/** The runtime's services an engine uses; absent ones make the actions needing them log and do nothing. */
export interface EnginePorts {
  /** Child processes. */
  children?: ProcessRunner & Dumpable;
  /** Sockets of the socket actions. */
  sockets?: SocketSender;
  /** What rules may do (absent: everything, as in unit tests of the engine alone). */
  permissions?: PermissionPolicy;
}

const FLAG: Record<PermissionKind, string> = {
  run: "--allow-run",
  write: "--allow-write",
  net: "--allow-net",
  code: "--allow-code",
};

const WHAT: Record<PermissionKind, string> = {
  run: "running programs",
  write: "writing files",
  net: "network and Unix socket access",
  code: "JavaScript code in rules",
};

/** The command-line flag that grants `kind` (for `item` only, when given). */
export function flagFor(kind: PermissionKind, item?: string): string {
  return item === undefined || kind === "code" ? FLAG[kind] : `${FLAG[kind]}=${item}`;
}

/** A message saying that `what` needs a permission, naming the flag to add. */
export function deniedMessage(kind: PermissionKind, what: string, item?: string): string {
  const hint = item === undefined || kind === "code"
    ? flagFor(kind)
    : `${flagFor(kind, item)} (or ${flagFor(kind)})`;
  return `${what} needs permission for ${WHAT[kind]}: add ${hint}`;
}
