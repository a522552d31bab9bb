/**
 * What an action handler is: the frame an action list runs in, the
 * handler of one action type (typed over that type's compiled action, so
 * it reads only parameters the parser produces), the table of handlers
 * over every action type, the control-flow results, and how a handler
 * reads its parameters (templates rendered with the action list
 * variables, `%var` names, contexts by name).
 *
 * @module
 */
import { render, type Template } from "../../lang/template.ts";
import type { ActionType, CompiledActionOf } from "../../lang/rules.ts";
import type { Context } from "../contexts.ts";
import type { ActionEnv, BoundActions, Engine } from "../engine.ts";

/** A handler's result: the action list goes on. */
export const NORMAL = 0;
/** A handler's result: leave the innermost while loop (`break`). */
export const BREAK = 1;
/** A handler's result: start the next iteration of the innermost while loop (`continue`). */
export const CONTINUE = 2;

/** Per-run state of an action list. */
export interface Frame {
  /** The engine the list runs in. */
  engine: Engine;
  /** The bound list. */
  list: BoundActions;
  /** Extra state (`_THIS`, operation data). */
  env: ActionEnv | undefined;
  /** Looks up an action list variable. */
  lookup: (name: string) => string | undefined;
}

/**
 * Handles one action of type `K`. Returns {@link NORMAL}, {@link BREAK} or
 * {@link CONTINUE} (nothing = NORMAL).
 */
export type ActionHandler<K extends ActionType = ActionType> = (
  f: Frame,
  a: CompiledActionOf<K>,
) => number | void;

/**
 * A handler for every action type the parser produces (action_list.ts),
 * each typed over its own action: the complete table (table.ts) has this
 * type, so a parsed action without a handler is a compile error, and so
 * is a handler reading a parameter its action does not have.
 */
export type ActionHandlers = { [K in ActionType]: ActionHandler<K> };

/** Renders a template parameter of an action (action list variables substituted); `dflt` when absent. */
export function param(f: Frame, t: Template | undefined, dflt?: string): string {
  if (t === undefined) return dflt ?? "";
  return render(t, f.lookup);
}

/** The name of a `%var` parameter (without the percent sign and braces). */
export function varName(t: Template): string {
  const src = t.source;
  const m = /^%\{?([^}]*)\}?$/.exec(src);
  return m ? m[1] : src.replace(/^%/, "");
}

/** The context a name parameter refers to (`_THIS` in an expiring context's list). */
export function contextByName(f: Frame, name: string): Context | undefined {
  if (name === "_THIS" && f.env?.thisContext !== undefined) {
    const c = f.env.thisContext;
    return c.deleted && !c.expiring ? undefined : c;
  }
  return f.engine.contexts.get(name);
}

/** The context an action may change: internal contexts (--intcontexts) are left alone, as in SEC. */
export function changeable(f: Frame, name: string): Context | undefined {
  const ctx = contextByName(f, name);
  return ctx === undefined || ctx.internal ? undefined : ctx;
}
