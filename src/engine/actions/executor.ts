/**
 * The action executor: runs bound action lists (ACTIONS, ACTION LISTS AND
 * ACTION LIST VARIABLES). Each action goes to the handler of its type
 * (frame.ts); action list variables are substituted into its parameters
 * immediately before it runs. A failing action is logged and the list
 * goes on. The core actions (no runtime needed) are installed by the
 * constructor; the rest comes from table.ts.
 *
 * @module
 */
import type { ActionType, CompiledAction, CompiledActionList } from "../../lang/rules.ts";
import type { OutputSink } from "../ports.ts";
import type { ActionEnv, ActionRunner, BoundActions, Engine } from "../engine.ts";
import { fixedVariable, timeVariable, variableText } from "../variables.ts";
import { type ActionHandlers, BREAK, CONTINUE, type Frame, NORMAL } from "./frame.ts";
import { traceEnd, traceStart } from "./trace.ts";
import { contextActions, type ContextActionType } from "./context.ts";
import { controlActions, type ControlActionType } from "./control.ts";
import { eventActions, type EventActionType } from "./events.ts";
import { outputActions, type OutputActionType } from "./output.ts";

export type { ActionHandler, ActionHandlers, Frame } from "./frame.ts";
// operations/window_actions.ts reads its parameters with these
export { param, varName } from "./frame.ts";

/** What the executor needs from the runtime. */
export interface ExecutorDeps {
  /** Output files. */
  outputs: OutputSink;
}

/** Runs action lists against an engine. */
export class ActionExecutor implements ActionRunner {
  /** What the executor was created with. */
  readonly deps: ExecutorDeps;
  /** Handlers by action type: the core ones, then those {@link use} adds. */
  readonly handlers: Partial<ActionHandlers> = Object.create(null);

  /** Creates an executor with the core actions installed. */
  constructor(deps: ExecutorDeps) {
    this.deps = deps;
    this.use(coreActions(this));
  }

  /** Installs (or replaces) the handlers of `table`. */
  use(table: Partial<ActionHandlers>): void {
    Object.assign(this.handlers, table);
  }

  /** Runs a bound list. */
  run(engine: Engine, list: BoundActions, env?: ActionEnv): void {
    const frame: Frame = {
      engine,
      list,
      env,
      lookup: (name) => lookupVariable(engine, list, name),
    };
    this.runList(frame, list.actions);
  }

  /** Runs a list within a frame; returns the control flow result. */
  runList(f: Frame, actions: CompiledActionList): number {
    const logger = f.engine.logger;
    // SEC's action trace (--debug=6), worked out only when it goes somewhere
    const tracing = logger.enabled?.(6) ?? true;
    for (const a of actions) {
      if (this.handlers[a.type] === undefined) {
        logger.log(3, `action '${a.type}' is not supported, skipped`);
        continue;
      }
      const existed = tracing && traceStart(f, a);
      let r: number | void;
      try {
        r = this.#call(f, a);
      } catch (e) {
        logger.log(2, `action '${a.type}' failed: ${(e as Error).message}`);
        r = NORMAL;
      }
      if (tracing) traceEnd(f, a, existed);
      if (r === BREAK || r === CONTINUE) return r;
    }
    return NORMAL;
  }

  /** Calls the handler of `a`'s type (there is one: runList checked). */
  #call<K extends ActionType>(f: Frame, a: CompiledAction<K>): number | void {
    return this.handlers[a.type]!(f, a);
  }
}

function lookupVariable(engine: Engine, list: BoundActions, name: string): string | undefined {
  // as SEC: a list that substitutes variables sets %s, %t, %u and the time built-ins (dumps show them)
  engine.variables.substituting(list.desc, engine.now());
  if (name === "s") return list.desc;
  const c = name.charCodeAt(0);
  if (c === 46 /* . */) return fixedVariable(name) ?? timeVariable(name, engine.now());
  if ((name === "t" || name === "u")) return timeVariable(name, engine.now());
  return variableText(engine.variables.get(name));
}

/** The action types of the core actions (those an executor has without an action runtime). */
export type CoreActionType =
  | OutputActionType
  | ContextActionType
  | EventActionType
  | ControlActionType;

/** The core actions (output, contexts, events, variables, control flow). */
export function coreActions(x: ActionExecutor): Pick<ActionHandlers, CoreActionType> {
  return {
    ...outputActions(() => x.deps.outputs),
    ...contextActions(),
    ...eventActions(),
    ...controlActions((f, actions) => x.runList(f, actions)),
  };
}
