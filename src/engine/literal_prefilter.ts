/**
 * The literal pre-check of a ruleset, set up when its rules are installed:
 * which rules a line can be skipped for by a cheap look for the literal
 * their pattern requires, and how the line is searched for those literals
 * (one regex scan for a small ruleset, a 4-gram index of the line for a
 * large one: literal_filter.ts).
 *
 * @module
 */
import { LiteralScan } from "../lang/literal_filter.ts";
import type { Pattern } from "../lang/patterns.ts";
import type { Rule, RuleFile, RuleType } from "../lang/rules.ts";
import { setGramFilter } from "./event.ts";
import { pattern2Literal, pattern2Parsed } from "./operations/pair_literal.ts";

/** Rules with a 4-gram prefilter needed before the line index is built (fewer: substring search only). */
const GRAM_MIN_RULES = 24;

/** The literal pre-check an engine got for its ruleset. */
export interface LiteralChecks {
  /** The literal scan of a ruleset too small for the 4-gram index, if it has one. */
  scan: LiteralScan | undefined;
  /**
   * True when a line holding none of the scan's literals can match no
   * pattern of any rule (each pattern an event meets needs one of them, and
   * no context is evaluated before a pattern): such a line is not matched.
   */
  gated: boolean;
}

/**
 * Sets up the pre-check for `files`: each rule's 4-gram prefilter (large
 * rulesets) or each pattern's slot in the returned literal scan (small ones).
 */
export function installLiteralChecks(files: readonly RuleFile[]): LiteralChecks {
  let filterable = 0;
  for (const f of files) for (const r of f.rules) if (prefilterOf(r) !== undefined) filterable++;
  // the 4-gram index of a line pays off only when many rules consult it
  const useGrams = filterable >= GRAM_MIN_RULES;
  setGramFilter(useGrams);
  const gate = gateLiterals(files);
  const scan = literalScanOf(files, !useGrams, gate ?? []);
  for (const f of files) {
    for (const r of f.rules) {
      r.prefilter = useGrams ? prefilterOf(r) : undefined;
    }
  }
  // a literal left out of the scan (too long) would let its lines through unmatched
  const gated = scan !== undefined && gate !== undefined &&
    gate.every((l) => scan.literals.includes(l));
  return { scan, gated };
}

/** Rule types whose only effect on a non-matching event is nothing at all. */
const SKIPPABLE = new Set<RuleType>([
  "Single",
  "SingleWithScript",
  "SingleWithSuppress",
  "SingleWithThreshold",
  "SingleWith2Thresholds",
  "Suppress",
  "Jump",
]);

/** A literal scan needs a few literals to beat one substring search per pattern. */
const SCAN_MIN_LITERALS = 3;
/** Longer literals stay out of the scan (its regex must stay small enough for V8). */
const SCAN_MAX_LITERAL = 1000;

/**
 * The literal scan (literal_filter.ts) of a ruleset too small for the
 * 4-gram index: the required literals of the patterns events meet, each
 * pattern given its literal's slot, plus the `extra` literals (those the
 * line gate needs besides); none when there are too few literals.
 */
function literalScanOf(
  files: readonly RuleFile[],
  wanted: boolean,
  extra: readonly string[],
): LiteralScan | undefined {
  const patterns: Pattern[] = [];
  for (const f of files) {
    for (const r of f.rules) {
      if (r.main !== undefined) patterns.push(r.main.pattern);
      if (r.second !== undefined) patterns.push(r.second.pattern);
      for (const g of r.groups ?? []) patterns.push(g.pattern);
    }
  }
  const ids = new Map<string, number>();
  const add = (literal: string | undefined) => {
    if (literal !== undefined && literal.length <= SCAN_MAX_LITERAL && !ids.has(literal)) {
      ids.set(literal, ids.size);
    }
  };
  for (const p of patterns) add(p.literal);
  // what the Pair operations' own pattern2s need, so that the scan can gate lines
  for (const l of extra) add(l);
  if (!wanted || ids.size < SCAN_MIN_LITERALS) return undefined;
  let scan: LiteralScan;
  try {
    scan = new LiteralScan([...ids.keys()]);
  } catch {
    return undefined; // too large for one regex: each pattern searches its literal itself
  }
  for (const p of patterns) {
    const id = p.literal === undefined ? undefined : ids.get(p.literal);
    if (p.literalSlot !== undefined && id !== undefined) p.literalSlot = { scan, id };
  }
  return scan;
}

/**
 * The 4-grams a line needs for `rule` to possibly match: its pattern's,
 * when the rule does nothing for events its pattern rejects and no
 * context expression runs before the pattern.
 */
function prefilterOf(rule: Rule): Int32Array | undefined {
  if (!SKIPPABLE.has(rule.type) || rule.main === undefined) return undefined;
  if (rule.main.context?.preEvaluated) return undefined;
  return rule.main.pattern.grams;
}

/**
 * The literals a line needs for some rule to match it: for each pattern an
 * event can meet, the literal every line it matches holds (for a Pair
 * pattern2 with match variables, the text all its operations' pattern2s
 * share). Undefined when some pattern has none (a negated, multi-line or
 * code pattern, TValue, a regex without a literal), or a context is
 * evaluated before its pattern (`[...]`, which may run code): every line
 * must then be matched.
 */
function gateLiterals(files: readonly RuleFile[]): string[] | undefined {
  const out: string[] = [];
  for (const f of files) {
    for (const r of f.rules) {
      const parts = [r.main, ...(r.groups ?? [])];
      for (const part of parts) {
        if (part === undefined) continue;
        if (part.context?.preEvaluated || part.pattern.literal === undefined) return undefined;
        out.push(part.pattern.literal);
      }
      const second = r.second;
      if (second === undefined) continue;
      if (second.context?.preEvaluated || second.pattern.lines !== 1) return undefined;
      const literal = pattern2Parsed(r).hasMatchVars ? pattern2Literal(r) : second.pattern.literal;
      if (literal === undefined) return undefined;
      out.push(literal);
    }
  }
  return out;
}
