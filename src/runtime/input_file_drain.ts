/**
 * A renamed-away input file still being written to: after a rename
 * rotation, the writer often keeps appending to the old file for a moment
 * (a daemon reopens its log only on the HUP that logrotate sends after
 * renaming). The file source hands its old descriptor, read position and
 * unfinished line to a DrainingFile, which reads on until the file has been
 * quiet for the grace period (--rotation-grace), then delivers an
 * unfinished last line and closes the descriptor.
 *
 * @module
 */
import { closeSync, readSync } from "node:fs";
import type { LineAssembler } from "./input_lines.ts";
import { cutLine } from "./input_lines.ts";

/** The old file of a rename rotation, read until quiet (see the module doc). */
export class DrainingFile {
  #fd: number;
  #pos: number;
  #asm: LineAssembler;
  #graceMs: number;
  #dryMs: number;
  #lastDataMs: number;
  #dryUntil = 0;
  #block = "";
  #at = 0;
  /** Lines read from the old file after the rotation was noticed. */
  lines = 0;

  /** Takes over `fd` (read from `pos` on) and the assembler holding its unfinished line. */
  constructor(fd: number, pos: number, asm: LineAssembler, graceMs: number, dryMs: number) {
    this.#fd = fd;
    this.#pos = pos;
    this.#asm = asm;
    this.#graceMs = graceMs;
    this.#dryMs = dryMs;
    this.#lastDataMs = performance.now();
  }

  /** True once the file was quiet for the grace period and everything was handed out. */
  get finished(): boolean {
    return this.#fd < 0 && this.#at >= this.#block.length;
  }

  /** True when a line is buffered. */
  get buffered(): boolean {
    return this.#at < this.#block.length;
  }

  /** True when a line is buffered, reading once if the file is due (not dry). */
  ready(): boolean {
    if (this.#at < this.#block.length) return true;
    if (this.#fd < 0) return false;
    const now = performance.now();
    if (this.#dryUntil !== 0 && now < this.#dryUntil) return false;
    this.#read(now);
    return this.#at < this.#block.length;
  }

  /**
   * The next line: buffered, or read now (when not dry, or when `force`:
   * newer data was just read from the new file, so everything the old file
   * got before must come first).
   */
  next(force = false): string | null {
    for (;;) {
      if (this.#at < this.#block.length) {
        const i = this.#block.indexOf("\n", this.#at);
        const line = cutLine(this.#block, this.#at, i);
        this.#at = i + 1;
        this.lines++;
        return line;
      }
      if (this.#fd < 0) return null;
      const now = performance.now();
      if (!force && this.#dryUntil !== 0 && now < this.#dryUntil) return null;
      if (!this.#read(now)) return this.#at < this.#block.length ? this.next() : null;
    }
  }

  /** Reads once; true when lines were decoded. */
  #read(now: number): boolean {
    const asm = this.#asm;
    for (;;) {
      asm.prepare();
      let n: number;
      try {
        n = readSync(this.#fd, asm.readBuffer, asm.readOffset, asm.readLength, this.#pos);
      } catch {
        n = 0;
      }
      if (n === 0) {
        if (now - this.#lastDataMs >= this.#graceMs) this.#finish();
        else this.#dryUntil = now + this.#dryMs;
        return false;
      }
      this.#pos += n;
      this.#lastDataMs = now;
      this.#dryUntil = 0;
      const text = asm.commit(n);
      if (text !== null) {
        this.#append(text);
        return true;
      }
    }
  }

  /** Closes the file; an unfinished last line becomes a line of its own. */
  #finish(): void {
    try {
      closeSync(this.#fd);
    } catch {
      // already gone
    }
    this.#fd = -1;
    const last = this.#asm.flush();
    if (last !== null) this.#append(last);
  }

  /** Adds decoded lines after those still buffered. */
  #append(text: string): void {
    this.#block = this.#at < this.#block.length ? this.#block.slice(this.#at) + text : text;
    this.#at = 0;
  }

  /**
   * Reads all the file holds now, whatever is buffered: the new file just
   * brought data, so every line the old one got before must come first,
   * not only the next block of them.
   */
  catchUp(): void {
    if (this.#fd < 0) return;
    const now = performance.now();
    while (this.#read(now)) {
      // appended; read on to the current end
    }
  }

  /** Closes the file now (input closed, restart). */
  close(): void {
    if (this.#fd >= 0) {
      try {
        closeSync(this.#fd);
      } catch {
        // already gone
      }
    }
    this.#fd = -1;
    this.#block = "";
    this.#at = 0;
  }
}
