/**
 * Output files of the write, writen, owritecl and closef actions, and
 * standard output ("-"). Files are opened on first use in append mode and
 * kept open (SEC keeps the handle); data is buffered and flushed whenever
 * the correlator goes idle, at 64 KiB, and on close, so a burst of writes
 * costs one system call. Named pipes are opened without blocking when no
 * reader is present (the write is dropped and logged, as SEC does).
 *
 * @module
 */
import type { OutputSink } from "../engine/ports.ts";
import * as fs from "node:fs";
import { encodeString, type TextMode } from "../lang/bytes.ts";
import type { Logger } from "./logger.ts";

const FLUSH_AT = 64 * 1024;

interface OpenFile {
  fd: number;
  /** Text written since the last flush (encoded once, at the flush). */
  pending: string;
}

/** Manages the files written by actions. */
export class OutputManager implements OutputSink {
  readonly #files = new Map<string, OpenFile>();
  readonly #mode: TextMode;
  readonly #logger: Logger;
  readonly #stdout: OpenFile;

  /** Creates the manager; text is encoded per `mode`. */
  constructor(mode: TextMode, logger: Logger) {
    this.#mode = mode;
    this.#logger = logger;
    this.#stdout = { fd: 1, pending: "" };
  }

  /** Appends `text` to the file `name` ("-" = standard output), keeping the file open. */
  write(name: string, text: string): void {
    const f = name === "-" ? this.#stdout : this.#open(name);
    if (f === undefined) return;
    f.pending += text;
    if (f.pending.length >= FLUSH_AT) this.#flushFile(name, f);
  }

  /** Opens, appends and closes: the owritecl action. */
  writeOnce(name: string, text: string): void {
    if (name === "-") return this.write(name, text);
    // what write/writen buffered for the same file goes first
    const open = this.#files.get(name);
    if (open !== undefined) this.#flushFile(name, open);
    let fd: number;
    try {
      fd = fs.openSync(
        name,
        fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT |
          fs.constants.O_NONBLOCK,
        0o644,
      );
    } catch (e) {
      this.#logger.log(2, `Can't open output file ${name}: ${(e as Error).message}`);
      return;
    }
    try {
      writeAll(fd, encodeString(text, this.#mode));
    } catch (e) {
      this.#logger.log(2, `Can't write to file ${name}: ${(e as Error).message}`);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Closes the file (closef); the next write reopens it. */
  close(name: string): void {
    const f = this.#files.get(name);
    if (f === undefined) return;
    this.#flushFile(name, f);
    try {
      fs.closeSync(f.fd);
    } catch {
      // already gone
    }
    this.#files.delete(name);
  }

  /** Closes every file (they reopen on the next write): SIGUSR2/SIGHUP. */
  closeAll(): void {
    for (const name of [...this.#files.keys()]) this.close(name);
    this.flush();
  }

  /** Writes all buffered data. */
  flush(): void {
    this.#flushFile("-", this.#stdout);
    for (const [name, f] of this.#files) this.#flushFile(name, f);
  }

  /** Names of the open files. */
  openFiles(): string[] {
    return [...this.#files.keys()];
  }

  /**
   * Set when writes are limited to some directories: maps a name to the
   * real path to open (no symlink left in it), undefined when outside the
   * grant. That path is opened with O_NOFOLLOW, so a symlink put there
   * after the check is not followed.
   */
  resolveTarget: ((name: string) => string | undefined) | undefined;

  #open(name: string): OpenFile | undefined {
    const existing = this.#files.get(name);
    if (existing !== undefined) return existing;
    try {
      let target = name;
      let noFollow = 0;
      if (this.resolveTarget !== undefined) {
        const t = this.resolveTarget(name);
        if (t === undefined) throw new Error("outside the directories --allow-write grants");
        target = t;
        noFollow = fs.constants.O_NOFOLLOW;
      }
      const fd = fs.openSync(
        target,
        fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT |
          fs.constants.O_NONBLOCK | noFollow,
        0o644,
      );
      const f = { fd, pending: "" };
      this.#files.set(name, f);
      return f;
    } catch (e) {
      this.#logger.log(2, `Can't open output file ${name}: ${(e as Error).message}`);
      return undefined;
    }
  }

  #flushFile(name: string, f: OpenFile): void {
    if (f.pending === "") return;
    const data = encodeString(f.pending, this.#mode);
    f.pending = "";
    try {
      writeAll(f.fd, data);
    } catch (e) {
      this.#logger.log(2, `Can't write to file ${name}: ${(e as Error).message}`);
    }
  }
}

function writeAll(fd: number, data: Uint8Array): void {
  let off = 0;
  let spins = 0;
  while (off < data.length) {
    try {
      off += fs.writeSync(fd, data, off, data.length - off);
      spins = 0;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === "EAGAIN" && spins++ < 1000) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
        continue;
      }
      throw e;
    }
  }
}
