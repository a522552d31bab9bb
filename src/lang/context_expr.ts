/**
 * Context expressions (CONTEXTS AND CONTEXT EXPRESSIONS): parsing at load
 * time and evaluation per event.
 *
 * Operands are context names, code operands (`params -> code`,
 * `names :> code`, `= code`), `varset <entry>` and parenthesized
 * subexpressions; operators are `!`, `&&` and `||` (`!` binds tightest,
 * then `&&`, then `||`). A whole expression in `[ ... ]` is evaluated
 * before the pattern.
 *
 * Each parenthesis level is turned into postfix form at load time.
 * Evaluation reproduces SEC 2.9.4 exactly, including its quirk: the
 * evaluator keeps one result and at most ONE pending right operand, so in
 * `A || B && C` the operand C is dropped and the expression acts like
 * `A && B` (while `A || (B && C)` is evaluated normally). Operands are
 * evaluated lazily, so `&&` and `||` short-circuit.
 *
 * @module
 */

/** A code operand (`params -> code`, `names :> code`, `= code`). */
export interface CodeOperandNode {
  /** "->", ":>" or "=". */
  readonly op: string;
  /** The parameter list as written (parentheses kept), "" when none. */
  readonly params: string;
  /** The code as written (outer parentheses kept). */
  readonly code: string;
}

/** An operand of a context expression. */
export type Operand =
  | { readonly kind: "name"; readonly name: string }
  | { readonly kind: "varset"; readonly name: string }
  | { readonly kind: "code"; readonly operand: CodeOperandNode }
  | { readonly kind: "group"; readonly expr: ContextExpr };

/** One postfix token: an operand or an operator. */
export type PostfixToken = Operand | "!" | "&&" | "||";

/** A parsed expression: one parenthesis level in postfix order. */
export interface ContextExpr {
  /** Tokens in postfix order. */
  readonly postfix: readonly PostfixToken[];
}

/** The result of parsing a context field. */
export interface ParsedContext {
  /** The expression. */
  readonly expr: ContextExpr;
  /** True for the `[ ... ]` form (evaluated before the pattern). */
  readonly preEvaluated: boolean;
}

/** What evaluation needs from the engine. */
export interface ContextEnv {
  /** True when the context (name before match variable substitution) exists. */
  exists(name: string): boolean;
  /** Evaluates a code operand. */
  code(operand: CodeOperandNode): boolean;
  /** True when the pattern match cache entry exists. */
  varset(name: string): boolean;
}

/** A context expression that cannot be parsed. */
export class ContextExprError extends Error {}

/** Parses a context field value. */
export function parseContextExpr(text: string): ParsedContext {
  let t = text.trim();
  let preEvaluated = false;
  if (t.startsWith("[") && t.endsWith("]")) {
    preEvaluated = true;
    t = t.slice(1, -1).trim();
  }
  return { expr: parseLevel(t), preEvaluated };
}

/** Index of the parenthesis closing the one at `open`, or -1. */
function closingParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  return -1;
}

type Infix = { op: "!" | "&&" | "||" } | { operand: Operand };

/** Splits one level into operands and operators (infix order). */
function tokenize(s: string): Infix[] {
  const out: Infix[] = [];
  let i = 0;
  const n = s.length;
  let expectOperand = true;
  while (i < n) {
    const c = s[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    if (!expectOperand) {
      if (s.startsWith("&&", i) || s.startsWith("||", i)) {
        out.push({ op: s.slice(i, i + 2) as "&&" | "||" });
        i += 2;
        expectOperand = true;
        continue;
      }
      throw new ContextExprError(`operator expected at '${s.slice(i)}'`);
    }
    if (c === "!") {
      out.push({ op: "!" });
      i++;
      continue;
    }
    // an operand runs to the next top-level && or || (parentheses nest)
    let j = i;
    let depth = 0;
    while (j < n) {
      const d = s[j];
      if (d === "(") depth++;
      else if (d === ")") {
        if (--depth < 0) throw new ContextExprError(`unbalanced parentheses in '${s}'`);
      } else if (depth === 0 && (s.startsWith("&&", j) || s.startsWith("||", j))) break;
      j++;
    }
    if (depth !== 0) throw new ContextExprError(`unbalanced parentheses in '${s}'`);
    out.push({ operand: parseOperand(s.slice(i, j).trim()) });
    i = j;
    expectOperand = false;
  }
  if (expectOperand) {
    throw new ContextExprError(out.length === 0 ? "empty expression" : `operand missing in '${s}'`);
  }
  return out;
}

/** Finds a top-level `->` or `:>` in an operand. */
function codeArrow(s: string): number {
  let depth = 0;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (depth === 0 && (c === "-" || c === ":") && s[i + 1] === ">") return i;
  }
  return -1;
}

function parseOperand(s: string): Operand {
  if (s === "") throw new ContextExprError("operand missing");
  const arrow = codeArrow(s);
  if (arrow >= 0) {
    const code = s.slice(arrow + 2).trim();
    if (code === "") {
      throw new ContextExprError(`code missing after '${s.slice(arrow, arrow + 2)}'`);
    }
    return {
      kind: "code",
      operand: { op: s.slice(arrow, arrow + 2), params: s.slice(0, arrow).trim(), code },
    };
  }
  if (s.startsWith("=")) {
    const code = s.slice(1).trim();
    if (code === "") throw new ContextExprError("code missing after '='");
    return { kind: "code", operand: { op: "=", params: "", code } };
  }
  if (s.startsWith("(")) {
    if (closingParen(s, 0) !== s.length - 1) {
      throw new ContextExprError(`invalid operand '${s}'`);
    }
    // redundant parentheses ("((A))" is "(A)") are dropped without recursing: SEC takes any depth
    let inner = s.slice(1, -1).trim();
    while (inner.startsWith("(") && closingParen(inner, 0) === inner.length - 1) {
      inner = inner.slice(1, -1).trim();
    }
    return { kind: "group", expr: parseLevel(inner) };
  }
  const vs = /^varset\s+(\S+)$/.exec(s);
  if (vs !== null) return { kind: "varset", name: vs[1] };
  if (/\s/.test(s)) throw new ContextExprError(`invalid context name '${s}' (contains whitespace)`);
  return { kind: "name", name: s };
}

const PRECEDENCE = { "!": 3, "&&": 2, "||": 1 } as const;

/** Parses one parenthesis level into postfix form (shunting-yard). */
function parseLevel(s: string): ContextExpr {
  const postfix: PostfixToken[] = [];
  const ops: ("!" | "&&" | "||")[] = [];
  for (const t of tokenize(s)) {
    if ("operand" in t) {
      postfix.push(t.operand);
      continue;
    }
    if (t.op !== "!") {
      while (ops.length > 0 && PRECEDENCE[ops[ops.length - 1]] >= PRECEDENCE[t.op]) {
        postfix.push(ops.pop()!);
      }
    }
    ops.push(t.op);
  }
  while (ops.length > 0) postfix.push(ops.pop()!);
  return { postfix };
}

function evalOperand(o: Operand, env: ContextEnv): boolean {
  switch (o.kind) {
    case "name":
      return env.exists(o.name);
    case "varset":
      return env.varset(o.name);
    case "code":
      return env.code(o.operand);
    case "group":
      return evaluateContextExpr(o.expr, env);
  }
}

/**
 * Evaluates an expression the way SEC 2.9.4 does: one result, at most one
 * pending (lazily evaluated, possibly negated) right operand; a further
 * operand while one is pending is ignored; `!` negates the pending operand
 * or else the result; `&&`/`||` combine the result with the pending one.
 */
export function evaluateContextExpr(expr: ContextExpr, env: ContextEnv): boolean {
  const pf = expr.postfix;
  if (pf.length === 1) {
    const t = pf[0];
    if (typeof t !== "string") return evalOperand(t, env);
  }
  let result: boolean | undefined;
  let pending: Operand | undefined;
  let negate = false;
  for (const t of pf) {
    if (typeof t !== "string") {
      if (result === undefined) result = evalOperand(t, env);
      else if (pending === undefined) {
        pending = t;
        negate = false;
      }
      continue;
    }
    if (t === "!") {
      if (pending !== undefined) negate = !negate;
      else result = !result;
      continue;
    }
    if (pending === undefined) continue;
    const right = pending;
    pending = undefined;
    if (t === "&&") result = result ? evalOperand(right, env) !== negate : false;
    else result = result ? true : evalOperand(right, env) !== negate;
  }
  return result === true;
}
