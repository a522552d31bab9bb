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
 * line waits for its end. A file that could not be opened is retried every
 * --reopen-timeout seconds (tail mode only), and is then read from its
 * beginning.
 *
 * Rotation (tail mode, files opened by name): whenever a read finds no new
 * data, the name is looked up again; when it now names another file (device
 * or i-node changed: rename and create), the old file, read to its end, is
 * closed and the new one is read from its beginning. With --rotation-grace
 * (seconds, default 5), the old file is not closed then but read on, next
 * to the new one, until it has had no new data for that long (a writer that
 * reopens its log a moment after the rename keeps writing to the old file):
 * whenever the new file brings data, the old one is read to its end first,
 * so lines come in the order they were written; an unfinished last line of
 * the old file is finished there, not cut (input_file_drain.ts). A name that vanished
 * (file removed) keeps the old file open until the name comes back.
 * Truncation (copytruncate): a file smaller than the read position, or
 * whose last bytes before the read position changed (truncated and
 * rewritten past the old position between two reads; checked before every
 * read), is read again from its beginning. In both cases an unfinished last
 * line of the old content is delivered as a line of its own (SEC 2.9.4
 * would join it with the first line of the new content).
 *
 * Messages follow SEC 2.9.4: "Opening input file X" (notice, by the manager),
 * "Input file X does not exist!" (warning), "Input file X has not been
 * created yet" (debug, when reopening is on), "Input file X is of unsupported
 * type!" and "Can't open input file X (reason)" (errors), "Attempting to
 * (re)open X" (debug).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import { LogLevel } from "./logger.ts";
import { cutLine, LineAssembler } from "./input_lines.ts";
import { DrainingFile } from "./input_file_drain.ts";
import {
  errorCode,
  errorText,
  type InputSource,
  type SourceEnv,
  type SourceInfo,
} from "./input_source.ts";

/** Error codes that mean "there is no such file (yet)". */
const MISSING = new Set(["ENOENT", "ENOTDIR", "ELOOP"]);

/** Bytes before the read position remembered to detect a rewritten file. */
const ANCHOR = 64;

/** A regular file used as input (also standard input redirected from a file). */
export class FileSource implements InputSource {
  /** Name as given on the command line. */
  readonly name: string;
  /** Internal context of its lines, if any. */
  readonly context: string | undefined;
  /** performance.now() of the last read that brought data. */
  lastDataMs: number = performance.now();
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
  /** Device and i-node of the open file. */
  #dev = -1;
  #ino = -1;
  /** Size seen by the last fstat. */
  #size = 0;
  /** The last bytes before #pos (at most ANCHOR), to detect truncate-and-rewrite. */
  #anchor = Buffer.alloc(ANCHOR);
  #anchorLen = 0;
  #probe = Buffer.alloc(ANCHOR);
  /** Number of lines handed out. */
  lines = 0;
  /** Times the file was found rotated or truncated. */
  rotations = 0;
  /** Renamed-away files still read until quiet (--rotation-grace). */
  #olds: DrainingFile[] = [];

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

  /**
   * Opens the file at byte `offset` (clamped to its size), or at its end
   * for "end": the addinput action.
   */
  openAt(offset: number | "end"): void {
    if (!this.#tryOpen(offset === "end", true) || offset === "end") return;
    this.#pos = Math.min(Math.max(0, offset), this.#size);
    this.#anchorLen = 0;
    if (this.#pos > 0) this.#loadAnchor(this.#fd);
  }

  /** The next complete line, reading the next block synchronously if needed. */
  next(): string | null {
    for (;;) {
      // old lines already read (before this file's newer ones) come first
      if (this.#olds.length > 0 && this.#olds.some((o) => o.buffered)) return this.#nextOld(false);
      const block = this.#block;
      const at = this.#at;
      if (at < block.length) {
        const i = block.indexOf("\n", at);
        this.#at = i + 1;
        this.lines++;
        return cutLine(block, at, i);
      }
      // lines the renamed-away file got after this block was read come after it
      if (this.#olds.length > 0) {
        const line = this.#nextOld(false);
        if (line !== null) return line;
      }
      if (this.#fd < 0) return null;
      if (this.#dryUntil !== 0 && performance.now() < this.#dryUntil) return null;
      if (!this.#fill()) return null;
      this.#catchUpOlds();
    }
  }

  /** The new file brought data: what the old ones got before it is read now, to come first. */
  #catchUpOlds(): void {
    for (const o of this.#olds) o.catchUp();
  }

  /** The next line of the renamed-away files; drops those that are done. */
  #nextOld(force: boolean): string | null {
    for (let i = 0; i < this.#olds.length; i++) {
      const old = this.#olds[i];
      const line = old.next(force);
      if (line !== null) {
        this.lines++;
        return line;
      }
      if (old.finished) {
        this.#olds.splice(i--, 1);
        this.#env.logger.log(LogLevel.debug, `Closing rotated input file ${this.name}`);
      }
    }
    return null;
  }

  /** True when lines are buffered or the file may be read now. */
  ready(nowMs: number): boolean {
    if (this.#at < this.#block.length) return true;
    if (this.#olds.some((o) => o.buffered)) return true;
    return this.#fd >= 0 && (this.#dryUntil === 0 || nowMs >= this.#dryUntil);
  }

  /** Reopens a closed file when due; reads a dry file again when due. */
  poll(nowMs: number): boolean {
    if (this.#at < this.#block.length) return true;
    if (this.#olds.length > 0 && this.#olds.some((o) => o.ready())) return true;
    if (this.#fd < 0) {
      if (!this.#env.tail || nowMs < this.#reopenAt) return false;
      this.#env.logger.log(LogLevel.debug, `Attempting to (re)open ${this.name}`);
      if (!this.#tryOpen(false, false) || !this.#fill()) return false;
      this.#catchUpOlds();
      return true;
    }
    if (this.#dryUntil !== 0 && nowMs < this.#dryUntil) return false;
    this.#dryUntil = 0;
    if (!this.#fill()) return false;
    this.#catchUpOlds();
    return true;
  }

  /** Closes the file. */
  close(): void {
    for (const o of this.#olds) o.close();
    this.#olds = [];
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
      const st = fstatSync(fd);
      this.#dev = st.dev;
      this.#ino = st.ino;
      this.#size = st.size;
      this.#pos = atEnd ? st.size : 0;
      this.#anchorLen = 0;
      if (this.#pos > 0) this.#loadAnchor(fd);
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
    if (this.#env.tail && this.#rewritten()) {
      this.#startOver("truncated");
      if (this.#at < this.#block.length) return true;
    }
    for (;;) {
      // a rename rotation hands the assembler to the old file: take the current one
      const asm = this.#asm;
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
          const change = this.#changed();
          if (change !== null) {
            this.#startOver(change);
            if (this.#at < this.#block.length) return true;
            continue;
          }
          this.#dryUntil = performance.now() + this.#env.dryMs;
          return false;
        }
        this.#closeFd();
        this.#done = true;
        return this.#deliverFinal();
      }
      this.#pos += n;
      this.#keepAnchor(asm.readBuffer, asm.readOffset, n);
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

  /**
   * After a read found no data: "recreated" when the name now refers to
   * another file, "truncated" when the file became shorter than the read
   * position or was rewritten, null when nothing changed.
   */
  #changed(): "recreated" | "truncated" | null {
    if (this.#rewritten()) return "truncated";
    if (this.#givenFd >= 0) return null;
    let st;
    try {
      st = statSync(this.name);
    } catch {
      return null; // removed: keep the open file until the name comes back
    }
    if (st.ino !== this.#ino || st.dev !== this.#dev) return st.isFile() ? "recreated" : null;
    return null;
  }

  /** True when the open file is shorter than the read position or its bytes before it changed. */
  #rewritten(): boolean {
    if (this.#pos === 0) return false;
    let size: number;
    try {
      size = fstatSync(this.#fd).size;
    } catch {
      return false;
    }
    this.#size = size;
    if (size < this.#pos) return true;
    const len = this.#anchorLen;
    if (len === 0) return false;
    let n: number;
    try {
      n = readSync(this.#fd, this.#probe, 0, len, this.#pos - len);
    } catch {
      return false;
    }
    return n !== len || this.#probe.compare(this.#anchor, 0, len, 0, len) !== 0;
  }

  /** Reads the file again from its beginning (rotated or truncated); see the module doc. */
  #startOver(why: "recreated" | "truncated"): void {
    const log = this.#env.logger;
    log.log(LogLevel.notice, `Input file ${this.name} has been ${why}`);
    log.log(LogLevel.notice, `Reopening ${this.name} and processing from the start`);
    this.rotations++;
    const graceMs = this.#env.rotationGraceMs ?? 0;
    if (why === "recreated" && graceMs > 0 && this.#fd !== this.#givenFd) {
      // the old file is read on until quiet, with its unfinished line
      this.#olds.push(
        new DrainingFile(this.#fd, this.#pos, this.#asm, graceMs, this.#env.dryMs),
      );
      this.#fd = -1;
      this.#asm = new LineAssembler(this.#env.scratch, this.#env.textMode, this.#env.readSize);
      this.#tryOpen(false, false);
      this.#block = "";
      this.#at = 0;
      return;
    }
    const last = this.#asm.flush();
    if (why === "recreated") {
      this.#closeFd();
      if (!this.#tryOpen(false, false)) {
        this.#block = last ?? "";
        this.#at = 0;
        return;
      }
    } else {
      this.#pos = 0;
      this.#anchorLen = 0;
    }
    this.#block = last ?? "";
    this.#at = 0;
  }

  /** Remembers the last bytes before the new read position. */
  #keepAnchor(buf: Buffer, off: number, n: number): void {
    const a = this.#anchor;
    if (n >= ANCHOR) {
      buf.copy(a, 0, off + n - ANCHOR, off + n);
      this.#anchorLen = ANCHOR;
      return;
    }
    const keep = Math.min(this.#anchorLen, ANCHOR - n);
    if (keep > 0) a.copyWithin(0, this.#anchorLen - keep, this.#anchorLen);
    buf.copy(a, keep, off, off + n);
    this.#anchorLen = keep + n;
  }

  /** Loads the anchor from the file (opened at its end). */
  #loadAnchor(fd: number): void {
    const len = Math.min(ANCHOR, this.#pos);
    const n = readSync(fd, this.#anchor, 0, len, this.#pos - len);
    this.#anchorLen = n === len ? len : 0;
  }

  /** State for dumps: read position, size, device and i-node. */
  info(): SourceInfo {
    return {
      name: this.name,
      type: "regular file",
      status: this.#fd >= 0 ? "Open" : "Closed",
      context: this.context,
      lines: this.lines,
      offset: this.#pos,
      size: this.#size,
      dev: this.#dev,
      inode: this.#ino,
      rotations: this.rotations,
    };
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
