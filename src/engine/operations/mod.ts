/**
 * Event correlation operations: installs the processors of the
 * correlating rule types, the timer hook that ends or slides windows and
 * runs Calendar rules, the operation store (a service for dumps and soft
 * restarts) and the reset/getwpos/setwpos actions.
 *
 * @module
 */
import type { ActionExecutor } from "../action_executor.ts";
import type { Engine } from "../engine.ts";
import { nextCalendarTime, runCalendars } from "./calendar.ts";
import {
  processSingleWith2Thresholds,
  processSingleWithSuppress,
  processSingleWithThreshold,
} from "./counting.ts";
import { processEventGroup } from "./event_group.ts";
import { processPair } from "./pair.ts";
import { processSingleWithScript } from "./script.ts";
import { operationStore } from "./store.ts";
import { installWindowActions } from "./window_actions.ts";

export { OperationStore } from "./store.ts";

/** Installs everything operations need into an engine and its executor. */
export function installOperations(engine: Engine, executor: ActionExecutor): void {
  const store = operationStore(engine);
  engine.processors.set("SingleWithSuppress", processSingleWithSuppress);
  engine.processors.set("SingleWithThreshold", processSingleWithThreshold);
  engine.processors.set("SingleWith2Thresholds", processSingleWith2Thresholds);
  engine.processors.set("Pair", processPair);
  engine.processors.set("PairWithWindow", processPair);
  engine.processors.set("EventGroup", processEventGroup);
  engine.processors.set("SingleWithScript", processSingleWithScript);
  engine.timerHooks.push((_e, now) => store.tick(now));
  engine.timerHooks.push(runCalendars);
  engine.timerDue.push(() => store.nextDue(), nextCalendarTime);
  installWindowActions(executor);
}
