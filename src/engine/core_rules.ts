/**
 * The rule types the engine processes itself: Single, Suppress and Jump
 * (RULE TYPES); the correlating ones are in operations/.
 *
 * @module
 */
import type { Continue, Rule } from "../lang/rules.ts";
import type { Engine } from "./engine.ts";
import type { RuleProcessors } from "./processors.ts";
import type { EventContext } from "./event.ts";

/** The processors of the engine itself (the others are in operations/). */
export const CORE_PROCESSORS: Pick<RuleProcessors, "Single" | "Suppress" | "Jump"> = {
  Single: processSingle,
  Suppress: processSuppress,
  Jump: processJump,
};

const END_MATCH: Continue = { kind: "EndMatch" };

function processSingle(engine: Engine, rule: Rule, ev: EventContext): Continue | null {
  const part = rule.main!;
  const m = engine.matchPart(part, ev);
  if (m === null) return null;
  rule.matchCount++;
  const vars = part.pattern.setsVars ? m : null;
  const src = engine.sources(vars, ev);
  const desc = engine.bindText(rule.desc, src);
  engine.execute(engine.bindActions(rule.action, src, desc, rule));
  return part.cont;
}

const DONT_CONT: Continue = { kind: "DontCont" };

function processSuppress(engine: Engine, rule: Rule, ev: EventContext): Continue | null {
  const m = engine.matchPart(rule.main!, ev);
  if (m === null) return null;
  rule.matchCount++;
  return DONT_CONT;
}

function processJump(engine: Engine, rule: Rule, ev: EventContext): Continue | null {
  const part = rule.main!;
  const m = engine.matchPart(part, ev);
  if (m === null) return null;
  rule.matchCount++;
  if (rule.cfset !== undefined) {
    const src = engine.sources(part.pattern.setsVars ? m : null, ev);
    const names = rule.cfset.map((t) => engine.bindText(t, src));
    if (engine.matchSets(names, ev)) return END_MATCH;
  }
  return part.cont;
}
