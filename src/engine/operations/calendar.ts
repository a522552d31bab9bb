/**
 * Calendar rules (CALENDAR RULE): the action list runs once in every
 * minute that matches the time specification, also in the middle of the
 * minute (at start-up, or when the context expression turns true).
 *
 * The specification is crontab-like with SEC's differences: day 0 is the
 * last day of the month, day and weekday must BOTH match, weekday 7 is
 * Sunday too, and an optional sixth field matches the two-digit year.
 * Minutes, hours, days, months and weekdays are matched with croner; the
 * year field is matched here.
 *
 * @module
 */
import { Cron } from "croner";
import type { Rule } from "../../lang/rules.ts";
import type { Engine } from "../engine.ts";

/** A parsed time specification. */
export interface CalendarSpec {
  /** Minute, hour, day, month and weekday conditions. */
  readonly cron: Cron;
  /** Allowed two-digit years, or undefined for any. */
  readonly years: ReadonlySet<number> | undefined;
}

/** Parses SEC's time specification; throws with the reason when invalid. */
export function parseCalendarSpec(time: string): CalendarSpec {
  const fields = time.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    throw new Error(`time specification '${time}' needs 5 or 6 fields`);
  }
  // day 0 = the last day of the month (croner: L)
  fields[2] = fields[2].split(",").map((d) => (d === "0" ? "L" : d)).join(",");
  const years = fields.length === 6 ? parseYears(fields[5]) : undefined;
  const cron = new Cron(fields.slice(0, 5).join(" "), { paused: true, domAndDow: true });
  return { cron, years };
}

function parseYears(field: string): Set<number> {
  const out = new Set<number>();
  for (const item of field.split(",")) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
    if (m === null) throw new Error(`invalid year condition '${item}'`);
    const lo = m[1] === "*" ? 0 : parseInt(m[2], 10);
    const hi = m[1] === "*" ? 99 : m[3] !== undefined ? parseInt(m[3], 10) : m[4] ? 99 : lo;
    const step = m[4] !== undefined ? parseInt(m[4], 10) : 1;
    if (lo > 99 || hi > 99 || lo > hi || step < 1) {
      throw new Error(`invalid year condition '${item}'`);
    }
    for (let y = lo; y <= hi; y += step) out.add(y);
  }
  return out;
}

/** True when the minute containing `date` (local time) matches. */
export function calendarMatches(spec: CalendarSpec, date: Date): boolean {
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
