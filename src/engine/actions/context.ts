/**
 * The context actions (ACTIONS; CONTEXTS): create, delete, obsolete, set,
 * alias, unalias, the event store actions add, prepend, fill, copy,
 * empty, pop, shift and trim, and the queries and setters exists,
 * getsize, getaliases, getltime, setltime, getctime and setctime.
 * Internal contexts (--intcontexts) are not changed by them, as in SEC.
 *
 * @module
 */
import { PERL_TRIM } from "../../lang/blanks.ts";
import type { Context } from "../contexts.ts";
import { perlSplitLines } from "../split_lines.ts";
import { perlLocaltime } from "../variables.ts";
import {
  type ActionHandler,
  type ActionHandlers,
  changeable,
  contextByName,
  type Frame,
  param,
  varName,
} from "./frame.ts";

/** A lifetime parameter: whole seconds (0 = infinite), undefined when invalid. */
function lifetimeOf(text: string): number | undefined {
  const t = text.replace(PERL_TRIM, "");
  return /^\d+$/.test(t) ? parseInt(t, 10) : undefined;
}

/** True when `adding` more events fit the event store of `ctx` (--evstoresize). */
function storeAllows(f: Frame, ctx: Context | undefined, adding: number): boolean {
  const max = f.engine.contexts.maxEvents;
  if (max <= 0) return true;
  const have = ctx ? ctx.events.length : 0;
  return have + adding <= max;
}

/** add, prepend and fill: the lines of the text into the event store (creating the context). */
function adder<K extends "add" | "prepend" | "fill">(kind: K): ActionHandler<K> {
  return (f, a) => {
    const name = param(f, a.name);
    const lines = perlSplitLines(param(f, a.text, f.list.desc));
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
}

/** The action types of the context actions. */
export type ContextActionType =
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
  | "setctime";

/** The context actions. */
export function contextActions(): Pick<ActionHandlers, ContextActionType> {
  return {
    create: (f, a) => {
      const name = param(f, a.name, f.list.desc);
      const lifetime = lifetimeOf(param(f, a.lifetime, "0"));
      if (lifetime === undefined) {
        f.engine.logger.log(3, `Invalid lifetime '${param(f, a.lifetime)}' for context '${name}'`);
        return;
      }
      const actions = a.actions;
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
      if (a.actions !== undefined) {
        ctx.action = { actions: a.actions, desc: f.list.desc, rule: f.list.rule };
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
  };
}
