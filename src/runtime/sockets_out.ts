/**
 * Sockets written by actions: udgram/closeudgr (Unix datagram),
 * ustream/closeustr (Unix stream), udpsock/closeudp (UDP) and
 * tcpsock/closetcp (TCP). As in SEC, a socket is opened on first use and
 * kept for later actions to the same peer; `closeAll` (restarts, SIGUSR2)
 * closes them all, and they reopen on demand. Nothing here blocks the
 * correlator: TCP data is buffered while the connection is being set up
 * (for at most --socket-timeout seconds), Unix stream data that the peer
 * cannot take yet is buffered and retried. Errors are logged and the data
 * dropped. Strings are sent as they are (no newline is added).
 *
 * @module
 */
import type { SocketSender } from "../engine/ports.ts";
import * as net from "node:net";
import * as dgram from "node:dgram";
import { Buffer } from "node:buffer";
import { encodeString, type TextMode } from "../lang/bytes.ts";
import type { Logger } from "./logger.ts";
import { UnixClientSocket, UnixSocketError } from "./unix_socket.ts";

/** A parsed `host:port` peer. */
export interface Peer {
  /** Host name or address (IPv6 without brackets). */
  host: string;
  /** Port number. */
  port: number;
}

/** Parses `host:port` (`[v6addr]:port` too); null when invalid. */
export function parsePeer(text: string): Peer | null {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:\s]+):(\d+)$/.exec(text) ??
    /^(.*:.*):(\d+)$/.exec(text);
  if (m === null) return null;
  const port = parseInt(m[2], 10);
  if (port < 1 || port > 65535) return null;
  return { host: m[1], port };
}

interface UdpState {
  sock: dgram.Socket;
  /** Datagrams waiting for the one in flight (sends complete in order). */
  queue: Buffer[];
  busy: boolean;
  peer: Peer;
  /** closeudp came while datagrams were queued. */
  closing?: boolean;
}

interface StreamState {
  sock: UnixClientSocket;
  queue: Uint8Array[];
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** The sockets of the socket actions. */
export class SocketOutputs implements SocketSender {
  readonly #logger: Logger;
  readonly #mode: TextMode;
  /** --socket-timeout in seconds. */
  socketTimeout: number;
  readonly #udgram = new Map<string, UnixClientSocket>();
  readonly #ustream = new Map<string, StreamState>();
  readonly #udp = new Map<string, UdpState>();
  readonly #tcp = new Map<string, net.Socket>();

  /** Creates the set; strings are encoded per `mode`. */
  constructor(logger: Logger, mode: TextMode = "bytes", socketTimeout = 60) {
    this.#logger = logger;
    this.#mode = mode;
    this.socketTimeout = socketTimeout;
  }

  /**
   * Set when Unix sockets are limited to some paths: maps a name to the
   * real socket path to connect to (checked against the grant when the
   * connection is made), undefined when outside it.
   */
  resolveUnix: ((path: string) => string | undefined) | undefined;

  #unixTarget(path: string): string {
    if (this.resolveUnix === undefined) return path;
    const t = this.resolveUnix(path);
    if (t === undefined) throw new Error("outside the sockets --allow-net grants");
    return t;
  }

  /** Sends `text` as one datagram to the Unix datagram socket `path` (udgram). */
  udgram(path: string, text: string): void {
    let sock = this.#udgram.get(path);
    if (sock === undefined) {
      try {
        sock = UnixClientSocket.connect(this.#unixTarget(path), "dgram");
      } catch (e) {
        this.#logger.log(
          2,
          `Can't connect to Unix datagram socket ${path}: ${(e as Error).message}`,
        );
        return;
      }
      this.#udgram.set(path, sock);
    }
    try {
      sock.send(encodeString(text, this.#mode));
    } catch (e) {
      this.#logger.log(2, `Can't send to Unix datagram socket ${path}: ${(e as Error).message}`);
      if (!(e instanceof UnixSocketError && e.wouldBlock)) this.closeUdgram(path);
    }
  }

  /** Closes the Unix datagram socket `path` (closeudgr). */
  closeUdgram(path: string): void {
    const s = this.#udgram.get(path);
    if (s === undefined) return;
    s.close();
    this.#udgram.delete(path);
  }

  /** Writes `text` to the Unix stream socket `path` (ustream). */
  ustream(path: string, text: string): void {
    let st = this.#ustream.get(path);
    if (st === undefined) {
      let sock: UnixClientSocket;
      try {
        sock = UnixClientSocket.connect(this.#unixTarget(path), "stream");
      } catch (e) {
        this.#logger.log(2, `Can't connect to Unix stream socket ${path}: ${(e as Error).message}`);
        return;
      }
      st = { sock, queue: [], timer: undefined };
      this.#ustream.set(path, st);
    }
    const data = encodeString(text, this.#mode);
    if (data.length === 0) return;
    st.queue.push(data);
    this.#drainStream(path, st);
  }

  /** Closes the Unix stream socket `path` (closeustr); unsent data is dropped. */
  closeUstream(path: string): void {
    const st = this.#ustream.get(path);
    if (st === undefined) return;
    if (st.timer !== undefined) clearTimeout(st.timer);
    st.sock.close();
    this.#ustream.delete(path);
  }

  /** Sends `text` as one UDP datagram to `peer` ("host:port") (udpsock). */
  udp(peer: string, text: string): void {
    const p = parsePeer(peer);
    if (p === null) {
      this.#logger.log(2, `Invalid UDP peer '${peer}' (host:port expected)`);
      return;
    }
    let st = this.#udp.get(peer);
    if (st === undefined) {
      const sock = dgram.createSocket(net.isIPv6(p.host) ? "udp6" : "udp4");
      sock.on("error", (e) => {
        this.#logger.log(2, `UDP socket for peer ${peer} failed: ${e.message}`);
        this.closeUdp(peer);
      });
      sock.unref();
      st = { sock, queue: [], busy: false, peer: p };
      this.#udp.set(peer, st);
    }
    st.queue.push(Buffer.from(encodeString(text, this.#mode)));
    this.#sendUdp(peer, st);
  }

  #sendUdp(peer: string, st: UdpState): void {
    if (st.busy) return;
    if (st.queue.length === 0) {
      if (st.closing) {
        try {
          st.sock.close();
        } catch {
          // already closed
        }
      }
      return;
    }
    st.busy = true;
    const data = st.queue.shift()!;
    st.sock.send(data, st.peer.port, st.peer.host, (err) => {
      st.busy = false;
      if (err) this.#logger.log(2, `Can't send to UDP peer ${peer}: ${err.message}`);
      if (this.#udp.get(peer) === st || st.closing) this.#sendUdp(peer, st);
    });
  }

  /** Closes the UDP socket of `peer` (closeudp). */
  closeUdp(peer: string): void {
    const st = this.#udp.get(peer);
    if (st === undefined) return;
    this.#udp.delete(peer);
    if (st.busy || st.queue.length > 0) {
      st.closing = true; // closed once the queued datagrams are sent
      return;
    }
    try {
      st.sock.close();
    } catch {
      // already closed
    }
  }

  /**
   * Sends `text` to the TCP `peer` ("host:port") (tcpsock). A new
   * connection is set up on first use; data is buffered until it is
   * established, which may take up to --socket-timeout seconds.
   */
  tcp(peer: string, text: string): void {
    const p = parsePeer(peer);
    if (p === null) {
      this.#logger.log(2, `Invalid TCP peer '${peer}' (host:port expected)`);
      return;
    }
    let sock = this.#tcp.get(peer);
    if (sock === undefined) {
      const s = net.createConnection({ host: p.host, port: p.port });
      sock = s;
      s.setNoDelay(true);
      const timer = setTimeout(() => {
        if (s.connecting) {
          this.#logger.log(
            2,
            `Can't connect to TCP peer ${peer}: timeout after ${this.socketTimeout}s`,
          );
          this.#dropTcp(peer, s);
        }
      }, this.socketTimeout * 1000);
      s.on("connect", () => {
        clearTimeout(timer);
        this.#logger.log(6, `Connected to TCP peer ${peer}`);
      });
      s.on("error", (e) => {
        clearTimeout(timer);
        this.#logger.log(2, `TCP connection to ${peer} failed: ${e.message}`);
        this.#dropTcp(peer, s);
      });
      s.on("close", () => {
        clearTimeout(timer);
        if (this.#tcp.get(peer) === s) this.#tcp.delete(peer);
      });
      s.on("data", () => {}); // whatever the peer says is ignored
      this.#tcp.set(peer, s);
    }
    sock.write(Buffer.from(encodeString(text, this.#mode)));
  }

  /** Closes the TCP connection to `peer` after sending what is buffered (closetcp). */
  closeTcp(peer: string): void {
    const s = this.#tcp.get(peer);
    if (s === undefined) return;
    this.#tcp.delete(peer);
    s.end(); // buffered data still goes out once connected (the connect timeout still applies)
  }

  /** Closes every socket (restart, SIGUSR2); they reopen on demand. */
  closeAll(): void {
    for (const p of [...this.#udgram.keys()]) this.closeUdgram(p);
    for (const p of [...this.#ustream.keys()]) this.closeUstream(p);
    for (const p of [...this.#udp.keys()]) this.closeUdp(p);
    for (const p of [...this.#tcp.keys()]) this.closeTcp(p);
  }

  /** Number of open sockets (for dumps and tests). */
  get openCount(): number {
    return this.#udgram.size + this.#ustream.size + this.#udp.size + this.#tcp.size;
  }

  #dropTcp(peer: string, s: net.Socket): void {
    if (this.#tcp.get(peer) === s) this.#tcp.delete(peer);
    s.destroy();
  }

  #drainStream(path: string, st: StreamState): void {
    while (st.queue.length > 0) {
      const chunk = st.queue[0];
      let n: number;
      try {
        n = st.sock.send(chunk);
      } catch (e) {
        if (e instanceof UnixSocketError && e.wouldBlock) {
          if (st.timer === undefined) {
            st.timer = setTimeout(() => {
              st.timer = undefined;
              if (this.#ustream.get(path) === st) this.#drainStream(path, st);
            }, 20);
          }
          return;
        }
        this.#logger.log(2, `Can't write to Unix stream socket ${path}: ${(e as Error).message}`);
        this.closeUstream(path);
        return;
      }
      if (n >= chunk.length) st.queue.shift();
      else st.queue[0] = chunk.subarray(n);
    }
  }
}
