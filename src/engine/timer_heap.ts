/**
 * A min-heap of deadlines. Contexts and correlation operations register
 * when they may expire; each clock tick pops only what is due, so the cost
 * of expiry is proportional to what expires, not to what exists.
 *
 * Each item holds at most one entry, and knows where it is in the heap,
 * so an item that ends early (a deleted context, a finished operation) is
 * taken out at once instead of being kept alive until its deadline. An
 * item whose deadline moved later keeps its earlier entry: `due` hands it
 * back then and the owner decides whether it really expired (and
 * reschedules it otherwise); one moved earlier gets its entry moved.
 *
 * @module
 */

/** Something with a deadline that lives in a TimerHeap. */
export interface Scheduled {
  /** Deadline of the heap entry currently held for this item, or -1 when none. */
  heapTime: number;
  /** Position of that entry in the heap (the heap's bookkeeping), or -1 when none. */
  heapIndex: number;
}

/** Min-heap of scheduled items ordered by deadline, then scheduling order. */
export class TimerHeap<T extends Scheduled> {
  #times: number[] = [];
  #seqs: number[] = [];
  #items: T[] = [];
  #seq = 0;

  /** Number of entries in the heap. */
  get size(): number {
    return this.#items.length;
  }

  /** The scheduled items, in no particular order (a copy). */
  items(): T[] {
    return this.#items.slice();
  }

  /**
   * Makes sure `item` will be handed back by `due` no later than `time`.
   * If it already has an entry that is due no later, nothing changes.
   */
  schedule(item: T, time: number): void {
    const at = item.heapIndex;
    if (at >= 0) {
      if (item.heapTime <= time) return;
      // moved earlier: the entry moves up, ordered as a newly scheduled one
      item.heapTime = time;
      this.#times[at] = time;
      this.#seqs[at] = this.#seq++;
      this.#up(at);
      return;
    }
    item.heapTime = time;
    const i = this.#items.length;
    this.#times.push(time);
    this.#seqs.push(this.#seq++);
    this.#items.push(item);
    item.heapIndex = i;
    this.#up(i);
  }

  /** Takes `item`'s entry out of the heap, if it has one. */
  remove(item: T): void {
    const at = item.heapIndex;
    if (at < 0) return;
    this.#take(at);
  }

  /** Earliest deadline in the heap, or Infinity. */
  peekTime(): number {
    return this.#items.length > 0 ? this.#times[0] : Infinity;
  }

  /**
   * Pops every entry whose deadline is <= `now`, in deadline order, and
   * returns the items (each then has no entry).
   */
  due(now: number): T[] {
    const out: T[] = [];
    while (this.#items.length > 0 && this.#times[0] <= now) out.push(this.#take(0));
    return out;
  }

  /** Removes the entry at `at` and returns its item. */
  #take(at: number): T {
    const times = this.#times, seqs = this.#seqs, items = this.#items;
    const item = items[at];
    item.heapIndex = -1;
    item.heapTime = -1;
    const lastT = times.pop()!, lastS = seqs.pop()!, lastI = items.pop()!;
    if (at < items.length) {
      times[at] = lastT;
      seqs[at] = lastS;
      items[at] = lastI;
      lastI.heapIndex = at;
      this.#down(at);
      this.#up(lastI.heapIndex);
    }
    return item;
  }

  #before(a: number, b: number): boolean {
    const times = this.#times;
    return times[a] < times[b] || (times[a] === times[b] && this.#seqs[a] < this.#seqs[b]);
  }

  #swap(a: number, b: number): void {
    const times = this.#times, seqs = this.#seqs, items = this.#items;
    const t = times[a], s = seqs[a], x = items[a];
    times[a] = times[b];
    seqs[a] = seqs[b];
    items[a] = items[b];
    items[a].heapIndex = a;
    times[b] = t;
    seqs[b] = s;
    items[b] = x;
    x.heapIndex = b;
  }

  #up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#before(i, p)) break;
      this.#swap(i, p);
      i = p;
    }
  }

  #down(i: number): void {
    const n = this.#items.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.#before(r, l) ? r : l;
      if (!this.#before(c, i)) break;
      this.#swap(i, c);
      i = c;
    }
  }
}
