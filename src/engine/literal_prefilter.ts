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

/** Rules with a 4-gram prefilter needed before the line index is built (fewer: substring search only). */
const GRAM_MIN_RULES = 24;

/**
 * Sets up the pre-check for `files`: each rule's 4-gram prefilter (large
 * rulesets) or each pattern's slot in the returned literal scan (small ones).
 */
export function installLiteralChecks(files: readonly RuleFile[]): LiteralScan | undefined {
  let filterable = 0;
  for (const f of files) for (const r of f.rules) if (prefilterOf(r) !== undefined) filterable++;
  // the 4-gram index of a line pays off only when many rules consult it
  const useGrams = filterable >= GRAM_MIN_RULES;
  setGramFilter(useGrams);
  const scan = literalScanOf(files, !useGrams);
  for (const f of files) {
    for (const r of f.rules) {
      r.prefilter = useGrams ? prefilterOf(r) : undefined;
    }
  }
  return scan;
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
 * pattern given its literal's slot; none when there are too few literals.
 */
function literalScanOf(files: readonly RuleFile[], wanted: boolean): LiteralScan | undefined {
  const patterns: Pattern[] = [];
  for (const f of files) {
    for (const r of f.rules) {
      if (r.main !== undefined) patterns.push(r.main.pattern);
      if (r.second !== undefined) patterns.push(r.second.pattern);
      for (const g of r.groups ?? []) patterns.push(g.pattern);
    }
  }
  const ids = new Map<string, number>();
  for (const p of patterns) {
    if (p.literal !== undefined && p.literal.length <= SCAN_MAX_LITERAL && !ids.has(p.literal)) {
      ids.set(p.literal, ids.size);
    }
  }
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
