/**
 * The complete action handler table: the core actions (action_executor.ts),
 * the window actions of operations, and those needing the action runtime
 * (processes, sockets, code, inputs and signals). Its type is
 * {@link ActionHandlers}, a record over every action type the parser
 * produces, so an action type without a handler does not compile.
 *
 * @module
 */
import { type ActionExecutor, type ActionHandlers, coreActions } from "./action_executor.ts";
import type { ActionRuntime } from "./action_deps.ts";
import { processActions } from "./actions_process.ts";
import { socketActions } from "./actions_socket.ts";
import { codeActions } from "./actions_code.ts";
import { miscActions, writeGates } from "./actions_misc.ts";
import { windowActions } from "./operations/window_actions.ts";

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
