/**
 * The state dump (SIGUSR1, the control FIFO's `dump`; --dump, --dumpfts,
 * --dumpfjson) and the one-line status summary (`status`).
 *
 * The dump holds what SEC 2.9.4's does, in its section order and (for JSON)
 * with its key names: program information, environment, performance
 * statistics, rule usage statistics (match counts per rule), input sources
 * (position, size, device/i-node, lines read; for sockets also dropped and
 * cut lines), input buffers, pending events, the pattern match cache
 * (empty between events), event correlation operations (SEC's fields,
 * labels and order, from `dumpEntries()` of the operation store),
 * contexts, child processes and action list variables (SEC's built-in
 * ones, the time-derived ones as of the last action list that substituted
 * a variable, and those set by actions). Like SEC, the dump file is never
 * overwritten: when it exists the
 * dump is refused ("Can't write to dumpfile: X exists"); --dumpfts appends
 * ".<seconds since the epoch>" to the name. It is created with mode 0600.
 *
 * Operations and child processes belong to other modules; they are read
 * from `engine.operations` and `engine.ports.children` when present: one
 * with a `dumpEntries()` method returning plain objects (with `key`) is used
 * as is; a Map, a service with `entries()`, or one holding a public Map is
 * listed by key with the plain fields of its values; a service with a `pids`
 * array is listed by pid; otherwise the section is empty.
 *
 * @module
 */
import { cpuUsage } from "node:process";
import type { BoundActions, Engine } from "../engine/engine.ts";
import { actionsDumpText } from "../engine/operations/dump_text.ts";
import { builtinVariables, perlLocaltime, variableText } from "../engine/variables.ts";
import type { RuleFile } from "../lang/rules.ts";
import type { SourceInfo } from "./input_source.ts";
import { SEC_TS_VERSION } from "./cli.ts";
import { childCpuSeconds, supplementaryGroups } from "./proc_self.ts";

/** What a dump is made from. */
export interface DumpInput {
  /** The engine (rules, contexts, variables, operations, children). */
  engine: Engine;
  /** Input states, in reading order. */
  inputs: SourceInfo[];
  /** Command line as given. */
  args: string[];
  /** Start time of the process (seconds since the epoch). */
  startTime: number;
  /** Time of the last configuration load (seconds). */
  loadTime: number;
  /** Load time of each rule file by name (seconds). */
  fileLoadTimes?: Map<string, number>;
  /** Current time (seconds). */
  now: number;
}

/** A JSON-able value. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The dump as a plain object (the --dumpfjson content). */
export interface DumpData {
  /** The program: version, options, start time, user and groups. */
  program: Record<string, Json>;
  /** Performance counters. */
  perf: Record<string, Json>;
  /** Per rule file: load time and each rule's match counts. */
  rulestats: Record<string, { loadtime: number; stats: Record<string, Json>[] }>;
  /** Inputs and their state. */
  inputs: Record<string, Record<string, Json>>;
  /** Input buffers: mode, size, lines (and sources with --jointbuf). */
  buffer: Record<string, Json>;
  /** Synthetic events waiting for their time. */
  pendingevents: { event: string; time: number }[];
  /** The pattern match cache (kept only while an event is processed: empty between events). */
  pmatchcache: Record<string, Json>;
  /** Event correlation operations. */
  operations: Record<string, Record<string, Json>>;
  /** Contexts. */
  contexts: Record<string, Json>[];
  /** Child processes. */
  children: Record<string, Record<string, Json>>;
  /** Action list variables. */
  variables: Record<string, string>;
  /** Environment variables. */
  env: Record<string, string>;
}

/** Turns any value into JSON-able data (functions and cycles become strings). */
export function plain(v: unknown, depth = 0): Json {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case "string":
    case "boolean":
      return v;
    case "number":
      return Number.isFinite(v) ? v : String(v);
    case "bigint":
      return String(v);
    case "function":
      return `CODE(${(v as { name?: string }).name || "anonymous"})`;
    case "object":
      break;
    default:
      return String(v);
  }
  if (depth > 6) return "...";
  if (Array.isArray(v)) return v.map((x) => plain(x, depth + 1));
  if (v instanceof Map) {
    const o: { [k: string]: Json } = {};
    for (const [k, x] of v) o[String(k)] = plain(x, depth + 1);
    return o;
  }
  if (v instanceof Set) return [...v].map((x) => plain(x, depth + 1));
  const o: { [k: string]: Json } = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x === "function") continue;
    o[k] = plain(x, depth + 1);
  }
  return o;
}

/** Entries of a service for the dump: `dumpEntries()`, a Map, or nothing. */
export function serviceEntries(service: unknown): Record<string, Record<string, Json>> {
  const out: Record<string, Record<string, Json>> = {};
  if (service === undefined || service === null) return out;
  const s = service as { dumpEntries?: () => unknown };
  if (typeof s.dumpEntries === "function") {
    const entries = s.dumpEntries();
    if (Array.isArray(entries)) {
      entries.forEach((e, i) => {
        const p = plain(e);
        const key = typeof (e as { key?: unknown })?.key === "string"
          ? (e as { key: string }).key
          : String(i);
        out[key] = (p !== null && typeof p === "object" && !Array.isArray(p)) ? p : { value: p };
      });
    } else if (entries instanceof Map || (entries !== null && typeof entries === "object")) {
      const p = plain(entries) as Record<string, Json>;
      for (const [k, x] of Object.entries(p)) {
        out[k] = (x !== null && typeof x === "object" && !Array.isArray(x)) ? x : { value: x };
      }
    }
    return out;
  }
  let map: Iterable<[unknown, unknown]> | undefined;
  if (service instanceof Map) map = service;
  else if (typeof (service as { entries?: unknown }).entries === "function") {
    map = (service as { entries(): Iterable<[unknown, unknown]> }).entries();
  } else if (typeof service === "object") {
    // a store object holding its operations in a public Map
    const inner = Object.values(service as Record<string, unknown>).find((v) => v instanceof Map);
    if (inner !== undefined) map = inner as Map<unknown, unknown>;
  }
  const pids = (service as { pids?: unknown }).pids;
  if (map === undefined && Array.isArray(pids)) {
    // a child process manager that only tells its pids
    for (const pid of pids) out[String(pid)] = {};
    return out;
  }
  if (map !== undefined) {
    for (const [k, x] of map) {
      const p = plain(x, 1);
      out[String(k)] = (p !== null && typeof p === "object" && !Array.isArray(p))
        ? shallow(p)
        : { value: p };
    }
  }
  return out;
}

/** Keeps the primitive fields of an object (dumping whole operations would recurse into rules). */
function shallow(o: { [k: string]: Json }): Record<string, Json> {
  const r: Record<string, Json> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === null || typeof v !== "object") r[k] = v;
    else if (Array.isArray(v) && v.every((x) => x === null || typeof x !== "object")) r[k] = v;
  }
  return r;
}

function ruleStats(files: RuleFile[], d: DumpInput): DumpData["rulestats"] {
  const out: DumpData["rulestats"] = {};
  for (const f of files) {
    out[f.name] = {
      loadtime: d.fileLoadTimes?.get(f.name) ?? d.loadTime,
      stats: f.rules.map((r) => ({
        ruleline: r.line,
        type: r.type,
        desc: r.desc.source,
        matches: r.matchCount,
      })),
    };
  }
  return out;
}

function inputData(inputs: SourceInfo[]): DumpData["inputs"] {
  const out: DumpData["inputs"] = {};
  for (const i of inputs) {
    const o: Record<string, Json> = {};
    for (const [k, v] of Object.entries(i)) {
      if (v === undefined) continue;
      o[k === "name" ? "file" : k === "inode" ? "inode" : k] = v as Json;
    }
    out[i.name] = o;
  }
  return out;
}

/** Collects the dump data. */
export function collectDump(d: DumpInput): DumpData {
  const e = d.engine;
  const cpu = cpuUsage();
  const files = uniqueFiles(e);
  const contexts = e.contexts.contexts().map((c) => {
    const onDelete = c.action as BoundActions | undefined;
    return {
      name: c.names.slice(),
      inittime: c.initialized,
      creationtime: c.created,
      lifetime: c.lifetime,
      buffer: c.events.slice(),
      times: c.eventTimes.slice(),
      // as SEC: the list the context runs when it expires, and its %s (text dump only)
      ...(onDelete?.actions === undefined ? {} : {
        action: actionsDumpText(onDelete.actions),
        desc: onDelete.desc,
      }),
    };
  });
  // SEC lists its built-in variables beside the user's
  const variables = builtinVariables(e.variables.builtinTime, e.variables.lastDesc);
  for (const [k, v] of e.variables.entries()) variables[k] = variableText(v) ?? "";
  let env: Record<string, string> = {};
  try {
    env = Deno.env.toObject();
  } catch {
    // no permission
  }
  const children = childCpuSeconds();
  let uid: number | null = null;
  let gid: number | null = null;
  try {
    uid = Deno.uid();
    gid = Deno.gid();
  } catch {
    // not available
  }
  return {
    program: {
      version: `sec-ts ${SEC_TS_VERSION} (SEC 2.9.4 compatible)`,
      startuptime: d.startTime,
      confloadtime: d.loadTime,
      dumptime: d.now,
      rcfile: safeEnv("SECRC") ?? "none",
      options: d.args.join(" "),
      euid: uid,
      egid: gid,
      sgid: supplementaryGroups(),
      pid: Deno.pid,
    },
    perf: {
      runtime: Math.max(0, d.now - d.startTime),
      user: Math.round(cpu.user / 1e4) / 100,
      system: Math.round(cpu.system / 1e4) / 100,
      childuser: children.user,
      childsystem: children.system,
      lines: d.inputs.reduce((n, i) => n + i.lines, 0),
      events: e.eventCount,
      rss: Deno.memoryUsage().rss,
    },
    rulestats: ruleStats(files, d),
    inputs: inputData(d.inputs),
    buffer: bufferData(e, d.inputs),
    pendingevents: e.pendingEvents().map((p) => ({ event: p.text, time: p.time })),
    pmatchcache: {},
    operations: serviceEntries(e.operations),
    contexts,
    children: childEntries(e),
    variables,
    env,
  };
}

/** Rule files: the top-level ones, then files only reachable through sets. */
function uniqueFiles(e: Engine): RuleFile[] {
  const seen = new Set<RuleFile>(e.files);
  const out = [...e.files];
  for (const list of e.sets.values()) {
    for (const f of list) if (!seen.has(f)) seen.add(f), out.push(f);
  }
  return out;
}

function safeEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

const RULE = "=".repeat(60);
const LINE = "-".repeat(60);

function t(seconds: unknown): string {
  return typeof seconds === "number" ? perlLocaltime(new Date(seconds * 1000)) : String(seconds);
}

/** Labels of an operation's text fields in SEC's dump (N: the pattern's number, from 2). */
const OPERATION_LABELS: Record<string, string> = {
  configfile: "Configuration file",
  type: "Type",
  pattern: "Pattern",
  context: "Context",
  continue: "Behavior after match",
  count: "Count action",
  threshold: "Threshold",
  desc: "Description",
  action: "Action",
  init: "Init action",
  slide: "Slide action",
  end: "End action",
};

/** The running children by pid, without the `key` dumpEntries() lists them by (SEC's JSON has none). */
function childEntries(e: Engine): Record<string, Record<string, Json>> {
  const out = serviceEntries(e.ports.children);
  for (const c of Object.values(out)) delete c.key;
  return out;
}

/** The input buffers as SEC's JSON dump has them; inputs that brought no line yet have empty lines. */
function bufferData(e: Engine, inputs: SourceInfo[]): Record<string, Json> {
  const v = e.inputBuffers();
  if (v.joint) {
    return {
      bufmode: "joint buffer for all input sources",
      bufsize: v.size,
      lastlines: v.lines,
      lastinputs: v.sources,
    };
  }
  const lastlines: Record<string, Json> = {};
  for (const i of inputs) lastlines[i.name] = new Array(v.size).fill("");
  for (const [name, lines] of v.bySource) lastlines[name] = lines;
  return {
    bufmode: "separate buffer for each input source",
    bufsize: v.size,
    lastlines,
    lastsynevents: v.synthetic,
  };
}

/** The input buffer part of SEC's text dump (after the input sources). */
function bufferLines(b: Record<string, Json>): string[] {
  const out = ["", `Input buffering mode: ${b.bufmode}`];
  const box = (title: string, lines: Json) => ["", title, LINE, ...(lines as string[]), LINE];
  if (Array.isArray(b.lastlines)) {
    out.push(`Size of input buffer: ${b.bufsize}`);
    out.push(...box(`Content of input buffer (last ${b.bufsize} input line(s)):`, b.lastlines));
    out.push(...box(`Last ${b.bufsize} input source(s):`, b.lastinputs));
  } else {
    out.push(`Size of each input buffer: ${b.bufsize}`);
    for (const [name, lines] of Object.entries(b.lastlines as Record<string, Json>)) {
      out.push(...box(`Content of input buffer for ${name}:`, lines));
    }
    out.push(...box("Content of input buffer for synthetic events:", b.lastsynevents));
  }
  return out;
}

/** The dump as SEC's JSON has it: without what only the text shows (a context's `desc`, its list's %s). */
function jsonData(data: DumpData): DumpData {
  return { ...data, contexts: data.contexts.map(({ desc: _textOnly, ...c }) => c) };
}

/** An operation's lines in SEC 2.9.4's text dump (its fields come in that order). */
function operationLines(op: Record<string, Json>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(op)) {
    const [, base, n] = /^([a-z]+?)(\d*)$/.exec(k) ?? [k, k, ""];
    if (k === "starttime") out.push(`Operation started at: ${t(v)}`);
    else if (k === "windowstart") out.push(`Correlation window begins at: ${t(v)}`);
    else if (k === "windowend") out.push(`Correlation window ends at: ${t(v)}`);
    else if (k === "ruleid") out.push(`Rule number: ${Number(v) + 1}`, `Rule internal ID: ${v}`);
    else if (base === "window") {
      out.push(`Window${n}: ${Number(v) > 0 ? `${v} seconds` : "infinite"}`);
    } else if (k === "eventtimes") {
      const times = v as number[];
      const kinds = op.eventpatterns as number[] | undefined;
      out.push(`${times.length} events observed at (${op.status}):`);
      times.forEach((time, i) => {
        out.push(t(time) + (kinds === undefined ? "" : ` (matched by pattern #${kinds[i]})`));
      });
    } else if (k === "key" || k === "eventpatterns" || k === "status") continue;
    else if (base in OPERATION_LABELS) out.push(`${OPERATION_LABELS[base]}${n}: ${fieldText(v)}`);
    else if (base === "continue") out.push(`Behavior after match${n}: ${fieldText(v)}`);
    else out.push(`${k}: ${fieldText(v)}`);
  }
  return out;
}

function fieldText(v: Json): string {
  if (v === null) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** The dump as text, in SEC's layout. */
export function dumpText(d: DumpData): string {
  const out: string[] = [];
  const p = d.program;
  out.push("Program information:", RULE);
  out.push(`Program version: ${p.version}`);
  out.push(`Time of the start: ${t(p.startuptime)}`);
  out.push(`Time of the last configuration load: ${t(p.confloadtime)}`);
  out.push(`Time of the dump: ${t(p.dumptime)}`);
  out.push(`Program resource file: ${p.rcfile}`);
  out.push(`Program options: ${p.options}`);
  out.push(`Process ID: ${p.pid}`);
  out.push(`Effective user ID: ${p.euid ?? ""}`);
  out.push(`Effective group ID: ${p.egid ?? ""}`);
  out.push(`Supplementary group IDs: ${(p.sgid as number[]).join(" ")}`);
  out.push("", "Environment:", RULE);
  for (const k of Object.keys(d.env).sort()) out.push(`${k}=${d.env[k]}`);
  out.push("", "Performance statistics:", RULE);
  out.push(`Run time: ${d.perf.runtime} seconds`);
  out.push(`User time: ${d.perf.user} seconds`);
  out.push(`System time: ${d.perf.system} seconds`);
  out.push(`Child user time: ${d.perf.childuser} seconds`);
  out.push(`Child system time: ${d.perf.childsystem} seconds`);
  out.push(`Processed input lines: ${d.perf.lines}`);
  out.push(`Processed events (with synthetic and internal ones): ${d.perf.events}`);
  out.push(`Resident memory: ${d.perf.rss} bytes`);
  out.push("", "Rule usage statistics:", RULE);
  for (const [name, f] of Object.entries(d.rulestats)) {
    out.push("", `Statistics for the rules from ${name}`, `(loaded at ${t(f.loadtime)})`, LINE);
    const w = String(Math.max(1, ...f.stats.map((s) => Number(s.ruleline)))).length;
    f.stats.forEach((s, i) => {
      out.push(
        `Rule ${i + 1} line ${
          String(s.ruleline).padStart(w)
        } matched ${s.matches} events (${s.desc})`,
      );
    });
  }
  out.push("", "Input sources:", RULE);
  for (const i of Object.values(d.inputs)) out.push(inputLine(i));
  out.push(...bufferLines(d.buffer));
  out.push("", "Pending events:", RULE);
  for (const p of d.pendingevents) {
    out.push(`Event: ${p.event}`, `Will be created at ${t(p.time)}`, "");
  }
  out.push(`Total: ${d.pendingevents.length} elements`);
  out.push(
    "",
    "Pattern match cache:",
    RULE,
    `Total: ${Object.keys(d.pmatchcache).length} elements`,
  );
  out.push("", "List of event correlation operations:", RULE);
  for (const [key, op] of Object.entries(d.operations)) {
    out.push(`Key: ${key}`);
    out.push(...operationLines(op), "", LINE);
  }
  out.push(`Total: ${Object.keys(d.operations).length} elements`);
  out.push("", "List of contexts:", RULE);
  for (const c of d.contexts) {
    for (const name of c.name as string[]) out.push(`Context name: ${name}`);
    out.push(`Initialized at: ${t(c.inittime)}`);
    out.push(`Creation time: ${t(c.creationtime)}`);
    out.push(`Lifetime: ${c.lifetime === 0 ? "infinite" : `${c.lifetime} seconds`}`);
    if (c.action !== undefined) out.push(`Action on delete: ${c.action} (%s = ${c.desc})`);
    const buf = c.buffer as string[];
    const times = c.times as number[];
    if (buf.length > 0) {
      out.push(`${buf.length} events associated with context:`);
      buf.forEach((l, i) => out.push(`${l} (received at ${t(times[i])})`));
    }
    out.push(LINE);
  }
  out.push(`Total: ${d.contexts.length} elements`);
  out.push("", "Child processes:", RULE);
  for (const [pid, c] of Object.entries(d.children)) {
    out.push(`Child PID: ${pid}`);
    if (c.cmdline !== undefined) out.push(`Commandline started by child: ${c.cmdline}`);
    if (c.status !== undefined) out.push(String(c.status));
    out.push(LINE);
  }
  out.push(`Total: ${Object.keys(d.children).length} elements`);
  out.push("", "Action list variables:", RULE);
  const vars = Object.keys(d.variables).sort();
  for (const k of vars) out.push(`%${k} = '${d.variables[k]}'`);
  out.push(`Total: ${vars.length} elements`, "", "");
  return out.join("\n");
}

function inputLine(i: Record<string, Json>): string {
  const parts = [`status: ${i.status}`, `type: ${i.type}`];
  if (i.offset !== undefined) parts.push(`read offset: ${i.offset}`);
  if (i.size !== undefined) parts.push(`file size: ${i.size}`);
  if (i.dev !== undefined && i.dev !== -1) parts.push(`device/inode: ${i.dev}/${i.inode}`);
  if (i.rotations) parts.push(`rotations: ${i.rotations}`);
  if (i.bytes !== undefined) parts.push(`received bytes: ${i.bytes}`);
  parts.push(`received data: ${i.lines} lines`);
  if (i.connections !== undefined) parts.push(`connections: ${i.connections}`);
  if (i.queued !== undefined) parts.push(`queued: ${i.queued} lines`);
  if (i.dropped !== undefined) parts.push(`dropped: ${i.dropped} lines`);
  if (i.kernelDropped !== undefined && i.kernelDropped !== null) {
    parts.push(`dropped by the kernel: ${i.kernelDropped} datagrams`);
  }
  if (i.cut !== undefined) parts.push(`cut: ${i.cut} lines`);
  if (i.refused) parts.push(`connection limit reached: ${i.refused} times`);
  if (i.acceptErrors) parts.push(`failed accepts: ${i.acceptErrors}`);
  parts.push(i.context ? `context: ${i.context}` : "no context set");
  return `${i.file} (${parts.join(", ")})`;
}

/** The dump file name: --dump, plus ".<seconds>" with --dumpfts. */
export function dumpFileName(dump: string, fts: boolean, now: number): string {
  return fts ? `${dump}.${Math.floor(now)}` : dump;
}

/**
 * Writes the dump to `file` (never overwriting it). Returns null on success
 * or SEC's error message.
 */
export function writeDump(file: string, data: DumpData, json: boolean): string | null {
  const text = json ? JSON.stringify(jsonData(data)) + "\n" : dumpText(data);
  let f: Deno.FsFile;
  try {
    f = Deno.openSync(file, { write: true, createNew: true, mode: 0o600 });
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) return `Can't write to dumpfile: ${file} exists`;
    return `Can't open dumpfile ${file} (${(e as Error).message})`;
  }
  try {
    const bytes = new TextEncoder().encode(text);
    let off = 0;
    while (off < bytes.length) off += f.writeSync(bytes.subarray(off));
  } catch (e) {
    return `Can't write to dumpfile ${file} (${(e as Error).message})`;
  } finally {
    f.close();
  }
  return null;
}

/** The one-line status summary (control FIFO `status`), as a JSON object. */
export function statusSummary(d: DumpData): Record<string, Json> {
  return {
    version: d.program.version,
    pid: d.program.pid,
    time: d.program.dumptime,
    uptime: d.perf.runtime,
    lines: d.perf.lines,
    events: d.perf.events,
    rss: d.perf.rss,
    rules: Object.values(d.rulestats).reduce((n, f) => n + f.stats.length, 0),
    operations: Object.keys(d.operations).length,
    contexts: d.contexts.length,
    children: Object.keys(d.children).length,
    variables: Object.keys(d.variables).length,
    inputs: Object.values(d.inputs).map((i) => {
      const o: Record<string, Json> = { name: i.file, status: i.status, lines: i.lines };
      if (i.dropped !== undefined) o.dropped = i.dropped;
      if (i.kernelDropped !== undefined && i.kernelDropped !== null) {
        o.kernelDropped = i.kernelDropped;
      }
      if (i.refused) o.refused = i.refused;
      if (i.acceptErrors) o.acceptErrors = i.acceptErrors;
      return o;
    }),
  };
}
