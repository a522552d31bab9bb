/**
 * EventGroup[N] (RULE TYPES, EVENTGROUP RULE): counts N kinds of events in
 * a sliding window and acts when every kind reached its threshold (and
 * the event group string matches egpattern, when given). The patterns are
 * tried in order; the first that matches decides the kind. countN runs on
 * every event of kind N with that event's variables; init, action, end and
 * slide use the variables of the event that created the operation (the
 * operation keeps the values they refer to and binds them when they run).
 *
 * @module
 */
import type { MatchData, Pattern, PatternInput } from "../../lang/patterns.ts";
import type { CompiledActionList, Continue, EventGroupPart, Rule } from "../../lang/rules.ts";
import { bindMatch, type BindSources, render } from "../../lang/template.ts";
import type { BoundActions, Engine } from "../engine.ts";
import type { EventContext } from "../event.ts";
import { bindList } from "./counting.ts";
import { savedSources } from "./snapshot.ts";
import { Operation, operationStore } from "./store.ts";
import {
  actionsDumpText,
  contextDumpText,
  continueDumpText,
  patternDumpText,
} from "./dump_text.ts";

/** One observed event: its kind (0-based pattern index), time and token. */
export interface Occurrence {
  /** Which pattern matched (0-based). */
  kind: number;
  /** When. */
  time: number;
  /** The event's token (its egtoken, rendered). */
  token: string;
}

/** An EventGroup operation. */
export class EventGroupOperation extends Operation {
  /** Observed events in the window, oldest first. */
  events: Occurrence[] = [];
  /** True once the action ran (without multact further events are only counted). */
  fired = false;
  /** Events of each kind in the window. */
  readonly counts: number[];

  /** Creates the operation. */
  constructor(
    rule: Rule,
    desc: string,
    now: number,
    /** Match variables of the creating event (those action, end and slide use). */
    readonly src: BindSources,
  ) {
    super(rule, desc, now, rule.window);
    this.counts = new Array(rule.groups!.length).fill(0);
  }

  /** One of the rule's lists bound to the creating event. */
  #bound(engine: Engine, list: CompiledActionList | undefined): BoundActions | undefined {
    return bindList(engine, list, this.src, this.desc, this.rule);
  }

  /** Records an event and runs the action when all conditions hold. */
  observe(engine: Engine, o: Occurrence): void {
    this.events.push(o);
    this.counts[o.kind]++;
    if (this.fired && !this.rule.multact) return;
    if (!this.thresholdsMet() || !this.groupPatternMatches()) return;
    this.fired = true;
    this.run(engine, this.#bound(engine, this.rule.action));
  }

  /** True when every kind reached its threshold. */
  thresholdsMet(): boolean {
    const groups = this.rule.groups!;
    for (let i = 0; i < groups.length; i++) if (this.counts[i] < groups[i].thresh) return false;
    return true;
  }

  /** Forgets the `k` oldest events. */
  #drop(k: number): void {
    for (let i = 0; i < k; i++) this.counts[this.events[i].kind]--;
    this.events.splice(0, k);
  }

  /** True when there is no egpattern or the event group string matches it. */
  groupPatternMatches(): boolean {
    const p = this.rule.egpattern;
    if (p === undefined) return true;
    const text = this.events.map((e) => e.token).join(" ");
    return p.match(groupInput(text, this)) !== null;
  }

  /** Window over: end (after the action, without multact) or slide. */
  expire(engine: Engine, now: number): boolean {
    if (this.fired && !this.rule.multact) {
      this.run(engine, this.#bound(engine, this.rule.end));
      return false;
    }
    let k = 0;
    while (k < this.events.length && now - this.events[k].time > this.window) k++;
    if (k > 0) this.#drop(k);
    if (this.events.length === 0) {
      this.run(engine, this.#bound(engine, this.rule.end));
      return false;
    }
    this.start = this.events[0].time;
    this.run(engine, this.#bound(engine, this.rule.slide));
    return true;
  }

  /** Drops the events seen before `time` (the window slid past them). */
  override dropBefore(time: number): void {
    let k = 0;
    while (k < this.events.length && this.events[k].time < time) k++;
    if (k > 0) this.#drop(k);
  }

  /** The fields the dump shows for this operation. */
  override dumpFields(): Record<string, unknown> {
    const r = this.rule;
    const out: Record<string, unknown> = {};
    r.groups!.forEach((g, i) => {
      const n = i === 0 ? "" : String(i + 1);
      if (i > 0) {
        out[`pattern${n}`] = patternDumpText(g.pattern);
        out[`context${n}`] = contextDumpText(g.context);
        out[`continue${n}`] = continueDumpText(g.cont);
      }
      out[`count${n}`] = actionsDumpText(g.count);
      out[`threshold${n}`] = g.thresh;
    });
    return {
      ...out,
      init: actionsDumpText(r.init),
      slide: actionsDumpText(r.slide),
      end: actionsDumpText(r.end),
      desc: this.desc,
      action: actionsDumpText(r.action),
      window: r.window,
      eventtimes: this.events.map((e) => e.time),
      eventpatterns: this.events.map((e) => e.kind + 1),
      status: "checking for thresholds",
    };
  }
}

/** The event group string as pattern input (egpattern sets no variables). */
function groupInput(text: string, op: EventGroupOperation): PatternInput {
  return {
    joined: () => text,
    lines: () => [text],
    sourceNames: () => "",
    sourceList: () => [undefined],
    intContext: undefined,
    cache: new Map<string, MatchData>(),
    groupTokens: op.events.map((e) => e.token),
    groupTimes: op.events.map((e) => e.time),
  } as unknown as PatternInput;
}

function firstMatch(
  engine: Engine,
  groups: readonly EventGroupPart[],
  ev: EventContext,
): { index: number; m: MatchData } | null {
  for (let i = 0; i < groups.length; i++) {
    const m = engine.matchPart(groups[i], ev);
    if (m !== null) return { index: i, m };
  }
  return null;
}

/** Processor of EventGroup rules. */
export function processEventGroup(engine: Engine, rule: Rule, ev: EventContext): Continue | null {
  const groups = rule.groups!;
  const hit = firstMatch(engine, groups, ev);
  if (hit === null) return null;
  rule.matchCount++;
  const part = groups[hit.index];
  const pattern: Pattern = part.pattern;
  const src = engine.sources(pattern.setsVars ? hit.m : null, ev);
  const store = operationStore(engine);
  const key = store.keyFor(engine, rule, src);
  const now = engine.now();
  let op = store.getByKey(rule, key, now) as EventGroupOperation | undefined;
  const desc = op?.desc ?? store.descOf(rule, key);
  if (op === undefined) {
    const saved = savedSources(rule, [rule.action, rule.end, rule.slide], src);
    op = new EventGroupOperation(rule, desc, now, saved);
    store.add(op, key);
    op.run(engine, bindList(engine, rule.init, src, desc, rule));
    // an init action that ended the new operation (reset): SEC stops there
    if (op.ended) return part.cont;
  }
  op.run(engine, bindList(engine, part.count, src, desc, rule));
  if (!op.ended) {
    const token = render(bindMatch(part.egtoken, src));
    op.observe(engine, { kind: hit.index, time: now, token });
  }
  return part.cont;
}
