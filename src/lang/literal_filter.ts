/**
 * Which required literals a line contains, found once per line for all
 * rules at once. A pattern whose literal is missing from the line cannot
 * match, so its rule is skipped without running its regex; one whose
 * literal is there needs no substring search of its own.
 *
 * Two ways, chosen by the number of literals (measured on ../shared/bench:
 * 10 literals 0.33 µs a line by regex against 0.51 µs by automaton; 44
 * literals 1.15 against 0.75; 193 literals 10-16 against 0.85):
 * - few: one native regex whose alternatives are the literals
 *   ({@link RegexLiteralScan});
 * - more: an Aho–Corasick automaton turned into a table-driven DFA, one
 *   table read per character ({@link LiteralAutomaton}).
 *
 * @module
 */

/** Which of a set of literals (ids: their indices) occur in the line last given to `ensure`. */
export interface LiteralScan {
  /** The literals. */
  readonly literals: readonly string[];
  /** Makes the scan describe `line` (scanned again only when the line changed). */
  ensure(line: string): this;
  /** True when literal `id` occurs in the line. */
  has(id: number): boolean;
}

/** Up to this many literals, the regex scan is faster than the automaton. */
const REGEX_MAX_LITERALS = 16;
/** Longer literals make the regex too large for V8. */
const REGEX_MAX_LITERAL = 1000;

/** The faster scan for `literals` (empty literals are never reported). */
export function createLiteralScan(literals: readonly string[]): LiteralScan {
  if (
    literals.length <= REGEX_MAX_LITERALS &&
    literals.every((l) => l.length > 0 && l.length <= REGEX_MAX_LITERAL)
  ) {
    try {
      return new RegexLiteralScan(literals);
    } catch {
      // too large for one V8 regex after all: the automaton has no such limit
    }
  }
  return new LiteralAutomaton(literals);
}

/**
 * An Aho–Corasick automaton over the literals, as a DFA. The alphabet is
 * reduced to the characters that occur in some literal (every other
 * character is one "anything else" class), which keeps the table small
 * enough to stay in the processor's cache.
 */
export class LiteralAutomaton implements LiteralScan {
  /** Character class of each code unit below 256 (0: in no literal). */
  readonly #lowClass: Uint16Array;
  /** Character class of code units from 256 up that occur in a literal. */
  readonly #highClass: Map<number, number>;
  /**
   * Transitions: `#delta[row + class]` is the next state's row (row =
   * state × classes), bitwise negated when literals end in that state.
   */
  readonly #delta: Int32Array;
  /** For each state: where the ids of the literals ending there (count, then ids) start in `#outIds`. */
  readonly #outStart: Int32Array;
  readonly #outIds: Int32Array;
  readonly #classes: number;
  readonly #stamps: Uint32Array;
  #gen = 0;
  #line: string | undefined;

  /** Builds the automaton of `literals` (ids are their indices; empty literals are never reported). */
  constructor(readonly literals: readonly string[]) {
    // character classes
    const lowClass = new Uint16Array(256);
    const highClass = new Map<number, number>();
    let classes = 1;
    for (const lit of literals) {
      for (let i = 0; i < lit.length; i++) {
        const c = lit.charCodeAt(i);
        if (c < 256) {
          if (lowClass[c] === 0) lowClass[c] = classes++;
        } else if (!highClass.has(c)) highClass.set(c, classes++);
      }
    }
    const classOf = (c: number) => (c < 256 ? lowClass[c] : highClass.get(c) ?? 0);

    // the trie: goto[state] maps class -> state; out[state] the literals ending there
    const trie: Map<number, number>[] = [new Map()];
    const out: number[][] = [[]];
    literals.forEach((lit, id) => {
      if (lit.length === 0) return;
      let s = 0;
      for (let i = 0; i < lit.length; i++) {
        const k = classOf(lit.charCodeAt(i));
        let next = trie[s].get(k);
        if (next === undefined) {
          next = trie.length;
          trie.push(new Map());
          out.push([]);
          trie[s].set(k, next);
        }
        s = next;
      }
      out[s].push(id);
    });

    // breadth first: failure links, completed transitions, inherited outputs
    const states = trie.length;
    const delta = new Int32Array(states * classes);
    const fail = new Int32Array(states);
    const queue: number[] = [];
    for (let k = 0; k < classes; k++) {
      const next = trie[0].get(k);
      if (next === undefined) continue;
      delta[k] = next;
      queue.push(next);
    }
    for (let head = 0; head < queue.length; head++) {
      const s = queue[head];
      const f = fail[s];
      if (out[f].length > 0) out[s] = out[s].concat(out[f]);
      for (let k = 0; k < classes; k++) {
        const next = trie[s].get(k);
        if (next === undefined) delta[s * classes + k] = delta[f * classes + k];
        else {
          fail[next] = delta[f * classes + k];
          delta[s * classes + k] = next;
          queue.push(next);
        }
      }
    }
    const outStart = new Int32Array(states).fill(-1);
    const ids: number[] = [];
    for (let st = 0; st < states; st++) {
      if (out[st].length === 0) continue;
      outStart[st] = ids.length;
      ids.push(out[st].length, ...out[st]);
    }
    for (let i = 0; i < delta.length; i++) {
      const next = delta[i];
      delta[i] = out[next].length > 0 ? ~(next * classes) : next * classes;
    }
    this.#lowClass = lowClass;
    this.#highClass = highClass;
    this.#delta = delta;
    this.#outStart = outStart;
    this.#outIds = Int32Array.from(ids);
    this.#classes = classes;
    this.#stamps = new Uint32Array(literals.length);
  }

  /** Number of automaton states (for sizing decisions and tests). */
  get stateCount(): number {
    return this.#outStart.length;
  }

  /** Makes the scan describe `line` (scanned again only when the line changed). */
  ensure(line: string): this {
    if (line === this.#line) return this;
    this.#line = line;
    // generation stamps: nothing to clear between lines
    let gen = ++this.#gen;
    if (gen === 0xffffffff) {
      this.#stamps.fill(0);
      this.#gen = gen = 1;
    }
    const lowClass = this.#lowClass;
    const delta = this.#delta;
    let row = 0;
    for (let i = 0, n = line.length; i < n; i++) {
      const c = line.charCodeAt(i);
      row = delta[row + (c < 256 ? lowClass[c] : this.#highClass.get(c) ?? 0)];
      if (row < 0) {
        row = ~row;
        this.#mark(this.#outStart[row / this.#classes], gen);
      }
    }
    return this;
  }

  #mark(at: number, gen: number): void {
    const ids = this.#outIds;
    const st = this.#stamps;
    for (let k = at + 1, end = at + 1 + ids[at]; k < end; k++) st[ids[k]] = gen;
  }

  /** True when literal `id` occurs in the line. */
  has(id: number): boolean {
    return this.#stamps[id] === this.#gen;
  }
}

/**
 * Which of a set of literals occur in the current line, found by one
 * native regex scan instead of one substring search per rule: the
 * literals, longest first, are the alternatives of a global regex whose
 * scan restarts one character after each hit, so every position where
 * some literal starts is reported with the longest literal there; the
 * others starting there are its prefixes, and every literal contained in
 * a found one is marked with it.
 */
export class RegexLiteralScan implements LiteralScan {
  readonly #re: RegExp;
  /** For each alternative (group), the literal ids it implies (itself and its substrings). */
  readonly #implies: number[][];
  readonly #stamps: Uint32Array;
  #gen = 0;
  #line: string | undefined;

  /** Builds the scan for `literals` (none empty); throws when V8 cannot compile it. */
  constructor(readonly literals: readonly string[]) {
    const order = literals.map((_, i) => i).sort((a, b) => literals[b].length - literals[a].length);
    this.#re = new RegExp(order.map((i) => `(${escapeForRegExp(literals[i])})`).join("|"), "g");
    this.#re.exec(""); // compiled now: a regex too large for V8 throws here, not on a line
    this.#re.lastIndex = 0;
    this.#implies = order.map((i) => {
      const out: number[] = [];
      literals.forEach((l, j) => {
        if (literals[i].includes(l)) out.push(j);
      });
      return out;
    });
    this.#stamps = new Uint32Array(literals.length);
  }

  /** Makes the scan describe `line` (rescanned only when the line changed). */
  ensure(line: string): this {
    if (line === this.#line) return this;
    this.#line = line;
    let gen = ++this.#gen;
    if (gen === 0xffffffff) {
      this.#stamps.fill(0);
      this.#gen = gen = 1;
    }
    const re = this.#re;
    const st = this.#stamps;
    const groups = this.#implies.length;
    re.lastIndex = 0;
    let m;
    while ((m = re.exec(line)) !== null) {
      let g = 1;
      while (g <= groups && m[g] === undefined) g++;
      for (const id of this.#implies[g - 1]) st[id] = gen;
      re.lastIndex = m.index + 1;
    }
    return this;
  }

  /** True when literal `id` occurs in the line. */
  has(id: number): boolean {
    return this.#stamps[id] === this.#gen;
  }
}

function escapeForRegExp(s: string): string {
  return s.replace(/[^A-Za-z0-9_ ]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100
      ? "\\x" + code.toString(16).padStart(2, "0")
      : "\\u" + code.toString(16).padStart(4, "0");
  });
}
