/**
 * The counting rule types: SingleWithSuppress, SingleWithThreshold and
 * SingleWith2Thresholds (RULE TYPES). Match variables in the action lists
 * (and desc2) come from the event that started the operation; threshold
 * operations keep only the values their lists refer to (snapshot.ts) and
 * bind the lists when they run.
 *
 * @module
 */
import type { CompiledActionList, Continue, Rule } from "../../lang/rules.ts";
import type { BindSources } from "../../lang/template.ts";
import type { BoundActions, Engine } from "../engine.ts";
import type { EventContext } from "../event.ts";
import { savedSources } from "./snapshot.ts";
import { Operation, OperationStore, operationStore } from "./store.ts";
import { actionsDumpText } from "./dump_text.ts";

/** Binds a list for later execution (undefined when there is nothing to run). */
export function bindList(
  engine: Engine,
  list: CompiledActionList | undefined,
  src: BindSources,
  desc: string,
  rule: Rule,
): BoundActions | undefined {
  if (list === undefined || list.length === 0) return undefined;
  return engine.bindActions(list, src, desc, rule);
}

/** What a matching event of a single-pattern rule gives the operation logic. */
interface Matched {
  src: BindSources;
  /** The store key of the event's desc (OperationStore.keyFor). */
  key: string;
  now: number;
  store: OperationStore;
}

function matchRule(engine: Engine, rule: Rule, ev: EventContext): Matched | null {
  const part = rule.main!;
  const m = engine.matchPart(part, ev);
  if (m === null) return null;
  rule.matchCount++;
  const src = engine.sources(part.pattern.setsVars ? m : null, ev);
  const store = operationStore(engine);
  return { src, key: store.keyFor(engine, rule, src), now: engine.now(), store };
}

// ------------------------------------------------------- SingleWithSuppress

/** SingleWithSuppress: acts on the first event, then consumes repeats until the window ends. */
export class SuppressOperation extends Operation {
  /** Ends silently. */
  expire(): boolean {
    return false;
  }

  /** The fields the dump shows for this operation. */
  override dumpFields(): Record<string, unknown> {
    return {
      desc: this.desc,
      action: actionsDumpText(this.rule.action),
      window: this.rule.window,
    };
  }
}

/** Processor of SingleWithSuppress rules. */
export function processSingleWithSuppress(
  engine: Engine,
  rule: Rule,
  ev: EventContext,
): Continue | null {
  const x = matchRule(engine, rule, ev);
  if (x === null) return null;
  if (x.store.getByKey(rule, x.key, x.now) === undefined) {
    const desc = x.store.descOf(rule, x.key);
    const op = new SuppressOperation(rule, desc, x.now, rule.window);
    x.store.add(op, x.key);
    op.run(engine, bindList(engine, rule.action, x.src, desc, rule));
  }
  return rule.main!.cont;
}

// ------------------------------------------------------ SingleWithThreshold

/** Drops times that are more than `window` seconds old at `now`. */
function slide(times: number[], now: number, window: number): void {
  let k = 0;
  while (k < times.length && now - times[k] > window) k++;
  if (k > 0) times.splice(0, k);
}

/** SingleWithThreshold: counts events in a sliding window; acts at the threshold. */
export class ThresholdOperation extends Operation {
  /** Occurrence times in the window. */
  times: number[];
  /** True once the action ran (further events are consumed). */
  fired = false;

  /** Creates the operation for its first event. */
  constructor(
    rule: Rule,
    desc: string,
    now: number,
    /** Match variables of the creating event (those the lists use): the lists are bound to them when they run. */
    readonly src: BindSources,
  ) {
    super(rule, desc, now, rule.window);
    this.times = [now];
  }

  /** Counts an event; runs the action when the threshold is reached. */
  count(engine: Engine, now: number): void {
    if (this.fired) return;
    this.times.push(now);
    this.check(engine);
  }

  /** Runs the action when the threshold is reached. */
  check(engine: Engine): void {
    if (this.fired || this.times.length < this.rule.thresh) return;
    this.fired = true;
    this.run(engine, bindList(engine, this.rule.action, this.src, this.desc, this.rule));
  }

  /** After the action: action2 and the end; before it: the window slides. */
  expire(engine: Engine, now: number): boolean {
    if (this.fired) {
      this.run(engine, bindList(engine, this.rule.action2, this.src, this.desc, this.rule));
      return false;
    }
    slide(this.times, now, this.window);
    if (this.times.length === 0) return false;
    this.start = this.times[0];
    return true;
  }

  /** Drops the events seen before `time` (the window slid past them). */
  override dropBefore(time: number): void {
    let k = 0;
    while (k < this.times.length && this.times[k] < time) k++;
    if (k > 0) this.times.splice(0, k);
  }

  /** The fields the dump shows for this operation. */
  override dumpFields(): Record<string, unknown> {
    return {
      desc: this.desc,
      action: actionsDumpText(this.rule.action),
      action2: actionsDumpText(this.rule.action2),
      window: this.rule.window,
      threshold: this.rule.thresh,
      eventtimes: [...this.times],
      status: this.fired ? "seen before threshold was crossed" : "checking for threshold",
    };
  }
}

/** Processor of SingleWithThreshold rules. */
export function processSingleWithThreshold(
  engine: Engine,
  rule: Rule,
  ev: EventContext,
): Continue | null {
  const x = matchRule(engine, rule, ev);
  if (x === null) return null;
  const op = x.store.getByKey(rule, x.key, x.now) as ThresholdOperation | undefined;
  if (op !== undefined) {
    op.count(engine, x.now);
    return rule.main!.cont;
  }
  const src = savedSources(rule, [rule.action, rule.action2], x.src);
  const created = new ThresholdOperation(rule, x.store.descOf(rule, x.key), x.now, src);
  x.store.add(created, x.key);
  created.check(engine);
  return rule.main!.cont;
}

// ---------------------------------------------------- SingleWith2Thresholds

/**
 * SingleWith2Thresholds: like SingleWithThreshold until the first
 * threshold; then a second round of window2 seconds in which at most
 * thresh2 events may come (when one more comes, the window moves to the
 * second earliest event of the round); when the round ends, action2.
 */
export class TwoThresholdOperation extends Operation {
  /** Occurrence times in the current round. */
  times: number[];
  /** 1 before the first threshold, 2 after. */
  round = 1;

  /** Creates the operation for its first event. */
  constructor(
    rule: Rule,
    desc: string,
    now: number,
    /** Match variables of the creating event (those the lists use). */
    readonly src: BindSources,
    /** desc2 of the creating event (%s of action2). */
    readonly desc2: string,
  ) {
    super(rule, desc, now, rule.window);
    this.times = [now];
  }

  /** Counts an event of either round. */
  count(engine: Engine, store: OperationStore, now: number): void {
    this.times.push(now);
    if (this.round === 1) this.check(engine, store, now);
    else if (this.times.length > this.rule.thresh2) {
      this.times.shift();
      this.start = this.times.length > 0 ? this.times[0] : now;
      store.schedule(this);
    }
  }

  /** Starts the second round when the first threshold is reached. */
  check(engine: Engine, store: OperationStore, now: number): void {
    if (this.round !== 1 || this.times.length < this.rule.thresh) return;
    this.round = 2;
    this.times = [];
    this.start = now;
    this.window = this.rule.window2;
    store.schedule(this);
    this.run(engine, bindList(engine, this.rule.action, this.src, this.desc, this.rule));
  }

  /** Round 1: the window slides; round 2: action2 and the end. */
  expire(engine: Engine, now: number): boolean {
    if (this.round === 2) {
      this.run(engine, bindList(engine, this.rule.action2, this.src, this.desc2, this.rule));
      return false;
    }
    slide(this.times, now, this.window);
    if (this.times.length === 0) return false;
    this.start = this.times[0];
    return true;
  }

  /** Drops the events seen before `time` (the window slid past them). */
  override dropBefore(time: number): void {
    let k = 0;
    while (k < this.times.length && this.times[k] < time) k++;
    if (k > 0) this.times.splice(0, k);
  }

  /** The fields the dump shows for this operation. */
  override dumpFields(): Record<string, unknown> {
    return {
      desc: this.desc,
      action: actionsDumpText(this.rule.action),
      window: this.rule.window,
      threshold: this.rule.thresh,
      desc2: this.desc2,
      action2: actionsDumpText(this.rule.action2),
      window2: this.rule.window2,
      threshold2: this.rule.thresh2,
      eventtimes: [...this.times],
      status: this.round === 1 ? "checking for 1st threshold" : "checking for 2nd threshold",
    };
  }
}

/** Processor of SingleWith2Thresholds rules. */
export function processSingleWith2Thresholds(
  engine: Engine,
  rule: Rule,
  ev: EventContext,
): Continue | null {
  const x = matchRule(engine, rule, ev);
  if (x === null) return null;
  const op = x.store.getByKey(rule, x.key, x.now) as TwoThresholdOperation | undefined;
  if (op !== undefined) {
    op.count(engine, x.store, x.now);
    return rule.main!.cont;
  }
  const desc2 = engine.bindText(rule.desc2!, x.src);
  const src = savedSources(rule, [rule.action, rule.action2], x.src);
  const desc = x.store.descOf(rule, x.key);
  const created = new TwoThresholdOperation(rule, desc, x.now, src, desc2);
  x.store.add(created, x.key);
  created.check(engine, x.store, x.now);
  return rule.main!.cont;
}
