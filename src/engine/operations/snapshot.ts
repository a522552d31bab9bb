/**
 * Compact match variables for operations that bind their action lists
 * only when the lists run. Keeping the whole match (the regular
 * expression's result with its input line, the event's pattern match
 * cache) costs about 900 bytes per open operation; an operation only
 * needs the values its lists refer to, found once per rule.
 *
 * @module
 */
import { MatchData } from "../../lang/patterns.ts";
import {
  type BindSources,
  isTemplate,
  type MatchValues,
  type VarRef,
} from "../../lang/template.ts";

/** The match variable references of some action lists. */
interface Needs {
  /** `$N` keys as written. */
  readonly nums: readonly string[];
  /** `$+{name}` names. */
  readonly named: readonly string[];
  /** `$:{entry:name}` references. */
  readonly caches: readonly (readonly [string, string])[];
  /** `%N` keys (Pair rules). */
  readonly pnums: readonly string[];
  /** `%+{name}` names (Pair rules). */
  readonly pnamed: readonly string[];
}

function collect(v: unknown, refs: VarRef[]): void {
  if (isTemplate(v)) {
    if (!v.hasMatchVars) return;
    for (const p of v.parts) if (typeof p !== "string") refs.push(p);
  } else if (Array.isArray(v)) {
    for (const x of v) collect(x, refs);
  } else if (v !== null && typeof v === "object") {
    for (const x of Object.values(v as Record<string, unknown>)) collect(x, refs);
  }
}

const needsOf = new WeakMap<object, Needs>();

/** The references of `lists` (cached under `key`, one per rule and set of lists). */
function needs(key: object, lists: readonly unknown[]): Needs {
  let n = needsOf.get(key);
  if (n === undefined) {
    const refs: VarRef[] = [];
    for (const l of lists) collect(l, refs);
    const uniq = (xs: string[]) => [...new Set(xs)];
    n = {
      nums: uniq(refs.flatMap((r) => (r.k === "num" ? [r.key] : []))),
      named: uniq(refs.flatMap((r) => (r.k === "named" ? [r.name] : []))),
      caches: refs.flatMap((r) => (r.k === "cache" ? [[r.entry, r.name] as const] : [])),
      pnums: uniq(refs.flatMap((r) => (r.k === "pnum" ? [r.key] : []))),
      pnamed: uniq(refs.flatMap((r) => (r.k === "pnamed" ? [r.name] : []))),
    };
    needsOf.set(key, n);
  }
  return n;
}

/** Saved values of some match variables (keys as written, then values). */
class SavedValues implements MatchValues {
  constructor(
    readonly numValues: readonly (string | undefined)[],
    readonly namedValues: readonly (string | undefined)[],
  ) {}

  num(key: string): string | undefined {
    const a = this.numValues;
    for (let i = 0; i < a.length; i += 2) if (a[i] === key) return a[i + 1];
    return undefined;
  }

  named(name: string): string | undefined {
    const a = this.namedValues;
    for (let i = 0; i < a.length; i += 2) if (a[i] === name) return a[i + 1];
    return undefined;
  }
}

const EMPTY: readonly (string | undefined)[] = [];
const NO_VALUES = new SavedValues(EMPTY, EMPTY);

/** Keys and values in an array of exactly the right size (push would leave spare capacity). */
function pairs(
  keys: readonly string[],
  get: (k: string) => string | undefined,
): readonly (string | undefined)[] {
  if (keys.length === 0) return EMPTY;
  const a = new Array<string | undefined>(keys.length * 2);
  for (let i = 0; i < keys.length; i++) {
    a[2 * i] = keys[i];
    a[2 * i + 1] = get(keys[i]);
  }
  return a;
}

function save(
  m: MatchValues | null | undefined,
  nums: readonly string[],
  named: readonly string[],
): MatchValues | null | undefined {
  if (m === null || m === undefined) return m;
  if (nums.length === 0 && named.length === 0) return NO_VALUES;
  return new SavedValues(pairs(nums, (k) => m.num(k)), pairs(named, (k) => m.named(k)));
}

/**
 * Bind sources holding only what `lists` refer to, for binding them later
 * exactly as `src` would bind them now. `key` identifies the set of lists
 * (the rule, or an object per rule and role).
 */
export function savedSources(
  key: object,
  lists: readonly unknown[],
  src: BindSources,
): BindSources {
  const n = needs(key, lists);
  const out: BindSources = { match: save(src.match, n.nums, n.named) ?? null };
  if (src.pair !== undefined) out.pair = save(src.pair, n.pnums, n.pnamed);
  if (n.caches.length > 0 && src.cache !== undefined) {
    const cached = new Map<string, string | undefined>();
    for (const [e, name] of n.caches) cached.set(`${e}\u0000${name}`, src.cache(e, name));
    out.cache = (e, name) => cached.get(`${e}\u0000${name}`);
  }
  return out;
}

/** What keptMatch copies for a set of lists: group indexes and names. */
interface Kept {
  readonly indexes: readonly number[];
  readonly length: number;
  readonly names: readonly string[];
}

const keptOf = new WeakMap<object, Kept>();

function kept(key: object, lists: readonly unknown[]): Kept {
  let k = keptOf.get(key);
  if (k === undefined) {
    const n = needs(key, lists);
    const indexes: number[] = [];
    const names: string[] = [];
    const addNum = (s: string) => {
      if (/^(0|[1-9][0-9]*)$/.test(s)) indexes.push(+s);
    };
    for (const s of [...n.nums, ...n.pnums]) addNum(s);
    for (const name of [...n.named, ...n.pnamed]) {
      if (/^[0-9]/.test(name)) addNum(name);
      else names.push(name);
    }
    const length = indexes.length === 0 ? 0 : Math.max(...indexes) + 1;
    keptOf.set(key, k = { indexes, length, names });
  }
  return k;
}

/**
 * A copy of match `m` with only the variables `lists` refer to (`$N`,
 * `%N`, `$+{name}`, `%+{name}`), for operations that keep a match to bind
 * later lists against (Pair's first match). `key` as for savedSources;
 * what to copy is worked out once per key.
 */
export function keptMatch(key: object, lists: readonly unknown[], m: MatchData): MatchData {
  const k = kept(key, lists);
  const groups = new Array<string | undefined>(k.length).fill(undefined);
  for (const i of k.indexes) groups[i] = m.groups[i];
  const names: Record<string, string | undefined> = {};
  for (const name of k.names) names[name] = m.names[name];
  return new MatchData(groups, names);
}
