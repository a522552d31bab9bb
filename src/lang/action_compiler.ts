/**
 * Compiling action lists: the parsed actions of action_list.ts with every
 * string parameter turned into a template (match and action list
 * variables, per the field's template syntax) and nested lists compiled
 * the same way; then the load-time check hook (permissions, code) on
 * every action, nested ones included. The result has the types of
 * rules.ts (`CompiledActionOf<K>` for an action of type `K`).
 *
 * @module
 */
import type { ParsedAction, ParsedActionList } from "./action_list.ts";
import type { CheckedItem, CompiledAction, CompiledActionList } from "./rules.ts";
import { parseTemplate, type Template, type TemplateSyntax } from "./template.ts";

/** A parsed parameter: a string, the words of a command line, or a nested list. */
type ParsedValue = string | readonly string[] | ParsedActionList;

/** A compiled parameter: a template, one template per word, or a nested compiled list. */
type CompiledValue = Template | Template[] | CompiledActionList;

/** Compiles a parsed action list with template syntax `syntax`. */
export function compileActionList(
  list: ParsedActionList,
  syntax: TemplateSyntax,
): CompiledActionList {
  const out: CompiledAction[] = [];
  for (const a of list) out.push(compileAction(a, syntax));
  return out;
}

/** Compiles one action: `type` stays, each parameter is compiled (rules.ts CompiledValue). */
function compileAction(a: ParsedAction, syntax: TemplateSyntax): CompiledAction {
  const out: Record<string, string | CompiledValue> = { type: a.type };
  const params: [string, ParsedValue][] = Object.entries(a);
  for (const [k, v] of params) {
    if (k !== "type") out[k] = compileValue(v, syntax);
  }
  // the same keys as `a`, each value compiled as CompiledActionOf<typeof a.type> says
  return out as unknown as CompiledAction;
}

function compileValue(v: ParsedValue, syntax: TemplateSyntax): CompiledValue {
  if (typeof v === "string") return parseTemplate(v, syntax);
  if (isWords(v)) return v.map((w) => parseTemplate(w, syntax));
  return compileActionList(v, syntax);
}

/** True for the words of a command line (an empty array is either: it compiles to []). */
function isWords(v: readonly string[] | ParsedActionList): v is readonly string[] {
  return v.length === 0 || typeof v[0] === "string";
}

/** True when a compiled parameter is a nested action list (create, set, if, while). */
function isActionList(v: unknown): v is CompiledActionList {
  return Array.isArray(v) && v.length > 0 && typeof v[0] === "object" && v[0] !== null &&
    "type" in v[0];
}

/**
 * Runs `check` on every action of `list`, each before its nested lists;
 * returns the first problem found, or undefined.
 */
export function checkActionList(
  list: CompiledActionList,
  check: (item: CheckedItem) => string | undefined,
): string | undefined {
  for (const a of list) {
    const problem = check(a);
    if (problem !== undefined) return problem;
    for (const v of Object.values(a)) {
      if (!isActionList(v)) continue;
      const nested = checkActionList(v, check);
      if (nested !== undefined) return nested;
    }
  }
  return undefined;
}
