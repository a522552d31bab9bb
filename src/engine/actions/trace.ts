/**
 * SEC's action trace at --debug=6: the message SEC 2.9.4 logs when an
 * action runs (`Creating context 'X'`, `Writing event '...' to file '-'`,
 * `Assigning '...' to variable '%v'`, ...) and, for actions that set an
 * action list variable, `Variable '%v' set to '...'` afterwards. The texts
 * were taken from the reference's log (black-box runs); actions whose
 * messages live with their handlers (processes, code, sockets) are not
 * listed here.
 *
 * @module
 */
import type { CompiledAction } from "../../lang/rules.ts";
import { perlLocaltime } from "../variables.ts";

/** Renders an action parameter (`dflt` when absent). */
export type ParamFn = (t: unknown, dflt?: string) => string;

type Tracer = (a: CompiledAction, p: ParamFn, desc: string, v: string) => string | undefined;

const ctx = (a: CompiledAction, p: ParamFn, desc?: string) => p(a.name, desc);

const TRACE: Record<string, Tracer> = {
  create: (a, p, d) => `Creating context '${ctx(a, p, d)}'`,
  set: (a, p, d) => `Changing settings for context '${ctx(a, p, d)}'`,
  delete: (a, p, d) => `Deleting context '${ctx(a, p, d)}'`,
  obsolete: (a, p, d) => `Obsoleting context '${ctx(a, p, d)}'`,
  add: (a, p, d) => `Adding event(s) '${p(a.text, d)}' to context '${ctx(a, p)}'`,
  prepend: (a, p, d) => `Prepending event(s) '${p(a.text, d)}' to context '${ctx(a, p)}'`,
  fill: (a, p, d) => `Filling context '${ctx(a, p)}' with event(s) '${p(a.text, d)}'`,
  copy: (a, p, _d, v) => `Copying context '${ctx(a, p)}' to variable '%${v}'`,
  empty: (a, p) => `Emptying the event store of context '${ctx(a, p)}'`,
  pop: (a, p, _d, v) =>
    `Pop the last element of context '${ctx(a, p)}' event store into variable '%${v}'`,
  shift: (a, p, _d, v) =>
    `Shift the first element of context '${ctx(a, p)}' event store into variable '%${v}'`,
  trim: (a, p) => `Trimming context '${ctx(a, p)}' event store by timestamp '${p(a.time)}'`,
  alias: (a, p, d) => `Creating alias '${p(a.alias, d)}' for context '${ctx(a, p)}'`,
  unalias: (a, p, d) => `Removing alias '${ctx(a, p, d)}'`,
  exists: (a, p) => `Checking the presence of context '${ctx(a, p)}'`,
  getsize: (a, p) => `Finding the size of context '${ctx(a, p)}' event store`,
  getaliases: (a, p, _d, v) => `Assigning aliases of context '${ctx(a, p)}' to variable '%${v}'`,
  getltime: (a, p, _d, v) => `Assigning the lifetime of context '${ctx(a, p)}' to variable '%${v}'`,
  setltime: (a, p) => `Setting the lifetime of context '${ctx(a, p)}' to '${p(a.lifetime, "0")}'`,
  getctime: (a, p, _d, v) =>
    `Assigning the creation time of context '${ctx(a, p)}' to variable '%${v}'`,
  setctime: (a, p) => {
    const t = parseInt(p(a.time), 10);
    const when = Number.isFinite(t) ? perlLocaltime(new Date(t * 1000)) : p(a.time);
    return `Setting the creation time of context '${ctx(a, p)}' to '${when}'`;
  },
  write: (a, p, d) => `Writing event '${p(a.text, d)}' to file '${p(a.file)}'`,
  writen: (a, p, d) => `Writing event '${p(a.text, d)}' to file '${p(a.file)}'`,
  owritecl: (a, p, d) => `Writing event '${p(a.text, d)}' to file '${p(a.file)}'`,
  closef: (a, p) => `Closing file '${p(a.file)}'`,
  assign: (a, p, d, v) => `Assigning '${p(a.text, d)}' to variable '%${v}'`,
  assignsq: (a, p, d, v) =>
    `Assigning '${"'" + p(a.text, d).replaceAll("'", "'\\''") + "'"}' to variable '%${v}'`,
  free: (_a, _p, _d, v) => `Freeing variable '%${v}'`,
  varset: (a, p) => `Checking the presence of pattern match cache entry '${p(a.entry ?? a.name)}'`,
};

/** Actions after which SEC logs the variable's new value. */
const SETS_VARIABLE = new Set([
  "copy",
  "empty",
  "pop",
  "shift",
  "trim",
  "exists",
  "getsize",
  "getaliases",
  "getltime",
  "getctime",
  "varset",
]);

/** The name of an action's variable parameter (without `%`), or "". */
export function traceVarName(a: CompiledAction): string {
  const src = (a.variable as { source?: string } | undefined)?.source;
  if (src === undefined) return "";
  const m = /^%\{?([^}]*)\}?$/.exec(src);
  return m ? m[1] : src.replace(/^%/, "");
}

/** The trace message logged before action `a` runs, if SEC logs one. */
export function traceBefore(a: CompiledAction, p: ParamFn, desc: string): string | undefined {
  const t = TRACE[a.type];
  return t === undefined ? undefined : t(a, p, desc, traceVarName(a));
}

/** True when SEC logs the variable's value after action `a`. */
export function tracesVariable(a: CompiledAction): boolean {
  return SETS_VARIABLE.has(a.type) && a.variable !== undefined;
}

/** The event lines the event actions create, as SEC logs them. */
export function traceEvents(type: string, lines: string[], context?: string): string[] {
  if (type === "cevent") return lines.map((l) => `Creating event '${l}' with context '${context}'`);
  return lines.map((l) => `Creating event '${l}'`);
}
