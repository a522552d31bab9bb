/**
 * Calendar rules (CALENDAR RULE): the action list runs once in every
 * minute that matches the time specification, also in the middle of the
 * minute (at start-up, or when the context expression turns true).
 *
 * The specification is crontab-like with SEC's differences: day 0 is the
 * last day of the month, day and weekday must BOTH match, weekday 7 is
 * Sunday too, and an optional sixth field matches the two-digit year.
 * The syntax is checked when the rule loads (lang/calendar_spec.ts);
 * minutes, hours, days, months and weekdays are matched with croner, the
 * year field here.
 *
 * @module
 */
import { Cron } from "croner";

import { parseTimeSpec } from "../../lang/calendar_spec.ts";
import type { Rule } from "../../lang/rules.ts";
import type { Engine } from "../engine.ts";

/** What a Calendar rule needs of its croner schedule. */
export interface MinuteMatcher {
  /** True when the minute of `date` is in the schedule. */
  match(date: Date): boolean;
}

/** A parsed time specification. */
export interface CalendarSpec {
  /** Minute, hour, day, month and weekday conditions; null when some field allows nothing. */
  readonly cron: MinuteMatcher | null;
  /** Allowed two-digit years, or undefined for any. */
  readonly years: ReadonlySet<number> | undefined;
}

/**
 * Parses SEC's time specification (lang/calendar_spec.ts) into a croner
 * pattern of explicit value lists (day 0 becomes croner's L; croner is
 * told to AND day and weekday); throws with SEC's reason when invalid.
 */
export function parseCalendarSpec(time: string): CalendarSpec {
  const t = parseTimeSpec(time);
  const years = t.years === undefined ? undefined : new Set(t.years);
  const lists = [t.minutes, t.hours, t.days, t.months, t.weekdays];
  if (lists.some((l) => l.length === 0)) return { cron: null, years };
  const days = t.days.map((d) => (d === 0 ? "L" : String(d))).join(",");
  const pattern = [
    t.minutes.join(","),
    t.hours.join(","),
    days,
    t.months.join(","),
    t.weekdays.join(","),
  ]
    .join(" ");
  const cron = new Cron(pattern, { paused: true, domAndDow: true });
  return { cron, years };
}

/** True when the minute containing `date` (local time) matches. */
export function calendarMatches(spec: CalendarSpec, date: Date): boolean {
  if (spec.cron === null) return false;
  const minute = new Date(date.getTime());
  minute.setSeconds(0, 0);
  if (spec.years !== undefined && !spec.years.has(minute.getFullYear() % 100)) return false;
  return spec.cron.match(minute);
}

interface CalendarState {
  spec: CalendarSpec | null;
  lastMinute: number;
}

const states = new WeakMap<Rule, CalendarState>();

function stateOf(engine: Engine, rule: Rule): CalendarState {
  let s = states.get(rule);
  if (s === undefined) {
    let spec: CalendarSpec | null = null;
    try {
      spec = parseCalendarSpec(rule.time ?? "");
    } catch (e) {
      engine.logger.log(2, `Calendar rule at ${rule.file}:${rule.line}: ${(e as Error).message}`);
    }
    s = { spec, lastMinute: -1 };
    states.set(rule, s);
  }
  return s;
}

/** Timer hook: runs the Calendar rules whose minute has come. */
export function runCalendars(engine: Engine, now: number): void {
  const minute = Math.floor(now / 60);
  const date = new Date(now * 1000);
  for (const file of engine.files) {
    for (const rule of file.rules) {
      if (rule.type !== "Calendar") continue;
      const s = stateOf(engine, rule);
      if (s.spec === null || s.lastMinute === minute) continue;
      if (!calendarMatches(s.spec, date)) continue;
      if (rule.calendarContext !== undefined && !engine.evalContext(rule.calendarContext, null)) {
        continue;
      }
      s.lastMinute = minute;
      rule.matchCount++;
      const desc = engine.bindText(rule.desc, { match: null });
      engine.execute(engine.bindActions(rule.action, { match: null }, desc, rule));
    }
  }
}

/** Per rule set: 0 no Calendar rule, 1 Calendar rules, 2 some with a context expression. */
const calendarKind = new WeakMap<readonly unknown[], number>();

/**
 * When runCalendars may next have work: the next minute when some rule is
 * a Calendar rule; the next second when one has a context expression (it
 * fires within the minute as soon as the expression turns true, as live).
 */
export function nextCalendarTime(engine: Engine, now: number): number {
  let kind = calendarKind.get(engine.files);
  if (kind === undefined) {
    kind = 0;
    for (const f of engine.files) {
      for (const r of f.rules) {
        if (r.type !== "Calendar") continue;
        kind = Math.max(kind, r.calendarContext !== undefined ? 2 : 1);
      }
    }
    calendarKind.set(engine.files, kind);
  }
  if (kind === 0) return Infinity;
  return kind === 2 ? now + 1 : (Math.floor(now / 60) + 1) * 60;
}
