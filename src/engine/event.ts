/**
 * The event being processed: the input buffer it was written to, its
 * source and internal context, and the pattern match cache that lives for
 * one event processing iteration.
 *
 * @module
 */
import type { MatchData, PatternInput } from "../lang/patterns.ts";
import type { InputBuffer } from "./input_buffer.ts";
import { GramIndex, type LiteralScan } from "../lang/literal_filter.ts";

/** 4-grams of the line being matched (one index: events are processed one at a time). */
const GRAMS = new GramIndex();
let gramsEnabled = true;

/** Turns the 4-gram pre-check on or off (off: patterns do their substring search only). */
export function setGramFilter(on: boolean): void {
  gramsEnabled = on;
}

/** Source name SEC gives synthetic and internal events in `$+{_inputsrc}`. */
export const SYNTHETIC_SOURCE = "synthetic";

/** One event processing iteration. */
export class EventContext implements PatternInput {
  /** The buffer the event was written to. */
  buffer: InputBuffer;
  /** Internal context name (`$+{_intcontext}`), if any. */
  intContext: string | undefined;
  #cache: Map<string, MatchData> | undefined;

  /** Pattern match cache (varmap entries) of this iteration (made on first use). */
  get cache(): Map<string, MatchData> {
    return this.#cache ??= new Map();
  }
  /** True for synthetic and internal events. */
  synthetic: boolean;

  /** Creates the context for an event already pushed into `buffer`. */
  constructor(buffer: InputBuffer, intContext: string | undefined, synthetic: boolean) {
    this.buffer = buffer;
    this.intContext = intContext;
    this.synthetic = synthetic;
  }

  /** Pre-check for required literals of single-line patterns (literal_filter.ts). */
  hasGrams(grams: Int32Array): boolean {
    return !gramsEnabled || GRAMS.ensure(this.buffer.last()).has(grams);
  }

  /** The literal scan of the engine's ruleset, if it has one. */
  literalScan: LiteralScan | undefined;

  /** Whether literal `id` of `literalScan` occurs in the line. */
  hasLiteral(id: number): boolean {
    return this.literalScan!.ensure(this.buffer.last()).has(id);
  }

  /** The last `n` lines joined with newlines. */
  joined(n: number): string {
    return this.buffer.joined(n);
  }

  /** The last `n` lines. */
  lines(n: number): string[] {
    return this.buffer.lines(n);
  }

  /**
   * `$+{_inputsrc}` for a match of the last `n` lines: with a joint buffer
   * the source names of those lines joined with spaces (an empty name for
   * a slot not filled yet, as SEC gives); a separate buffer holds one
   * source only, named once.
   */
  sourceNames(n: number): string {
    if (n === 1 || !this.buffer.joint) return this.buffer.lastSource();
    return this.buffer.sources(n).join(" ");
  }

  /** Source names for pattern functions (undefined for synthetic events). */
  sourceList(n: number): (string | undefined)[] {
    return this.buffer.sources(n).map((s) => s === SYNTHETIC_SOURCE ? undefined : s);
  }
}
