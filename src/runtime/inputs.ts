/**
 * The input side of the correlator: reads lines from regular files and
 * standard input (as byte strings, see src/lang/bytes.ts) and hands them out
 * in SEC's order.
 *
 * Behaviour of SEC 2.9.4 reproduced here (observed on the reference):
 * - inputs are opened and read in ascending byte order of their names (not
 *   in command-line order), and a name given twice is one input, whose
 *   context comes from the last --input naming it;
 * - each pass reads one line from every input in turn (round robin); a pass
 *   that finds no line anywhere ends in a wait, and the next starts over at
 *   the first input;
 * - lines end at "\n" only ("\r" is kept); empty lines are lines; an
 *   unfinished last line is delivered at EOF in --notail mode (and when a
 *   pipe closes), and waits for its end in --tail mode;
 * - with --notail, input ends when every input reached EOF (standard input:
 *   closed); with --tail it never ends;
 * - with --intcontexts, or when any --input names a context, each line
 *   carries an internal context: the one named, else `_FILE_EVENT_<name>`.
 *
 * Kinds of sources: regular files (input_file.ts: rotation, truncation),
 * standard input and pipes (input_stream.ts), named pipes (input_fifo.ts,
 * --rwfifo), and sockets declared as `tcp://`, `udp://`, `unix://`,
 * `unixgram://` inputs (input_socket.ts).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { fstatSync } from "node:fs";
import type { TextMode } from "../lang/bytes.ts";
import { type Logger, LogLevel } from "./logger.ts";
import { FileSource } from "./input_file.ts";
import { stdinReader, StreamSource } from "./input_stream.ts";
import { fifoSource, isFifo } from "./input_fifo.ts";
import { isSocketSpec, SocketSource } from "./input_socket.ts";
import type { InputSource, SourceEnv, SourceInfo } from "./input_source.ts";

/** One --input (after glob expansion); path "-" is standard input. */
export interface InputSpec {
  /** File name as given, or "-" for standard input. */
  path: string;
  /** Internal context name for its lines (--input=file=CONTEXT). */
  context?: string;
}

/** Input options, mostly from the command line. Times are in seconds. */
export interface InputOptions {
  /** --tail (default) or --notail. */
  tail: boolean;
  /** --fromstart: with --tail, read existing content first. */
  fromstart: boolean;
  /** "bytes" (latin1 byte strings) or "utf8". */
  textMode: TextMode;
  /** --intcontexts. */
  intcontexts: boolean;
  /** --blocksize: bytes per read (reads are never smaller than 16 KiB, see readSize). */
  blocksize: number;
  /** --reopen-timeout: retry interval for inputs that could not be opened, 0 = never. */
  reopenTimeout: number;
  /** --check-timeout: an input without new data is not polled again for this long. */
  checkTimeout: number;
  /** --poll-timeout: sleep after a poll found no new data. */
  pollTimeout: number;
  /** Where messages go. */
  logger: Logger;
  /** --rwfifo (default true): open named pipes read-write. */
  rwfifo?: boolean;
  /** Bytes per read, overriding the default max(blocksize, 16 KiB) (for tests). */
  readSize?: number;
  /** --input-timeout: seconds without new data after which `onInputTimeout` is called; 0 = off. */
  inputTimeout?: number;
  /**
   * Called with state 1 when an input has had no new data for `inputTimeout`
   * seconds (or has been closed that long), and with state 0 when data
   * arrives again afterwards; runs --timeout-script (the caller's business).
   */
  onInputTimeout?: (name: string, state: 0 | 1) => void;
  /** --rotation-grace: seconds a renamed-away file is read on until quiet (default 5, 0 = no). */
  rotationGrace?: number;
  /** --max-connections: open connections per stream socket input (default 256). */
  socketMaxConnections?: number;
  /** --idle-timeout: seconds before an idle socket connection is closed (default 600, 0 = never). */
  socketIdleTimeout?: number;
}

/** A line read from an input. */
export interface InputLine {
  /** The line without its "\n" (a byte string in "bytes" mode). */
  text: string;
  /** The input's name as given ("-" for standard input), for `$+{_inputsrc}`. */
  source: string;
  /** Internal context name to set while the line is processed, if contexts are on. */
  context: string | undefined;
}

/** Smallest read size used for regular files, whatever --blocksize says. */
export const MIN_READ_SIZE = 16 * 1024;

/** Compares names in byte (UTF-8) order, like Perl's `sort`. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** Whether input lines carry internal contexts: --intcontexts, or any --input with a context. */
export function contextsEnabled(specs: InputSpec[], intcontexts: boolean): boolean {
  return intcontexts || specs.some((s) => s.context !== undefined);
}

/** Reads all inputs and hands out their lines in SEC's round-robin order. */
export class InputManager {
  /** True when lines carry internal contexts (see {@link contextsEnabled}). */
  intcontexts: boolean;
  #specs: { path: string; context: string | undefined }[];
  #options: InputOptions;
  #env: SourceEnv;
  #sources: InputSource[] = [];
  #rr = 0;
  #pollMs: number;
  #nextPoll = 0;
  #waker: (() => void) | null = null;
  #started = false;
  #woken = false;

  /** Sets up the inputs of `specs`; nothing is opened before `start()`. */
  constructor(specs: InputSpec[], options: InputOptions) {
    this.#options = options;
    this.intcontexts = contextsEnabled(specs, options.intcontexts);
    const byName = new Map<string, string | undefined>();
    for (const s of specs) {
      byName.delete(s.path);
      byName.set(s.path, s.context);
    }
    this.#specs = [...byName.keys()].sort(compareNames).map((path) => {
      const given = byName.get(path);
      return {
        path,
        context: given ?? (this.intcontexts ? `_FILE_EVENT_${path}` : undefined),
      };
    });
    const readSize = Math.max(1, options.readSize ?? Math.max(options.blocksize, MIN_READ_SIZE));
    this.#pollMs = Math.max(1, options.pollTimeout * 1000);
    this.#env = {
      tail: options.tail,
      fromstart: options.fromstart,
      textMode: options.textMode,
      readSize,
      scratch: Buffer.allocUnsafe(readSize),
      dryMs: Math.max(this.#pollMs, options.checkTimeout * 1000),
      reopenMs: Math.max(0, options.reopenTimeout * 1000),
      logger: options.logger,
      socketMaxConnections: options.socketMaxConnections,
      socketIdleMs: (options.socketIdleTimeout ?? 600) * 1000,
      rotationGraceMs: (options.rotationGrace ?? 5) * 1000,
      notify: () => {
        const w = this.#waker;
        this.#waker = null;
        w?.();
      },
      fresh: (source) => {
        source.timedOut = false;
        options.onInputTimeout?.(source.name, 0);
      },
    };
  }

  /** Names of the inputs in reading order. */
  get names(): string[] {
    return this.#specs.map((s) => s.path);
  }

  /** Opens every input in reading order; failures are logged, not thrown. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    for (const spec of this.#specs) {
      this.#options.logger.log(LogLevel.notice, `Opening input file ${spec.path}`);
      const source = this.#makeSource(spec.path, spec.context);
      source.open();
      this.#sources.push(source);
    }
    // sockets that bind asynchronously (node:dgram) are bound before permissions are revoked
    for (const s of this.#sources) {
      if (s instanceof SocketSource) await s.bound;
    }
    this.#nextPoll = performance.now() + this.#pollMs;
  }

  /**
   * Switches to a new list of inputs (restarts; the --input patterns were
   * expanded again). Inputs no longer listed are closed. An input still
   * listed keeps its source (position, queued lines) when `keep` is true
   * ("Input file X already open"), and is closed and opened anew otherwise
   * (standard input and sockets are always kept); a changed context makes a
   * new source. New inputs are opened.
   */
  reconfigure(specs: InputSpec[], keep: boolean): void {
    const fresh = new InputManager(specs, this.#options);
    const old = new Map(this.#sources.map((s) => [s.name, s]));
    const sources: InputSource[] = [];
    for (const spec of fresh.#specs) {
      this.#options.logger.log(LogLevel.notice, `Opening input file ${spec.path}`);
      const prev = old.get(spec.path);
      // standard input and sockets cannot be reopened: they are always kept
      const keepThis = keep || spec.path === "-" || isSocketSpec(spec.path);
      if (prev !== undefined && keepThis && prev.context === spec.context) {
        this.#options.logger.log(LogLevel.notice, `Input file ${spec.path} already open`);
        old.delete(spec.path);
        sources.push(prev);
        continue;
      }
      if (prev !== undefined) {
        prev.close();
        old.delete(spec.path);
      }
      const source = this.#makeSource(spec.path, spec.context);
      // --fromstart is for the start only: a file (re)opened at a restart is read from its
      // end in --tail mode, as SEC does (one that does not exist yet is read whole once it does)
      if (this.#options.tail && source instanceof FileSource) source.openAt("end");
      else source.open();
      sources.push(source);
    }
    for (const s of old.values()) s.close();
    this.#specs = fresh.#specs;
    this.#sources = sources;
    this.#rr = 0;
    this.intcontexts = fresh.intcontexts;
    this.#started = true;
  }

  /**
   * Adds the regular file `path` at run time, read from byte `offset`
   * ("end": from its end), with internal context `context` (default: the
   * file's own when contexts are on). An input of that name already
   * present is left alone. The addinput action.
   */
  addFile(path: string, offset: number | "end", context?: string): void {
    if (this.#sources.some((s) => s.name === path)) {
      this.#options.logger.log(LogLevel.notice, `Input file ${path} already open`);
      return;
    }
    this.#options.logger.log(LogLevel.notice, `Opening input file ${path}`);
    const ctx = context ?? (this.intcontexts ? `_FILE_EVENT_${path}` : undefined);
    const source = new FileSource(path, ctx, this.#env);
    source.openAt(offset);
    this.#specs.push({ path, context: ctx });
    this.#sources.push(source);
  }

  /** Drops the input `path` and closes it; true when it was there. The dropinput action. */
  dropFile(path: string): boolean {
    const i = this.#sources.findIndex((s) => s.name === path);
    if (i < 0) return false;
    this.#options.logger.log(LogLevel.notice, `Closing input file ${path}`);
    this.#sources[i].close();
    this.#sources.splice(i, 1);
    this.#specs = this.#specs.filter((s) => s.path !== path);
    if (this.#rr >= this.#sources.length) this.#rr = 0;
    return true;
  }

  /** State of every input in reading order (for dumps and status). */
  info(): SourceInfo[] {
    return this.#sources.map((s) => s.info());
  }

  /** Ends a pending `waitForData` early (a signal or control command arrived). */
  wake(): void {
    this.#woken = true;
    this.#env.notify();
  }

  /** The next line in SEC's round-robin order, or null if no input has one ready now. */
  nextLine(): InputLine | null {
    const sources = this.#sources;
    const n = sources.length;
    let i = this.#rr;
    for (let k = 0; k < n; k++) {
      const source = sources[i];
      const text = source.next();
      if (++i === n) i = 0;
      if (text !== null) {
        this.#rr = i;
        return { text, source: source.name, context: source.context };
      }
    }
    this.#rr = 0;
    return null;
  }

  /**
   * Waits until data may be ready (resolves true), at most `timeoutMs`
   * (then true as well, unless input has ended). Resolves false when input
   * has ended: --notail and every input finished, nothing buffered.
   */
  async waitForData(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + Math.max(0, timeoutMs);
    for (;;) {
      let now = performance.now();
      if (this.#woken) {
        // a command waits: back to the main loop at once
        this.#woken = false;
        return true;
      }
      if (this.#anyReady(now)) return true;
      if (this.#ended()) return false;
      if (now >= deadline) return true;
      const wait = Math.min(deadline, this.#nextPoll) - now;
      if (wait > 0) await this.#sleep(wait);
      now = performance.now();
      if (now >= this.#nextPoll) {
        this.#nextPoll = now + this.#pollMs;
        const any = this.#pollAll(now);
        this.checkInputTimeouts(now);
        if (any) return true;
      }
    }
  }

  /**
   * Calls `onInputTimeout(name, 1)` for every input without new data for
   * --input-timeout seconds (once, until data comes again). Done on each poll
   * in `waitForData`; call it from the timer tick too, for when inputs are
   * busy and `waitForData` is not reached.
   */
  checkInputTimeouts(nowMs = performance.now()): void {
    const timeout = (this.#options.inputTimeout ?? 0) * 1000;
    if (timeout <= 0) return;
    for (const s of this.#sources) {
      if (!s.timedOut && nowMs - s.lastDataMs >= timeout) {
        s.timedOut = true;
        this.#options.onInputTimeout?.(s.name, 1);
      }
    }
  }

  /** True when input has ended (--notail: every input finished). */
  get ended(): boolean {
    return this.#ended();
  }

  /** Closes every input. */
  close(): Promise<void> {
    for (const s of this.#sources) s.close();
    const w = this.#waker;
    this.#waker = null;
    w?.();
    return Promise.resolve();
  }

  #makeSource(path: string, context: string | undefined): InputSource {
    if (isSocketSpec(path)) return new SocketSource(path, context, this.#env);
    if (path !== "-") {
      if (isFifo(path)) return fifoSource(path, context, this.#env, this.#options.rwfifo ?? true);
      return new FileSource(path, context, this.#env);
    }
    let isFile = false;
    try {
      isFile = fstatSync(0).isFile();
    } catch {
      // standard input is closed: reading it will fail and say so
    }
    if (isFile) return new FileSource(path, context, this.#env, 0);
    return new StreamSource(path, context, stdinReader(), this.#env);
  }

  #anyReady(now: number): boolean {
    for (const s of this.#sources) if (s.ready(now)) return true;
    return false;
  }

  #ended(): boolean {
    // with no input at all SEC keeps running (timers, Calendar rules) until stopped
    if (this.#options.tail || this.#sources.length === 0) return false;
    for (const s of this.#sources) if (!s.finished) return false;
    return true;
  }

  #pollAll(now: number): boolean {
    let any = false;
    for (const s of this.#sources) if (s.poll(now)) any = true;
    return any;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waker = null;
        resolve();
      }, ms);
      this.#waker = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
