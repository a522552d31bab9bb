/**
 * Calendar rules on the virtual clock: the action runs once in a matching
 * minute (at its first second, in the middle of it when the correlator
 * starts then, or when the context turns true), never twice in the same
 * minute, and not just before or just after it; SEC's time specification
 * differences from crontab (day 0 = last day of the month, day AND
 * weekday, weekday 7, the two-digit year field). Times are local, as in
 * SEC.
 */
import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import { OpHarness } from "../../../tests/helpers/op_harness.ts";
import { calendarMatches, parseCalendarSpec } from "./calendar.ts";
import { loadRuleText } from "../../lang/rule_compiler.ts";

/** Seconds since the Epoch of a local time. */
function local(y: number, mo: number, d: number, h: number, mi: number, s = 0): number {
  return new Date(y, mo - 1, d, h, mi, s).getTime() / 1000;
}

function tickAt(h: OpHarness, time: number): void {
  h.clock.set(time);
  h.engine.tick();
}

Deno.test("Calendar: once in the matching minute; not just before or just after it", () => {
  const h = new OpHarness(`
type=Calendar
time=30 12 * * *
desc=half past twelve
action=write @OUT %s %u
`);
  try {
    const m = local(2024, 3, 5, 12, 30);
    tickAt(h, m - 1); // 12:29:59
    assertEquals(h.take(), []);
    tickAt(h, m); // 12:30:00
    assertEquals(h.take(), [`half past twelve ${m}`]);
    tickAt(h, m + 1);
    tickAt(h, m + 30.5);
    tickAt(h, m + 59); // 12:30:59: the same minute
    assertEquals(h.take(), []);
    tickAt(h, m + 60); // 12:31:00
    assertEquals(h.take(), []);
    tickAt(h, m + 86400 + 42); // the next day, in the middle of the minute
    assertEquals(h.take(), [`half past twelve ${m + 86400 + 42}`]);
  } finally {
    h.close();
  }
});

Deno.test("Calendar: fires in the middle of the minute when its context turns true", () => {
  const h = new OpHarness(`
type=Calendar
time=* * * * *
context=ON
desc=tick
action=write @OUT tick %u

type=Single
continue=TakeNext
ptype=RegExp
pattern=^(on|off)$
desc=switch
action=write @OUT switch $1

type=Single
ptype=SubStr
pattern=on
desc=on
action=create ON

type=Single
ptype=SubStr
pattern=off
desc=off
action=delete ON
`);
  try {
    const m = local(2024, 3, 5, 8, 0);
    tickAt(h, m); // context false: nothing
    h.clock.set(m + 20);
    h.engine.processLine("on", "-");
    tickAt(h, m + 21);
    tickAt(h, m + 40);
    tickAt(h, m + 60); // next minute
    h.clock.set(m + 61);
    h.engine.processLine("off", "-");
    tickAt(h, m + 120);
    assertEquals(h.take(), ["switch on", `tick ${m + 21}`, `tick ${m + 60}`, "switch off"]);
  } finally {
    h.close();
  }
});

Deno.test("Calendar time: day 0 is the last day of the month", () => {
  const s = parseCalendarSpec("0 12 0 * *");
  assertEquals(calendarMatches(s, new Date(2024, 1, 29, 12, 0, 30)), true); // leap February
  assertEquals(calendarMatches(s, new Date(2024, 1, 28, 12, 0)), false);
  assertEquals(calendarMatches(s, new Date(2023, 1, 28, 12, 0)), true);
  assertEquals(calendarMatches(s, new Date(2024, 3, 30, 12, 0)), true); // 30 April
  assertEquals(calendarMatches(s, new Date(2024, 4, 30, 12, 0)), false); // 30 May
  const l = parseCalendarSpec("0 12 0,15 * *");
  assertEquals(calendarMatches(l, new Date(2024, 4, 15, 12, 0)), true);
  assertEquals(calendarMatches(l, new Date(2024, 4, 31, 12, 0)), true);
  assertEquals(calendarMatches(l, new Date(2024, 4, 16, 12, 0)), false);
});

Deno.test("Calendar time: day and weekday must both match; weekday 7 is Sunday", () => {
  const f13 = parseCalendarSpec("* * 13 * 5");
  assertEquals(calendarMatches(f13, new Date(2024, 8, 13, 1, 1)), true); // Friday 13 Sep 2024
  assertEquals(calendarMatches(f13, new Date(2024, 8, 6, 1, 1)), false); // a Friday
  assertEquals(calendarMatches(f13, new Date(2024, 9, 13, 1, 1)), false); // a Sunday the 13th
  const sun = parseCalendarSpec("* * * * 7");
  assertEquals(calendarMatches(sun, new Date(2024, 8, 15, 0, 0)), true);
  assertEquals(calendarMatches(sun, new Date(2024, 8, 16, 0, 0)), false);
  const weekdays = parseCalendarSpec("*/15 9-17 * * 1-5");
  assertEquals(calendarMatches(weekdays, new Date(2024, 8, 16, 9, 45)), true);
  assertEquals(calendarMatches(weekdays, new Date(2024, 8, 16, 9, 46)), false);
  assertEquals(calendarMatches(weekdays, new Date(2024, 8, 16, 18, 0)), false);
});

Deno.test("Calendar time: the optional sixth field is the two-digit year", () => {
  const y = parseCalendarSpec("* * * * * 24,26-27");
  assertEquals(calendarMatches(y, new Date(2024, 0, 1)), true);
  assertEquals(calendarMatches(y, new Date(2025, 0, 1)), false);
  assertEquals(calendarMatches(y, new Date(2027, 11, 31, 23, 59)), true);
  throws(() => parseCalendarSpec("* * * *"));
  throws(() => parseCalendarSpec("* * * * * 100"));
});

Deno.test("Calendar time: SEC's syntax (empty items, leading zeros, reverse ranges match nothing)", () => {
  const at = new Date(2024, 8, 16, 19, 20);
  assertEquals(calendarMatches(parseCalendarSpec("20,,25 * * * *"), at), true);
  assertEquals(calendarMatches(parseCalendarSpec("020 * * * *"), at), true);
  assertEquals(calendarMatches(parseCalendarSpec("25-20 * * * *"), at), false);
  assertEquals(calendarMatches(parseCalendarSpec("* * 1-0 * *"), at), false);
  assertEquals(calendarMatches(parseCalendarSpec("*/10 19-23/2 * * *"), at), true);
  assertEquals(calendarMatches(parseCalendarSpec("*/60 * * * *"), at), false);
});

Deno.test("Calendar time: invalid specifications make the rule invalid when it loads", () => {
  const invalid = [
    "61 * * * *",
    "* * * *",
    "* * 32 * *",
    "* * * * 8",
    "* * * * * 100",
    "x * * * *",
    "5/10 * * * *",
    "*/0 * * * *",
    "L * * * *",
    "0 0 0 0 *",
    "0 24 * * *",
    "* * * * sun",
    "* * * jan *",
    "1-2-3 * * * *",
    "1 * * * * 1 x",
  ];
  for (const time of invalid) {
    const r = loadRuleText("r.sec", `type=Calendar\ntime=${time}\ndesc=d\naction=none\n`);
    assertEquals(r.diagnostics.some((d) => d.ruleSkipped), true, time);
  }
  const valid = ["1-5/2 * * * *", "5-1 * * * *", "01 * * * *", "1,,2 * * * *", "* * * * * *"];
  for (const time of valid) {
    const r = loadRuleText("r.sec", `type=Calendar\ntime=${time}\ndesc=d\naction=none\n`);
    assertEquals(r.diagnostics, [], time);
  }
});
