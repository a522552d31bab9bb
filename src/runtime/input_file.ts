/**
 * Regular input files. They are read synchronously, a large block at a time,
 * whenever their decoded lines run out, so "no line from this file" always
 * means the file has no more complete lines right now: this keeps SEC's
 * round-robin order over inputs deterministic.
 *
 * --notail: the file is read from its beginning; at EOF an unfinished last
 * line is delivered too, and the source is finished.
 * --tail: the file is opened at its end (or its beginning with --fromstart)
 * and followed as it grows: after a read found no new data it is read again
 * once the poll (or --check-timeout) interval has passed; an unfinished last
 * line waits for its end. A file that shrank is read again from its start.
 * A file that could not be opened is retried every --reopen-timeout seconds
 * (tail mode only), and is then read from its beginning.
 *
 * Messages follow SEC 2.9.4: "Opening input file X" (notice, by the manager),
 * "Input file X does not exist!" (warning), "Input file X has not been
 * created yet" (debug, when reopening is on), "Input file X is of unsupported
 * type!" and "Can't open input file X (reason)" (errors), "Attempting to
 * (re)open X" (debug).
 *
 * @module
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import { LogLevel } from "./logger.ts";
import { LineAssembler } from "./input_lines.ts";
import { errorCode, errorText, type InputSource, type SourceEnv } from "./input_source.ts";

/** Error codes that mean "there is no such file (yet)". */
const MISSING = new Set(["ENOENT", "ENOTDIR", "ELOOP"]);

/** A regular file used as input (also standard input redirected from a file). */
export class FileSource implements InputSource {
  /** Name as given on the command line. */
  readonly name: string;
  /** Internal context of its lines, if any. */
  readonly context: string | undefined;
  /** performance.now() of the last read that brought data. */
  lastDataMs = performance.now();
  /** No data for --input-timeout seconds (managed by InputManager). */
  timedOut = false;
  #env: SourceEnv;
  /** Descriptor handed in (standard input), never closed here; -1 = open by name. */
  #givenFd: number;
  #fd = -1;
  #pos = 0;
  #block = "";
  #at = 0;
  #asm: LineAssembler;
  /** performance.now() before which a dry (tail, at EOF) file is not read again; 0 = not dry. */
  #dryUntil = 0;
  /** performance.now() of the next reopen attempt (closed file, tail mode). */
  #reopenAt = Infinity;
  /** No more reads will happen (--notail: EOF reached or the file could not be opened). */
  #done = false;

  /** Creates a source for `name`; `fd` is set for standard input that is a regular file. */
  constructor(name: string, context: string | undefined, env: SourceEnv, fd = -1) {
    this.name = name;
    this.context = context;
    this.#env = env;
    this.#givenFd = fd;
    this.#asm = new LineAssembler(env.scratch, env.textMode, env.readSize);
  }

  /** True when the file will deliver no more lines. */
  get finished(): boolean {
    return this.#done && this.#at >= this.#block.length;
  }

  /** Opens the file at startup: at its end in tail mode without --fromstart. */
  open(): void {
    this.#tryOpen(this.#env.tail && !this.#env.fromstart, true);
  }

  /** The next complete line, reading the next block synchronously if needed. */
  next(): string | null {
    for (;;) {
      const block = this.#block;
      const at = this.#at;
      if (at < block.length) {
        const i = block.indexOf("\n", at);
        this.#at = i + 1;
        return block.slice(at, i);
      }
      if (this.#fd < 0) return null;
      if (this.#dryUntil !== 0 && performance.now() < this.#dryUntil) return null;
      if (!this.#fill()) return null;
    }
  }

  /** True when lines are buffered or the file may be read now. */
  ready(nowMs: number): boolean {
    if (this.#at < this.#block.length) return true;
    return this.#fd >= 0 && (this.#dryUntil === 0 || nowMs >= this.#dryUntil);
  }

  /** Reopens a closed file when due; reads a dry file again when due. */
  poll(nowMs: number): boolean {
    if (this.#at < this.#block.length) return true;
    if (this.#fd < 0) {
      if (!this.#env.tail || nowMs < this.#reopenAt) return false;
      this.#env.logger.log(LogLevel.debug, `Attempting to (re)open ${this.name}`);
      if (!this.#tryOpen(false, false)) return false;
      return this.#fill();
    }
    if (this.#dryUntil !== 0 && nowMs < this.#dryUntil) return false;
    this.#dryUntil = 0;
    this.#checkShrunk();
    return this.#fill();
  }

  /** Closes the file. */
  close(): void {
    this.#closeFd();
    this.#block = "";
    this.#at = 0;
    this.#reopenAt = Infinity;
  }

  /** Opens the file; on failure logs, closes and schedules a retry. */
  #tryOpen(atEnd: boolean, first: boolean): boolean {
    const env = this.#env;
    const reopen = env.tail && env.reopenMs > 0;
    let fd = this.#givenFd;
    try {
      if (fd < 0) {
        let st;
        try {
          st = statSync(this.name);
        } catch (e) {
          if (!MISSING.has(errorCode(e))) throw e;
          if (reopen) {
            env.logger.log(LogLevel.debug, `Input file ${this.name} has not been created yet`);
          } else if (first) {
            env.logger.log(LogLevel.warning, `Input file ${this.name} does not exist!`);
          }
          return this.#failed();
        }
        if (!st.isFile()) {
          env.logger.log(LogLevel.error, `Input file ${this.name} is of unsupported type!`);
          return this.#failed();
        }
        fd = openSync(this.name, "r");
      }
      this.#pos = atEnd ? fstatSync(fd).size : 0;
    } catch (e) {
      if (fd >= 0 && fd !== this.#givenFd) closeSync(fd);
      env.logger.log(LogLevel.error, `Can't open input file ${this.name} (${errorText(e)})`);
      return this.#failed();
    }
    this.#fd = fd;
    this.#asm.reset();
    this.#dryUntil = 0;
    this.#reopenAt = Infinity;
    return true;
  }

  /** Marks the file closed; in tail mode with --reopen-timeout, schedules a retry. */
  #failed(): boolean {
    this.#fd = -1;
    const env = this.#env;
    if (!env.tail) this.#done = true;
    else if (env.reopenMs > 0) this.#reopenAt = performance.now() + env.reopenMs;
    else this.#reopenAt = Infinity;
    return false;
  }

  /** Reads until at least one complete line is decoded, EOF, or an error. */
  #fill(): boolean {
    const asm = this.#asm;
    for (;;) {
      asm.prepare();
      let n: number;
      try {
        n = readSync(this.#fd, asm.readBuffer, asm.readOffset, asm.readLength, this.#pos);
      } catch (e) {
        this.#env.logger.log(
          LogLevel.error,
          `Error reading input file ${this.name} (${errorText(e)}), closing the file`,
        );
        this.#closeFd();
        this.#failed();
        return this.#deliverFinal();
      }
      if (n === 0) {
        if (this.#env.tail) {
          this.#dryUntil = performance.now() + this.#env.dryMs;
          return false;
        }
        this.#closeFd();
        this.#done = true;
        return this.#deliverFinal();
      }
      this.#pos += n;
      this.lastDataMs = performance.now();
      if (this.timedOut) this.#env.fresh(this);
      const text = asm.commit(n);
      if (text !== null) {
        this.#block = text;
        this.#at = 0;
        return true;
      }
    }
  }

  /** Hands out an unfinished last line (end of file in --notail mode, read error). */
  #deliverFinal(): boolean {
    const text = this.#asm.flush();
    if (text === null) {
      this.#block = "";
      this.#at = 0;
      return false;
    }
    this.#block = text;
    this.#at = 0;
    return true;
  }

  /** A followed file that became shorter than what was read is read again from its start. */
  #checkShrunk(): void {
    let size: number;
    try {
      size = fstatSync(this.#fd).size;
    } catch {
      return;
    }
    if (size < this.#pos) {
      this.#env.logger.log(
        LogLevel.notice,
        `Input file ${this.name} has been truncated, reading it from the beginning`,
      );
      this.#pos = 0;
      this.#asm.reset();
    }
  }

  #closeFd(): void {
    if (this.#fd >= 0 && this.#fd !== this.#givenFd) {
      try {
        closeSync(this.#fd);
      } catch {
        // already gone
      }
    }
    this.#fd = -1;
  }
}
