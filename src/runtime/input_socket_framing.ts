/**
 * Syslog over a stream socket with either framing of RFC 6587, told apart
 * per message as rsyslog's imtcp does: **octet counting** (`MSG-LEN SP
 * SYSLOG-MSG`, what syslog-ng's `syslog()` driver and rsyslog's
 * `TCP_Framing="octet-counted"` send) or **non-transparent framing** (a
 * message ends at "\n", what `network()` and rsyslog's default send).
 *
 * A message starting with a decimal length (no leading zero, at most 9
 * digits), one space and `<` (the PRI every syslog message starts with) is
 * read as octet-counted: exactly that many bytes, which may hold "\n"
 * (each part is a line of its own, the first keeps the header). Anything
 * else is a line up to "\n", so plain lines (`404 Not Found`, a timestamp)
 * are never mistaken for a length. One "\n" right after a counted message
 * is dropped (some senders add one). Lines of either kind longer than the
 * limit are cut as {@link LineSplitter} cuts them.
 *
 * Used for stream connections of `?syslog` socket inputs only.
 *
 * @module
 */
import { LineSplitter } from "./input_socket_util.ts";

/** What the next bytes are: the start of a message (collecting a possible `LEN SP`). */
const START = 0;
/** What the next bytes are: a message ending at "\n". */
const NEWLINE = 1;
/** What the next bytes are: an octet-counted message, `#remaining` bytes to come. */
const COUNTED = 2;

const SPACE = 0x20;
const LT = 0x3c;
const NL = 0x0a;
/** Longest length prefix read (999,999,999 bytes; longer messages are cut anyway). */
const MAX_DIGITS = 9;

/** Splits a syslog stream into lines, octet-counted or newline-framed (see the module doc). */
export class SyslogFrameSplitter {
  readonly #lines: LineSplitter;
  #state: number = START;
  /** Bytes of a possible length prefix seen at a message start (digits, then one space). */
  readonly #head = new Uint8Array(MAX_DIGITS + 1);
  #hlen = 0;
  /** The length those digits give. */
  #len = 0;
  #remaining = 0;
  /** A counted message just ended: a "\n" next is the sender's, not an empty line. */
  #afterCounted = false;
  /** Messages read as octet-counted so far. */
  counted = 0;

  /** Creates a splitter; lines over `max` bytes are cut. */
  constructor(max: number, enc: "latin1" | "utf8") {
    this.#lines = new LineSplitter(max, enc);
  }

  /** Lines cut at the length limit so far. */
  get cut(): number {
    return this.#lines.cut;
  }

  /** Feeds bytes; calls `emit` with each completed (possibly cut) line. */
  push(data: Uint8Array, emit: (line: string) => void): void {
    const n = data.length;
    let i = 0;
    while (i < n) {
      if (this.#state === NEWLINE) {
        const nl = data.indexOf(NL, i);
        const end = nl < 0 ? n : nl + 1;
        this.#lines.push(data.subarray(i, end), emit);
        i = end;
        if (nl >= 0) this.#state = START;
      } else if (this.#state === COUNTED) {
        const take = Math.min(this.#remaining, n - i);
        this.#lines.push(data.subarray(i, i + take), emit);
        i += take;
        this.#remaining -= take;
        if (this.#remaining === 0) this.#endCounted(emit);
      } else {
        i = this.#start(data, i, emit);
      }
    }
  }

  /** Delivers an unfinished last message (connection closed). */
  flush(emit: (line: string) => void): void {
    if (this.#state === START && this.#hlen > 0) this.#asNewline(emit);
    this.#lines.flush(emit);
    this.#state = START;
    this.#hlen = 0;
    this.#afterCounted = false;
  }

  /** Reads the start of a message at `i`: returns where to go on. */
  #start(data: Uint8Array, i: number, emit: (line: string) => void): number {
    const b = data[i];
    if (this.#afterCounted) {
      this.#afterCounted = false;
      if (b === NL && this.#hlen === 0) return i + 1;
    }
    const h = this.#hlen;
    const spaced = h > 0 && this.#head[h - 1] === SPACE;
    if (spaced) {
      if (b === LT) {
        this.#remaining = this.#len;
        this.#hlen = 0;
        this.#state = COUNTED;
        this.counted++;
        return i; // the message itself starts with this "<"
      }
    } else if (b >= 0x30 && b <= 0x39 && h < MAX_DIGITS && !(h === 0 && b === 0x30)) {
      this.#len = h === 0 ? b - 0x30 : this.#len * 10 + b - 0x30;
      this.#head[this.#hlen++] = b;
      return i + 1;
    } else if (b === SPACE && h > 0) {
      this.#head[this.#hlen++] = b;
      return i + 1;
    }
    this.#asNewline(emit);
    return i;
  }

  /** The bytes taken as a possible length start a newline-framed line after all. */
  #asNewline(emit: (line: string) => void): void {
    this.#state = NEWLINE;
    if (this.#hlen > 0) this.#lines.push(this.#head.subarray(0, this.#hlen), emit);
    this.#hlen = 0;
  }

  #endCounted(emit: (line: string) => void): void {
    this.#lines.flush(emit);
    this.#state = START;
    this.#afterCounted = true;
  }
}
