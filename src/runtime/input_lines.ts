/**
 * Turning blocks of input bytes into lines. A {@link LineAssembler} takes the
 * bytes of successive reads and hands back, per read, one string holding all
 * the lines completed by it (each ending in "\n"), decoded at once; the bytes
 * of an unfinished last line are kept until a later read completes it. The
 * caller then cuts single lines out of that string with `indexOf("\n")` and
 * {@link cutLine}, which keeps the per-line cost to one search and one copy.
 *
 * Only "\n" ends a line; "\r" and every other byte stay in the line (as
 * SEC 2.9.4 does). Decoding happens at "\n" boundaries, so a UTF-8 sequence is
 * never split (a 0x0A byte is never part of a multi-byte sequence).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { TextMode } from "../lang/bytes.ts";

/** Node's name of the decoding for a text mode. */
export function encodingOf(mode: TextMode): "latin1" | "utf8" {
  return mode === "utf8" ? "utf8" : "latin1";
}

/**
 * Collects read blocks and decodes complete lines. Usage per read:
 * `prepare()`, read at most `readLength` bytes into `readBuffer` at
 * `readOffset`, then `commit(n)`.
 */
export class LineAssembler {
  /** Buffer the next read goes into (valid after `prepare()`). */
  readBuffer: Buffer;
  /** Offset in `readBuffer` where the next read goes. */
  readOffset = 0;
  /** Maximum number of bytes the next read may bring. */
  readLength = 0;
  #scratch: Buffer;
  #readSize: number;
  #pend: Buffer | null = null;
  #plen = 0;
  #enc: "latin1" | "utf8";

  /**
   * Creates an assembler that reads `readSize` bytes at a time, through
   * `scratch` when no partial line is pending (a scratch buffer may be shared
   * by assemblers that are used synchronously, one at a time).
   */
  constructor(scratch: Buffer, mode: TextMode, readSize = scratch.length) {
    this.#scratch = scratch;
    this.#readSize = Math.min(readSize, scratch.length);
    this.#enc = encodingOf(mode);
    this.readBuffer = scratch;
  }

  /** Number of bytes of an unfinished line kept so far. */
  get pending(): number {
    return this.#plen;
  }

  /** Chooses where the next read goes: the scratch buffer, or after the pending bytes. */
  prepare(): void {
    if (this.#plen === 0) {
      this.readBuffer = this.#scratch;
      this.readOffset = 0;
      this.readLength = this.#readSize;
      return;
    }
    this.#reserve(this.#plen + this.#readSize);
    const pend = this.#pend!;
    this.readBuffer = pend;
    this.readOffset = this.#plen;
    this.readLength = pend.length - this.#plen;
  }

  /**
   * Accepts `n` bytes just read into the prepared place. Returns the decoded
   * lines completed by them (one string, every line ending in "\n"), or null
   * when they completed none.
   */
  commit(n: number): string | null {
    if (n <= 0) return null;
    const buf = this.readBuffer;
    const start = this.readOffset;
    const end = start + n;
    const last = buf.lastIndexOf(10, end - 1);
    if (last < start) {
      // no newline in the new bytes: all of it is (more of) an unfinished line
      if (buf === this.#pend) this.#plen = end;
      else this.#keep(buf, start, end);
      return null;
    }
    const text = buf.toString(this.#enc, 0, last + 1);
    if (buf === this.#pend) {
      const rest = end - (last + 1);
      if (rest > 0) buf.copyWithin(0, last + 1, end);
      this.#plen = rest;
      if (rest === 0 && buf.length > 4 * this.#readSize) this.#pend = null; // drop a grown buffer
    } else if (last + 1 < end) {
      this.#keep(buf, last + 1, end);
    }
    return text;
  }

  /** Returns the unfinished line (plus "\n") and forgets it, or null if there is none. */
  flush(): string | null {
    if (this.#plen === 0) return null;
    const text = this.#pend!.toString(this.#enc, 0, this.#plen) + "\n";
    this.#plen = 0;
    return text;
  }

  /** Forgets any unfinished line (for a source that starts over). */
  reset(): void {
    this.#plen = 0;
  }

  #keep(src: Buffer, from: number, to: number): void {
    this.#plen = 0;
    this.#reserve(to - from + this.#readSize);
    src.copy(this.#pend!, 0, from, to);
    this.#plen = to - from;
  }

  #reserve(size: number): void {
    const pend = this.#pend;
    if (pend !== null && pend.length >= size) return;
    const grown = Buffer.allocUnsafe(Math.max(size, pend === null ? 0 : 2 * pend.length));
    if (pend !== null && this.#plen > 0) pend.copy(grown, 0, 0, this.#plen);
    this.#pend = grown;
  }
}

/**
 * Line `from`..`to` of a decoded block, as a string of its own. A plain
 * slice of a long string keeps the whole block alive for as long as the
 * line or any part of it is (V8 slices point into their parent), and match
 * values live on in operations, contexts and variables for hours: one
 * kept value would pin a whole read block (16 KiB or more). The copy costs one short memcpy.
 */
export function cutLine(block: string, from: number, to: number): string {
  // concatenating and slicing again makes V8 flatten into a new string of the line's size
  return to - from < 13 ? block.slice(from, to) : (" " + block.slice(from, to)).slice(1);
}
