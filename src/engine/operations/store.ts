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
import type { BindSources, VarRef } from "../../lang/template.ts";
import type { ActionEnv, BoundActions, Engine } from "../engine.ts";
import { type Scheduled, TimerHeap } from "../timer_heap.ts";
import { contextDumpText, continueDumpText, patternDumpText } from "./dump_text.ts";

/** One running event correlation operation. */
export abstract class Operation implements Scheduled {
  /** Heap bookkeeping. */
  heapTime: number = -1;
  /** Heap bookkeeping. */
  heapIndex: number = -1;
  /** Creation sequence number (creation order where SEC's order is random). */
  seq = 0;
  /** Creation time (whole seconds). */
  readonly created: number;
  /** Window start (whole seconds). */
  start: number;
  /** Window length in seconds; 0 = the operation never times out. */
  window: number;
  /** Set once the operation is gone. */
  ended = false;
  /** Its key in the store (see DescKeying). */
  mapKey: string;

  /** Creates an operation whose window starts at `now`. */
  constructor(
    readonly rule: Rule,
    readonly desc: string,
    now: number,
    window: number,
  ) {
    this.created = now;
    this.start = now;
    this.window = window;
    this.mapKey = desc;
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

  /**
   * What the dump shows of this operation after the fields every operation
   * has (key, times, rule, pattern, context, continue), with SEC's key names
   * and in the order of SEC's text dump.
   */
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

/**
 * How a rule's operations are keyed. A desc that is one match variable
 * between fixed texts (`SSH brute force from $2`) is keyed by the
 * variable's value: desc and value determine each other, and an event
 * then finds its operation without building the desc string (building and
 * hashing a fresh concatenated string costs more than the lookup).
 * Other rules are keyed by the desc itself.
 */
interface DescKeying {
  prefix: string;
  ref: VarRef & { k: "num" | "named" };
  suffix: string;
}

const keyings = new WeakMap<Rule, DescKeying | null>();

function keyingOf(rule: Rule): DescKeying | null {
  let k = keyings.get(rule);
  if (k !== undefined) return k;
  k = null;
  const parts = rule.desc.parts;
  const at = parts.findIndex((p) => typeof p !== "string");
  if (at >= 0 && at <= 1 && parts.length - at <= 2) {
    const ref = parts[at] as VarRef;
    const after = parts.slice(at + 1);
    if ((ref.k === "num" || ref.k === "named") && after.every((p) => typeof p === "string")) {
      k = {
        prefix: at === 1 ? parts[0] as string : "",
        ref: ref as DescKeying["ref"],
        suffix: (after[0] as string | undefined) ?? "",
      };
    }
  }
  keyings.set(rule, k);
  return k;
}

/** The store key of `desc` for `rule`; undefined when no operation of the rule can have it. */
function keyOfDesc(rule: Rule, desc: string): string | undefined {
  const k = keyingOf(rule);
  if (k === null) return desc;
  const { prefix, suffix } = k;
  if (desc.length < prefix.length + suffix.length) return undefined;
  if (!desc.startsWith(prefix) || !desc.endsWith(suffix)) return undefined;
  return desc.slice(prefix.length, desc.length - suffix.length);
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
    const key = keyOfDesc(rule, desc);
    return key === undefined ? undefined : this.getByKey(rule, key, now);
  }

  /**
   * The key of the desc an event with match variables `src` gives `rule`
   * (what bindText would make of the desc, or the one variable's value).
   */
  keyFor(engine: Engine, rule: Rule, src: BindSources): string {
    const k = keyingOf(rule);
    if (k === null) return engine.bindText(rule.desc, src);
    const m = src.match;
    const ref = k.ref;
    if (m === null) return ref.raw;
    return (ref.k === "num" ? m.num(ref.key) : m.named(ref.name)) ?? "";
  }

  /** The desc whose key is `key` (see keyFor). */
  descOf(rule: Rule, key: string): string {
    const k = keyingOf(rule);
    return k === null ? key : k.prefix + key + k.suffix;
  }

  /** Like get, by the key from keyFor. */
  getByKey(rule: Rule, key: string, now: number): Operation | undefined {
    const op = this.#byRule.get(rule)?.get(key);
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

  /** Number of live operations of a rule. */
  countOf(rule: Rule): number {
    return this.#byRule.get(rule)?.size ?? 0;
  }

  /** True when the rule has live operations. */
  hasOperations(rule: Rule): boolean {
    return this.#byRule.has(rule);
  }

  /** Registers a new operation; `key` is its desc's key when the caller has it (keyFor). */
  add(op: Operation, key?: string): void {
    op.seq = this.#seq++;
    let m = this.#byRule.get(op.rule);
    if (m === undefined) this.#byRule.set(op.rule, m = new Map());
    op.mapKey = key ?? keyOfDesc(op.rule, op.desc) ?? op.desc;
    if (!m.has(op.mapKey)) this.#size++;
    m.set(op.mapKey, op);
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
    this.#heap.remove(op);
    const m = this.#byRule.get(op.rule);
    if (m !== undefined && m.get(op.mapKey) === op) {
      m.delete(op.mapKey);
      this.#size--;
      if (m.size === 0) this.#byRule.delete(op.rule);
    }
  }

  /** Earliest whole second at which `tick` may have work (a lower bound), or Infinity. */
  nextDue(): number {
    return this.#heap.peekTime();
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

  /**
   * Dump entries, one per live operation, with SEC 2.9.4's key names and in
   * the order of its text dump (dump_text.ts formats the rule parts).
   */
  dumpEntries(): Record<string, unknown>[] {
    return this.all().map((op) => {
      const r = op.rule;
      const main = r.main;
      return {
        key: op.key,
        starttime: op.created,
        windowstart: op.start,
        ...(op.window > 0 ? { windowend: op.start + op.window } : {}),
        configfile: r.file,
        ruleid: r.index,
        type: r.groups === undefined ? r.type : `EventGroup${r.groups.length}`,
        pattern: main === undefined ? "" : patternDumpText(main.pattern),
        context: contextDumpText(main?.context),
        continue: main === undefined ? "" : continueDumpText(main.cont),
        ...op.dumpFields(),
      };
    });
  }
}

/** The operation store of an engine (created on first use). */
export function operationStore(engine: Engine): OperationStore {
  return engine.operations ??= new OperationStore(engine);
}

/** The configuration file a rule belongs to. */
export function fileOf(engine: Engine, rule: Rule): RuleFile | undefined {
  return engine.files.find((f) => f.name === rule.file && f.rules[rule.index] === rule) ??
    engine.files.find((f) => f.name === rule.file);
}
