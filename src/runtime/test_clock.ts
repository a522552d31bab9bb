/**
 * --test-clock: virtual time for `sec-ts test` (rule_tests.ts). Standard
 * input carries the case's input in the conformance case format: a line
 * `@sleep N` is not an event but moves the clock N seconds forward, with
 * every timer on the way running at its own second (event_time.ts); a
 * line starting `@@` is the event with one `@` less.
 *
 * Before the clock moves, what a live run would have seen during those N
 * seconds is let in, in real time: the lines of the other inputs (files)
 * until they are quiet, and the programs that actions started, until they
 * have exited and their output and exit status are delivered (at most N
 * real seconds, as live). After the clock moved, programs started by timer
 * actions get the same. Then an acknowledgement line ({@link ACK}) goes to
 * standard error; the harness sends nothing more until it has seen it, so
 * the order of events is the live one.
 *
 * @module
 */
import type { Engine } from "../engine/engine.ts";
import type { SecOptions } from "./cli.ts";
import type { EventTime } from "./event_time.ts";
import type { InputLine } from "./inputs.ts";

/** Written to standard error when an `@sleep` is done. */
export const ACK = "@sec-ts-test: slept";

/** Rounds of waiting without new lines after which other inputs count as quiet. */
const QUIET_ROUNDS = 3;

/** What a sleep waits for. */
export interface SleepDeps {
  /** The inputs. */
  nextLine(): InputLine | null;
  /** Waits for input data (ms). */
  waitForData(ms: number): Promise<boolean>;
  /** Names of the inputs. */
  readonly names: string[];
}

/** What the action runtime gives a sleep. */
export interface ChildDeps {
  /** Running programs. */
  children: { readonly running: number; readonly pending: boolean };
  /** Delivers child output and exits to the engine. */
  deliver(engine: Engine): void;
}

/** Reads `@sleep` lines from standard input and moves the clock (see the module doc). */
export class TestClock {
  /** True when an `@sleep` was read and `sleep` is to be called. */
  sleeping = false;
  #seconds = 0;
  readonly #timed: EventTime;
  readonly #enc = new TextEncoder();

  /** Moves the clock of `timed`. */
  constructor(timed: EventTime) {
    this.#timed = timed;
  }

  /** The event a line stands for, or null for an `@sleep` (then `sleeping` is set). */
  filter(line: InputLine): InputLine | null {
    const t = line.text;
    if (line.source !== "-" || t.charCodeAt(0) !== 64) return line;
    if (t.charCodeAt(1) === 64) {
      return { text: t.slice(1), source: line.source, context: line.context };
    }
    if (!t.startsWith("@sleep ")) return line;
    const n = parseFloat(t.slice(7));
    this.#seconds = n > 0 ? n : 0;
    this.sleeping = true;
    return null;
  }

  /** Carries out the `@sleep` read last, then acknowledges it. */
  async sleep(
    engine: Engine,
    inputs: SleepDeps,
    runtime: ChildDeps,
    outputs: { flush(): void },
  ): Promise<void> {
    this.sleeping = false;
    this.#timed.start(engine); // with --event-time, when no timestamp came yet
    const seconds = this.#seconds;
    const deadline = performance.now() + seconds * 1000;
    await this.#settle(engine, inputs, runtime, outputs, deadline);
    this.#timed.advance(engine, this.#timed.clock.now() + seconds);
    await this.#settle(engine, inputs, runtime, outputs, deadline);
    outputs.flush();
    Deno.stderr.writeSync(this.#enc.encode(`\n${ACK}\n`));
  }

  async #settle(
    engine: Engine,
    inputs: SleepDeps,
    runtime: ChildDeps,
    outputs: { flush(): void },
    deadline: number,
  ): Promise<void> {
    const others = inputs.names.some((n) => n !== "-");
    let quiet = 0;
    for (;;) {
      let n = 0;
      let line;
      while ((line = inputs.nextLine()) !== null) {
        const l = this.filter(line);
        if (l !== null && this.#timed.beforeLine(engine, l)) {
          engine.processLine(l.text, l.source, l.context);
        }
        runtime.deliver(engine);
        n++;
      }
      runtime.deliver(engine);
      outputs.flush();
      if (n > 0) quiet = 0;
      if (performance.now() >= deadline) return;
      if (runtime.children.running > 0 || runtime.children.pending) {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      if (!others || ++quiet > QUIET_ROUNDS) return;
      await inputs.waitForData(30);
    }
  }
}

/** The TestClock for --test-clock, or undefined. */
export function testClockOf(opts: SecOptions, timed: EventTime | undefined): TestClock | undefined {
  return opts.testClock && timed !== undefined ? new TestClock(timed) : undefined;
}
