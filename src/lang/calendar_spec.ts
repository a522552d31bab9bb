/**
 * The time specification of Calendar rules (CALENDAR RULE), parsed as SEC
 * 2.9.4 accepts it: five or six whitespace-separated fields (minute, hour,
 * day, month, weekday, optional two-digit year); each a comma-separated
 * list of `*`, `N` or `N-M`, optionally followed by `/STEP` (not after a
 * single number). Empty list items are skipped, a range whose end is
 * below its start matches nothing, day 0 means the last day of the month
 * and weekday 7 is Sunday. Names (jan, sun) and croner's extensions (L, W,
 * #, ?) are not accepted.
 *
 * @module
 */

/** Allowed values of each field (weekday 7 folded into 0; day 0 = the last day). */
export interface TimeSpec {
  /** Minutes 0..59. */
  readonly minutes: readonly number[];
  /** Hours 0..23. */
  readonly hours: readonly number[];
  /** Days 0..31 (0 = the last day of the month). */
  readonly days: readonly number[];
  /** Months 1..12. */
  readonly months: readonly number[];
  /** Weekdays 0..6 (0 = Sunday). */
  readonly weekdays: readonly number[];
  /** Two-digit years 0..99, or undefined when the sixth field is absent. */
  readonly years: readonly number[] | undefined;
}

const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day", min: 0, max: 31 },
  { name: "month", min: 1, max: 12 },
  { name: "weekday", min: 0, max: 7 },
  { name: "year", min: 0, max: 99 },
] as const;

const ITEM = /^(?:(\*)|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/;

function parseField(text: string, f: (typeof FIELDS)[number]): number[] {
  const out = new Set<number>();
  for (const item of text.split(",")) {
    if (item === "") continue;
    const m = ITEM.exec(item);
    const bad = () => new Error(`Invalid ${f.name} specification '${item}'`);
    if (m === null) throw bad();
    let lo: number, hi: number;
    if (m[1] !== undefined) {
      lo = f.min;
      hi = f.max;
    } else {
      lo = parseInt(m[2], 10);
      hi = m[3] !== undefined ? parseInt(m[3], 10) : lo;
      if (m[3] === undefined && m[4] !== undefined) throw bad();
      if (lo < f.min || lo > f.max || hi < f.min || hi > f.max) throw bad();
    }
    const step = m[4] !== undefined ? parseInt(m[4], 10) : 1;
    if (step < 1) throw bad();
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

/** Parses a time specification; throws an Error with SEC's reason when it is invalid. */
export function parseTimeSpec(time: string): TimeSpec {
  const fields = time.trim().split(/\s+/).filter((s) => s !== "");
  if (fields.length !== 5 && fields.length !== 6) {
    throw new Error("Wrong number of elements in time specification");
  }
  const v = fields.map((t, i) => parseField(t, FIELDS[i]));
  const weekdays = [...new Set(v[4].map((d) => (d === 7 ? 0 : d)))].sort((a, b) => a - b);
  return {
    minutes: v[0],
    hours: v[1],
    days: v[2],
    months: v[3],
    weekdays,
    years: fields.length === 6 ? v[5] : undefined,
  };
}
