/**
 * The complete action handler table: the core actions (executor.ts),
 * the window actions of operations, and those needing the action runtime
 * (processes, sockets, code, inputs and signals). Its type is
 * {@link ActionHandlers}, a record over every action type the parser
 * produces, so an action type without a handler does not compile.
 *
 * @module
 */
import { type ActionExecutor, coreActions } from "./executor.ts";
import type { ActionHandlers } from "./frame.ts";
import type { ActionRuntime } from "./deps.ts";
import { processActions } from "./process.ts";
import { socketActions } from "./socket.ts";
import { codeActions } from "./code.ts";
import { miscActions } from "./misc.ts";
import { writeGates } from "./output.ts";
import { windowActions } from "../operations/window_actions.ts";

/** Every action's handler, for executor `x` with runtime `rt`. */
export function allActionHandlers(x: ActionExecutor, rt: ActionRuntime): ActionHandlers {
  const core = coreActions(x);
  return {
    ...core,
    ...windowActions(),
    ...processActions(rt),
    ...socketActions(rt),
    ...codeActions(rt),
    ...miscActions(rt),
    ...writeGates(rt, core),
  };
}
