/**
 * Timestamps at the start of log lines, for --event-time: the parsers of
 * the built-in formats (`syslog`, `rfc5424`, `iso8601`, `epoch`) and of
 * user-given strftime-style patterns or regular expressions with named
 * groups. A parser returns seconds since the Epoch (fractional), or NaN
 * when the line carries no timestamp it understands.
 *
 * Parsing runs once per input line, so the built-in parsers read only the
 * prefix, character by character, and reuse the last result when the
 * line starts with the same text as the previous one (logs have many
 * lines a second); the local-time conversion (Date) runs once a minute of
 * log time. Times without a zone are local time (TZ).
 *
 * @module
 */

/** Reads the timestamp of a line. */
export interface TimestampParser {
  /** Seconds since the Epoch (fraction allowed), or NaN when the line has none. */
  parse(line: string): number;
}

/** Names of the built-in formats. */
export const EVENT_TIME_FORMATS = ["syslog", "rfc5424", "iso8601", "epoch"] as const;

const DAY = 86_400;
const HALF_YEAR = 183 * DAY;

/** Month number (0-11) of a three-letter English abbreviation (any case), or -1. */
function monthOf(a: number, b: number, c: number): number {
  const key = ((a | 32) << 16) | ((b | 32) << 8) | (c | 32);
  return MONTHS.get(key) ?? -1;
}
const MONTHS = new Map<number, number>(
  ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map((
    m,
    i,
  ) => [(m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2), i]),
);

/** Value of a decimal digit's char code, or -1. */
function digit(c: number): number {
  const d = c - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

/** Two digits at `i` as a number, or -1. */
function two(s: string, i: number): number {
  const a = digit(s.charCodeAt(i)), b = digit(s.charCodeAt(i + 1));
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/**
 * The first `n` characters of the last line that parsed, kept as char
 * codes: comparing them (last first: the seconds change most often) is
 * cheaper than String.prototype.startsWith, which does not inline.
 */
class Prefix {
  readonly #codes: Int32Array;
  readonly #n: number;
  #valid = false;

  /** Remembers prefixes of `n` characters. */
  constructor(n: number) {
    this.#n = n;
    this.#codes = new Int32Array(n);
  }

  /** True when `line` starts with the remembered prefix. */
  matches(line: string): boolean {
    if (!this.#valid || line.length < this.#n) return false;
    const c = this.#codes;
    for (let i = this.#n - 1; i >= 0; i--) if (line.charCodeAt(i) !== c[i]) return false;
    return true;
  }

  /** Remembers the prefix of `line` (at least n characters long). */
  set(line: string): void {
    const c = this.#codes;
    for (let i = 0; i < this.#n; i++) c[i] = line.charCodeAt(i);
    this.#valid = true;
  }
}

/**
 * Converts calendar fields to seconds since the Epoch, local time when
 * `offset` is undefined, else UTC minus `offset` seconds; remembers the
 * last minute so that a minute of lines costs one Date computation.
 */
class MinuteCache {
  #key = NaN;
  #base = 0;
  #utcKey = NaN;
  #utcBase = 0;

  /** Start of the minute y-mo-d h:mi (mo 0-11) in local time, in seconds. */
  local(y: number, mo: number, d: number, h: number, mi: number): number {
    const key = ((((y * 12 + mo) * 32 + d) * 24 + h) * 60) + mi;
    if (key !== this.#key) {
      this.#key = key;
      this.#base = new Date(y, mo, d, h, mi, 0, 0).getTime() / 1000;
    }
    return this.#base;
  }

  /** Start of the minute y-mo-d h:mi (mo 0-11) in UTC, in seconds. */
  utc(y: number, mo: number, d: number, h: number, mi: number): number {
    const key = ((((y * 12 + mo) * 32 + d) * 24 + h) * 60) + mi;
    if (key !== this.#utcKey) {
      this.#utcKey = key;
      this.#utcBase = Date.UTC(y, mo, d, h, mi, 0, 0) / 1000;
    }
    return this.#utcBase;
  }
}

/**
 * Infers the year of timestamps without one (syslog): the first is put
 * in the year that makes it the latest time not more than a day ahead of
 * the wall clock; each later one in the year that puts it within half a
 * year of the previous timestamp, so December -> January moves on to the
 * next year (and a stray older line does not move the year back for good).
 */
export class YearGuess {
  #year = -1;
  #last = NaN;
  readonly #wallNow: () => number;
  readonly #first: number | undefined;

  /** `wallNow`: the wall clock in seconds; `firstYear`: the first timestamp's year, when known. */
  constructor(wallNow: () => number, firstYear?: number) {
    this.#wallNow = wallNow;
    this.#first = firstYear;
  }

  /** The time of the fields with the year guessed; `at(year)` computes the time for a year. */
  resolve(at: (year: number) => number): number {
    if (this.#year < 0 && this.#first !== undefined) this.#year = this.#first;
    if (this.#year < 0) {
      const now = this.#wallNow();
      let y = new Date(now * 1000).getFullYear();
      if (at(y) > now + DAY) y--;
      this.#year = y;
    }
    let y = this.#year;
    let t = at(y);
    if (this.#last === this.#last) {
      if (this.#last - t > HALF_YEAR) t = at(++y);
      else if (t - this.#last > HALF_YEAR) {
        const older = at(y - 1);
        this.#last = older;
        return older;
      }
    }
    this.#year = y;
    this.#last = t;
    return t;
  }
}

/** RFC 3164 `Mmm dd hh:mm:ss` (day space- or zero-padded) at the start of the line; year inferred. */
export class SyslogParser implements TimestampParser {
  readonly #prefix = new Prefix(15);
  #time = NaN;
  readonly #minutes = new MinuteCache();
  readonly #years: YearGuess;
  #minuteKey = -1;
  #minuteTime = 0;

  /** `wallNow` is used to guess the year of the first timestamp, unless `firstYear` gives it. */
  constructor(wallNow: () => number = () => Date.now() / 1000, firstYear?: number) {
    this.#years = new YearGuess(wallNow, firstYear);
  }

  /** See TimestampParser. */
  parse(line: string): number {
    if (this.#prefix.matches(line)) return this.#time;
    if (line.length < 15) return NaN;
    const mo = monthOf(line.charCodeAt(0), line.charCodeAt(1), line.charCodeAt(2));
    if (mo < 0 || line.charCodeAt(3) !== 32) return NaN;
    const d1 = line.charCodeAt(4);
    const d = d1 === 32 ? digit(line.charCodeAt(5)) : two(line, 4);
    if (d < 1 || line.charCodeAt(6) !== 32) return NaN;
    const h = two(line, 7), mi = two(line, 10), s = two(line, 13);
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) return NaN;
    if (line.charCodeAt(9) !== 58 || line.charCodeAt(12) !== 58) return NaN;
    const key = ((mo * 32 + d) * 24 + h) * 60 + mi;
    if (key !== this.#minuteKey) {
      this.#minuteKey = key;
      this.#minuteTime = this.#years.resolve((y) => this.#minutes.local(y, mo, d, h, mi));
    }
    this.#prefix.set(line);
    this.#time = this.#minuteTime + s;
    return this.#time;
  }
}

/**
 * ISO 8601 date-time `YYYY-MM-DDThh:mm:ss[.frac][Z|+hh:mm|+hhmm|+hh]` at
 * position `at` (a space instead of `T` is accepted); no zone = local time.
 */
export class IsoParser implements TimestampParser {
  readonly #prefix = new Prefix(19);
  #base = NaN;
  readonly #minutes = new MinuteCache();

  /** See TimestampParser. */
  parse(line: string): number {
    return this.parseAt(line, 0);
  }

  /** Parses the date-time starting at index `at`. */
  parseAt(line: string, at: number): number {
    let base: number, local: number;
    if (at === 0 && this.#prefix.matches(line)) {
      base = this.#base;
      local = this.#localBase;
    } else {
      if (line.length < at + 19) return NaN;
      const y = two(line, at) * 100 + two(line, at + 2);
      const mo = two(line, at + 5), d = two(line, at + 8);
      const h = two(line, at + 11), mi = two(line, at + 14), s = two(line, at + 17);
      if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23) return NaN;
      if (mi < 0 || mi > 59 || s < 0 || s > 60) return NaN;
      const sep = line.charCodeAt(at + 10);
      if (
        line.charCodeAt(at + 4) !== 45 || line.charCodeAt(at + 7) !== 45 ||
        (sep !== 84 && sep !== 32 && sep !== 116) || line.charCodeAt(at + 13) !== 58 ||
        line.charCodeAt(at + 16) !== 58
      ) return NaN;
      base = this.#minutes.utc(y, mo - 1, d, h, mi) + s;
      local = this.#minutes.local(y, mo - 1, d, h, mi) + s;
      if (at === 0) {
        this.#prefix.set(line);
        this.#base = base;
        this.#localBase = local;
      }
    }
    let i = at + 19;
    let c = line.charCodeAt(i);
    let frac = 0;
    if (c === 46 || c === 44) {
      let scale = 0.1;
      let dg: number;
      while ((dg = digit(line.charCodeAt(++i))) >= 0) {
        frac += dg * scale;
        scale /= 10;
      }
      c = line.charCodeAt(i);
    }
    if (c === 90 || c === 122) return base + frac; // Z
    if (c === 43 || c === 45) {
      const oh = two(line, i + 1);
      if (oh < 0) return local + frac;
      let om = two(line, i + 3);
      if (om < 0 && line.charCodeAt(i + 3) === 58) om = two(line, i + 4);
      const off = (oh * 3600 + (om < 0 ? 0 : om * 60)) * (c === 45 ? -1 : 1);
      return base - off + frac;
    }
    return local + frac;
  }
  #localBase = NaN;
}

/** RFC 5424 header `<PRI>VERSION TIMESTAMP ...` (PRI optional); `-` (no timestamp) gives NaN. */
export class Rfc5424Parser implements TimestampParser {
  readonly #iso = new IsoParser();

  /** See TimestampParser. */
  parse(line: string): number {
    let i = 0;
    if (line.charCodeAt(0) === 60) {
      i = line.indexOf(">", 1);
      if (i < 2 || i > 4) return NaN;
      i++;
    }
    const v = i;
    while (digit(line.charCodeAt(i)) >= 0) i++;
    if (i === v || i - v > 2 || line.charCodeAt(i) !== 32) return NaN;
    return this.#iso.parseAt(line, i + 1);
  }
}

/** Seconds since the Epoch (fraction allowed) at the start of the line. */
export class EpochParser implements TimestampParser {
  /** See TimestampParser. */
  parse(line: string): number {
    let i = 0, t = 0, dg: number;
    while ((dg = digit(line.charCodeAt(i))) >= 0) {
      t = t * 10 + dg;
      i++;
    }
    if (i === 0) return NaN;
    if (line.charCodeAt(i) === 46) {
      let scale = 0.1;
      while ((dg = digit(line.charCodeAt(++i))) >= 0) {
        t += dg * scale;
        scale /= 10;
      }
    }
    const c = line.charCodeAt(i);
    return c >= 0 && c !== 32 && c !== 9 && c !== 44 && c !== 59 && c !== 58 ? NaN : t;
  }
}

const STRFTIME: Record<string, string> = {
  Y: "(?<year>\\d{4})",
  y: "(?<year2>\\d{2})",
  m: "(?<month>\\d{1,2})",
  b: "(?<mon>[A-Za-z]{3})",
  h: "(?<mon>[A-Za-z]{3})",
  B: "(?<mon>[A-Za-z]{3})[A-Za-z]*",
  d: "(?<day>\\d{1,2})",
  e: "\\s?(?<day>\\d{1,2})",
  H: "(?<hour>\\d{1,2})",
  I: "(?<hour12>\\d{1,2})",
  p: "(?<ampm>[AaPp][Mm])",
  M: "(?<minute>\\d{2})",
  S: "(?<second>\\d{2})",
  f: "(?<fraction>\\d+)",
  z: "(?<zone>Z|[+-]\\d{2}(?::?\\d{2})?)",
  s: "(?<epoch>\\d+(?:\\.\\d+)?)",
  T: "(?<hour>\\d{1,2}):(?<minute>\\d{2}):(?<second>\\d{2})",
  F: "(?<year>\\d{4})-(?<month>\\d{1,2})-(?<day>\\d{1,2})",
  "%": "%",
};

/**
 * Compiles a strftime-style pattern (anchored at the start of the line)
 * to a regular expression with the named groups RegexParser reads.
 * Directives: %Y %y %m %b %h %B %d %e %H %I %p %M %S %f (fraction digits)
 * %z (Z, +hh, +hhmm, +hh:mm) %s (epoch seconds) %T (%H:%M:%S)
 * %F (%Y-%m-%d) %%; a space matches one or more blanks; anything else
 * matches itself.
 */
export function strftimeToRegex(pattern: string): RegExp {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "%") {
      const d = pattern[++i];
      const part = d === undefined ? undefined : STRFTIME[d];
      if (part === undefined) throw new Error(`unknown directive %${d ?? ""} in "${pattern}"`);
      re += part;
    } else if (c === " ") re += "\\s+";
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(re);
}

/**
 * A user-given format: a regular expression whose named groups give the
 * fields: `year` (or `year2`), `month` (1-12) or `mon` (name), `day`,
 * `hour` (or `hour12` with `ampm`), `minute`, `second`, `fraction`,
 * `zone`; or `epoch`. Missing year: inferred as for syslog; missing time
 * fields: 0. The last matched text is cached.
 */
export class RegexParser implements TimestampParser {
  readonly #re: RegExp;
  readonly #years: YearGuess;
  readonly #minutes = new MinuteCache();
  #lastText = "\0";
  #lastTime = NaN;

  /** Checks that the expression has the groups it needs; `firstYear` as for SyslogParser. */
  constructor(re: RegExp, wallNow: () => number = () => Date.now() / 1000, firstYear?: number) {
    const src = re.source;
    const has = (g: string) => src.includes(`(?<${g}>`);
    if (!has("epoch") && !(has("day") && (has("month") || has("mon")))) {
      throw new Error("the expression needs named groups day and month (or mon), or epoch");
    }
    this.#re = re;
    this.#years = new YearGuess(wallNow, firstYear);
  }

  /** See TimestampParser. */
  parse(line: string): number {
    const m = this.#re.exec(line);
    if (m === null || m.groups === undefined) return NaN;
    if (m[0] === this.#lastText) return this.#lastTime;
    const t = this.#fields(m.groups);
    if (t === t) {
      this.#lastText = m[0];
      this.#lastTime = t;
    }
    return t;
  }

  #fields(g: Record<string, string | undefined>): number {
    if (g.epoch !== undefined) return parseFloat(g.epoch);
    let mo = g.month !== undefined ? parseInt(g.month, 10) - 1 : -1;
    if (g.mon !== undefined) {
      mo = monthOf(g.mon.charCodeAt(0), g.mon.charCodeAt(1), g.mon.charCodeAt(2));
    }
    const d = parseInt(g.day ?? "", 10);
    let h = parseInt(g.hour ?? "0", 10);
    if (g.hour12 !== undefined) {
      h = parseInt(g.hour12, 10) % 12 + (/^[Pp]/.test(g.ampm ?? "") ? 12 : 0);
    }
    const mi = parseInt(g.minute ?? "0", 10), s = parseInt(g.second ?? "0", 10);
    if (mo < 0 || mo > 11 || !(d >= 1 && d <= 31) || h > 23 || mi > 59 || s > 60) return NaN;
    const frac = g.fraction !== undefined ? parseFloat("0." + g.fraction) : 0;
    const zone = g.zone;
    let off: number | undefined;
    if (zone !== undefined) {
      if (zone === "Z" || zone === "z") off = 0;
      else {
        const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
        if (z === null) return NaN;
        off = (parseInt(z[2], 10) * 3600 + parseInt(z[3] ?? "0", 10) * 60) *
          (z[1] === "-" ? -1 : 1);
      }
    }
    const at = (y: number) =>
      off === undefined
        ? this.#minutes.local(y, mo, d, h, mi) + s
        : this.#minutes.utc(y, mo, d, h, mi) + s - off;
    let t: number;
    if (g.year !== undefined) t = at(parseInt(g.year, 10));
    else if (g.year2 !== undefined) t = at(2000 + parseInt(g.year2, 10));
    else t = this.#years.resolve(at);
    return t + frac;
  }
}

/**
 * The parser for an --event-time value: a built-in format name,
 * `regex:EXPRESSION` (named groups, see RegexParser; not anchored), or a
 * strftime-style pattern containing `%` (anchored at the line start);
 * optionally followed by `,year=YYYY`: the year of the first timestamp of
 * formats without a year (default: guessed from the wall clock).
 * Throws an Error saying what is wrong.
 */
export function timestampParser(
  value: string,
  wallNow: () => number = () => Date.now() / 1000,
): TimestampParser {
  const y = /,year=([^,]*)$/.exec(value);
  if (y !== null && !/^\d{4}$/.test(y[1])) {
    throw new Error(`",year=" needs a four-digit year, not "${y[1]}"`);
  }
  const format = y ? value.slice(0, y.index) : value;
  const year = y ? parseInt(y[1], 10) : undefined;
  const named = /^(\w+),(.*)$/.exec(format);
  if (named !== null && (EVENT_TIME_FORMATS as readonly string[]).includes(named[1])) {
    throw new Error(`unknown option ",${named[2]}" after "${named[1]}" (only ",year=YYYY")`);
  }
  if (year !== undefined && ["rfc5424", "iso8601", "epoch"].includes(format)) {
    throw new Error(`${format} timestamps carry their year: ",year=" is for syslog and patterns`);
  }
  switch (format) {
    case "syslog":
      return new SyslogParser(wallNow, year);
    case "rfc5424":
      return new Rfc5424Parser();
    case "iso8601":
      return new IsoParser();
    case "epoch":
      return new EpochParser();
  }
  if (format.startsWith("regex:")) {
    let re: RegExp;
    try {
      re = new RegExp(format.slice(6));
    } catch (e) {
      throw new Error(`bad regular expression: ${(e as Error).message}`);
    }
    return new RegexParser(re, wallNow, year);
  }
  if (format.includes("%")) {
    const re = strftimeToRegex(format);
    const src = re.source;
    if (!src.includes("(?<epoch>") && !(src.includes("(?<day>") && /\(\?<mon(th)?>/.test(src))) {
      throw new Error(
        `the pattern "${format}" needs a day (%d or %e) and a month (%m, %b or %B), or %s`,
      );
    }
    return new RegexParser(re, wallNow, year);
  }
  throw new Error(
    `unknown format "${format}" (${
      EVENT_TIME_FORMATS.join(", ")
    }, regex:EXPR or a strftime pattern)`,
  );
}
