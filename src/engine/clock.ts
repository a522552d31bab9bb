/**
 * The one clock of the correlator. Every time-dependent decision (windows,
 * context lifetimes, Calendar rules, timers) reads time through a Clock, so
 * that tests can drive time-window logic on a virtual clock without sleeping.
 *
 * @module
 */

/** Source of the current time, in seconds since the Epoch (may be fractional). */
export interface Clock {
  /** Current time in seconds since the Epoch, possibly fractional. */
  now(): number;
}

/** The wall clock. */
export class SystemClock implements Clock {
  /** Current wall-clock time in seconds. */
  now(): number {
    return Date.now() / 1000;
  }
}

/**
 * A clock read from another one only on `refresh()`. Reading the wall
 * clock costs a call into the runtime (~0.1 µs, as much as matching a
 * short rule); the main loop refreshes this clock every few lines and
 * whenever it wakes up, so events of one burst share a reading that is at
 * most a few lines old (SEC's windows count whole seconds).
 */
export class CachedClock implements Clock {
  readonly #inner: Clock;
  #t: number;
  /** Caches `inner`, read now. */
  constructor(inner: Clock) {
    this.#inner = inner;
    this.#t = inner.now();
  }
  /** The time of the last refresh. */
  now(): number {
    return this.#t;
  }
  /** Reads the underlying clock. */
  refresh(): void {
    this.#t = this.#inner.now();
  }
}

/** A clock that only moves when told to, for tests. */
export class VirtualClock implements Clock {
  #t: number;
  /** Starts the clock at `start` seconds since the Epoch. */
  constructor(start = 1_700_000_000) {
    this.#t = start;
  }
  /** Current virtual time in seconds. */
  now(): number {
    return this.#t;
  }
  /** Moves the clock forward by `seconds`. */
  advance(seconds: number): void {
    this.#t += seconds;
  }
  /** Sets the clock to an absolute time in seconds. */
  set(t: number): void {
    this.#t = t;
  }
}
