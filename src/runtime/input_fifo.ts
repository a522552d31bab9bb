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
 *
 * @module
 */
import { LogLevel } from "./logger.ts";
import { errorText, type SourceEnv } from "./input_source.ts";
import { type ByteReader, StreamSource } from "./input_stream.ts";

/** A named pipe opened asynchronously on first read. */
class FifoReader implements ByteReader {
  #file: Deno.FsFile | null = null;
  #opening: Promise<Deno.FsFile>;
  #closed = false;
  /** True when the open failed. */
  failed = false;

  constructor(path: string, readWrite: boolean) {
    this.#opening = Deno.open(path, { read: true, write: readWrite });
    this.#opening.then((f) => {
      if (this.#closed) f.close();
    }, () => this.failed = true);
  }

  async read(p: Uint8Array): Promise<number | null> {
    if (this.#file === null) {
      this.#file = await this.#opening;
      if (this.#closed) return null;
    }
    return await this.#file.read(p);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#file?.close();
    } catch {
      // already closed
    }
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
  let current = new FifoReader(path, rwfifo);
  const reopen = !rwfifo && env.tail
    ? async (): Promise<ByteReader | null> => {
      // a pipe that could not be opened is tried again after a pause
      if (current.failed) await new Promise((r) => setTimeout(r, Math.max(env.reopenMs, 1000)));
      try {
        return current = new FifoReader(path, false);
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
