/**
 * SEC's command line: every option of SEC 2.9.4 (manual, OPTIONS section)
 * plus sec-ts's own (`--utf8`, `--allow-*`, `--ctlfifo`), scanned the way
 * SEC's Getopt::Long does it (see cli_getopt.ts) and checked the way SEC
 * checks the values afterwards.
 *
 * SEC itself only warns about a bad command line: it prints one line per
 * problem to standard error, ignores the offending option (a value that
 * fails a range check falls back to the default) and runs on.
 * `parseCommandLineLenient` does the same and returns the messages;
 * `parseCommandLine` throws a UsageError with the first one instead.
 *
 * @module
 */
import { type OptionDef, type OptionKind, scanOptions } from "./cli_getopt.ts";
import { timestampParser } from "./timestamps.ts";

/** An --input source: a file name pattern, optionally with a context name. */
export interface InputSpec {
  /** The glob pattern (not yet expanded; `-` is standard input). */
  pattern: string;
  /** Context set up for each line read from matching files (`--input=pat=CTX`). */
  context?: string;
}

/** A sec-ts permission: `true` allows everything of its kind, a list only those items. */
export type Permission = true | string[];

/** All command-line settings, with SEC's defaults filled in. */
export interface SecOptions {
  /** --conf patterns (repeatable), in order; default none. */
  conf: string[];
  /** --input patterns with their optional contexts (repeatable); default none. */
  input: InputSpec[];
  /** --input-timeout seconds (0 = off; needs --timeout-script). Default 0. */
  inputTimeout: number;
  /** --timeout-script program run on input timeouts. */
  timeoutScript?: string;
  /** --reopen-timeout seconds between attempts to reopen a closed input (0 = never). Default 0. */
  reopenTimeout: number;
  /** --check-timeout seconds an input without new data is not polled (0 = off). Default 0. */
  checkTimeout: number;
  /** --poll-timeout seconds to sleep when no input arrived (real). Default 0.1. */
  pollTimeout: number;
  /** --socket-timeout seconds to wait for a network connection. Default 60. */
  socketTimeout: number;
  /** --max-connections: open connections per stream socket input (sec-ts). Default 256. */
  inputMaxConnections: number;
  /** --rotation-grace: seconds a renamed-away input file is read on until quiet (sec-ts). Default 5. */
  rotationGrace: number;
  /** --idle-timeout: seconds before an idle socket input connection is closed (0 = never). Default 600. */
  inputIdleTimeout: number;
  /** --blocksize bytes read at once from an input. Default 8192. */
  blocksize: number;
  /** --bufsize lines in input buffers (0 = derive from the rules). Default 0. */
  bufsize: number;
  /** --evstoresize limit of events in a context's store (0 = unlimited). Default 0. */
  evstoresize: number;
  /** --cleantime seconds between housekeeping runs. Default 1. */
  cleantime: number;
  /** --log file. Default none. */
  log?: string;
  /** --syslog facility. Default none. */
  syslog?: string;
  /** --debug level 1..6: messages up to this level are logged. Default 6. */
  debug: number;
  /** --pid file. Default none. */
  pid?: string;
  /** --dump file. Default /tmp/sec.dump. */
  dump: string;
  /** --user to switch to when started as root. */
  user?: string;
  /** --group(s) to switch to (repeatable; needs --user). */
  group: string[];
  /** --umask, 0..0o777. Default: leave the umask alone. */
  umask?: number;
  /** --ruleperf: collect per-rule performance data. Default off. */
  ruleperf: boolean;
  /** --dumpfts: timestamp suffix on the dump file name. Default off. */
  dumpfts: boolean;
  /** --dumpfjson: dump in JSON. Default off. */
  dumpfjson: boolean;
  /** --quoting: single-quote %s in shellcmd/spawn/cspawn command lines. Default off. */
  quoting: boolean;
  /** --tail (true) / --notail (false). Default true. */
  tail: boolean;
  /** --fromstart: with --tail, read inputs from the beginning first. Default off. */
  fromstart: boolean;
  /** --detach: become a daemon. Default off. */
  detach: boolean;
  /**
   * --jointbuf (true) / --nojointbuf (false). undefined when not given:
   * then SEC uses a joint buffer when the buffer size is 1, separate ones otherwise.
   */
  jointbuf?: boolean;
  /** --keepopen: keep inputs open across soft restarts. Default on. */
  keepopen: boolean;
  /** --rwfifo: open named pipes read-write. Default on. */
  rwfifo: boolean;
  /** --childterm: SIGTERM child processes on exit. Default on. */
  childterm: boolean;
  /** --intevents: generate internal events (SEC_STARTUP ...). Default off. */
  intevents: boolean;
  /** --intcontexts: internal input contexts; forced on by an --input with a context. Default off. */
  intcontexts: boolean;
  /** --testonly: check the rule files and exit. Default off. */
  testonly: boolean;
  /** --help / -?: print usage and exit. */
  help: boolean;
  /** --version: print the version and exit (--help wins when both are given). */
  version: boolean;
  /** sec-ts --utf8: character (UTF-8) semantics instead of bytes. Default off. */
  utf8: boolean;
  /** sec-ts --allow-run[=prog,...]: programs that may be run. Default none. */
  allowRun: Permission;
  /** sec-ts --allow-write[=path,...]: files that may be written. Default none. */
  allowWrite: Permission;
  /** sec-ts --allow-net[=host:port,...]: network peers. Default none. */
  allowNet: Permission;
  /** sec-ts --allow-code: allow Perl-code features (eval, PerlFunc ...). Default off. */
  allowCode: boolean;
  /** sec-ts --ctlfifo: control FIFO path. Default none. */
  ctlfifo?: string;
  /** sec-ts --event-time: timestamp format that drives the clock (event_time.ts). Default none. */
  eventTime?: string;
  /** sec-ts --test-clock: virtual time driven by `@sleep N` lines on stdin (`sec-ts test`). */
  testClock?: boolean;
}

/** A bad command line (one line, SEC's/Getopt::Long's wording). */
export class UsageError extends Error {
  /** The error name. */
  override name = "UsageError";
}

/** SecOptions with every default. */
export function defaultOptions(): SecOptions {
  return {
    conf: [],
    input: [],
    inputTimeout: 0,
    reopenTimeout: 0,
    checkTimeout: 0,
    pollTimeout: 0.1,
    socketTimeout: 60,
    inputMaxConnections: 256,
    inputIdleTimeout: 600,
    rotationGrace: 5,
    blocksize: 8192,
    bufsize: 0,
    evstoresize: 0,
    cleantime: 1,
    debug: 6,
    dump: "/tmp/sec.dump",
    group: [],
    ruleperf: false,
    dumpfts: false,
    dumpfjson: false,
    quoting: false,
    tail: true,
    fromstart: false,
    detach: false,
    keepopen: true,
    rwfifo: true,
    childterm: true,
    intevents: false,
    intcontexts: false,
    testonly: false,
    help: false,
    version: false,
    utf8: false,
    allowRun: [],
    allowWrite: [],
    allowNet: [],
    allowCode: false,
  };
}

type Key = keyof SecOptions | "allowAll";

/** [names, kind, SecOptions key]; names[0] is canonical. */
const TABLE: [string[], OptionKind, Key][] = [
  [["conf"], "string", "conf"],
  [["input"], "string", "input"],
  [["input-timeout", "input_timeout"], "int", "inputTimeout"],
  [["timeout-script", "timeout_script"], "string", "timeoutScript"],
  [["reopen-timeout", "reopen_timeout"], "int", "reopenTimeout"],
  [["check-timeout", "check_timeout"], "int", "checkTimeout"],
  [["poll-timeout", "poll_timeout"], "real", "pollTimeout"],
  [["socket-timeout", "socket_timeout"], "int", "socketTimeout"],
  [["blocksize"], "int", "blocksize"],
  [["bufsize"], "int", "bufsize"],
  [["evstoresize"], "int", "evstoresize"],
  [["cleantime"], "int", "cleantime"],
  [["log"], "string", "log"],
  [["syslog"], "string", "syslog"],
  [["debug"], "int", "debug"],
  [["pid"], "string", "pid"],
  [["dump"], "string", "dump"],
  [["user"], "string", "user"],
  [["group"], "string", "group"],
  [["umask"], "ext", "umask"],
  [["ruleperf"], "switch", "ruleperf"],
  [["dumpfts"], "switch", "dumpfts"],
  [["dumpfjson"], "switch", "dumpfjson"],
  [["quoting"], "switch", "quoting"],
  [["tail"], "switch", "tail"],
  [["fromstart"], "switch", "fromstart"],
  [["detach"], "switch", "detach"],
  [["jointbuf"], "switch", "jointbuf"],
  [["keepopen"], "switch", "keepopen"],
  [["rwfifo"], "switch", "rwfifo"],
  [["childterm"], "switch", "childterm"],
  [["intevents"], "switch", "intevents"],
  [["intcontexts"], "switch", "intcontexts"],
  [["testonly"], "switch", "testonly"],
  [["help", "?"], "flag", "help"],
  [["version"], "flag", "version"],
  // sec-ts extensions
  [["utf8"], "switch", "utf8"],
  [["allow-run"], "optional", "allowRun"],
  [["allow-write"], "optional", "allowWrite"],
  [["allow-net"], "optional", "allowNet"],
  [["allow-code"], "flag", "allowCode"],
  [["allow-all"], "flag", "allowAll"],
  [["ctlfifo"], "string", "ctlfifo"],
  [["event-time"], "string", "eventTime"],
  [["test-clock"], "flag", "testClock"],
  [["max-connections"], "int", "inputMaxConnections"],
  [["idle-timeout"], "int", "inputIdleTimeout"],
  [["rotation-grace"], "real", "rotationGrace"],
];

const DEFS: OptionDef[] = TABLE.map(([names, kind]) => ({ names, kind }));

/** The command-line name of an option (`--allow-run` for allowRun). */
export function optionName(key: keyof SecOptions): string {
  const row = TABLE.find(([, , k]) => k === key);
  return `--${row === undefined ? key : row[0][0]}`;
}
const KEY = new Map<OptionDef, Key>(TABLE.map(([, , key], i) => [DEFS[i], key]));

/**
 * Splits an --input value into pattern and context (at the last `=`). A socket
 * input's `?syslog` written after the context (`udp://h:p=CTX?syslog`) is taken
 * as if it came right after the address.
 */
export function parseInputSpec(value: string): InputSpec {
  const m = /^(.+)=([^=]+)$/s.exec(value);
  if (m && /^[a-z]+:\/\//.test(m[1]) && m[2].endsWith("?syslog") && m[2] !== "?syslog") {
    return { pattern: `${m[1]}?syslog`, context: m[2].slice(0, -"?syslog".length) };
  }
  return m ? { pattern: m[1], context: m[2] } : { pattern: value };
}

/** Adds an --allow-* occurrence (true or a comma-separated list) to a permission. */
function addPermission(current: Permission, value: true | string): Permission {
  if (current === true || value === true) return true;
  return [...current, ...value.split(",").filter((s) => s !== "")];
}

/** Result of a lenient parse: the options and SEC's messages about the command line. */
export interface ParseResult {
  /** The options, defaults filled in, bad values replaced by defaults. */
  options: SecOptions;
  /** One line per problem, in the order SEC prints them (empty when all is well). */
  warnings: string[];
  /** Arguments after `--` (SEC ignores them). */
  rest: string[];
}

/** Parses like SEC: problems become warnings and the bad settings are ignored. */
export function parseCommandLineLenient(args: string[]): ParseResult {
  const scan = scanOptions(args, DEFS);
  const warnings = [...scan.errors];
  const o = defaultOptions();
  const rec = o as unknown as Record<string, unknown>;
  const given = new Set<Key>();
  const empty = new Set<Key>();
  for (const { def, value } of scan.occurrences) {
    const key = KEY.get(def)!;
    given.add(key);
    if (typeof value === "string" && value === "") {
      empty.add(key);
      continue;
    }
    switch (key) {
      case "conf":
      case "group":
        (o[key] as string[]).push(value as string);
        break;
      case "input":
        o.input.push(parseInputSpec(value as string));
        break;
      case "allowRun":
      case "allowWrite":
      case "allowNet":
        o[key] = addPermission(o[key], value as true | string);
        break;
      case "allowAll":
        o.allowRun = o.allowWrite = o.allowNet = true;
        o.allowCode = true;
        break;
      default:
        rec[key] = value;
    }
  }
  validate(o, given, empty, warnings);
  if (o.eventTime !== undefined) {
    try {
      timestampParser(o.eventTime);
    } catch (e) {
      warnings.push(`Invalid --event-time: ${(e as Error).message}`);
      o.eventTime = undefined;
    }
  }
  if (o.input.some((spec) => spec.context !== undefined)) o.intcontexts = true;
  return { options: o, warnings, rest: scan.rest };
}

type Check = { test: (v: number) => boolean; what: string };
const NON_NEGATIVE: Check = { test: (v) => v >= 0, what: "a non-negative value" };
const POSITIVE: Check = { test: (v) => v > 0, what: "a positive value" };

/** SEC's range checks, by option. */
const CHECKS: Partial<Record<Key, Check>> = {
  inputTimeout: NON_NEGATIVE,
  reopenTimeout: NON_NEGATIVE,
  checkTimeout: NON_NEGATIVE,
  pollTimeout: NON_NEGATIVE,
  socketTimeout: POSITIVE,
  inputMaxConnections: POSITIVE,
  inputIdleTimeout: NON_NEGATIVE,
  rotationGrace: NON_NEGATIVE,
  blocksize: POSITIVE,
  bufsize: NON_NEGATIVE,
  evstoresize: NON_NEGATIVE,
  cleantime: NON_NEGATIVE,
  debug: { test: (v) => v >= 1 && v <= 6, what: "a value from range 1..6" },
  umask: { test: (v) => v >= 0 && v <= 0o777, what: "a value from range 0..0777" },
};

/**
 * SEC's checks on the final values, in SEC's order (the manual's option
 * order); a failing value is reset to its default.
 */
function validate(o: SecOptions, given: Set<Key>, empty: Set<Key>, warnings: string[]): void {
  const d = defaultOptions();
  const rec = o as unknown as Record<string, unknown>;
  const drec = d as unknown as Record<string, unknown>;
  for (const [names, kind, key] of TABLE) {
    const name = names[0];
    if (kind === "string" && empty.has(key)) {
      warnings.push(`'--${name}' option requires a non-empty value`);
    }
    const check = CHECKS[key];
    const v = rec[key];
    if (check && given.has(key) && typeof v === "number" && !check.test(v)) {
      warnings.push(`'--${name}' option requires ${check.what}`);
      rec[key] = drec[key];
    }
    if (key === "inputTimeout" && o.inputTimeout > 0 && o.timeoutScript === undefined) {
      warnings.push("'--input-timeout' option requires the '--timeout-script' option");
      o.inputTimeout = 0;
    }
    if (key === "group" && o.group.length > 0 && o.user === undefined) {
      warnings.push("'--group' option requires the '--user' option");
      o.group = [];
    }
  }
}

/** Parses the command line; throws UsageError with the first problem found. */
export function parseCommandLine(args: string[]): SecOptions {
  const { options, warnings } = parseCommandLineLenient(args);
  if (warnings.length > 0) throw new UsageError(warnings[0]);
  return options;
}

/** The --help text. */
export const USAGE: string = `Usage: sec-ts [options]

Options:
  --conf=<file pattern> ...
  --input=<file pattern>[=<context>] ...
  --input-timeout=<input timeout>
  --timeout-script=<timeout script>
  --reopen-timeout=<reopen timeout>
  --check-timeout=<check timeout>
  --poll-timeout=<poll timeout>
  --socket-timeout=<socket timeout>
  --blocksize=<io block size>
  --bufsize=<input buffer size>
  --evstoresize=<event store size>
  --cleantime=<clean time>
  --log=<logfile>
  --syslog=<facility>
  --debug=<debuglevel>
  --pid=<pidfile>
  --dump=<dumpfile>
  --user=<username>
  --group=<groupname> ...
  --umask=<mode>
  --ruleperf, --noruleperf
  --dumpfts, --nodumpfts
  --dumpfjson, --nodumpfjson
  --quoting, --noquoting
  --tail, --notail
  --fromstart, --nofromstart
  --detach, --nodetach
  --jointbuf, --nojointbuf
  --keepopen, --nokeepopen
  --rwfifo, --norwfifo
  --childterm, --nochildterm
  --intevents, --nointevents
  --intcontexts, --nointcontexts
  --testonly, --notestonly
  --help, -?
  --version

sec-ts options:
  --utf8, --noutf8                  UTF-8 character semantics instead of bytes
  --allow-run[=<program>,...] ...   allow running programs (all when no list)
  --allow-write[=<path>,...] ...    allow writing files (all when no list)
  --allow-net[=<host:port>,...] ... allow network connections (all when no list)
  --allow-code                      allow JavaScript in rules
  --allow-all                       all of the above
  --ctlfifo=<path>                  control FIFO
  --event-time=<format>             drive the clock by the lines' timestamps, not the wall
                                    clock (replay old logs): syslog ("Dec  2 04:50:01",
                                    year inferred), rfc5424 ("<13>1 2026-12-02T04:50:01Z"),
                                    iso8601 ("2026-12-02T04:50:01.5+01:00"), epoch
                                    ("1764651001.5"), a strftime pattern ("%d/%b/%Y:%H:%M:%S")
                                    or regex:<expr> with named groups (see README)
  --test-clock                      virtual time: "@sleep N" lines on stdin advance the clock
                                    (used by "sec-ts test")
  --max-connections=<n>             open connections per TCP/Unix socket input (256)
  --idle-timeout=<seconds>          close socket input connections idle this long (600, 0 = never)
  --rotation-grace=<seconds>        read a renamed-away input file until quiet this long (5, 0 = no)

Subcommands:
  sec-ts ctl [--fifo=<path>] COMMAND  send COMMAND to a running sec-ts (ctl --help)
  sec-ts test [--jobs=N] [<option> ...] <case dir> ...
                                    run rule test cases (conformance case format: *.sec,
                                    input with "@sleep N", args, linger, expected) in
                                    virtual time; PASS/FAIL per case, exit 0 when all pass

Examples:
  sec-ts --conf=rules/sshd.sec --input=rules/sshd-week.log --notail \\
         --event-time=syslog,year=2026      a week of sshd logs replayed in a second, alerts
                                            stamped (%t) with the time they happened
  sec-ts test rules/tests/*                 run the rule tests in rules/tests
`;

/** The sec-ts version. */
export const SEC_TS_VERSION = "0.1.0";

/** The --version text. */
export const VERSION_TEXT: string =
  `sec-ts ${SEC_TS_VERSION}, compatible with SEC (Simple Event Correlator) 2.9.4
sec-ts is a TypeScript reimplementation of SEC, which was written by Risto Vaarandi.
`;
