/**
 * Keeps Deno's SIGUSR1 debugger off while SIGUSR1 still asks for a dump.
 *
 * `deno run` (Deno >= 2.9.2) starts a V8 inspector on 127.0.0.1:9229 when
 * the process gets SIGUSR1, beside any `Deno.addSignalListener("SIGUSR1")`
 * handler: any local user who can send the signal (or who shares the host
 * with an operator who sends it by habit) could then run code in the
 * agent. Deno has no flag to turn this off, and every handler of a signal
 * is called; the only way to keep the inspector's handler from ever seeing
 * SIGUSR1 is to keep the signal from being delivered to any thread.
 *
 * So, first thing at start (Linux): block SIGUSR1 in the calling thread and
 * replace the process image with itself (`execve` of /proc/self/exe with
 * the same argument vector and environment). The signal mask survives
 * `execve` and every thread the new image creates inherits it, so the
 * kernel never delivers SIGUSR1 to a handler; it stays pending until
 * {@link waitSigusr1} takes it with `sigwaitinfo` on a worker thread. The
 * process id, open descriptors (stdin/stdout/stderr), parent, and thus the
 * pid file, systemd's MainPID, signals and the exit status stay as they
 * were. Children started later get an empty mask (Rust's process spawning
 * resets it).
 *
 * This needs the `ffi` permission (`-A` or `--allow-ffi`), used only here
 * and only before the permissions are revoked. Without it the agent
 * refuses to start unless SIGUSR1 is already blocked (e.g. started through
 * `env --block-signal=USR1`), in which case SIGUSR1 is simply ignored.
 *
 * @module
 */

const SIGUSR1 = 10;
const SIG_BLOCK = 0;
/** Set in the environment of the re-executed image to stop a loop. */
const MARKER = "SEC_TS_SIGUSR1_GUARD";

const SYMBOLS = {
  pthread_sigmask: { parameters: ["i32", "buffer", "pointer"], result: "i32" },
  execve: { parameters: ["buffer", "buffer", "buffer"], result: "i32" },
  sigwaitinfo: {
    parameters: ["buffer", "pointer"],
    result: "i32",
    nonblocking: true,
  },
} as const;

type Libc = Deno.DynamicLibrary<typeof SYMBOLS>;

let libc: Libc | undefined;

/** What {@link guardSigusr1} found or did. */
export type GuardState =
  /** SIGUSR1 is blocked; {@link waitSigusr1} reports it. */
  | "guarded"
  /** SIGUSR1 is blocked but cannot be waited for (no FFI): it is ignored. */
  | "blocked"
  /** Not Linux: nothing to do (Deno's handler is Linux/macOS; macOS unsupported). */
  | "unsupported";

/** Whether SIGUSR1 is in this thread's blocked set (/proc/self/status SigBlk). */
export function sigusr1Blocked(): boolean {
  const status = Deno.readTextFileSync("/proc/thread-self/status");
  const m = /^SigBlk:\s*([0-9a-f]+)/m.exec(status);
  if (m === null) return false;
  return (BigInt("0x" + m[1]) & (1n << BigInt(SIGUSR1 - 1))) !== 0n;
}

function openLibc(): Libc | undefined {
  try {
    return Deno.dlopen("libc.so.6", SYMBOLS);
  } catch {
    return undefined;
  }
}

/** A sigset_t (128 bytes on Linux) holding SIGUSR1 only. */
function usr1Set(): Uint8Array<ArrayBuffer> {
  const set = new Uint8Array(128);
  const bit = SIGUSR1 - 1;
  set[bit >> 3] = 1 << (bit & 7);
  return set;
}

/** NUL-separated strings as a NULL-terminated char* array (buffers kept in `keep`). */
function cArray(items: Uint8Array[], keep: Uint8Array[]): BigUint64Array<ArrayBuffer> {
  const ptrs = new BigUint64Array(items.length + 1);
  items.forEach((item, i) => {
    const buf = new Uint8Array(item.length + 1);
    buf.set(item);
    keep.push(buf);
    ptrs[i] = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buf)));
  });
  return ptrs;
}

function splitNul(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0) {
      out.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  if (start < bytes.length) out.push(bytes.subarray(start));
  return out;
}

/**
 * Makes sure SIGUSR1 never reaches Deno's inspector handler (see the module
 * doc): returns when SIGUSR1 is blocked in this process; re-executes the
 * process image with it blocked otherwise (does not return then), with
 * `extraEnv` entries (`NAME=value`) added to its environment. Throws
 * an Error with what to do when neither is possible.
 */
export function guardSigusr1(extraEnv: readonly string[] = []): GuardState {
  if (Deno.build.os !== "linux") return "unsupported";
  if (sigusr1Blocked()) {
    if (Deno.env.get(MARKER) !== undefined) Deno.env.delete(MARKER);
    libc ??= openLibc();
    return libc === undefined ? "blocked" : "guarded";
  }
  if (Deno.env.get(MARKER) !== undefined) {
    throw new Error("SIGUSR1 is still deliverable after re-executing; refusing to run");
  }
  libc ??= openLibc();
  if (libc === undefined) {
    throw new Error(
      "Deno starts a debugger (V8 inspector on 127.0.0.1:9229) on SIGUSR1; to keep it off " +
        "sec-ts needs --allow-ffi (or -A), or must be started with SIGUSR1 blocked " +
        "(env --block-signal=USR1 ...)",
    );
  }
  const keep: Uint8Array[] = [];
  const argv = cArray(splitNul(Deno.readFileSync("/proc/self/cmdline")), keep);
  const enc = new TextEncoder();
  const env = splitNul(Deno.readFileSync("/proc/self/environ"));
  env.push(enc.encode(`${MARKER}=1`));
  for (const e of extraEnv) env.push(enc.encode(e));
  const envp = cArray(env, keep);
  const path = enc.encode("/proc/self/exe\0");
  if (libc.symbols.pthread_sigmask(SIG_BLOCK, usr1Set(), null) !== 0) {
    throw new Error("cannot block SIGUSR1 (pthread_sigmask failed)");
  }
  libc.symbols.execve(path, new Uint8Array(argv.buffer), new Uint8Array(envp.buffer));
  throw new Error("cannot re-execute to keep SIGUSR1 off the debugger (execve failed)");
}

/**
 * Resolves when a SIGUSR1 was taken (only after {@link guardSigusr1}
 * returned "guarded"); the wait runs on a worker thread. Call again for
 * the next one.
 */
export async function waitSigusr1(): Promise<void> {
  if (libc === undefined) return await new Promise(() => {});
  const set = usr1Set();
  for (;;) {
    const r = await libc.symbols.sigwaitinfo(set, null);
    if (r === SIGUSR1) return;
  }
}

/** Whether SIGUSR1 is taken by {@link waitSigusr1} (so no Deno listener is needed). */
export function sigusr1Guarded(): boolean {
  return libc !== undefined && Deno.build.os === "linux" && sigusr1Blocked();
}
