/**
 * Pair and PairWithWindow (RULE TYPES). An event matching the first
 * pattern starts an operation (or is consumed by the running one); the
 * operation's own pattern2 is pattern2 with the first match's variables
 * substituted (quoted for regular expressions, as SEC masks
 * metacharacters). An event that does not match the first pattern is
 * offered to every operation of the rule, in creation order; each one
 * whose pattern2 (and context2) matches runs action2 and ends.
 *
 * In desc2, context2 and action2, `$N` come from pattern2 and `%N` from
 * the first pattern; when pattern2 sets no variables (SubStr...), `$N`
 * keep the first pattern's values and `%N` stay as written (as SEC does).
 *
 * @module
 */
import {
  compilePattern,
  compilePatternTemplate,
  type MatchData,
  type Pattern,
  type PatternOptions,
  type PatternTemplate,
} from "../../lang/patterns.ts";
import type { Continue, Rule } from "../../lang/rules.ts";
import {
  bindMatch,
  type BindSources,
  type MatchValues,
  render,
  type VarRef,
} from "../../lang/template.ts";
import type { BoundActions, Engine } from "../engine.ts";
import type { EventContext } from "../event.ts";
import { bindList } from "./counting.ts";
import { keptMatch, savedSources } from "./snapshot.ts";
import { Operation, type OperationStore, operationStore } from "./store.ts";
import { PairIndex } from "./pair_index.ts";
import {
  actionsDumpText,
  contextDumpText,
  continueDumpText,
  patternDumpText,
} from "./dump_text.ts";
import { pattern2Literal, pattern2Parsed } from "./pair_literal.ts";

/** A Pair or PairWithWindow operation. */
export class PairOperation extends Operation {
  /** Creates the operation. */
  constructor(
    rule: Rule,
    desc: string,
    now: number,
    /** Match variables of the first pattern (null when it sets none). */
    readonly first: MatchData | null,
    /** The operation's pattern2. */
    readonly pattern2: Pattern,
    /** PairWithWindow: the action run when the window ends without a pair. */
    readonly timeoutAction: BoundActions | undefined,
  ) {
    super(rule, desc, now, rule.window);
  }

  /**
   * Pattern2 sets no variables: `$:{entry:var}` of desc2/action2 as the
   * first event's pattern match cache held them (SEC substitutes them when
   * the operation starts).
   */
  firstCache: BindSources["cache"];

  /** Pair ends silently; PairWithWindow runs its action first. */
  expire(engine: Engine): boolean {
    this.run(engine, this.timeoutAction);
    return false;
  }

  /** The fields the dump shows for this operation. */
  override dumpFields(): Record<string, unknown> {
    const r = this.rule;
    const second = r.second!;
    // desc2 with the first event's %N in it, as SEC shows it while the operation waits
    const desc2 = r.desc2?.source.replace(
      /%(?:(\d+)|\{(\d+)\})/g,
      (all, a, b) => this.first?.num(a ?? b) ?? all,
    );
    return {
      desc: this.desc,
      action: actionsDumpText(r.action),
      pattern2: patternDumpText(this.pattern2),
      context2: contextDumpText(second.context),
      continue2: continueDumpText(second.cont),
      desc2: desc2 ?? "",
      action2: actionsDumpText(r.action2),
      window: r.window,
    };
  }
}

/** Perl's quotemeta on a byte string: every non-word character gets a backslash. */
export function quotemeta(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, "\\$&");
}

const QUOTING_KINDS = new Set(["RegExp", "NRegExp"]);
const compiled = new WeakMap<Rule, Map<string, Pattern>>();

/** The pattern2 of a new operation (compiled once per distinct text); null when that text is no valid pattern. */
function pattern2For(engine: Engine, rule: Rule, first: MatchData | null): Pattern | null {
  const base = rule.second!.pattern;
  const t = pattern2Parsed(rule);
  if (!t.hasMatchVars || first === null) return base;
  const quote = QUOTING_KINDS.has(base.kind);
  const values: MatchValues = quote
    ? {
      num: (k) => quoteOrUndef(first.num(k)),
      named: (n) => quoteOrUndef(first.named(n)),
    }
    : first;
  const text = render(bindMatch(t, { match: values }));
  let cache = compiled.get(rule);
  if (cache === undefined) compiled.set(rule, cache = new Map());
  let p = cache.get(text);
  if (p === undefined) {
    const q = compilePattern2(engine, rule, first, text);
    if (q === null) return null;
    p = q;
    if (cache.size > 10_000) cache.clear();
    cache.set(text, p);
  }
  return p;
}

/** Compiles an operation's pattern2 `text` (from the template when it allows); null (logged) when invalid. */
function compilePattern2(
  engine: Engine,
  rule: Rule,
  first: MatchData,
  text: string,
): Pattern | null {
  const base = rule.second!.pattern;
  const options = engine.patternOptions;
  const tpl = pattern2Template(rule, options);
  if (tpl !== undefined) {
    const values = tpl.holes.map((h) => h.k === "num" ? first.num(h.key) : first.named(h.name));
    const p = tpl.template.instantiate(values as string[], text);
    if (p !== undefined) return p;
  }
  try {
    return compilePattern(base.kind, base.lines, text, rule.second!.varmap, options);
  } catch (e) {
    const why = (e as Error).message;
    engine.logger.log(
      2,
      `Invalid pattern2 '${text}' for rule at ${rule.file}:${rule.line}: ${why}`,
    );
    return null;
  }
}

interface Pattern2Template {
  template: PatternTemplate;
  /** The match variable of each hole, in order. */
  holes: (VarRef & { k: "num" | "named" })[];
}

const templates = new WeakMap<Rule, Pattern2Template | null>();

/**
 * pattern2 as a template translated once (regular expressions only):
 * match variables are holes for quoted values, `$$` a dollar sign and
 * cache variables empty, as bindMatch gives them here. Null when the
 * template is not suitable (operations then compile their pattern2).
 */
function pattern2Template(rule: Rule, options: PatternOptions): Pattern2Template | undefined {
  let t = templates.get(rule);
  if (t === undefined) {
    t = null;
    const base = rule.second!.pattern;
    const parts: (string | number)[] = [];
    const holes: Pattern2Template["holes"] = [];
    let ok = true;
    for (const p of pattern2Parsed(rule).parts) {
      if (typeof p === "string") parts.push(p);
      else if (p.k === "num" || p.k === "named") {
        parts.push(holes.length);
        holes.push(p);
      } else if (p.k === "dollar") parts.push("$");
      else if (p.k === "cache") continue;
      else ok = false;
    }
    const template = ok
      ? compilePatternTemplate(base.kind, base.lines, parts, rule.second!.varmap, options)
      : undefined;
    if (template !== undefined) t = { template, holes };
    templates.set(rule, t);
  }
  return t ?? undefined;
}

function quoteOrUndef(v: string | undefined): string | undefined {
  return v === undefined ? undefined : quotemeta(v);
}

/**
 * What an operation keeps of its first match: the variables desc2 and
 * action2 refer to (all of it when context2 is set: its operands are
 * substituted from raw text at run time).
 */
function keptFirst(rule: Rule, first: MatchData | null): MatchData | null {
  if (first === null || rule.second!.context !== undefined) return first;
  return keptMatch(rule.second!, [rule.desc2, rule.action2], first);
}

/** Up to this many open operations, trying each costs less than the index lookup. */
const FEW_OPERATIONS = 8;

// weak both ways: an engine's store, and rules a restart replaced, take their indexes with them
const indexes = new WeakMap<OperationStore, WeakMap<Rule, PairIndex<PairOperation> | null>>();

/** The index of the rule's operations in `store`, or null when pattern2 has no common literal. */
function pairIndex(store: OperationStore, rule: Rule): PairIndex<PairOperation> | null {
  let byRule = indexes.get(store);
  if (byRule === undefined) indexes.set(store, byRule = new WeakMap());
  let index = byRule.get(rule);
  if (index === undefined) {
    const common = pattern2Literal(rule);
    index = common === undefined ? null : new PairIndex<PairOperation>(common);
    byRule.set(rule, index);
  }
  return index;
}

/** Processor of Pair and PairWithWindow rules. */
export function processPair(engine: Engine, rule: Rule, ev: EventContext): Continue | null {
  const main = rule.main!;
  const store = operationStore(engine);
  const now = engine.now();
  const m = engine.matchPart(main, ev);
  if (m !== null) {
    rule.matchCount++;
    const vars = main.pattern.setsVars ? m : null;
    const src = engine.sources(vars, ev);
    const key = store.keyFor(engine, rule, src);
    if (store.getByKey(rule, key, now) !== undefined) return main.cont;
    const desc = store.descOf(rule, key);
    const pattern2 = pattern2For(engine, rule, vars);
    if (pattern2 === null) {
      // SEC: the operation cannot start (its pattern2 is invalid); the event is still matched
      engine.logger.log(2, `Can't start Pair event correlation operation with the key '${desc}'`);
      return main.cont;
    }
    const action = bindList(engine, rule.action, src, desc, rule);
    const withWindow = rule.type === "PairWithWindow";
    const op = new PairOperation(
      rule,
      desc,
      now,
      keptFirst(rule, vars),
      pattern2,
      withWindow ? action : undefined,
    );
    if (!pattern2.setsVars && src.cache !== undefined) {
      op.firstCache = savedSources(rule.second!, [rule.desc2, rule.action2], src).cache;
    }
    store.add(op, key);
    const index = pairIndex(store, rule);
    if (index !== null) {
      index.add(op);
      index.compact(store.countOf(rule));
    }
    if (!withWindow) op.run(engine, action);
    return main.cont;
  }
  // not the first pattern: offer the event to the rule's operations
  if (!store.hasOperations(rule)) return null;
  const common = pattern2Literal(rule);
  if (common !== undefined && !ev.joined(rule.second!.pattern.lines).includes(common)) return null;
  const second = rule.second!;
  const index = pairIndex(store, rule);
  // with an index and more than a few operations, only those whose pattern2's literal the event holds
  const offered = index === null || store.countOf(rule) <= FEW_OPERATIONS
    ? store.ofRule(rule) as Iterable<PairOperation>
    : index.candidates(ev.joined(1));
  let matched = false;
  for (const op of offered) {
    if (op.ended || (op.overAt(now) && store.getByKey(rule, op.mapKey, now) !== op)) continue;
    const pre = second.context?.preEvaluated === true;
    // context2=[...] is evaluated before pattern2 (as SEC: its cache entries are not set yet)
    if (pre && !engine.evalContext(second.context!, null, ev, op.first)) continue;
    const m2 = op.pattern2.match(ev);
    if (m2 === null) continue;
    const setsVars = op.pattern2.setsVars;
    if (second.context !== undefined && !pre) {
      const ok = setsVars
        ? engine.evalContext(second.context, m2, ev, op.first)
        : engine.evalContext(second.context, op.first, ev, null);
      if (!ok) continue;
    }
    matched = true;
    const src: BindSources = setsVars
      ? { ...engine.sources(m2, ev), pair: op.first }
      : { ...engine.sources(op.first, ev), pair: op.first, cache: op.firstCache };
    const desc2 = engine.bindText(rule.desc2!, src);
    store.remove(op);
    op.run(engine, bindList(engine, rule.action2, src, desc2, rule));
  }
  if (!matched) return null;
  rule.matchCount++;
  return second.cont;
}
