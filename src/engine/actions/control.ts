/**
 * Action list variables and control flow (ACTIONS, ACTION LISTS AND
 * ACTION LIST VARIABLES): assign, assignsq (the value single-quoted for
 * a shell) and free; none; if and while on a variable's Perl truth, and
 * break and continue. `break` leaves the innermost while loop, `continue`
 * starts its next iteration; outside a loop both end the current action
 * list only.
 *
 * @module
 */
import type { CompiledActionList } from "../../lang/rules.ts";
import { perlTrue } from "../../lang/perl_values.ts";
import { variableText } from "../variables.ts";
import {
  type ActionHandlers,
  BREAK,
  CONTINUE,
  type Frame,
  NORMAL,
  param,
  varName,
} from "./frame.ts";

/** Runs a nested action list in the same frame; returns the control flow result. */
export type ListRunner = (f: Frame, actions: CompiledActionList) => number;

/** The action types of the variable and control flow actions. */
export type ControlActionType =
  | "none"
  | "assign"
  | "assignsq"
  | "free"
  | "if"
  | "while"
  | "break"
  | "continue";

/** The variable and control flow actions; nested lists run through `runList`. */
export function controlActions(runList: ListRunner): Pick<ActionHandlers, ControlActionType> {
  return {
    none: () => {},
    assign: (f, a) => {
      f.engine.variables.set(varName(a.variable), param(f, a.text, f.list.desc));
    },
    assignsq: (f, a) => {
      const v = param(f, a.text, f.list.desc);
      f.engine.variables.set(varName(a.variable), "'" + v.replaceAll("'", "'\\''") + "'");
    },
    free: (f, a) => {
      f.engine.variables.delete(varName(a.variable));
    },
    if: (f, a) => {
      const v = f.engine.variables.get(varName(a.variable));
      return runList(f, perlTrue(variableText(v)) ? a.then : a.else);
    },
    while: (f, a) => {
      const name = varName(a.variable);
      let guard = 0;
      while (perlTrue(variableText(f.engine.variables.get(name)))) {
        const r = runList(f, a.body);
        if (r === BREAK) break;
        if (++guard > 10_000_000) {
          f.engine.logger.log(2, "while loop stopped after 10000000 iterations");
          break;
        }
      }
      return NORMAL;
    },
    break: () => BREAK,
    continue: () => CONTINUE,
  };
}
