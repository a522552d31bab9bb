/**
 * Synthetic events waiting to be processed: those due now, first in first
 * out (`event 0 ...`, spawn output, internal events), and delayed ones
 * (`event N ...`, `tevent`) in a deadline heap, ties in the order they
 * were queued.
 *
 * @module
 */
import { type Scheduled, TimerHeap } from "./timer_heap.ts";

/** A synthetic event waiting to be processed. */
export interface PendingEvent {
  /** The event text. */
  readonly text: string;
  /** Its internal context, if any. */
  readonly context: string | undefined;
}

interface DelayedEvent extends Scheduled {
  readonly event: PendingEvent;
  /** Queue order, for ties. */
  readonly seq: number;
}

/** The synthetic events of an engine. */
export class SyntheticQueue {
  #due: PendingEvent[] = [];
  #head = 0;
  readonly #later = new TimerHeap<DelayedEvent>();
  #seq = 0;

  /** True when events are due now. */
  get pending(): boolean {
    return this.#head < this.#due.length;
  }

  /** Queues an event to be processed next (after those already queued). */
  push(event: PendingEvent): void {
    this.#due.push(event);
  }

  /** Queues an event for `time` (whole seconds). */
  pushLater(time: number, event: PendingEvent): void {
    this.#later.schedule({ heapTime: -1, heapIndex: -1, event, seq: this.#seq++ }, time);
  }

  /** The next event due now, or undefined (the queue is emptied then). */
  take(): PendingEvent | undefined {
    if (this.#head >= this.#due.length) {
      // emptied only when something was queued: setting an array's length is not free
      if (this.#head !== 0) this.clear();
      return undefined;
    }
    const e = this.#due[this.#head++];
    // a long run of events: drop the processed part now and then
    if (this.#head > 1024 && this.#head * 2 > this.#due.length) {
      this.#due = this.#due.slice(this.#head);
      this.#head = 0;
    }
    return e;
  }

  /** Drops the events due now (delayed ones stay). */
  clear(): void {
    this.#due.length = 0;
    this.#head = 0;
  }

  /** Moves the delayed events whose time is `now` or earlier to the events due now. */
  release(now: number): void {
    for (const d of this.#later.due(now)) this.#due.push(d.event);
  }

  /** The delayed events with their times, earliest first (ties in queue order): for dumps. */
  delayed(): { time: number; event: PendingEvent }[] {
    return this.#later.items()
      .sort((a, b) => a.heapTime - b.heapTime || a.seq - b.seq)
      .map((d) => ({ time: d.heapTime, event: d.event }));
  }

  /** Time of the earliest delayed event, or Infinity. */
  nextTime(): number {
    return this.#later.peekTime();
  }
}
