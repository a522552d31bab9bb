/**
 * Event correlation operations and their store (EVENT CORRELATION
 * OPERATIONS). An operation is keyed by configuration file, rule number
 * and description string; its window runs from `start` for `window`
 * seconds and is over when `now - start > window` (whole seconds, as SEC
 * keeps time). Deadlines live in a timer heap, so each tick costs time in
 * proportion to what expires, not to what exists.
 *
 * @module
 */
import type { Rule, RuleFile } from "../../lang/rules.ts";
import type { ActionEnv, BoundActions, Engine } from "../engine.ts";
import { type Scheduled, TimerHeap } from "../timer_heap.ts";

/** One running event correlation operation. */
export abstract class Operation implements Scheduled {
  /** Heap bookkeeping. */
  heapTime = -1;
  /** Creation sequence number (creation order where SEC's order is random). */
  seq = 0;
  /** Window start (whole seconds). */
  start: number;
  /** Window length in seconds; 0 = the operation never times out. */
  window: number;
  /** Set once the operation is gone. */
  ended = false;

  /** Creates an operation whose window starts at `now`. */
  constructor(
    readonly rule: Rule,
    readonly desc: string,
    now: number,
    window: number,
  ) {
    this.start = now;
    this.window = window;
  }

  /** The operation ID as SEC shows it: file | rule number | description. */
  get key(): string {
    return `${this.rule.file} | ${this.rule.index} | ${this.desc}`;
  }

  /** True when the window is over at `now`. */
  overAt(now: number): boolean {
    return this.window > 0 && now - this.start > this.window;
  }

  /**
   * The window is over: run what the rule type does then. Returns true
   * when the operation goes on (its window moved), false when it ends.
   */
  abstract expire(engine: Engine, now: number): boolean;

  /** Event occurrence times the operation remembers (trimmed by setwpos). */
  dropBefore(_time: number): void {}

  /** Fields for the dump. */
  dumpFields(): Record<string, unknown> {
    return {};
  }

  /** Runs a bound list with this operation as the acting one. */
  run(engine: Engine, list: BoundActions | undefined): void {
    if (list === undefined) return;
    const env: ActionEnv = { operation: this };
    engine.execute(list, env);
  }
}

/** Holds all operations of an engine, indexed by rule and description. */
export class OperationStore {
  readonly #engine: Engine;
  readonly #byRule = new Map<Rule, Map<string, Operation>>();
  readonly #heap = new TimerHeap<Operation>();
  #seq = 0;
  #size = 0;

  /** Creates the store of `engine`. */
  constructor(engine: Engine) {
    this.#engine = engine;
  }

  /** Number of live operations. */
  get size(): number {
    return this.#size;
  }

  /**
   * The live operation of `rule` for `desc`. An operation whose window is
   * over is expired first (its timeout behaviour runs), so the answer never
   * depends on when the last timer tick happened.
   */
  get(rule: Rule, desc: string, now: number): Operation | undefined {
    const op = this.#byRule.get(rule)?.get(desc);
    if (op === undefined) return undefined;
    if (op.overAt(now)) {
      this.#expire(op, now);
      return op.ended ? undefined : op;
    }
    return op;
  }

  /** Live operations of a rule, in creation order (a live view: removal while iterating is safe). */
  ofRule(rule: Rule): Iterable<Operation> {
    return this.#byRule.get(rule)?.values() ?? [];
  }

  /** True when the rule has live operations. */
  hasOperations(rule: Rule): boolean {
    return this.#byRule.has(rule);
  }

  /** Registers a new operation. */
  add(op: Operation): void {
    op.seq = this.#seq++;
    let m = this.#byRule.get(op.rule);
    if (m === undefined) this.#byRule.set(op.rule, m = new Map());
    if (!m.has(op.desc)) this.#size++;
    m.set(op.desc, op);
    this.schedule(op);
  }

  /** Makes sure the operation is looked at when its window may be over. */
  schedule(op: Operation): void {
    if (op.window > 0 && !op.ended) this.#heap.schedule(op, op.start + op.window + 1);
  }

  /** Removes an operation (it ends without further actions). */
  remove(op: Operation): void {
    if (op.ended) return;
    op.ended = true;
    const m = this.#byRule.get(op.rule);
    if (m !== undefined && m.get(op.desc) === op) {
      m.delete(op.desc);
      this.#size--;
      if (m.size === 0) this.#byRule.delete(op.rule);
    }
  }

  /** Runs the timeouts due at `now` (whole seconds). */
  tick(now: number): void {
    const due = this.#heap.due(now);
    if (due.length === 0) return;
    due.sort((a, b) => a.start + a.window - (b.start + b.window) || a.seq - b.seq);
    for (const op of due) {
      if (op.ended) continue;
      if (op.overAt(now)) this.#expire(op, now);
      else this.schedule(op);
    }
  }

  #expire(op: Operation, now: number): void {
    const goesOn = op.expire(this.#engine, now);
    if (op.ended) return;
    if (goesOn) this.schedule(op);
    else this.remove(op);
  }

  /** Terminates the operations of rules from `file` (soft restart); returns how many. */
  terminateFile(file: string): number {
    let n = 0;
    for (const [rule, m] of [...this.#byRule]) {
      if (rule.file !== file) continue;
      for (const op of [...m.values()]) {
        this.remove(op);
        n++;
      }
    }
    return n;
  }

  /** Live operations in creation order. */
  all(): Operation[] {
    const out: Operation[] = [];
    for (const m of this.#byRule.values()) out.push(...m.values());
    return out.sort((a, b) => a.seq - b.seq);
  }

  /** Dump entries: one per live operation. */
  dumpEntries(): Record<string, unknown>[] {
    return this.all().map((op) => ({
      key: op.key,
      type: op.rule.type,
      file: op.rule.file,
      rule: op.rule.index,
      line: op.rule.line,
      desc: op.desc,
      start: op.start,
      window: op.window,
      ...op.dumpFields(),
    }));
  }
}

/** The operation store of an engine (created on first use). */
export function operationStore(engine: Engine): OperationStore {
  let s = engine.services.get("operations") as OperationStore | undefined;
  if (s === undefined) {
    s = new OperationStore(engine);
    engine.services.set("operations", s);
  }
  return s;
}

/** The configuration file a rule belongs to. */
export function fileOf(engine: Engine, rule: Rule): RuleFile | undefined {
  return engine.files.find((f) => f.name === rule.file && f.rules[rule.index] === rule) ??
    engine.files.find((f) => f.name === rule.file);
}
