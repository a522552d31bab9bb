/**
 * What every operation of a Pair rule needs in a line, whatever values
 * its first match put into pattern2: the text of pattern2 outside its
 * match variables. Used to offer a line only to the operations it can
 * close (pair.ts) and to skip lines no rule can match
 * (../literal_prefilter.ts).
 *
 * @module
 */
import { unescapeSubStr } from "../../lang/patterns.ts";
import { requiredLiteral } from "../../lang/regex_literals.ts";
import type { Rule } from "../../lang/rules.ts";
import { parseTemplate, type Template } from "../../lang/template.ts";

const parsed = new WeakMap<Rule, Template>();

/** The rule's pattern2 as a template (parsed once). */
export function pattern2Parsed(rule: Rule): Template {
  let t = parsed.get(rule);
  if (t === undefined) parsed.set(rule, t = parseTemplate(rule.pattern2Source!));
  return t;
}

const commonLiterals = new WeakMap<Rule, string | undefined>();

/**
 * A literal every operation's pattern2 of the rule requires whatever the
 * substituted values are (its text outside match variables): a line
 * without it matches no operation of the rule.
 */
export function pattern2Literal(rule: Rule): string | undefined {
  if (commonLiterals.has(rule)) return commonLiterals.get(rule);
  const base = rule.second!.pattern;
  const t = pattern2Parsed(rule);
  let lit: string | undefined;
  if (base.kind === "RegExp") {
    // a variable becomes "." so that no literal runs across it
    lit = requiredLiteral(t.parts.map((p) => (typeof p === "string" ? p : ".")).join(""));
  } else if (base.kind === "SubStr") {
    for (const p of t.parts) {
      if (typeof p !== "string") continue;
      const u = unescapeSubStr(p);
      if (u.length >= 2 && (lit === undefined || u.length > lit.length)) lit = u;
    }
  }
  commonLiterals.set(rule, lit);
  return lit;
}
