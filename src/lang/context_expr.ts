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
 * Evaluation reproduces SEC 2.9.4, including its quirks with operators of
 * mixed precedence and no parentheses (see evaluateContextExpr; checked
 * against SEC on some 3,900 expressions). Operands are evaluated lazily,
 * so `&&` and `||` short-circuit.
 *
 * @module
 */

import { PERL_TRIM } from "./blanks.ts";

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
  let t = text.replace(PERL_TRIM, "");
  let preEvaluated = false;
  if (t.startsWith("[") && t.endsWith("]")) {
    preEvaluated = true;
    t = t.slice(1, -1).replace(PERL_TRIM, "");
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
    out.push({ operand: parseOperand(s.slice(i, j).replace(PERL_TRIM, "")) });
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
    const code = s.slice(arrow + 2).replace(PERL_TRIM, "");
    if (code === "") {
      throw new ContextExprError(`code missing after '${s.slice(arrow, arrow + 2)}'`);
    }
    return {
      kind: "code",
      operand: {
        op: s.slice(arrow, arrow + 2),
        params: s.slice(0, arrow).replace(PERL_TRIM, ""),
        code,
      },
    };
  }
  if (s.startsWith("=")) {
    const code = s.slice(1).replace(PERL_TRIM, "");
    if (code === "") throw new ContextExprError("code missing after '='");
    return { kind: "code", operand: { op: "=", params: "", code } };
  }
  if (s.startsWith("(")) {
    if (closingParen(s, 0) !== s.length - 1) {
      throw new ContextExprError(`invalid operand '${s}'`);
    }
    // redundant parentheses ("((A))" is "(A)") are dropped without recursing: SEC takes any depth
    let inner = s.slice(1, -1).replace(PERL_TRIM, "");
    while (inner.startsWith("(") && closingParen(inner, 0) === inner.length - 1) {
      inner = inner.slice(1, -1).replace(PERL_TRIM, "");
    }
    return { kind: "group", expr: parseLevel(inner) };
  }
  const vs = /^varset[ \t\n\v\f\r]+([^ \t\n\v\f\r]+)$/.exec(s);
  if (vs !== null) return { kind: "varset", name: vs[1] };
  if (/[ \t\n\v\f\r]/.test(s)) {
    throw new ContextExprError(`invalid context name '${s}' (contains whitespace)`);
  }
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
 * pending (lazily evaluated, possibly negated) right operand; `!` negates
 * the operand just read (or the result). A binary operator combines the
 * result with the pending operand; one that finds no pending operand is
 * kept, and applied (lazily) to the next operand that arrives while one is
 * pending, just before the following operator; any further operand is
 * dropped (and a `!` on it with it). So `A || B && C` acts like `A && B`
 * and `A || B && C || D && E` like `((A && B) || E) && D`; with
 * parentheses everything is evaluated normally.
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
  let deferredOp: "&&" | "||" | undefined;
  let extra: Operand | undefined;
  let extraNegate = false;
  // what the last operand became: a `!` applies to it
  let last: "result" | "pending" | "extra" | "dropped" = "result";
  for (const t of pf) {
    if (typeof t !== "string") {
      if (result === undefined) {
        result = evalOperand(t, env);
        last = "result";
      } else if (pending === undefined) {
        pending = t;
        negate = false;
        last = "pending";
      } else if (deferredOp !== undefined && extra === undefined) {
        extra = t;
        extraNegate = false;
        last = "extra";
      } else last = "dropped";
      continue;
    }
    if (t === "!") {
      if (last === "pending") negate = !negate;
      else if (last === "extra") extraNegate = !extraNegate;
      else if (last === "result") result = !result;
      continue;
    }
    if (extra !== undefined) {
      const x = extra;
      result = deferredOp === "||"
        ? (result ? true : evalOperand(x, env) !== extraNegate)
        : (result ? evalOperand(x, env) !== extraNegate : false);
      extra = undefined;
      deferredOp = undefined;
    }
    if (pending === undefined) {
      deferredOp = t;
      continue;
    }
    const right = pending;
    pending = undefined;
    last = "result";
    if (t === "&&") result = result ? evalOperand(right, env) !== negate : false;
    else result = result ? true : evalOperand(right, env) !== negate;
  }
  return result === true;
}
