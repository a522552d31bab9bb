/**
 * Socket inputs: listeners for newline-delimited events, declared like
 * files with --input (a sec-ts extension; SEC 2.9.4 needs nc or socat):
 *
 *     --input=tcp://127.0.0.1:5514        TCP, any number of connections
 *     --input=udp://127.0.0.1:5514        UDP datagrams
 *     --input='tcp://[::1]:5514'          IPv6
 *     --input=unix:///run/sec/in.sock     Unix stream socket
 *     --input=unixgram:///run/sec/in.sock Unix datagram socket
 *
 * and optionally `=CONTEXT` after it, as for files; `?syslog` right after the
 * address turns syslog headers into /var/log/syslog lines (syslog_header.ts).
 * The spec as written is the input's name (`$+{_inputsrc}`, `_FILE_EVENT_<name>`).
 *
 * Lines end at "\n" (a datagram's last line needs none); with `?syslog`, a
 * stream connection may also send octet-counted messages (RFC 6587, as
 * syslog-ng's `syslog()` driver does; input_socket_framing.ts). A line longer than
 * {@link MAX_LINE_BYTES} is cut to that length (the rest up to the next
 * newline is discarded) and a warning is logged. A stream connection's
 * unfinished last line is delivered when the connection closes.
 *
 * Memory stays bounded: all connections of one input share a queue of at
 * most {@link MAX_QUEUED_BYTES} bytes of lines. When it is full, stream
 * connections (TCP, Unix) stop being read, so the kernel's buffers fill up
 * and the senders block (backpressure); datagrams (UDP, Unix datagram) that
 * arrive then are dropped and counted, the count is logged (at most every
 * 10 seconds) and shown in dumps.
 *
 * A socket input never ends, also with --notail. A Unix socket path that
 * exists as a socket is replaced; the socket file is removed at close.
 * Unix datagram sockets need Deno's `--unstable-net` (Deno.listenDatagram);
 * UDP sockets use it too when available (it receives 100,000 datagrams a
 * second; the node:dgram fallback only a few thousand). Datagrams the kernel
 * dropped because its buffer was full are read from /proc/net/udp (Linux)
 * and shown in dumps as `kernelDropped`.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import * as dgram from "node:dgram";
import { LogLevel } from "./logger.ts";
import { encodingOf } from "./input_lines.ts";
import { errorText, type InputSource, type SourceEnv, type SourceInfo } from "./input_source.ts";
import { LineSplitter, parseSocketSpec, type SocketAddress } from "./input_socket_util.ts";
import { SyslogFrameSplitter } from "./input_socket_framing.ts";
import { splitSyslogOption, syslogToTraditional } from "./syslog_header.ts";
import {
  type DatagramSocket,
  listenDatagram,
  openProcNetUdp,
  removeStaleSocket,
  udpKernelDrops,
} from "./datagram.ts";
import { LineQueue } from "./line_queue.ts";
import { SocketWarnings } from "./input_socket_report.ts";

export { isSocketSpec, LineSplitter, parseSocketSpec } from "./input_socket_util.ts";
export type { SocketAddress, SocketKind } from "./input_socket_util.ts";

/** Longest line accepted from a socket, in bytes; longer lines are cut. */
export const MAX_LINE_BYTES = 65536;

/** Bytes of lines a socket input queues at most. */
export const MAX_QUEUED_BYTES = 4 << 20;

/** Bytes read at once from a stream connection. */
const READ_SIZE = 65536;

/** A listening socket input (see the module doc). */
export class SocketSource implements InputSource {
  /** The spec as given: the input's name. */
  readonly name: string;
  /** Internal context of its lines, if any. */
  readonly context: string | undefined;
  /** performance.now() of the last data received. */
  lastDataMs: number = performance.now();
  /** No data for --input-timeout seconds (managed by InputManager). */
  timedOut = false;
  /** Lines handed out. */
  lines = 0;
  /** Bytes received. */
  bytes = 0;
  /** Lines dropped because the queue was full (datagram sockets). */
  dropped = 0;
  /** Times the listener paused because --max-connections were open. */
  refused = 0;
  /** Connections closed after --idle-timeout without data. */
  idleClosed = 0;
  /** Failed accepts (EMFILE, ENFILE, ...); the listener backs off and keeps accepting. */
  acceptErrors = 0;
  readonly #addr: SocketAddress | null;
  /** `?syslog`: syslog headers turned into the traditional file format (syslog_header.ts). */
  readonly #syslog: boolean;
  readonly #env: SourceEnv;
  readonly #maxLine: number;
  readonly #queue: LineQueue;
  #closed = false;
  #listening = false;
  #listener: Deno.Listener | null = null;
  #conns = new Set<Deno.Conn>();
  #udp: dgram.Socket | null = null;
  #unixgram: DatagramSocket | null = null;
  #udpPort: number | undefined;
  #cutByConnections = 0;
  #splitters = new Set<{ readonly cut: number }>();
  readonly #warnings: SocketWarnings;
  #connLast = new Map<Deno.Conn, number>();
  #slotWaiter: (() => void) | null = null;
  /** Resolves once the socket is bound (node:dgram binds asynchronously); never rejects. */
  bound: Promise<void> = Promise.resolve();
  #idleTimer: ReturnType<typeof setInterval> | undefined;

  /** Creates the input `name` (a socket spec); nothing listens before `open()`. */
  constructor(
    name: string,
    context: string | undefined,
    env: SourceEnv,
    limits: { maxLine?: number; maxQueued?: number } = {},
  ) {
    this.name = name;
    this.context = context;
    this.#env = env;
    this.#maxLine = limits.maxLine ?? MAX_LINE_BYTES;
    this.#queue = new LineQueue(limits.maxQueued ?? MAX_QUEUED_BYTES);
    this.#warnings = new SocketWarnings(name, env.logger, this.#maxLine, () => this.kernelDrops());
    let addr: SocketAddress | null = null;
    const { spec, syslog } = splitSyslogOption(name);
    this.#syslog = syslog;
    try {
      addr = parseSocketSpec(spec);
    } catch (e) {
      env.logger.log(LogLevel.error, `Can't open input ${name} (${(e as Error).message})`);
    }
    this.#addr = addr;
  }

  /** A socket input never finishes. */
  get finished(): boolean {
    return false;
  }

  /** Starts listening; failures are logged. */
  open(): void {
    const a = this.#addr;
    if (a === null || this.#closed || this.#listening) return;
    try {
      switch (a.kind) {
        case "tcp":
          this.#listener = Deno.listen({ hostname: a.host!, port: a.port!, transport: "tcp" });
          break;
        case "unix":
          removeStaleSocket(a.path!);
          this.#listener = Deno.listen({ path: a.path!, transport: "unix" });
          break;
        case "udp":
          this.#openUdp(a);
          break;
        case "unixgram":
          this.#openUnixgram(a.path!);
          break;
      }
    } catch (e) {
      this.#env.logger.log(LogLevel.error, `Can't open input ${this.name} (${errorText(e)})`);
      return;
    }
    this.#listening = true;
    this.#env.logger.log(LogLevel.debug, `Listening on ${this.name}`);
    if (this.#listener !== null) {
      this.#acceptLoop(this.#listener);
      const idleMs = this.#env.socketIdleMs ?? 600_000;
      if (idleMs > 0) {
        this.#idleTimer = setInterval(() => this.#closeIdle(idleMs), Math.min(idleMs / 2, 30_000));
        Deno.unrefTimer(this.#idleTimer);
      }
    }
  }

  /** The next queued line, or null. */
  next(): string | null {
    const line = this.#queue.next();
    if (line !== null) this.lines++;
    return line;
  }

  /** True when a line is queued. */
  ready(_nowMs: number): boolean {
    return this.#queue.length > 0;
  }

  /** Reports dropped and cut lines (rate limited); tells whether a line is queued. */
  poll(nowMs: number): boolean {
    this.#report(nowMs);
    return this.ready(nowMs);
  }

  /** Stops listening, closes all connections, removes a Unix socket file. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#idleTimer !== undefined) clearInterval(this.#idleTimer);
    try {
      this.#listener?.close();
    } catch {
      // already closed
    }
    for (const c of this.#conns) {
      try {
        c.close();
      } catch {
        // already closed
      }
    }
    this.#conns.clear();
    this.#connLast.clear();
    try {
      this.#udp?.close();
    } catch {
      // already closed
    }
    try {
      this.#unixgram?.close();
    } catch {
      // already closed
    }
    this.#queue.wake();
    this.#slotWaiter?.();
    this.#slotWaiter = null;
    const a = this.#addr;
    if (this.#listening && a?.path !== undefined) {
      try {
        Deno.removeSync(a.path);
      } catch {
        // gone already
      }
    }
  }

  /** State for dumps. */
  info(): SourceInfo {
    return {
      name: this.name,
      type: this.#addr?.kind ?? "socket",
      status: this.#listening && !this.#closed ? "Open" : "Closed",
      context: this.context,
      lines: this.lines,
      bytes: this.bytes,
      dropped: this.dropped,
      cut: this.cut,
      kernelDropped: this.kernelDrops(),
      connections: this.#conns.size,
      refused: this.#listener !== null ? this.refused : undefined,
      acceptErrors: this.#listener !== null ? this.acceptErrors : undefined,
      queued: this.#queue.length,
    };
  }

  /** Lines cut at the length limit so far. */
  get cut(): number {
    let n = this.#cutByConnections;
    for (const s of this.#splitters) n += s.cut;
    return n;
  }

  /** The local port of a TCP or UDP listener (useful with port 0). */
  get port(): number | undefined {
    const l = this.#listener?.addr;
    if (l !== undefined && l.transport === "tcp") return l.port;
    return this.#udpPort;
  }

  #push = (line: string): void => {
    this.#queue.push(this.#syslog ? syslogToTraditional(line) : line);
  };

  #received(n: number): void {
    this.bytes += n;
    const now = this.lastDataMs = performance.now();
    if (this.#warnings.due(now)) this.#report(now);
    if (this.timedOut) this.#env.fresh(this);
  }

  /**
   * Accepts connections until the input closes. A failed accept (EMFILE,
   * ENFILE when descriptors run out, ECONNABORTED, ...) never ends it: the
   * loop backs off (50 ms, doubling up to 1 s) and tries again; the errors
   * are counted and logged at most every REPORT_MS. With --max-connections
   * open connections, the listener stops accepting until one closes: new
   * connections wait in the kernel's backlog, their data kept.
   */
  async #acceptLoop(listener: Deno.Listener): Promise<void> {
    const max = this.#env.socketMaxConnections ?? 256;
    let backoff = 0;
    while (!this.#closed) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch (e) {
        if (this.#closed || e instanceof Deno.errors.BadResource) break;
        this.acceptErrors++;
        this.#warnings.lastAcceptError = errorText(e);
        this.#report(performance.now());
        backoff = backoff === 0 ? 50 : Math.min(1000, backoff * 2);
        await new Promise((r) => setTimeout(r, backoff));
        continue;
      }
      backoff = 0;
      if (this.#closed) {
        conn.close();
        break;
      }
      this.#conns.add(conn);
      this.#connLast.set(conn, performance.now());
      this.#env.logger.log(LogLevel.debug, `Connection to input ${this.name} accepted`);
      this.#readConn(conn);
      if (this.#conns.size >= max) {
        this.refused++;
        this.#report(performance.now());
        await new Promise<void>((r) => this.#slotWaiter = r);
      }
    }
  }

  /** Closes the connections that sent nothing for `idleMs` (not those held back by a full queue). */
  #closeIdle(idleMs: number): void {
    if (this.#queue.full()) return;
    const limit = performance.now() - idleMs;
    for (const [conn, last] of this.#connLast) {
      if (last >= limit) continue;
      this.#connLast.delete(conn);
      this.idleClosed++;
      this.#env.logger.log(
        LogLevel.info,
        `Closing a connection to input ${this.name}: no data for ${idleMs / 1000} s`,
      );
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
  }

  async #readConn(conn: Deno.Conn): Promise<void> {
    const enc = encodingOf(this.#env.textMode);
    // ?syslog: octet-counted messages too (syslog-ng's syslog(), RFC 6587)
    const splitter = this.#syslog
      ? new SyslogFrameSplitter(this.#maxLine, enc)
      : new LineSplitter(this.#maxLine, enc);
    this.#splitters.add(splitter);
    const buf = new Uint8Array(READ_SIZE);
    try {
      while (!this.#closed) {
        if (this.#queue.full()) {
          // stop reading: the sender is held back by the kernel's buffers
          await this.#queue.room();
          continue;
        }
        const n = await conn.read(buf);
        if (n === null) break;
        if (n === 0) continue;
        this.#connLast.set(conn, performance.now());
        this.#received(n);
        const before = this.#queue.pushed;
        splitter.push(buf.subarray(0, n), this.#push);
        if (this.#queue.pushed !== before) this.#env.notify();
      }
    } catch (e) {
      // a connection closed for idleness ends its read with BadResource
      if (!this.#closed && this.#connLast.has(conn)) {
        this.#env.logger.log(
          LogLevel.warning,
          `Error reading from a connection to input ${this.name} (${errorText(e)})`,
        );
      }
    }
    this.#connLast.delete(conn);
    if (!this.#closed) {
      const before = this.#queue.pushed;
      splitter.flush(this.#push);
      if (this.#queue.pushed !== before) this.#env.notify();
      this.#env.logger.log(LogLevel.debug, `Connection to input ${this.name} closed`);
    }
    this.#splitters.delete(splitter);
    this.#cutByConnections += splitter.cut;
    this.#conns.delete(conn);
    try {
      conn.close();
    } catch {
      // already closed
    }
    const w = this.#slotWaiter;
    this.#slotWaiter = null;
    w?.();
  }

  /** Queues the lines of a datagram, or counts them as dropped when the queue is full. */
  #datagram(splitter: LineSplitter, data: Uint8Array): void {
    this.#received(data.length);
    if (this.#queue.full()) {
      let lines = 0;
      for (let i = data.indexOf(10); i >= 0; i = data.indexOf(10, i + 1)) lines++;
      if (data.length > 0 && data[data.length - 1] !== 10) lines++;
      this.dropped += Math.max(1, lines);
      return;
    }
    splitter.datagram(data, this.#push);
    this.#env.notify();
  }

  #openUdp(a: SocketAddress): void {
    const splitter = new LineSplitter(this.#maxLine, encodingOf(this.#env.textMode));
    this.#splitters.add(splitter);
    const listen = listenDatagram();
    if (listen !== undefined) {
      // Deno's own UDP sockets (--unstable-net) keep up with 100,000 datagrams/s
      const sock = listen({ transport: "udp", hostname: a.host!, port: a.port! });
      this.#unixgram = sock;
      this.#udpPort = (sock.addr as Deno.NetAddr).port;
      openProcNetUdp();
      this.#warnings.kernelBase();
      this.#receiveLoop(sock, splitter);
      return;
    }
    // node:dgram works without --unstable-net but receives far fewer datagrams a second
    const ipv6 = a.host!.includes(":");
    const sock = dgram.createSocket({ type: ipv6 ? "udp6" : "udp4", recvBufferSize: 1 << 20 });
    sock.on("message", (msg: Buffer) => this.#datagram(splitter, msg));
    sock.on("error", (e: Error) => {
      this.#env.logger.log(LogLevel.error, `Input ${this.name} failed (${errorText(e)})`);
      this.#listening = false;
    });
    openProcNetUdp();
    this.bound = new Promise<void>((resolve) => {
      sock.once("listening", () => {
        this.#udpPort = sock.address().port;
        this.#warnings.kernelBase();
        resolve();
      });
      sock.once("error", () => resolve());
    });
    sock.bind(a.port!, a.host!);
    this.#udp = sock;
  }

  #openUnixgram(path: string): void {
    const listen = listenDatagram();
    if (listen === undefined) {
      throw new Error("Unix datagram inputs need Deno's --unstable-net");
    }
    removeStaleSocket(path);
    const sock = listen({ transport: "unixpacket", path });
    this.#unixgram = sock;
    const splitter = new LineSplitter(this.#maxLine, encodingOf(this.#env.textMode));
    this.#splitters.add(splitter);
    this.#receiveLoop(sock, splitter);
  }

  async #receiveLoop(sock: DatagramSocket, splitter: LineSplitter): Promise<void> {
    const buf = new Uint8Array(65536);
    try {
      while (!this.#closed) {
        const [data] = await sock.receive(buf);
        this.#datagram(splitter, data);
      }
    } catch (e) {
      if (!this.#closed) {
        this.#env.logger.log(LogLevel.error, `Input ${this.name} failed (${errorText(e)})`);
      }
    }
  }

  /** Datagrams the kernel dropped for this UDP socket (Linux /proc/net/udp*), if known. */
  kernelDrops(): number | undefined {
    return this.#udpPort === undefined ? undefined : udpKernelDrops(this.#udpPort);
  }

  /** Logs the lines dropped and cut since the last report, at most every REPORT_MS. */
  #report(nowMs: number): void {
    this.#warnings.report(nowMs, this);
  }
}
