/**
 * Rule processors: how the engine matches a rule of each type against an
 * event. The table over every rule type (operations/mod.ts) has the type
 * {@link RuleProcessors}, so a rule type without a processor does not
 * compile.
 *
 * @module
 */
import type { Continue, Rule, RuleType } from "../lang/rules.ts";
import type { Engine } from "./engine.ts";
import type { EventContext } from "./event.ts";

/** Processes one rule against an event: the continue value when it matched, or null. */
export type RuleProcessor = (engine: Engine, rule: Rule, ev: EventContext) => Continue | null;

/** The processors by rule type; `version` changes with every change, so lookups can be cached. */
export class ProcessorTable extends Map<RuleType, RuleProcessor> {
  /** Bumped on each set and delete. */
  version = 0;
  /** Sets the processor of `type` (bumps the version). */
  override set(type: RuleType, processor: RuleProcessor): this {
    this.version++;
    return super.set(type, processor);
  }
  /** Removes the processor of `type` (bumps the version). */
  override delete(type: RuleType): boolean {
    this.version++;
    return super.delete(type);
  }
  /** Sets the processors of `table` (null: the type is not matched against events). */
  setAll(table: Partial<RuleProcessors>): void {
    for (const [type, p] of Object.entries(table) as [RuleType, RuleProcessor | null][]) {
      if (p !== null) this.set(type, p);
    }
  }
}

/**
 * A processor for every rule type (null: not matched against events:
 * Calendar runs on the timer, Options only sets file options). The complete
 * table (operations/mod.ts) has this type, so a rule type without one is a
 * compile error.
 */
export type RuleProcessors = Record<RuleType, RuleProcessor | null>;
