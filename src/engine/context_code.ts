/**
 * The code operands of context expressions (CONTEXTS AND CONTEXT
 * EXPRESSIONS), in JavaScript:
 *
 * - `params -> fn`: fn (compiled once) is called with the parameters,
 *   match variables substituted, as strings;
 * - `names :> fn`: fn is called with the pattern match cache entries of
 *   those names as objects (undefined for a missing entry);
 * - `= code`: the code, match variables substituted, is evaluated each
 *   time.
 *
 * The operand is true when the result is true in Perl's sense. Code needs
 * --allow-code; a throwing function makes the operand false (logged).
 *
 * @module
 */
import type { Engine } from "./engine.ts";
import type { EventContext } from "./event.ts";
import { cacheEntryObject, type CodeSite, evalCode, resultTruth, stripParens } from "./code.ts";

/** A code operand as the context expression parser gives it. */
export interface CodeOperand {
  /** "->", ":>" or "=". */
  op: string;
  /** The parameter list as written (or already split into words). */
  params?: string | readonly string[];
  /** The code as written. */
  code: string;
}

/** The code site of an operator (for compile messages). */
export function operandSite(op: string): CodeSite {
  return op === ":>" ? "context-cache" : op === "=" ? "context-eval" : "context";
}

function words(params: string | readonly string[] | undefined): string[] {
  if (params === undefined) return [];
  if (typeof params !== "string") return [...params];
  const t = stripParens(params);
  return t.split(/\s+/).filter((w) => w !== "");
}

/**
 * Evaluates a code operand for the current event. `substitute` puts the
 * event's match variables into raw text.
 */
export function evalCodeOperand(
  engine: Engine,
  operand: CodeOperand,
  substitute: (text: string) => string,
  ev: EventContext | undefined,
): boolean {
  const perms = engine.ports.permissions;
  const cache = engine.code;
  if (cache === undefined || (perms !== undefined && !perms.code)) {
    engine.logger.log(3, `Code in a context expression needs --allow-code: evaluated as false`);
    return false;
  }
  try {
    if (operand.op === "=") {
      return resultTruth(evalCode(stripParens(substitute(operand.code))));
    }
    const fn = cache.compile(operand.code, operandSite(operand.op));
    const params = words(operand.params).map(substitute);
    if (operand.op === ":>") {
      const entries = params.map((name) => {
        const d = ev?.cache.get(name);
        return d === undefined ? undefined : cacheEntryObject(d);
      });
      return resultTruth(fn(...entries));
    }
    return resultTruth(fn(...params));
  } catch (e) {
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    engine.logger.log(2, `Error evaluating code in context expression '${operand.code}': ${msg}`);
    return false;
  }
}
