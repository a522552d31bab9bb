/**
 * Inputs that can only be read asynchronously: standard input when it is a
 * pipe or a terminal (later also named pipes and sockets). A pump reads
 * blocks in the background and queues their decoded lines; `next()` hands
 * the queued lines out synchronously. The queue is bounded: when it holds
 * more than {@link MAX_QUEUED} characters the pump stops reading until the
 * correlator has caught up, so a fast writer is held back by the pipe.
 *
 * At end of input an unfinished last line is delivered too, and SEC's debug
 * message "No writers on input pipe X, closing the pipe" is logged. A source
 * given a `reopen` function (a named pipe opened read-only, --norwfifo) then
 * logs "Reopening input pipe X" and goes on with the reader it returns.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { LogLevel } from "./logger.ts";
import { cutLine, LineAssembler } from "./input_lines.ts";
import { errorText, type InputSource, type SourceEnv, type SourceInfo } from "./input_source.ts";

/** Characters of decoded lines a stream source queues at most before it stops reading. */
export const MAX_QUEUED = 1 << 20;

/** Bytes read at once from a stream. */
const STREAM_READ_SIZE = 1 << 16;

/** Something bytes can be read from asynchronously, like `Deno.stdin`. */
export interface ByteReader {
  /** Reads into `p`; resolves to the number of bytes read, or null at end of input. */
  read(p: Uint8Array): Promise<number | null>;
  /** Stops reading and releases the reader. */
  close(): void;
}

/** The process's standard input as a ByteReader. */
export function stdinReader(): ByteReader {
  return {
    read: (p) => Deno.stdin.read(p),
    close: () => {
      try {
        Deno.stdin.close();
      } catch {
        // already closed
      }
    },
  };
}

/** An asynchronously read input (pipe, terminal) with a bounded queue of lines. */
export class StreamSource implements InputSource {
  /** Name as given on the command line. */
  readonly name: string;
  /** Internal context of its lines, if any. */
  readonly context: string | undefined;
  /** performance.now() of the last read that brought data. */
  lastDataMs: number = performance.now();
  /** No data for --input-timeout seconds (managed by InputManager). */
  timedOut = false;
  #env: SourceEnv;
  #reader: ByteReader;
  #queue: string[] = [];
  #head = 0;
  #queued = 0;
  #block = "";
  #at = 0;
  #eof = false;
  #closed = false;
  #resume: (() => void) | null = null;
  #opened = false;
  #reopen: (() => Promise<ByteReader | null>) | undefined;
  /** Number of lines handed out. */
  lines = 0;
  /** Kind of input, for dumps ("pipe", "named pipe", ...). */
  type = "pipe";
  /** Bytes read so far. */
  bytes = 0;

  /**
   * Creates a source named `name` reading from `reader`; at end of input,
   * `reopen` (if given) supplies the next reader (null: end for good).
   */
  constructor(
    name: string,
    context: string | undefined,
    reader: ByteReader,
    env: SourceEnv,
    reopen?: () => Promise<ByteReader | null>,
  ) {
    this.name = name;
    this.context = context;
    this.#reader = reader;
    this.#env = env;
    this.#reopen = reopen;
  }

  /** State for dumps. */
  info(): SourceInfo {
    return {
      name: this.name,
      type: this.type,
      status: !this.#eof && !this.#closed ? "Open" : "Closed",
      context: this.context,
      lines: this.lines,
      bytes: this.bytes,
    };
  }

  /** True when the input has ended and every line was handed out. */
  get finished(): boolean {
    return this.#eof && this.#head === this.#queue.length && this.#at >= this.#block.length;
  }

  /** Starts the background pump. */
  open(): void {
    if (this.#opened) return;
    this.#opened = true;
    this.#pump().catch((e) => {
      this.#env.logger.log(LogLevel.error, `Error reading input ${this.name} (${errorText(e)})`);
    });
  }

  /** The next queued line, or null if none has arrived yet. */
  next(): string | null {
    for (;;) {
      const block = this.#block;
      const at = this.#at;
      if (at < block.length) {
        const i = block.indexOf("\n", at);
        this.#at = i + 1;
        this.lines++;
        return cutLine(block, at, i);
      }
      if (this.#head === this.#queue.length) {
        this.#block = "";
        this.#at = 0;
        return null;
      }
      this.#takeBlock();
    }
  }

  /** True when a line is queued. */
  ready(_nowMs: number): boolean {
    return this.#at < this.#block.length || this.#head < this.#queue.length;
  }

  /** Nothing to do periodically; tells whether a line is queued. */
  poll(nowMs: number): boolean {
    return this.ready(nowMs);
  }

  /** Stops the pump and releases the reader. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#wakePump();
    this.#reader.close();
  }

  #takeBlock(): void {
    const block = this.#queue[this.#head];
    this.#queue[this.#head++] = "";
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    } else if (this.#head >= 1024) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
    this.#queued -= block.length;
    this.#block = block;
    this.#at = 0;
    if (this.#queued < MAX_QUEUED) this.#wakePump();
  }

  #wakePump(): void {
    const resume = this.#resume;
    this.#resume = null;
    resume?.();
  }

  #push(text: string): void {
    this.#queue.push(text);
    this.#queued += text.length;
    this.#env.notify();
  }

  async #pump(): Promise<void> {
    const asm = new LineAssembler(
      Buffer.allocUnsafe(STREAM_READ_SIZE),
      this.#env.textMode,
      STREAM_READ_SIZE,
    );
    for (;;) {
      try {
        while (!this.#closed) {
          if (this.#queued >= MAX_QUEUED) {
            await new Promise<void>((resolve) => this.#resume = resolve);
            continue;
          }
          asm.prepare();
          const view = asm.readBuffer.subarray(asm.readOffset, asm.readOffset + asm.readLength);
          const n = await this.#reader.read(view);
          if (n === null || this.#closed) break;
          if (n > 0) {
            this.bytes += n;
            this.lastDataMs = performance.now();
            if (this.timedOut) this.#env.fresh(this);
          }
          const text = asm.commit(n);
          if (text !== null) this.#push(text);
        }
      } catch (e) {
        if (!this.#closed) {
          this.#env.logger.log(
            LogLevel.error,
            `Error reading input ${this.name} (${errorText(e)}), closing it`,
          );
        }
      }
      if (this.#closed) break;
      const last = asm.flush();
      if (last !== null) this.#push(last);
      this.#env.logger.log(
        LogLevel.debug,
        `No writers on input pipe ${this.name}, closing the pipe`,
      );
      if (this.#reopen === undefined) break;
      try {
        this.#reader.close();
      } catch {
        // already closed
      }
      this.#env.logger.log(LogLevel.debug, `Reopening input pipe ${this.name}`);
      const next = await this.#reopen();
      if (next === null || this.#closed) {
        next?.close();
        break;
      }
      this.#reader = next;
    }
    this.#eof = true;
    this.#env.notify();
  }
}
