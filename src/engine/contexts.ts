/**
 * Contexts (CONTEXTS AND CONTEXT EXPRESSIONS): named, aliased state with a
 * lifetime, an event store and an optional action list run on expiry.
 *
 * Times are whole seconds, as SEC's time(2): a context created at second
 * C with lifetime L expires at the first check where now - C > L.
 *
 * @module
 */
import { type Scheduled, TimerHeap } from "./timer_heap.ts";

/** One context; several names (aliases) may point to it. */
export class Context implements Scheduled {
  /** All names of the context, in the order they were added. */
  names: string[];
  /** When the context was first created (whole seconds; a later create or set leaves it). */
  readonly initialized: number;
  /** Creation time (whole seconds): from when its lifetime runs (create and set restart it). */
  created: number;
  /** Lifetime in seconds; 0 means infinite. */
  lifetime: number;
  /** Action list to run when the context expires (opaque to the store). */
  action: unknown;
  /** Event store strings, oldest first. */
  events: string[] = [];
  /** Times (whole seconds) the event store strings were added. */
  eventTimes: number[] = [];
  /** True once the context has been deleted. */
  deleted = false;
  /** True while its expiry action list runs. */
  expiring = false;
  /** True for the internal context of the event being processed (--intcontexts): actions leave it alone. */
  internal = false;
  /** Creation sequence number (for creation-order listings). */
  readonly seq: number;
  /** Heap bookkeeping. */
  heapTime: number = -1;
  /** Heap bookkeeping. */
  heapIndex: number = -1;

  /** Creates a context. */
  constructor(name: string, created: number, lifetime: number, action: unknown, seq: number) {
    this.names = [name];
    this.initialized = created;
    this.created = created;
    this.lifetime = lifetime;
    this.action = action;
    this.seq = seq;
  }

  /** Time after which the context is expired, Infinity when the lifetime is infinite. */
  get deadline(): number {
    return this.lifetime > 0 ? this.created + this.lifetime : Infinity;
  }

  /** Appends lines to the event store. */
  add(lines: string[], now: number): void {
    for (const l of lines) {
      this.events.push(l);
      this.eventTimes.push(now);
    }
  }

  /** Prepends lines to the event store (the first of `lines` ends up first). */
  prepend(lines: string[], now: number): void {
    this.events.unshift(...lines);
    this.eventTimes.unshift(...lines.map(() => now));
  }

  /** Empties the event store. */
  clear(): void {
    this.events = [];
    this.eventTimes = [];
  }
}

/** All contexts by name. */
export class ContextStore {
  #byName = new Map<string, Context>();
  #heap = new TimerHeap<Context>();
  #seq = 0;
  /** Maximum event store size (--evstoresize); 0 = unlimited. */
  maxEvents = 0;

  /** Number of names (a context with aliases counts once per name). */
  get nameCount(): number {
    return this.#byName.size;
  }

  /** The context with this name, if any. */
  get(name: string): Context | undefined {
    return this.#byName.get(name);
  }

  /** True when a context with this name exists. */
  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /**
   * Creates the context `name`, or re-initialises it when it exists (its
   * lifetime restarts, action list replaced, event store emptied).
   */
  create(name: string, now: number, lifetime: number, action: unknown): Context {
    const existing = this.#byName.get(name);
    if (existing !== undefined) {
      existing.created = now;
      existing.lifetime = lifetime;
      existing.action = action;
      existing.clear();
      this.reschedule(existing);
      return existing;
    }
    const ctx = new Context(name, now, lifetime, action, this.#seq++);
    this.#byName.set(name, ctx);
    this.reschedule(ctx);
    return ctx;
  }

  /** Makes sure the context's current deadline is watched. */
  reschedule(ctx: Context): void {
    const d = ctx.deadline;
    if (d !== Infinity) this.#heap.schedule(ctx, d);
  }

  /** Adds `alias` as a further name of the context `name`; false if `name` does not exist. */
  alias(name: string, alias: string): boolean {
    const ctx = this.#byName.get(name);
    if (ctx === undefined) return false;
    const prev = this.#byName.get(alias);
    if (prev === ctx) return true;
    if (prev !== undefined) this.#dropName(prev, alias);
    this.#byName.set(alias, ctx);
    ctx.names.push(alias);
    return true;
  }

  /** Drops one name; the context is deleted when it was the last one. */
  unalias(alias: string): void {
    const ctx = this.#byName.get(alias);
    if (ctx === undefined) return;
    this.#dropName(ctx, alias);
  }

  #dropName(ctx: Context, name: string): void {
    this.#byName.delete(name);
    const i = ctx.names.indexOf(name);
    if (i >= 0) ctx.names.splice(i, 1);
    if (ctx.names.length === 0) {
      ctx.deleted = true;
      this.#heap.remove(ctx);
    }
  }

  /** Deletes the context (all its names). Returns it, or undefined if it did not exist. */
  delete(name: string): Context | undefined {
    const ctx = this.#byName.get(name);
    if (ctx === undefined) return undefined;
    this.remove(ctx);
    return ctx;
  }

  /** Removes a context object and all its names. */
  remove(ctx: Context): void {
    for (const n of ctx.names) {
      if (this.#byName.get(n) === ctx) this.#byName.delete(n);
    }
    ctx.names = [];
    ctx.deleted = true;
    this.#heap.remove(ctx);
  }

  /**
   * Contexts whose lifetime is over at `now` (whole seconds), in deadline
   * order then creation order. Contexts whose deadline moved are
   * rescheduled instead.
   */
  expired(now: number): Context[] {
    const out: Context[] = [];
    for (const ctx of this.#heap.due(now - 1)) {
      if (ctx.deleted) continue;
      if (ctx.lifetime > 0 && now - ctx.created > ctx.lifetime) out.push(ctx);
      else this.reschedule(ctx);
    }
    out.sort((a, b) => a.deadline - b.deadline || a.seq - b.seq);
    return out;
  }

  /** Earliest whole second at which `expired` may return something (a lower bound), or Infinity. */
  nextExpiry(): number {
    return this.#heap.peekTime() + 1;
  }

  /** Iterates over distinct live contexts in creation order. */
  contexts(): Context[] {
    const seen = new Set<Context>();
    for (const c of this.#byName.values()) seen.add(c);
    return [...seen].sort((a, b) => a.seq - b.seq);
  }

  /** All names, in insertion order. */
  names(): IterableIterator<string> {
    return this.#byName.keys();
  }
}
