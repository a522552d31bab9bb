/**
 * A fast pre-check for required literals: the set of 4-byte substrings
 * (4-grams) of the current line, as a hashed bitmap built once per line.
 * A pattern whose required literal has a 4-gram missing from the line
 * cannot match, which is decided with a couple of array probes instead of
 * a substring search per rule. False positives only cost the substring
 * search that follows; there are no false negatives.
 *
 * @module
 */

const BITS = 12;
const SIZE = 1 << BITS;

/** Hash of the 4-gram of `s` at `i` (16 bits). */
export function gramHash(s: string, i: number): number {
  const h = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) |
    (s.charCodeAt(i + 3) << 24);
  return Math.imul(h, 0x9e3779b1) >>> (32 - BITS);
}

/** The 4-gram hashes to probe for `literal` (at most 3, spread over it), or undefined when it is shorter than 4. */
export function literalGrams(literal: string): Int32Array | undefined {
  const n = literal.length;
  if (n < 4 || /[\u0100-\uffff]/.test(literal)) return undefined;
  const at = n === 4 ? [0] : n < 8 ? [0, n - 4] : [0, (n - 4) >> 1, n - 4];
  return Int32Array.from(at, (i) => gramHash(literal, i));
}

/** The 4-grams of one line at a time (generation-stamped, so no clearing per line). */
export class GramIndex {
  readonly #stamps = new Uint32Array(SIZE);
  #gen = 0;
  #line: string | undefined;

  /** Makes the index describe `line` (rebuilt only when the line changed). */
  ensure(line: string): this {
    if (line === this.#line) return this;
    this.#line = line;
    let gen = ++this.#gen;
    if (gen === 0xffffffff) {
      this.#stamps.fill(0);
      this.#gen = gen = 1;
    }
    const st = this.#stamps;
    const n = line.length;
    if (n < 4) return this;
    // rolling: each character enters with its low 8 bits, so the value at a
    // position equals gramHash there whenever those 4 characters are bytes
    let h = ((line.charCodeAt(0) & 255) << 8) | ((line.charCodeAt(1) & 255) << 16) |
      (line.charCodeAt(2) << 24);
    for (let i = 3; i < n; i++) {
      h = (h >>> 8) | (line.charCodeAt(i) << 24);
      st[Math.imul(h, 0x9e3779b1) >>> (32 - BITS)] = gen;
    }
    return this;
  }

  /** True when every probed 4-gram occurs in the line (the literal may be there). */
  has(grams: Int32Array): boolean {
    const st = this.#stamps;
    const gen = this.#gen;
    for (let k = 0; k < grams.length; k++) if (st[grams[k]] !== gen) return false;
    return true;
  }
}

/**
 * Which of a set of literals occur in the current line, found by one
 * native regex scan instead of one substring search per rule: the
 * literals, longest first, are the alternatives of a global regex whose
 * scan restarts one character after each hit, so every position where
 * some literal starts is reported with the longest literal there; the
 * others starting there are its prefixes, and every literal contained in
 * a found one is marked with it. Pays off for small rulesets (the 4-gram
 * index above serves large ones).
 */
export class LiteralScan {
  readonly #re: RegExp;
  /** For each alternative (group), the literal ids it implies (itself and its substrings). */
  readonly #implies: number[][];
  readonly #stamps: Uint32Array;
  #gen = 0;
  #line: string | undefined;
  #found = false;

  /** Builds the scan for `literals` (ids are their indices); throws when V8 cannot compile it. */
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
    // generation stamps as in GramIndex, written out on purpose: a shared
    // helper object for them measured ~10% slower on medium.sec
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
    let found = false;
    while ((m = re.exec(line)) !== null) {
      found = true;
      let g = 1;
      while (g <= groups && m[g] === undefined) g++;
      for (const id of this.#implies[g - 1]) st[id] = gen;
      re.lastIndex = m.index + 1;
    }
    this.#found = found;
    return this;
  }

  /** True when the line holds at least one of the literals. */
  get found(): boolean {
    return this.#found;
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
