/**
 * --event-time: the clock is driven by the timestamps in the input lines
 * instead of the wall clock, so that old logs replay with their windows
 * as they happened.
 *
 * Before a line is matched the clock moves to its timestamp, and every
 * timer due on the way runs at its own second, in time order, as it would
 * have live: the engine says when it next has work (Engine.nextTimerTime:
 * window ends, context lifetimes, delayed events, the next minute for
 * Calendar rules) and the clock steps from one such second to the next,
 * ticking no more often than --cleantime allows, as the live loop does.
 * The clock never goes backwards: a line older than the clock, or one
 * without a timestamp, is processed at the clock's time (older lines are
 * counted and logged now and then). At the end of input the clock stays
 * where the last line left it.
 *
 * The correlator starts (SEC_STARTUP, the first timer check) at the first
 * timestamp; lines without one before it are held back (up to
 * {@link MAX_HELD}) and processed right after the start. When input ends
 * or a control command comes before any timestamp, it starts at the wall
 * clock.
 *
 * @module
 */
import type { CachedClock, VirtualClock } from "../engine/clock.ts";
import type { Engine } from "../engine/engine.ts";
import type { InputLine } from "./inputs.ts";
import { type Logger, LogLevel } from "./logger.ts";
import type { SecOptions } from "./cli.ts";
import { type TimestampParser, timestampParser } from "./timestamps.ts";

/** Lines without a timestamp held back before the first timestamp at most. */
export const MAX_HELD = 1000;

/**
 * Seconds a timestamp may be ahead of the wall clock; a later one is taken as
 * no timestamp (a number misread as a time would otherwise move the clock
 * years ahead, running every timer on the way: minutes of work per year
 * with a Calendar rule, deaf to signals and commands meanwhile).
 */
export const MAX_AHEAD = 86400;

/** True for 1, 10, 100, ...: counts at which a repeated condition is logged. */
function powerOfTen(n: number): boolean {
  while (n >= 10 && n % 10 === 0) n /= 10;
  return n === 1;
}

/** Moves the correlator's clock along the timestamps of the input (see the module doc). */
export class EventTime {
  /** The clock the engine reads (through a CachedClock). */
  readonly clock: VirtualClock;
  /** Lines whose timestamp was older than the clock. */
  older = 0;
  /** Lines without a parsable timestamp. */
  unparsable = 0;
  /** Lines whose timestamp was more than MAX_AHEAD ahead of the wall clock. */
  future = 0;
  readonly #maxAhead: number;
  readonly #parser: TimestampParser | undefined;
  readonly #cached: CachedClock;
  readonly #step: number;
  readonly #logger: Logger;
  readonly #onStart: (engine: Engine) => void;
  #started = false;
  #lastTick = -Infinity;
  #held: InputLine[] = [];

  /**
   * `clock`: the clock moved; `cached`: the engine's clock, a CachedClock over it;
   * `cleantime`: --cleantime; `onStart`: runs the start-up (SEC_STARTUP,
   * first timer check) once the clock is set; `maxAhead`: seconds a timestamp
   * may be ahead of the wall clock (default MAX_AHEAD).
   */
  constructor(
    parser: TimestampParser | undefined,
    clock: VirtualClock,
    cached: CachedClock,
    cleantime: number,
    logger: Logger,
    onStart: (engine: Engine) => void,
    maxAhead: number = MAX_AHEAD,
  ) {
    this.#maxAhead = maxAhead;
    this.#parser = parser;
    this.clock = clock;
    this.#cached = cached;
    this.#step = Math.max(1, cleantime);
    this.#logger = logger;
    this.#onStart = onStart;
  }

  /** True once the clock has been set. */
  get started(): boolean {
    return this.#started;
  }

  /**
   * Called before `line` is processed: moves the clock to its timestamp,
   * running the timers due until then. False when the line is held back
   * (no timestamp seen yet); the caller then skips it.
   */
  beforeLine(engine: Engine, line: InputLine): boolean {
    if (this.#parser === undefined) return true;
    let t = this.#parser.parse(line.text);
    if (t > Date.now() / 1000 + this.#maxAhead) {
      if (powerOfTen(++this.future)) {
        this.#logger.log(
          LogLevel.warning,
          `Event time: line from ${iso(t)} is more than a day ahead of the wall clock, ` +
            `taken as a line without a timestamp (${this.future} such lines so far)`,
        );
      }
      t = NaN;
    }
    if (t !== t) {
      if (!this.#started) {
        this.#held.push(line);
        if (this.#held.length >= MAX_HELD) this.start(engine);
        return false;
      }
      if (powerOfTen(++this.unparsable)) {
        this.#logger.log(
          LogLevel.debug,
          `Event time: no timestamp in line, processed at the clock's time ` +
            `(${this.unparsable} such lines so far)`,
        );
      }
      return true;
    }
    if (!this.#started) {
      this.start(engine, t);
      return true;
    }
    const now = this.clock.now();
    if (t > now) this.advance(engine, t);
    else if (Math.floor(t) < Math.floor(now) && powerOfTen(++this.older)) {
      this.#logger.log(
        LogLevel.notice,
        `Event time: line from ${iso(t)} is older than the clock (${iso(now)}), ` +
          `processed at the clock's time (${this.older} such lines so far)`,
      );
    }
    return true;
  }

  /**
   * Starts the correlator at time `t` (default: the wall clock) if not yet
   * started, then processes the lines held back.
   */
  start(engine: Engine, t?: number): void {
    if (this.#started) return;
    if (t === undefined && this.#parser !== undefined && this.#held.length > 0) {
      // a wrong format would otherwise replay old logs at the wall clock without a word
      this.#logger.log(
        LogLevel.warning,
        `Event time: none of the first ${this.#held.length} lines has a timestamp of the ` +
          `--event-time format: starting at the wall clock (is the format right?)`,
      );
    }
    t ??= Date.now() / 1000;
    this.#started = true;
    this.clock.set(t);
    this.#cached.refresh();
    this.#lastTick = Math.floor(t);
    this.#onStart(engine);
    const held = this.#held;
    this.#held = [];
    for (const l of held) engine.processLine(l.text, l.source, l.context);
  }

  /**
   * Moves the clock forward to `t`, ticking at every second on the way at
   * which the engine has timers due (no more often than --cleantime).
   */
  advance(engine: Engine, t: number): void {
    for (;;) {
      // live, timers are checked every --cleantime seconds from the last check
      const last = this.#lastTick, step = this.#step;
      let due = engine.nextTimerTime();
      due = due <= last ? last + step : last + Math.ceil((due - last) / step) * step;
      if (due > t) break;
      this.clock.set(due);
      this.#cached.refresh();
      this.#lastTick = due;
      engine.tick();
    }
    if (t > this.clock.now()) {
      this.clock.set(t);
      this.#cached.refresh();
    }
  }
}

/** A time for the log, in local time like SEC's. */
function iso(t: number): string {
  return new Date(t * 1000).toString().slice(4, 24);
}

/**
 * The EventTime for --event-time or --test-clock, moving `clock` (the inner
 * clock of `cached`), or undefined when the clock is the wall clock.
 */
export function eventTimeOf(
  opts: SecOptions,
  clock: VirtualClock | undefined,
  cached: CachedClock,
  logger: Logger,
  onStart: (engine: Engine) => void,
): EventTime | undefined {
  if (clock === undefined) return undefined;
  // --test-clock alone: time moves by `@sleep` lines only
  const parser = opts.eventTime !== undefined ? timestampParser(opts.eventTime) : undefined;
  // sec-ts test cases may be set in any year: no limit under the test clock
  const maxAhead = opts.testClock ? Infinity : MAX_AHEAD;
  return new EventTime(parser, clock, cached, opts.cleantime, logger, onStart, maxAhead);
}
