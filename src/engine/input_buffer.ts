/**
 * Input buffers: the last N lines seen (INPUT PROCESSING AND TIMING).
 * Multi-line patterns match the last N lines joined with newlines. With
 * --jointbuf one buffer holds lines from every source; with --nojointbuf
 * each input and the synthetic events have a buffer of their own.
 * A new buffer holds N empty lines with an empty source name.
 *
 * @module
 */

import { perlSplitLines } from "./split_lines.ts";

/** A fixed-size ring of the most recent lines and their source names. */
export class InputBuffer {
  /** Capacity in lines. */
  readonly size: number;
  #lines: string[];
  #sources: string[];
  /** Index of the most recent line. */
  #head: number;

  /** True for the --jointbuf buffer shared by all sources. */
  readonly joint: boolean;

  /** Creates a buffer of `size` lines, all empty. */
  constructor(size: number, joint = false) {
    this.joint = joint;
    this.size = Math.max(1, size);
    this.#lines = new Array(this.size).fill("");
    this.#sources = new Array(this.size).fill("");
    this.#head = this.size - 1;
  }

  /** Appends a line, dropping the oldest one. */
  push(line: string, source: string): void {
    const h = this.#head + 1 === this.size ? 0 : this.#head + 1;
    this.#head = h;
    this.#lines[h] = line;
    this.#sources[h] = source;
  }

  /** The most recent line. */
  last(): string {
    return this.#lines[this.#head];
  }

  /** Index into the ring of the k-th line counted from the newest (k=1 is the newest). */
  #slot(k: number): number {
    let i = this.#head - (k - 1);
    if (i < 0) i += this.size;
    return i;
  }

  /** The last `n` lines, oldest first, joined with "\n". */
  joined(n: number): string {
    if (n === 1) return this.#lines[this.#head];
    let s = this.#lines[this.#slot(n)];
    for (let k = n - 1; k >= 1; k--) s += "\n" + this.#lines[this.#slot(k)];
    return s;
  }

  /** The last `n` lines, oldest first. */
  lines(n: number): string[] {
    const out: string[] = [];
    for (let k = n; k >= 1; k--) out.push(this.#lines[this.#slot(k)]);
    return out;
  }

  /** Source names of the last `n` lines, oldest first. */
  sources(n: number): string[] {
    const out: string[] = [];
    for (let k = n; k >= 1; k--) out.push(this.#sources[this.#slot(k)]);
    return out;
  }

  /** Source name of the most recent line. */
  lastSource(): string {
    return this.#sources[this.#head];
  }

  /**
   * Replaces the last `n` lines with `text` (the rewrite action), as SEC:
   * the text is split as Perl's `split(/\n/)` does; `n` 0 means its number
   * of lines, and `n` is at most the buffer size; a text of fewer lines is
   * padded with leading empty lines, of more lines only the leading `n` are
   * written.
   */
  rewrite(n: number, text: string): void {
    const parts = perlSplitLines(text);
    const count = Math.min(n === 0 ? parts.length : n, this.size);
    if (parts.length > count) parts.length = count;
    for (let k = 1; k <= count; k++) {
      const idx = parts.length - k;
      this.#lines[this.#slot(k)] = idx >= 0 ? parts[idx] : "";
    }
  }
}
