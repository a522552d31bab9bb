/**
 * The local syslog socket (/dev/log) for --syslog, as SEC uses it: a Unix
 * datagram socket, or a Unix stream socket when the socket at that path is
 * one (messages then end in a NUL byte, as the C library's syslog(3)
 * sends them).
 *
 * The socket goes through the C library (unix_socket.ts), which is opened
 * before the correlator revokes its Deno permissions: the agent's own
 * logging is not an action and needs no --allow-* flag, nor Deno's
 * --unstable-net. When the syslog daemon restarts, the socket is
 * reconnected (at most once a second while it is away); messages that
 * cannot be sent then, or while its queue is full, are counted as dropped.
 *
 * The environment variable `SEC_TS_SYSLOG_SOCKET` names another socket
 * path (for tests, containers).
 *
 * @module
 */
import { initUnixSockets, UnixClientSocket, UnixSocketError } from "./unix_socket.ts";

/** The default syslog socket path. */
export const DEFAULT_SYSLOG_SOCKET = "/dev/log";

const EPROTOTYPE = Deno.build.os === "linux" ? 91 : 41;

/** A connection to the local syslog daemon. */
export class SyslogSocket {
  /** The socket path. */
  readonly path: string;
  /** Messages that could not be sent. */
  dropped = 0;
  /** The last connection or send error, if any. */
  lastError: string | undefined;
  #sock: UnixClientSocket | null = null;
  #nextTry = 0;
  #enc = new TextEncoder();

  /** Opens the C library and tries to connect (failures are kept in `lastError`). */
  constructor(path: string = DEFAULT_SYSLOG_SOCKET) {
    this.path = path;
    const err = initUnixSockets();
    if (err !== undefined) this.lastError = err;
    else this.#connect();
  }

  /** True while connected. */
  get connected(): boolean {
    return this.#sock !== null;
  }

  /** The socket type in use, once connected. */
  get type(): "stream" | "dgram" | undefined {
    return this.#sock?.type;
  }

  #connect(): boolean {
    this.#nextTry = performance.now() + 1000;
    try {
      this.#sock = UnixClientSocket.connect(this.path, "dgram");
    } catch (e) {
      if (!(e instanceof UnixSocketError) || e.errno !== EPROTOTYPE) {
        this.lastError = (e as Error).message;
        return false;
      }
      try {
        this.#sock = UnixClientSocket.connect(this.path, "stream");
      } catch (e2) {
        this.lastError = (e2 as Error).message;
        return false;
      }
    }
    this.lastError = undefined;
    return true;
  }

  /** Sends one formatted message; returns false when it was dropped. */
  send(message: string): boolean {
    for (let attempt = 0; attempt < 2; attempt++) {
      if (this.#sock === null) {
        if (performance.now() < this.#nextTry || !this.#connect()) break;
      }
      const sock = this.#sock!;
      const data = this.#enc.encode(sock.type === "stream" ? message + "\0" : message);
      try {
        let off = 0;
        while (off < data.length) off += sock.send(off === 0 ? data : data.subarray(off));
        return true;
      } catch (e) {
        this.lastError = (e as Error).message;
        if (e instanceof UnixSocketError && e.wouldBlock && sock.type === "dgram") break;
        // the daemon went away (or a stream broke halfway): reconnect once
        sock.close();
        this.#sock = null;
        this.#nextTry = 0;
      }
    }
    this.dropped++;
    return false;
  }

  /** Closes the socket. */
  close(): void {
    this.#sock?.close();
    this.#sock = null;
  }
}
