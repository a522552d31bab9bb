/**
 * The actions that address operations (ACTIONS: reset, getwpos, setwpos).
 * An operation is named by the operation description string and a rule
 * offset within the configuration file of the rule running the action:
 * 0 is that rule, +N/-N are relative, an unsigned N is the N-th rule
 * (counted from 1, Options rules excluded). Without an offset, reset
 * looks at every rule of the file.
 *
 * @module
 */
import type { ActionHandlers } from "../actions/executor.ts";
import { param, varName } from "../actions/executor.ts";
import type { Rule } from "../../lang/rules.ts";
import type { Engine } from "../engine.ts";
import { fileOf, type Operation, operationStore } from "./store.ts";

/** The rule indices an offset refers to, from `rule` (all rules of the file when undefined). */
export function targetIndices(engine: Engine, rule: Rule, offset: string | undefined): number[] {
  const count = fileOf(engine, rule)?.rules.length ?? rule.index + 1;
  if (offset === undefined) return Array.from({ length: count }, (_, i) => i);
  let idx: number;
  if (/^[+-]\d+$/.test(offset)) idx = rule.index + parseInt(offset, 10);
  else if (offset === "0") idx = rule.index;
  else idx = parseInt(offset, 10) - 1;
  return idx >= 0 && idx < count ? [idx] : [];
}

/** The rule with index `idx` in the file of `rule`. */
function ruleAt(engine: Engine, rule: Rule, idx: number): Rule | undefined {
  return idx === rule.index ? rule : fileOf(engine, rule)?.rules[idx];
}

function find(engine: Engine, rule: Rule, offset: string, desc: string): Operation | undefined {
  const [idx] = targetIndices(engine, rule, offset);
  const target = idx === undefined ? undefined : ruleAt(engine, rule, idx);
  if (target === undefined) return undefined;
  return operationStore(engine).get(target, desc, engine.now());
}

/** The action types of reset, getwpos and setwpos. */
export type WindowActionType = "reset" | "getwpos" | "setwpos";

/** reset, getwpos and setwpos. */
export function windowActions(): Pick<ActionHandlers, WindowActionType> {
  return {
    reset: (f, a) => {
      const rule = f.list.rule;
      if (rule === undefined) return;
      const desc = param(f, a.text, f.list.desc);
      const offset = a.offset === undefined ? undefined : param(f, a.offset).trim();
      const store = operationStore(f.engine);
      const now = f.engine.now();
      for (const idx of targetIndices(f.engine, rule, offset)) {
        const target = ruleAt(f.engine, rule, idx);
        const op = target === undefined ? undefined : store.get(target, desc, now);
        if (op === undefined) continue;
        f.engine.logger.log(6, `Terminating event correlation operation '${desc}'`);
        store.remove(op);
      }
    },
    getwpos: (f, a) => {
      const rule = f.list.rule;
      if (rule === undefined) return;
      const op = find(f.engine, rule, param(f, a.offset).trim(), param(f, a.text, f.list.desc));
      if (op !== undefined) f.engine.variables.set(varName(a.variable), String(op.start));
    },
    setwpos: (f, a) => {
      const rule = f.list.rule;
      if (rule === undefined) return;
      const timeText = param(f, a.time).trim();
      const op = find(f.engine, rule, param(f, a.offset).trim(), param(f, a.text, f.list.desc));
      if (op === undefined) return;
      const time = /^\d+$/.test(timeText) ? parseInt(timeText, 10) : NaN;
      if (!(time >= op.start && time <= f.engine.now())) {
        f.engine.logger.log(3, `setwpos: invalid time '${timeText}' for operation '${op.desc}'`);
        return;
      }
      op.start = time;
      op.dropBefore(time);
      operationStore(f.engine).schedule(op);
    },
  };
}
