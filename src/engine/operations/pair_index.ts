/**
 * Finding the Pair operations whose pattern2 can match an event without
 * trying every open operation. Each operation's pattern2 requires a
 * literal (its text with the first event's values in it, e.g.
 * `web05 su[2349]: pam_unix(su:session): session closed`); the rule's
 * common literal (the text outside the variables, `]: pam_unix(...)`) sits
 * at a fixed place in it. An event can match an operation only if it
 * holds that literal, so wherever the common literal occurs in the event,
 * the text around it is looked up: a few map lookups per event instead of
 * one pattern per open operation. Operations whose pattern2 has no such
 * literal are always tried. The answer is the same set of operations, in
 * creation order, that trying every one would pass on to pattern2.
 *
 * @module
 */
import type { Pattern } from "../../lang/patterns.ts";

/** What the index needs of an operation. */
export interface IndexedOperation {
  /** Creation order. */
  readonly seq: number;
  /** True once the operation is gone (dropped from the index lazily). */
  readonly ended: boolean;
  /** The operation's pattern2. */
  readonly pattern2: Pattern;
}

/** Operations whose required literal has the common literal at one offset and one length. */
interface Shape {
  offset: number;
  length: number;
  byLiteral: Map<string, IndexedOperation[]>;
}

/** The open operations of one Pair rule, indexed by their pattern2's required literal. */
export class PairIndex<T extends IndexedOperation> {
  readonly #common: string;
  #shapes: Shape[] = [];
  #unindexed: T[] = [];
  #entries = 0;

  /** An index for operations whose required literals contain `common` (at least one character). */
  constructor(common: string) {
    this.#common = common;
  }

  /** Number of entries, ended operations not yet dropped included. */
  get entries(): number {
    return this.#entries;
  }

  /** Adds a new operation. */
  add(op: T): void {
    this.#entries++;
    const lit = op.pattern2.lines === 1 ? op.pattern2.literal : undefined;
    const offset = lit === undefined ? -1 : lit.indexOf(this.#common);
    if (lit === undefined || offset < 0) {
      this.#unindexed.push(op);
      return;
    }
    let shape = this.#shapes.find((s) => s.offset === offset && s.length === lit.length);
    if (shape === undefined) {
      shape = { offset, length: lit.length, byLiteral: new Map() };
      this.#shapes.push(shape);
    }
    const list = shape.byLiteral.get(lit);
    if (list === undefined) shape.byLiteral.set(lit, [op]);
    else list.push(op);
  }

  /**
   * The live operations whose pattern2 may match `subject`, in creation
   * order (a superset of those whose pattern2 does match).
   */
  candidates(subject: string): T[] {
    const out: T[] = [];
    for (const op of this.#unindexed) if (!op.ended) out.push(op);
    const common = this.#common;
    const first = subject.indexOf(common);
    // the same literal can be seen at two occurrences of the common one
    const seen = first >= 0 && subject.indexOf(common, first + 1) >= 0 ? new Set<string>() : null;
    for (let p = first; p >= 0; p = subject.indexOf(common, p + 1)) {
      for (const shape of this.#shapes) {
        const from = p - shape.offset;
        if (from < 0 || from + shape.length > subject.length) continue;
        const text = subject.slice(from, from + shape.length);
        const list = shape.byLiteral.get(text);
        if (list === undefined) continue;
        if (seen !== null) {
          const key = `${shape.offset}:${text}`;
          if (seen.has(key)) continue;
          seen.add(key);
        }
        for (const op of list) if (!op.ended) out.push(op as T);
      }
    }
    return out.length > 1 ? out.sort((a, b) => a.seq - b.seq) : out;
  }

  /** Drops ended operations when they have come to outnumber the live ones. */
  compact(live: number): void {
    if (this.#entries <= 2 * live + 64) return;
    const keep: T[] = [...this.#unindexed.filter((op) => !op.ended)];
    for (const shape of this.#shapes) {
      for (const list of shape.byLiteral.values()) {
        for (const op of list) if (!op.ended) keep.push(op as T);
      }
    }
    keep.sort((a, b) => a.seq - b.seq);
    this.#shapes = [];
    this.#unindexed = [];
    this.#entries = 0;
    for (const op of keep) this.add(op);
  }
}
