/**
 * The action executor: runs bound action lists (ACTIONS, ACTION LISTS AND
 * ACTION LIST VARIABLES). Action list variables are substituted into each
 * action's parameters immediately before that action runs.
 *
 * Control flow: `break` leaves the innermost while loop, `continue` starts
 * its next iteration; outside a loop both end the current action list only.
 *
 * @module
 */
import { render, type Template } from "../../lang/template.ts";
import { contextByName } from "./deps.ts";
import type { ActionType, CompiledAction, CompiledActionList } from "../../lang/rules.ts";
import type { OutputSink } from "../ports.ts";
import type { Context } from "../contexts.ts";
import type { ActionEnv, ActionRunner, BoundActions, Engine } from "../engine.ts";
import { fixedVariable, perlLocaltime, timeVariable, variableText } from "../variables.ts";
import { perlTrue } from "../../lang/patterns.ts";
import { traceBefore, traceEvents, tracesVariable, traceVarName } from "./trace.ts";
import { PERL_TRIM } from "../../lang/blanks.ts";
import { perlSplitLines } from "../split_lines.ts";

const NORMAL = 0;
const BREAK = 1;
const CONTINUE = 2;

/** Per-run state of an action list. */
export interface Frame {
  /** The engine the list runs in. */
  engine: Engine;
  /** The bound list. */
  list: BoundActions;
  /** Extra state (`_THIS`, operation data). */
  env: ActionEnv | undefined;
  /** Looks up an action list variable. */
  lookup: (name: string) => string | undefined;
}

/** Handles one action type. Returns NORMAL, BREAK or CONTINUE. */
export type ActionHandler = (f: Frame, a: CompiledAction) => number | void;

/**
 * A handler for every action type the parser produces (action_list.ts):
 * the complete table (table.ts) has this type, so a parsed action
 * without a handler is a compile error.
 */
export type ActionHandlers = Record<ActionType, ActionHandler>;

/** What the executor needs from the runtime. */
export interface ExecutorDeps {
  /** Output files. */
  outputs: OutputSink;
}

/** Runs action lists against an engine. */
export class ActionExecutor implements ActionRunner {
  /** What the executor was created with. */
  readonly deps: ExecutorDeps;
  /** Handlers by action type: the core ones, then those {@link use} adds. */
  readonly handlers = new Map<ActionType, ActionHandler>();

  /** Creates an executor with the core actions installed. */
  constructor(deps: ExecutorDeps) {
    this.deps = deps;
    this.use(coreActions(this));
  }

  /** Installs (or replaces) the handlers of `table`. */
  use(table: Partial<ActionHandlers>): void {
    for (const [type, handler] of Object.entries(table) as [ActionType, ActionHandler][]) {
      this.handlers.set(type, handler);
    }
  }

  /** Runs a bound list. */
  run(engine: Engine, list: BoundActions, env?: ActionEnv): void {
    const frame: Frame = {
      engine,
      list,
      env,
      lookup: (name) => lookupVariable(engine, list, name),
    };
    this.runList(frame, list.actions);
  }

  /** Runs a list within a frame; returns the control flow result. */
  runList(f: Frame, actions: CompiledActionList): number {
    const logger = f.engine.logger;
    // SEC's action trace (--debug=6), worked out only when it goes somewhere
    const tracing = logger.enabled?.(6) ?? true;
    for (const a of actions) {
      const h = this.handlers.get(a.type);
      let r: number | void = NORMAL;
      if (h === undefined) {
        logger.log(3, `action '${a.type}' is not supported, skipped`);
        continue;
      }
      const existed = tracing && traceStart(f, a);
      try {
        r = h(f, a);
      } catch (e) {
        logger.log(2, `action '${a.type}' failed: ${(e as Error).message}`);
        r = NORMAL;
      }
      if (tracing) traceEnd(f, a, existed);
      if (r === BREAK || r === CONTINUE) return r;
    }
    return NORMAL;
  }
}

/** Logs SEC's trace message before `a` runs; returns whether its context existed (delete, obsolete). */
function traceStart(f: Frame, a: CompiledAction): boolean {
  const p = (t: unknown, dflt?: string) => param(f, t, dflt);
  const msg = traceBefore(a, p, f.list.desc);
  if (msg !== undefined) f.engine.logger.log(6, msg);
  const timeOk = a.type === "event" || /^\s*\d+\s*$/.test(param(f, a.time, "0"));
  if ((a.type === "event" || a.type === "tevent" || a.type === "cevent") && timeOk) {
    const lines = splitLines(param(f, a.text, f.list.desc));
    const ctx = a.type === "cevent" ? param(f, a.name) : undefined;
    for (const m of traceEvents(a.type, lines, ctx)) f.engine.logger.log(6, m);
  }
  if (a.type === "delete" || a.type === "obsolete") {
    const c = contextByName(f, param(f, a.name, f.list.desc));
    return c !== undefined && !c.expiring;
  }
  return false;
}

/** Logs what SEC logs after `a` ran (a variable's new value, a deleted context). */
function traceEnd(f: Frame, a: CompiledAction, existed: boolean): void {
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

function lookupVariable(engine: Engine, list: BoundActions, name: string): string | undefined {
  if (name === "s") return list.desc;
  const c = name.charCodeAt(0);
  if (c === 46 /* . */) {
    return fixedVariable(name) ?? timeVariable(name, engine.now());
  }
  if ((name === "t" || name === "u")) return timeVariable(name, engine.now());
  return variableText(engine.variables.get(name));
}

/** Renders a template parameter of an action (action list variables substituted). */
export function param(f: Frame, t: unknown, dflt?: string): string {
  if (t === undefined || t === null) return dflt ?? "";
  return render(t as Template, f.lookup);
}

/** The name of a `%var` parameter (without the percent sign). */
export function varName(t: unknown): string {
  const src = (t as Template).source;
  const m = /^%\{?([^}]*)\}?$/.exec(src);
  return m ? m[1] : src.replace(/^%/, "");
}

/** The context an action may change: internal contexts (--intcontexts) are left alone, as in SEC. */
function changeable(f: Frame, name: string): Context | undefined {
  const ctx = contextByName(f, name);
  return ctx === undefined || ctx.internal ? undefined : ctx;
}

/** A lifetime parameter: whole seconds (0 = infinite), undefined when invalid. */
function lifetimeOf(text: string): number | undefined {
  const t = text.replace(PERL_TRIM, "");
  return /^\d+$/.test(t) ? parseInt(t, 10) : undefined;
}

/** A multi-line text's lines, as SEC splits them (Perl's split(/\n/)). */
const splitLines = perlSplitLines;

function storeAllows(f: Frame, ctx: Context | undefined, adding: number): boolean {
  const max = f.engine.contexts.maxEvents;
  if (max <= 0) return true;
  const have = ctx ? ctx.events.length : 0;
  return have + adding <= max;
}

/** The delay of tevent/cevent: whole seconds; anything else is logged as SEC does and skipped. */
function eventDelay(f: Frame, text: string): number | undefined {
  const t = text.replace(PERL_TRIM, ""); // ASCII blanks only, as Perl's \s on bytes
  if (/^\d+$/.test(t)) return parseInt(t, 10);
  f.engine.logger.log(3, `Invalid time specification '${text}' for creating events`);
  return undefined;
}

/** The action types of the core actions. */
export type CoreActionType =
  | "none"
  | "logonly"
  | "write"
  | "writen"
  | "owritecl"
  | "closef"
  | "create"
  | "delete"
  | "obsolete"
  | "set"
  | "alias"
  | "unalias"
  | "add"
  | "prepend"
  | "fill"
  | "copy"
  | "empty"
  | "pop"
  | "shift"
  | "trim"
  | "exists"
  | "getsize"
  | "getaliases"
  | "getltime"
  | "setltime"
  | "getctime"
  | "setctime"
  | "event"
  | "tevent"
  | "cevent"
  | "assign"
  | "assignsq"
  | "free"
  | "if"
  | "while"
  | "break"
  | "continue"
  | "rewrite";

/** The core actions (files, contexts, events, variables, control flow). */
export function coreActions(x: ActionExecutor): Pick<ActionHandlers, CoreActionType> {
  const out = () => x.deps.outputs;

  // ------------------------------------------------------------ contexts
  const adder = (kind: "add" | "prepend" | "fill") => (f: Frame, a: CompiledAction) => {
    const name = param(f, a.name);
    const lines = splitLines(param(f, a.text, f.list.desc));
    let ctx = contextByName(f, name);
    if (ctx?.internal) return;
    // SEC creates a missing context even when the lines do not fit the store
    const fits = storeAllows(f, kind === "fill" ? undefined : ctx, lines.length);
    if (ctx === undefined) ctx = f.engine.contexts.create(name, f.engine.now(), 0, undefined);
    if (!fits) return;
    const now = f.engine.now();
    if (kind === "fill") ctx.clear();
    if (kind === "prepend") ctx.prepend(lines, now);
    else ctx.add(lines, now);
  };

  // -------------------------------------------------------------- events

  // ----------------------------------------------------------- variables

  // -------------------------------------------------------- control flow

  return {
    none: () => {},
    logonly: (f, a) => {
      f.engine.logger.log(4, param(f, a.text, f.list.desc));
    },
    write: (f, a) => {
      out().write(param(f, a.file), param(f, a.text, f.list.desc) + "\n");
    },
    writen: (f, a) => {
      out().write(param(f, a.file), param(f, a.text, f.list.desc));
    },
    owritecl: (f, a) => {
      out().writeOnce(param(f, a.file), param(f, a.text, f.list.desc));
    },
    closef: (f, a) => {
      out().close(param(f, a.file));
    },
    create: (f, a) => {
      const name = param(f, a.name, f.list.desc);
      const lifetime = lifetimeOf(param(f, a.lifetime, "0"));
      if (lifetime === undefined) {
        f.engine.logger.log(3, `Invalid lifetime '${param(f, a.lifetime)}' for context '${name}'`);
        return;
      }
      const actions = a.actions as CompiledActionList | undefined;
      const bound = actions && actions.length > 0
        ? { actions, desc: f.list.desc, rule: f.list.rule }
        : undefined;
      const existing = contextByName(f, name);
      if (existing?.internal) return;
      if (existing !== undefined && existing.expiring) {
        existing.created = f.engine.now();
        existing.lifetime = lifetime;
        existing.action = bound;
        existing.clear();
        return;
      }
      f.engine.contexts.create(name, f.engine.now(), lifetime, bound);
    },
    delete: (f, a) => {
      const ctx = changeable(f, param(f, a.name, f.list.desc));
      // a context whose expiry list is running is deleted when the list ends
      if (ctx !== undefined && !ctx.expiring) f.engine.contexts.remove(ctx);
    },
    obsolete: (f, a) => {
      const ctx = changeable(f, param(f, a.name, f.list.desc));
      if (ctx !== undefined) f.engine.expireContext(ctx);
    },
    set: (f, a) => {
      const ctx = changeable(f, param(f, a.name, f.list.desc));
      if (ctx === undefined) return;
      const time = param(f, a.lifetime, "-");
      if (time !== "-") {
        const lifetime = lifetimeOf(time);
        if (lifetime === undefined) {
          f.engine.logger.log(3, `Invalid lifetime '${time}' for context '${ctx.names[0]}'`);
          return;
        }
        ctx.created = f.engine.now();
        ctx.lifetime = lifetime;
        f.engine.contexts.reschedule(ctx);
      }
      const actions = a.actions as CompiledActionList | undefined;
      if (actions !== undefined) {
        ctx.action = { actions, desc: f.list.desc, rule: f.list.rule };
      }
    },
    alias: (f, a) => {
      const name = param(f, a.name);
      const alias = param(f, a.alias, f.list.desc);
      const ctx = changeable(f, name);
      // an existing name is not re-pointed
      if (ctx === undefined || f.engine.contexts.has(alias)) return;
      if (name === "_THIS") {
        const first = ctx.names[0];
        if (first !== undefined) f.engine.contexts.alias(first, alias);
        return;
      }
      f.engine.contexts.alias(name, alias);
    },
    unalias: (f, a) => {
      const name = param(f, a.name, f.list.desc);
      if (f.engine.contexts.get(name)?.internal) return;
      f.engine.contexts.unalias(name);
    },
    add: adder("add"),
    prepend: adder("prepend"),
    fill: adder("fill"),
    copy: (f, a) => {
      const ctx = contextByName(f, param(f, a.name));
      if (ctx !== undefined) f.engine.variables.set(varName(a.variable), ctx.events.join("\n"));
    },
    empty: (f, a) => {
      const ctx = contextByName(f, param(f, a.name));
      if (ctx === undefined) return;
      if (a.variable !== undefined) {
        f.engine.variables.set(varName(a.variable), ctx.events.join("\n"));
      }
      ctx.clear();
    },
    pop: (f, a) => {
      const ctx = contextByName(f, param(f, a.name));
      if (ctx === undefined) return;
      const v = ctx.events.pop();
      ctx.eventTimes.pop();
      f.engine.variables.set(varName(a.variable), v ?? "");
    },
    shift: (f, a) => {
      const ctx = contextByName(f, param(f, a.name));
      if (ctx === undefined) return;
      const v = ctx.events.shift();
      ctx.eventTimes.shift();
      f.engine.variables.set(varName(a.variable), v ?? "");
    },
    trim: (f, a) => {
      const ctx = contextByName(f, param(f, a.name));
      if (ctx === undefined) return;
      const spec = param(f, a.time).replace(PERL_TRIM, "");
      let limit: number;
      if (/^-\d+$/.test(spec)) limit = f.engine.now() + parseInt(spec, 10);
      else if (/^\+\d+$/.test(spec)) limit = ctx.created + parseInt(spec.slice(1), 10);
      else if (/^\d+$/.test(spec)) limit = parseInt(spec, 10);
      else {
        f.engine.logger.log(3, `trim: invalid time '${spec}'`);
        return;
      }
      let k = 0;
      while (k < ctx.eventTimes.length && ctx.eventTimes[k] < limit) k++;
      const removed = ctx.events.splice(0, k);
      ctx.eventTimes.splice(0, k);
      f.engine.logger.log(
        6,
        `Trimmed ${k} element(s) older than '${
          perlLocaltime(new Date(limit * 1000))
        }' from context '${param(f, a.name)}' event store`,
      );
      if (a.variable !== undefined) f.engine.variables.set(varName(a.variable), removed.join("\n"));
    },
    exists: (f, a) => {
      const ctx = contextByName(f, param(f, a.name));
      f.engine.variables.set(varName(a.variable), ctx !== undefined ? "1" : "0");
    },
    getsize: (f, a) => {
      const ctx = contextByName(f, param(f, a.name));
      const v = varName(a.variable);
      if (ctx === undefined) f.engine.variables.delete(v);
      else f.engine.variables.set(v, String(ctx.events.length));
    },
    getaliases: (f, a) => {
      const ctx = contextByName(f, param(f, a.name));
      if (ctx !== undefined) f.engine.variables.set(varName(a.variable), ctx.names.join("\n"));
    },
    getltime: (f, a) => {
      const ctx = contextByName(f, param(f, a.name));
      if (ctx !== undefined) f.engine.variables.set(varName(a.variable), String(ctx.lifetime));
    },
    setltime: (f, a) => {
      const ctx = changeable(f, param(f, a.name));
      if (ctx === undefined) return;
      const lifetime = lifetimeOf(param(f, a.lifetime, "0"));
      if (lifetime === undefined) {
        f.engine.logger.log(
          3,
          `Invalid lifetime '${param(f, a.lifetime)}' for context '${ctx.names[0]}'`,
        );
        return;
      }
      ctx.lifetime = lifetime;
      // a lifetime already exceeded expires the context right away
      if (lifetime > 0 && f.engine.now() - ctx.created > lifetime) f.engine.expireContext(ctx);
      else f.engine.contexts.reschedule(ctx);
    },
    getctime: (f, a) => {
      const ctx = contextByName(f, param(f, a.name));
      if (ctx !== undefined) f.engine.variables.set(varName(a.variable), String(ctx.created));
    },
    setctime: (f, a) => {
      const ctx = changeable(f, param(f, a.name));
      if (ctx === undefined) return;
      const t = parseInt(param(f, a.time), 10);
      if (Number.isFinite(t) && t < ctx.created) {
        const when = perlLocaltime(new Date(t * 1000));
        f.engine.logger.log(3, `Can't set context creation time backwards to '${when}'`);
      }
      if (!Number.isFinite(t) || t < ctx.created || t > f.engine.now()) return;
      ctx.created = t;
      f.engine.contexts.reschedule(ctx);
    },
    event: (f, a) => {
      const delay = parseInt(param(f, a.time, "0"), 10) || 0;
      for (const line of splitLines(param(f, a.text, f.list.desc))) {
        f.engine.queueDelayedEvent(delay, line);
      }
    },
    tevent: (f, a) => {
      const delay = eventDelay(f, param(f, a.time, "0"));
      if (delay === undefined) return;
      for (const line of splitLines(param(f, a.text, f.list.desc))) {
        f.engine.queueDelayedEvent(delay, line);
      }
    },
    cevent: (f, a) => {
      const ctxName = param(f, a.name);
      const delay = eventDelay(f, param(f, a.time, "0"));
      if (delay === undefined) return;
      for (const line of splitLines(param(f, a.text, f.list.desc))) {
        f.engine.queueDelayedEvent(delay, line, ctxName);
      }
    },
    assign: (f, a) => {
      f.engine.variables.set(varName(a.variable), param(f, a.text, f.list.desc));
    },
    assignsq: (f, a) => {
      const v = param(f, a.text, f.list.desc);
      f.engine.variables.set(varName(a.variable), "'" + v.replaceAll("'", "'\\''") + "'");
    },
    free: (f, a) => {
      f.engine.variables.delete(varName(a.variable));
    },
    if: (f, a) => {
      const v = f.engine.variables.get(varName(a.variable));
      const branch = perlTrue(variableText(v)) ? a.then : a.else;
      if (branch === undefined || branch === null) return NORMAL;
      return x.runList(f, branch as CompiledActionList);
    },
    while: (f, a) => {
      const name = varName(a.variable);
      let guard = 0;
      while (perlTrue(variableText(f.engine.variables.get(name)))) {
        const r = x.runList(f, a.body as CompiledActionList);
        if (r === BREAK) break;
        if (++guard > 10_000_000) {
          f.engine.logger.log(2, "while loop stopped after 10000000 iterations");
          break;
        }
      }
      return NORMAL;
    },
    break: () => BREAK,
    continue: () => CONTINUE,
    rewrite: (f, a) => {
      const lnum = param(f, a.lines, "1").replace(PERL_TRIM, "");
      if (!/^\d+$/.test(lnum)) return; // SEC: must be an unsigned integer
      f.engine.rewriteBuffer(parseInt(lnum, 10), param(f, a.text, f.list.desc));
    },
  };
}
