/**
 * Action list variables: the user's (`%name`, global, kept across action
 * lists) and SEC's built-in ones (`%s`, `%t`, `%u`, `%.sec`, ..., `%.chrN`).
 *
 * @module
 */

const WDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function pad2(n: number): string {
  return n < 10 ? "0" + n : String(n);
}

/** The value of a time-derived built-in variable at `now` (seconds), or undefined. */
export function timeVariable(name: string, now: number): string | undefined {
  const d = new Date(Math.floor(now) * 1000);
  switch (name) {
    case "t":
      return perlLocaltime(d);
    case "u":
      return String(Math.floor(now));
    case ".sec":
      return pad2(d.getSeconds());
    case ".min":
      return pad2(d.getMinutes());
    case ".hour":
      return pad2(d.getHours());
    case ".hmsstr":
      return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
    case ".mday":
      return pad2(d.getDate());
    case ".mdaystr":
      return String(d.getDate()).padStart(2, " ");
    case ".mon":
      return pad2(d.getMonth() + 1);
    case ".monstr":
      return MONTHS[d.getMonth()];
    case ".year":
      return String(d.getFullYear());
    case ".wday":
      return String(d.getDay());
    case ".wdaystr":
      return WDAYS[d.getDay()];
    case ".tzname":
      return tzName(d);
    case ".tzoff":
      return tzOffset(d, false);
    case ".tzoff2":
      return tzOffset(d, true);
    default:
      return undefined;
  }
}

/** Perl's scalar localtime(): "Fri Feb 19 17:54:18 2016". */
export function perlLocaltime(d: Date): string {
  return `${WDAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, " ")} ${
    pad2(d.getHours())
  }:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${d.getFullYear()}`;
}

function tzOffset(d: Date, colon: boolean): string {
  const off = -d.getTimezoneOffset();
  const sign = off < 0 ? "-" : "+";
  const a = Math.abs(off);
  return `${sign}${pad2(Math.floor(a / 60))}${colon ? ":" : ""}${pad2(a % 60)}`;
}

function tzName(d: Date): string {
  const parts = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" }).formatToParts(d);
  return parts.find((p) => p.type === "timeZoneName")?.value ?? "UTC";
}

const FIXED: Record<string, string> = { ".nl": "\n", ".cr": "\r", ".tab": "\t", ".sp": " " };

/** Built-in variables that do not depend on time or the action list. */
export function fixedVariable(name: string): string | undefined {
  const f = FIXED[name];
  if (f !== undefined) return f;
  if (name.startsWith(".chr")) {
    const n = name.slice(4);
    if (/^(0|[1-9][0-9]{0,2})$/.test(n) && +n <= 255) return String.fromCharCode(+n);
  }
  return undefined;
}

/** The time-derived built-in variables that dumps list (`%.sec` ... `%.year`). */
export const TIME_BUILTINS: readonly string[] = [
  ".hmsstr",
  ".hour",
  ".mday",
  ".mdaystr",
  ".min",
  ".mon",
  ".monstr",
  ".sec",
  ".tzname",
  ".tzoff",
  ".tzoff2",
  ".wday",
  ".wdaystr",
  ".year",
];

/**
 * The built-in variables SEC lists in its dump, by name without `%`: `%`
 * (for `%%`), `.chr0` ... `.chr255`, `.cr`, `.nl`, `.sp`, `.tab`, and the
 * time-derived ones as of `time` (seconds); with `lastDesc` (an action
 * list has substituted variables), also `s`, `t` and `u` as then.
 */
export function builtinVariables(time: number, lastDesc?: string): Record<string, string> {
  const out: Record<string, string> = { "%": "%" };
  for (let n = 0; n < 256; n++) out[`.chr${n}`] = String.fromCharCode(n);
  for (const [name, value] of Object.entries(FIXED)) out[name] = value;
  for (const name of TIME_BUILTINS) out[name] = timeVariable(name, time)!;
  if (lastDesc !== undefined) {
    out.s = lastDesc;
    out.t = timeVariable("t", time)!;
    out.u = timeVariable("u", time)!;
  }
  return out;
}

/** User-defined action list variables (global scope). Values may be any JS value (code results). */
export class Variables {
  readonly #values = new Map<string, unknown>();
  /**
   * The time (seconds) the time-derived built-ins (`%.sec`, `%.hmsstr` ...)
   * were last taken at: the start, then each action list that substituted
   * a variable (SEC refreshes them only then; its dump shows them, and
   * `%s`, `%t`, `%u`, as of that time).
   */
  builtinTime = 0;
  /** `%s` of the last action list that substituted a variable (undefined before the first). */
  lastDesc: string | undefined;

  /** An action list with description `desc` substitutes its variables at `now`. */
  substituting(desc: string, now: number): void {
    this.lastDesc = desc;
    this.builtinTime = now;
  }

  /** Raw value, or undefined when unset. */
  get(name: string): unknown {
    return this.#values.get(name);
  }

  /** True when the variable is set. */
  has(name: string): boolean {
    return this.#values.has(name);
  }

  /** Sets a variable. */
  set(name: string, value: unknown): void {
    this.#values.set(name, value);
  }

  /** Unsets a variable. */
  delete(name: string): void {
    this.#values.delete(name);
  }

  /** All variables, in insertion order. */
  entries(): IterableIterator<[string, unknown]> {
    return this.#values.entries();
  }
}

/** Converts a variable value to the string substituted into actions. */
export function variableText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "function") return `CODE(${v.name || "anonymous"})`;
  if (Array.isArray(v)) return `ARRAY(${v.length})`;
  if (typeof v === "object") return "HASH";
  return String(v);
}
