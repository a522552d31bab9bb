/**
 * What the operating system offers the datagram inputs (input_socket.ts):
 * Deno's datagram sockets (`Deno.listenDatagram`, only with
 * `--unstable-net`), removing a stale Unix socket file before binding,
 * and the count of datagrams the kernel dropped for a UDP port, read from
 * /proc/net/udp and /proc/net/udp6 (Linux).
 *
 * @module
 */

/** A datagram socket of Deno's (unstable) Deno.listenDatagram. */
export interface DatagramSocket {
  /** The local address. */
  readonly addr: Deno.Addr;
  /** Receives one datagram (into `p` when given) and its sender. */
  receive(p?: Uint8Array): Promise<[Uint8Array, Deno.Addr]>;
  /** Closes the socket. */
  close(): void;
}

/** Deno.listenDatagram's signature, for UDP and Unix datagram sockets. */
export type ListenDatagram = (
  o: { transport: "udp"; hostname: string; port: number } | {
    transport: "unixpacket";
    path: string;
  },
) => DatagramSocket;

/** Deno.listenDatagram when Deno runs with --unstable-net, else undefined. */
export function listenDatagram(): ListenDatagram | undefined {
  const f = (Deno as unknown as { listenDatagram?: ListenDatagram }).listenDatagram;
  return typeof f === "function" ? f.bind(Deno) : undefined;
}

/** Removes `path` if it is a socket (left over from an earlier run). */
export function removeStaleSocket(path: string): void {
  try {
    if (Deno.lstatSync(path).isSocket) Deno.removeSync(path);
  } catch {
    // does not exist
  }
}

let procFiles: Deno.FsFile[] | undefined;

/**
 * Opens /proc/net/udp and /proc/net/udp6 once (those that exist), while
 * Deno still allows it: once permissions are revoked, /proc/net needs
 * --allow-all. {@link udpKernelDrops} re-reads them from offset 0.
 */
export function openProcNetUdp(): void {
  if (procFiles !== undefined) return;
  procFiles = [];
  for (const f of ["/proc/net/udp", "/proc/net/udp6"]) {
    try {
      procFiles.push(Deno.openSync(f, { read: true }));
    } catch {
      // not Linux, or no such table
    }
  }
}

/**
 * Datagrams the kernel dropped for UDP sockets bound to local `port`
 * (receive buffer full), if known: the `drops` column of the tables
 * {@link openProcNetUdp} opened.
 */
export function udpKernelDrops(port: number): number | undefined {
  let total: number | undefined;
  for (const text of readProcNetUdp()) {
    for (const row of text.split("\n").slice(1)) {
      const cols = row.trim().split(/\s+/);
      if (cols.length < 13) continue;
      const local = cols[1];
      if (parseInt(local.slice(local.lastIndexOf(":") + 1), 16) !== port) continue;
      total = (total ?? 0) + Number(cols[cols.length - 1]);
    }
  }
  return total;
}

/** The current text of the open /proc/net/udp* files. */
function readProcNetUdp(): string[] {
  const out: string[] = [];
  const chunk = new Uint8Array(65536);
  for (const file of procFiles ?? []) {
    try {
      file.seekSync(0, Deno.SeekMode.Start);
      const parts: Uint8Array[] = [];
      let n: number | null;
      while ((n = file.readSync(chunk)) !== null && n > 0) parts.push(chunk.slice(0, n));
      out.push(new TextDecoder().decode(concat(parts)));
    } catch {
      // unreadable now: no figure from this table
    }
  }
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const size = parts.reduce((s, p) => s + p.length, 0);
  const all = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}
