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
import type { ActionType, CompiledAction, CompiledActionOf } from "../../lang/rules.ts";
import type { Template } from "../../lang/template.ts";
import { perlLocaltime, variableText } from "../variables.ts";
import { contextByName, type Frame, param, varName } from "./frame.ts";
import { perlSplitLines } from "../split_lines.ts";

/** Renders an action parameter (`dflt` when absent). */
type ParamFn = (t: Template | undefined, dflt?: string) => string;

/** The message logged before an action of type `K` runs (`v`: its variable's name). */
type Tracer<K extends ActionType> = (
  a: CompiledActionOf<K>,
  p: ParamFn,
  desc: string,
  v: string,
) => string | undefined;

const ctx = (a: { readonly name?: Template }, p: ParamFn, desc?: string) => p(a.name, desc);

const TRACE: { readonly [K in ActionType]?: Tracer<K> } = {
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
  varset: (a, p) => `Checking the presence of pattern match cache entry '${p(a.entry)}'`,
};

/** Actions after which SEC logs the variable's new value. */
const SETS_VARIABLE: ReadonlySet<ActionType> = new Set<ActionType>([
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
function traceVarName(a: CompiledAction): string {
  return "variable" in a && a.variable !== undefined ? varName(a.variable) : "";
}

/** The trace message logged before action `a` runs (its variable's name: `variable`), if SEC logs one. */
function traceBefore<K extends ActionType>(
  a: CompiledAction<K>,
  p: ParamFn,
  desc: string,
  variable: string,
): string | undefined {
  const t = TRACE[a.type];
  return t === undefined ? undefined : t(a, p, desc, variable);
}

/** True when SEC logs the variable's value after action `a`. */
function tracesVariable(a: CompiledAction): boolean {
  return SETS_VARIABLE.has(a.type) && "variable" in a && a.variable !== undefined;
}

/** The event lines the event actions create, as SEC logs them. */
function traceEvents(type: string, lines: string[], context?: string): string[] {
  if (type === "cevent") return lines.map((l) => `Creating event '${l}' with context '${context}'`);
  return lines.map((l) => `Creating event '${l}'`);
}

/**
 * Logs SEC's trace messages before `a` runs in frame `f`; returns whether
 * the context it names existed (delete, obsolete), for {@link traceEnd}.
 */
export function traceStart(f: Frame, a: CompiledAction): boolean {
  const p: ParamFn = (t, dflt) => param(f, t, dflt);
  const msg = traceBefore(a, p, f.list.desc, traceVarName(a));
  if (msg !== undefined) f.engine.logger.log(6, msg);
  if (a.type === "event" || a.type === "tevent" || a.type === "cevent") {
    const timeOk = a.type === "event" || /^\s*\d+\s*$/.test(param(f, a.time, "0"));
    if (timeOk) {
      const lines = perlSplitLines(param(f, a.text, f.list.desc));
      const ctx = a.type === "cevent" ? param(f, a.name) : undefined;
      for (const m of traceEvents(a.type, lines, ctx)) f.engine.logger.log(6, m);
    }
  }
  if (a.type === "delete" || a.type === "obsolete") {
    const c = contextByName(f, param(f, a.name, f.list.desc));
    return c !== undefined && !c.expiring;
  }
  return false;
}

/**
 * Logs what SEC logs after `a` ran (a variable's new value, a deleted
 * context); `existed` is what {@link traceStart} returned.
 */
export function traceEnd(f: Frame, a: CompiledAction, existed: boolean): void {
  const logger = f.engine.logger;
  if (tracesVariable(a)) {
    const name = traceVarName(a);
    const v = variableText(f.engine.variables.get(name));
    if (v !== undefined) logger.log(6, `Variable '%${name}' set to '${v}'`);
  } else if (a.type === "delete") {
    if (existed) logger.log(6, `Context '${param(f, a.name, f.list.desc)}' deleted`);
  } else if (a.type === "obsolete") {
    if (!existed) {
      logger.log(
        6,
        `Context '${
          param(f, a.name, f.list.desc)
        }' does not exist or is already going through deletion`,
      );
    }
  } else if (a.type === "rewrite") {
    logger.log(6, `Input buffer rewritten with '${param(f, a.text, f.list.desc)}'`);
  }
}
