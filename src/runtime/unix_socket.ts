/**
 * Client-side Unix sockets (stream and datagram) through the C library,
 * for the ustream and udgram actions. Deno has no stable way to send Unix
 * datagrams, and its Unix stream sockets need write permission on the
 * socket path; here, socket(2), connect(2) and send(2) are called through
 * Deno's FFI. The library is opened once, before the correlator revokes
 * its Deno permissions (ffi among them): calls keep working afterwards,
 * so whether a socket may be used is the correlator's own check
 * (--allow-net). Sends never block (MSG_DONTWAIT).
 *
 * @module
 */

const LINUX = Deno.build.os === "linux";
const DARWIN = Deno.build.os === "darwin";

/** errno values that matter here, per OS. */
const ERRNO = LINUX ? { EAGAIN: 11, EINTR: 4 } : { EAGAIN: 35, EINTR: 4 };

const NAMES: Record<number, string> = LINUX
  ? {
    1: "Operation not permitted",
    2: "No such file or directory",
    11: "Resource temporarily unavailable",
    13: "Permission denied",
    32: "Broken pipe",
    88: "Socket operation on non-socket",
    90: "Message too long",
    91: "Protocol wrong type for socket",
    104: "Connection reset by peer",
    105: "No buffer space available",
    107: "Transport endpoint is not connected",
    111: "Connection refused",
  }
  : {
    1: "Operation not permitted",
    2: "No such file or directory",
    13: "Permission denied",
    32: "Broken pipe",
    35: "Resource temporarily unavailable",
    38: "Socket operation on non-socket",
    40: "Message too long",
    41: "Protocol wrong type for socket",
    54: "Connection reset by peer",
    55: "No buffer space available",
    57: "Socket is not connected",
    61: "Connection refused",
  };

const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = LINUX ? 0x80000 : 0;
const MSG_DONTWAIT = LINUX ? 0x40 : 0x80;
const MSG_NOSIGNAL = LINUX ? 0x4000 : 0;
const SUN_PATH_MAX = LINUX ? 108 : 104;

const SYMBOLS = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  connect: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  send: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
  memcpy: { parameters: ["buffer", "pointer", "usize"], result: "pointer" },
} as const;

type Lib = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"] & {
  errnoPtr: () => Deno.PointerValue;
};

let lib: Lib | null | undefined;

/**
 * Opens the C library (idempotent). Call before Deno permissions are
 * revoked. Returns an error message when Unix sockets are unavailable.
 */
export function initUnixSockets(): string | undefined {
  if (lib !== undefined) return lib === null ? "Unix socket support unavailable" : undefined;
  const names = LINUX ? ["libc.so.6", "libc.so"] : DARWIN ? ["libSystem.dylib"] : [];
  for (const name of names) {
    try {
      const errnoName = LINUX ? "__errno_location" : "__error";
      const dl = Deno.dlopen(
        name,
        {
          ...SYMBOLS,
          [errnoName]: { parameters: [], result: "pointer" },
        } as const,
      );
      const s = dl.symbols as unknown as Record<string, unknown>;
      lib = Object.assign(dl.symbols, {
        errnoPtr: s[errnoName] as () => Deno.PointerValue,
      }) as unknown as Lib;
      return undefined;
    } catch {
      // try the next name
    }
  }
  lib = null;
  return "Unix socket support unavailable (cannot load the C library)";
}

function errno(l: Lib): number {
  const ptr = l.errnoPtr();
  const out = new Int32Array(1);
  l.memcpy(new Uint8Array(out.buffer), ptr, 4n);
  return out[0];
}

function errorText(code: number): string {
  return NAMES[code] ?? `errno ${code}`;
}

/** A failed socket call. */
export class UnixSocketError extends Error {
  /** The errno value. */
  readonly errno: number;
  /** Creates the error from errno. */
  constructor(what: string, code: number) {
    super(`${what}: ${errorText(code)}`);
    this.errno = code;
  }
  /** True when the call would have blocked. */
  get wouldBlock(): boolean {
    return this.errno === ERRNO.EAGAIN;
  }
}

function sockaddr(path: string): Uint8Array {
  const bytes = new TextEncoder().encode(path);
  if (bytes.length >= SUN_PATH_MAX) throw new Error(`socket path too long: ${path}`);
  const addr = new Uint8Array(2 + SUN_PATH_MAX);
  if (LINUX) {
    addr[0] = 1; // AF_UNIX, little-endian u16
    addr[1] = 0;
  } else {
    addr[0] = addr.length;
    addr[1] = 1;
  }
  addr.set(bytes, 2);
  return addr;
}

function need(): Lib {
  if (lib === undefined) initUnixSockets();
  if (!lib) throw new Error("Unix socket support unavailable");
  return lib;
}

/** A connected client Unix socket (stream or datagram). */
export class UnixClientSocket {
  #fd: number;
  /** Path of the socket. */
  readonly path: string;
  /** Socket type. */
  readonly type: "stream" | "dgram";

  private constructor(fd: number, path: string, type: "stream" | "dgram") {
    this.#fd = fd;
    this.path = path;
    this.type = type;
  }

  /** Creates a socket and connects it to `path`; throws UnixSocketError. */
  static connect(path: string, type: "stream" | "dgram"): UnixClientSocket {
    const l = need();
    const fd = l.socket(1, (type === "stream" ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
    if (fd < 0) throw new UnixSocketError("socket", errno(l));
    const addr = sockaddr(path);
    for (;;) {
      if (l.connect(fd, addr, addr.length) === 0) break;
      const e = errno(l);
      if (e === ERRNO.EINTR) continue;
      l.close(fd);
      throw new UnixSocketError(`connect to ${path}`, e);
    }
    return new UnixClientSocket(fd, path, type);
  }

  /** True until closed. */
  get open(): boolean {
    return this.#fd >= 0;
  }

  /**
   * Sends without blocking. Returns the number of bytes sent (a datagram
   * is sent whole or not at all); throws UnixSocketError (check
   * `wouldBlock`).
   */
  send(data: Uint8Array): number {
    const l = need();
    if (this.#fd < 0) throw new Error("socket closed");
    for (;;) {
      const n = Number(l.send(this.#fd, data, BigInt(data.length), MSG_DONTWAIT | MSG_NOSIGNAL));
      if (n >= 0) return n;
      const e = errno(l);
      if (e === ERRNO.EINTR) continue;
      throw new UnixSocketError(`send to ${this.path}`, e);
    }
  }

  /** Closes the socket (idempotent). */
  close(): void {
    if (this.#fd < 0) return;
    need().close(this.#fd);
    this.#fd = -1;
  }
}
