/**
 * Event correlation operations: installs the processors of the
 * correlating rule types, the timer hook that ends or slides windows and
 * runs Calendar rules, the operation store (a service for dumps and soft
 * restarts) and the reset/getwpos/setwpos actions.
 *
 * @module
 */
import type { ActionExecutor } from "../actions/executor.ts";
import type { Engine } from "../engine.ts";
import type { RuleProcessors } from "../processors.ts";
import { CORE_PROCESSORS } from "../core_rules.ts";
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
import { windowActions } from "./window_actions.ts";

export { OperationStore } from "./store.ts";

/** Every rule type's processor: the engine's own and the correlating ones. */
const PROCESSORS: RuleProcessors = {
  ...CORE_PROCESSORS,
  SingleWithSuppress: processSingleWithSuppress,
  SingleWithThreshold: processSingleWithThreshold,
  SingleWith2Thresholds: processSingleWith2Thresholds,
  Pair: processPair,
  PairWithWindow: processPair,
  EventGroup: processEventGroup,
  SingleWithScript: processSingleWithScript,
  Calendar: null, // runs on the timer (runCalendars)
  Options: null,
};

/** Installs everything operations need into an engine and its executor. */
export function installOperations(engine: Engine, executor: ActionExecutor): void {
  const store = operationStore(engine);
  engine.processors.setAll(PROCESSORS);
  engine.timerHooks.push((_e, now) => store.tick(now));
  engine.timerHooks.push(runCalendars);
  engine.timerDue.push(() => store.nextDue(), nextCalendarTime);
  executor.use(windowActions());
}
