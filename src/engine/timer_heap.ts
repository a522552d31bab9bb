/**
 * A min-heap of deadlines. Contexts and correlation operations register
 * when they may expire; each clock tick pops only what is due, so the cost
 * of expiry is proportional to what expires, not to what exists.
 *
 * Entries are lazy: an item whose deadline moved is re-checked when its
 * old entry comes up (`due` hands it back and the owner decides whether it
 * really expired and reschedules it otherwise). Each item keeps at most
 * one entry in the heap.
 *
 * @module
 */

/** Something with a deadline that lives in a TimerHeap. */
export interface Scheduled {
  /** Deadline of the heap entry currently held for this item, or -1 when none. */
  heapTime: number;
}

/** Min-heap of scheduled items ordered by deadline, then insertion order. */
export class TimerHeap<T extends Scheduled> {
  #times: number[] = [];
  #seqs: number[] = [];
  #items: T[] = [];
  #seq = 0;

  /** Number of entries in the heap. */
  get size(): number {
    return this.#items.length;
  }

  /**
   * Makes sure `item` will be handed back by `due` no later than `time`.
   * If it already has an entry that is due earlier, nothing changes.
   */
  schedule(item: T, time: number): void {
    if (item.heapTime >= 0 && item.heapTime <= time) return;
    item.heapTime = time;
    this.#push(item, time);
  }

  /** Earliest deadline in the heap, or Infinity. */
  peekTime(): number {
    return this.#items.length > 0 ? this.#times[0] : Infinity;
  }

  /**
   * Pops every entry whose deadline is <= `now`, in deadline order, and
   * returns the items (each item clears its heapTime). Stale entries (an
   * item rescheduled to an earlier time holds a newer entry) are skipped.
   */
  due(now: number): T[] {
    const out: T[] = [];
    while (this.#items.length > 0 && this.#times[0] <= now) {
      const time = this.#times[0];
      const item = this.#pop();
      if (item.heapTime !== time) continue;
      item.heapTime = -1;
      out.push(item);
    }
    return out;
  }

  #push(item: T, time: number): void {
    const times = this.#times, seqs = this.#seqs, items = this.#items;
    let i = items.length;
    const seq = this.#seq++;
    times.push(time);
    seqs.push(seq);
    items.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (times[p] < time || (times[p] === time && seqs[p] < seq)) break;
      times[i] = times[p];
      seqs[i] = seqs[p];
      items[i] = items[p];
      i = p;
    }
    times[i] = time;
    seqs[i] = seq;
    items[i] = item;
  }

  #pop(): T {
    const times = this.#times, seqs = this.#seqs, items = this.#items;
    const top = items[0];
    const lastT = times.pop()!, lastS = seqs.pop()!, lastI = items.pop()!;
    const n = items.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        if (r < n && (times[r] < times[l] || (times[r] === times[l] && seqs[r] < seqs[l]))) c = r;
        if (times[c] > lastT || (times[c] === lastT && seqs[c] > lastS)) break;
        times[i] = times[c];
        seqs[i] = seqs[c];
        items[i] = items[c];
        i = c;
      }
      times[i] = lastT;
      seqs[i] = lastS;
      items[i] = lastI;
    }
    return top;
  }
}
