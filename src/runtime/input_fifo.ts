/**
 * Named pipes (FIFOs) as inputs. They are read asynchronously through a
 * {@link StreamSource}, whose bounded queue holds writers back when the
 * correlator falls behind.
 *
 * --rwfifo (default): the pipe is opened read-write, so there is always a
 * writer and end of input never comes: writers may come and go, and a
 * writer's unfinished last line is joined with what the next writer sends
 * (as SEC 2.9.4 does). --norwfifo: the pipe is opened read-only (the open
 * waits, without blocking the correlator, for the first writer); when the
 * last writer closes it, an unfinished last line is delivered, "No writers
 * on input pipe X, closing the pipe" is logged and, in --tail mode, the pipe
 * is reopened ("Reopening input pipe X"); in --notail mode the input ends.
 * Either way the pipe is read without blocking and polled while empty, so
 * closing the input leaves unread bytes in the pipe.
 *
 * @module
 */
import { closeSync, constants, openSync, readSync } from "node:fs";
import { setImmediate } from "node:timers";
import { LogLevel } from "./logger.ts";
import { errorText, type SourceEnv } from "./input_source.ts";
import { type ByteReader, StreamSource } from "./input_stream.ts";

/** Pause after an empty read of a pipe; it doubles while the pipe stays empty. */
const MIN_POLL_MS = 1;
/**
 * Empty reads retried on the next turn of the event loop before pauses
 * begin: a writer refilling the 64 KiB pipe buffer is back within
 * microseconds, and a millisecond's sleep each time would cap a fast
 * writer at a buffer per millisecond.
 */
const QUICK_RETRIES = 64;

/**
 * A named pipe read without blocking, polled while it is empty (the pause
 * grows from 1 ms to the pause of a dry input file, --poll-timeout or
 * --check-timeout). Nothing is left waiting in the kernel, so close()
 * takes effect at once and bytes written after it stay in the pipe for
 * whoever opens it next (a read left pending in Deno would take them and
 * they would be lost).
 *
 * Read-write (--rwfifo) the pipe is opened at once. Read-only (--norwfifo)
 * an ordinary open first waits, without blocking the correlator, for a
 * writer; the pipe is then opened again without blocking and the waiting
 * descriptor closed; a read of 0 bytes means the last writer left.
 */
class FifoReader implements ByteReader {
  #fd = -1;
  #error: unknown = undefined;
  #opening: Promise<void> | null = null;
  #closed = false;
  #pauseMs = MIN_POLL_MS;
  #quick = QUICK_RETRIES;
  readonly #maxPauseMs: number;
  /** True when the open failed. */
  failed = false;

  constructor(path: string, readWrite: boolean, maxPauseMs: number) {
    this.#maxPauseMs = Math.max(MIN_POLL_MS, maxPauseMs);
    if (readWrite) this.#open(path, constants.O_RDWR);
    else {
      this.#opening = Deno.open(path, { read: true }).then((writerThere) => {
        if (!this.#closed) this.#open(path, constants.O_RDONLY);
        writerThere.close();
      }, (e) => {
        this.#error = e;
        this.failed = true;
      });
    }
  }

  #open(path: string, mode: number): void {
    try {
      this.#fd = openSync(path, mode | constants.O_NONBLOCK);
    } catch (e) {
      this.#error = e;
      this.failed = true;
    }
  }

  async read(p: Uint8Array): Promise<number | null> {
    if (this.#opening !== null) {
      await this.#opening;
      this.#opening = null;
    }
    if (this.#error !== undefined) throw this.#error;
    for (;;) {
      if (this.#closed) return null;
      try {
        const n = readSync(this.#fd, p, 0, p.length, null);
        this.#pauseMs = MIN_POLL_MS;
        this.#quick = QUICK_RETRIES;
        return n === 0 ? null : n;
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code !== "EAGAIN" && code !== "EWOULDBLOCK") throw e;
      }
      if (this.#quick > 0) {
        this.#quick--;
        await new Promise((r) => setImmediate(r));
        continue;
      }
      await new Promise((r) => setTimeout(r, this.#pauseMs));
      this.#pauseMs = Math.min(2 * this.#pauseMs, this.#maxPauseMs);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#fd < 0) return;
    try {
      closeSync(this.#fd);
    } catch {
      // already closed
    }
    this.#fd = -1;
  }
}

/** True when `path` names a FIFO. */
export function isFifo(path: string): boolean {
  try {
    return Deno.statSync(path).isFifo === true;
  } catch {
    return false;
  }
}

/**
 * A named pipe input: read-write with `rwfifo`, else read-only and reopened
 * at end of input in tail mode.
 */
export function fifoSource(
  path: string,
  context: string | undefined,
  env: SourceEnv,
  rwfifo: boolean,
): StreamSource {
  if (rwfifo) {
    const source = new StreamSource(path, context, new FifoReader(path, true, env.dryMs), env);
    source.type = "named pipe";
    return source;
  }
  let current = new FifoReader(path, false, env.dryMs);
  const reopen = env.tail
    ? async (): Promise<ByteReader | null> => {
      // a pipe that could not be opened is tried again after a pause
      if (current.failed) await new Promise((r) => setTimeout(r, Math.max(env.reopenMs, 1000)));
      try {
        return current = new FifoReader(path, false, env.dryMs);
      } catch (e) {
        env.logger.log(LogLevel.error, `Can't open input file ${path} (${errorText(e)})`);
        return null;
      }
    }
    : undefined;
  const source = new StreamSource(path, context, current, env, reopen);
  source.type = "named pipe";
  return source;
}
