/**
 * Socket input specs (`tcp://host:port`, `udp://...`, `unix:///path`,
 * `unixgram:///path`) and splitting received bytes into lines with a length
 * limit; used by input_socket.ts.
 *
 * @module
 */
import { Buffer } from "node:buffer";

/** A pending line buffer larger than this is released after use. */
const KEEP_BYTES = 4 * 65536;

/** Kinds of socket inputs. */
export type SocketKind = "tcp" | "udp" | "unix" | "unixgram";

/** A parsed socket input spec. */
export interface SocketAddress {
  /** Socket kind. */
  kind: SocketKind;
  /** Host name or address (tcp, udp), brackets of IPv6 removed. */
  host?: string;
  /** Port (tcp, udp). */
  port?: number;
  /** Socket file (unix, unixgram). */
  path?: string;
}

const SPEC = /^(tcp|udp|unix|unixgram):\/\/(.*)$/;

/** True when an --input value names a socket (tcp://, udp://, unix://, unixgram://). */
export function isSocketSpec(name: string): boolean {
  return SPEC.test(name);
}

/** Parses a socket input spec; throws an Error with a message for a malformed one. */
export function parseSocketSpec(name: string): SocketAddress {
  const m = SPEC.exec(name);
  if (m === null) throw new Error(`${name} is not a socket input`);
  const kind = m[1] as SocketKind;
  const rest = m[2];
  if (kind === "unix" || kind === "unixgram") {
    if (rest === "") throw new Error(`socket input ${name} has no path`);
    return { kind, path: rest };
  }
  const hp = /^(?:\[([^\]]+)\]|([^:/\[\]]*)):(\d{1,5})$/.exec(rest);
  if (hp === null) throw new Error(`socket input ${name} needs host:port`);
  const port = Number(hp[3]);
  if (port > 65535) throw new Error(`socket input ${name}: bad port`);
  const host = hp[1] ?? (hp[2] === "" ? "0.0.0.0" : hp[2]);
  return { kind, host, port };
}

/**
 * Splits bytes into lines, cutting lines longer than `max` bytes. One per
 * stream connection; datagrams use `datagram()`.
 */
export class LineSplitter {
  #pend: Buffer | null = null;
  #plen = 0;
  /** Discarding the rest of a cut line until the next newline. */
  #skipping = false;
  /** Lines cut so far. */
  cut = 0;
  readonly #max: number;
  readonly #enc: "latin1" | "utf8";

  /** Creates a splitter; lines over `max` bytes are cut. */
  constructor(max: number, enc: "latin1" | "utf8") {
    this.#max = max;
    this.#enc = enc;
  }

  /** Feeds bytes; calls `emit` with each completed (possibly cut) line. */
  push(data: Uint8Array, emit: (line: string) => void): void {
    let start = 0;
    const n = data.length;
    while (start < n) {
      const nl = data.indexOf(10, start);
      const end = nl < 0 ? n : nl;
      if (this.#skipping) {
        if (nl >= 0) this.#skipping = false;
      } else if (this.#plen + (end - start) > this.#max) {
        const take = this.#max - this.#plen;
        this.#append(data, start, start + take);
        emit(this.#take());
        this.cut++;
        this.#skipping = nl < 0;
      } else if (nl < 0) {
        this.#append(data, start, end);
      } else if (this.#plen === 0) {
        emit(Buffer.from(data.buffer, data.byteOffset + start, end - start).toString(this.#enc));
      } else {
        this.#append(data, start, end);
        emit(this.#take());
      }
      if (nl < 0) break;
      start = nl + 1;
    }
  }

  /** Delivers an unfinished last line (connection closed). */
  flush(emit: (line: string) => void): void {
    if (this.#plen > 0) emit(this.#take());
    this.#skipping = false;
  }

  /** Splits one datagram into lines (a last line without newline counts). */
  datagram(data: Uint8Array, emit: (line: string) => void): void {
    this.push(data, emit);
    this.flush(emit);
    this.#skipping = false;
  }

  #append(data: Uint8Array, from: number, to: number): void {
    const len = to - from;
    if (len <= 0) return;
    const need = this.#plen + len;
    if (this.#pend === null || this.#pend.length < need) {
      const grown = Buffer.allocUnsafe(Math.max(need, 2 * (this.#pend?.length ?? 256)));
      if (this.#pend !== null) this.#pend.copy(grown, 0, 0, this.#plen);
      this.#pend = grown;
    }
    this.#pend.set(data.subarray(from, to), this.#plen);
    this.#plen = need;
  }

  #take(): string {
    const s = this.#pend === null ? "" : this.#pend.toString(this.#enc, 0, this.#plen);
    this.#plen = 0;
    if (this.#pend !== null && this.#pend.length > KEEP_BYTES) this.#pend = null;
    return s;
  }
}
