/**
 * The bounded line queue of a socket input (input_socket.ts): all
 * connections of one input push their lines into it and the main loop
 * takes them out in order. It counts the bytes it holds; when they reach
 * the limit the queue is full, readers of stream connections wait for
 * room ({@link LineQueue.room}) and are woken once it has drained below
 * half the limit.
 *
 * @module
 */

/** A FIFO of lines with a byte limit (see the module doc). */
export class LineQueue {
  /** Lines pushed so far (to tell whether a push happened). */
  pushed = 0;
  readonly #maxBytes: number;
  #lines: string[] = [];
  #head = 0;
  #bytes = 0;
  #waiters: (() => void)[] = [];

  /** A queue that is full at `maxBytes` bytes of lines (each counted with its newline). */
  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Appends a line (also when full: the limit holds back readers, it drops nothing). */
  push(line: string): void {
    this.#lines.push(line);
    this.#bytes += line.length + 1;
    this.pushed++;
  }

  /** The first line, removed, or null when empty; wakes waiting readers below half the limit. */
  next(): string | null {
    if (this.#head >= this.#lines.length) return null;
    const line = this.#lines[this.#head];
    this.#lines[this.#head++] = "";
    if (this.#head === this.#lines.length) {
      this.#lines.length = 0;
      this.#head = 0;
    } else if (this.#head >= 4096) {
      this.#lines.splice(0, this.#head);
      this.#head = 0;
    }
    this.#bytes -= line.length + 1;
    if (this.#waiters.length > 0 && this.#bytes < this.#maxBytes / 2) this.wake();
    return line;
  }

  /** Lines queued. */
  get length(): number {
    return this.#lines.length - this.#head;
  }

  /** True when the queue holds its limit of bytes or more. */
  full(): boolean {
    return this.#bytes >= this.#maxBytes;
  }

  /** Resolves when the queue has drained below half its limit (or {@link wake} is called). */
  room(): Promise<void> {
    return new Promise<void>((r) => this.#waiters.push(r));
  }

  /** Wakes every reader waiting for room (at close). */
  wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }
}
