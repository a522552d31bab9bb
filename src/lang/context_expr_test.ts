import { deepStrictEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import {
  type CodeOperandNode,
  ContextExprError,
  evaluateContextExpr,
  parseContextExpr,
} from "./context_expr.ts";

/** Evaluates `text` with the given contexts existing. */
function evalWith(text: string, existing: string, log: string[] = []): boolean {
  const { expr } = parseContextExpr(text);
  return evaluateContextExpr(expr, {
    exists: (n) => (log.push(n), existing.includes(n)),
    code: (o: CodeOperandNode) => (log.push(`${o.op}${o.params}|${o.code}`), true),
    varset: (n) => n === "SET",
  });
}

/** The combinations of A, B, C (and D) for which `text` is true, as SEC prints them. */
function truthTable(text: string, vars = "ABCD"): string[] {
  const out: string[] = [];
  for (let bits = 0; bits < 1 << vars.length; bits++) {
    const present = [...vars].filter((_, i) => bits & (1 << (vars.length - 1 - i))).join("");
    if (evalWith(text, present)) out.push(present || "-");
  }
  return out;
}

// Truth tables recorded from SEC 2.9.4 (perl sec, contexts A..D created per line).
const RECORDED: [string, string][] = [
  ["A || B && C", "AB ABD ABC ABCD"],
  ["A && B", "AB ABD ABC ABCD"],
  ["A && B || C", "C CD BC BCD AC ACD AB ABD ABC ABCD"],
  ["A || B || C && D", "BC BCD AC ACD ABC ABCD"],
  ["A || B && C && D", "ABD ABCD"],
  ["A || B && C || D", "D CD BD BCD AD ACD AB ABD ABC ABCD"],
  ["!A || B && C", "B BD BC BCD"],
  ["A || !B && C", "A AD AC ACD"],
  ["A && B && C", "ABC ABCD"],
  ["A || (B && C)", "BC BCD A AD AC ACD AB ABD ABC ABCD"],
  ["A || B && (C)", "AB ABD ABC ABCD"],
];

Deno.test("context expressions: SEC's truth tables, the A || B && C quirk included", () => {
  for (const [expr, expected] of RECORDED) {
    const want = expected.split(" ").sort();
    assertEquals(truthTable(expr).sort(), want, expr);
  }
});

Deno.test("context expressions: !, nesting, whitespace", () => {
  assertEquals(evalWith("!!A", "A"), true);
  assertEquals(evalWith(" ! ( ! A || ! ( B ) )", "AB"), true);
  assertEquals(evalWith(" ! ( ! A || ! ( B ) )", "A"), false);
  assertEquals(evalWith("((A))||((C))", "C"), true);
  assertEquals(evalWith("!A && !B && !C", ""), true);
  assertEquals(evalWith("!(A && B)", "A"), true);
});

Deno.test("context expressions: short circuit leaves operands unevaluated", () => {
  const log: string[] = [];
  evalWith("A && B", "", log);
  assertEquals(log, ["A"]);
  const log2: string[] = [];
  evalWith("A || B", "A", log2);
  assertEquals(log2, ["A"]);
});

Deno.test("context expressions: code, varset and brackets", () => {
  const log: string[] = [];
  assertEquals(evalWith("$1 $2 -> ( (a, b) => a != b )", "", log), true);
  assertEquals(log, ["->$1 $2|( (a, b) => a != b )"]);
  const log2: string[] = [];
  evalWith("varset SET && SSH :> ( (e) => e.user === 'x' )", "", log2);
  assertEquals(log2, [":>SSH|( (e) => e.user === 'x' )"]);
  const log3: string[] = [];
  evalWith("!(C1 || C2) && =(\"$1\" == 'x')", "", log3);
  assertEquals(log3, ["C1", "C2", "=|(\"$1\" == 'x')"]);
  assertEquals(evalWith("varset NOPE", ""), false);
  assertEquals(evalWith("-> (() => 1)", ""), true);
  const p = parseContextExpr("[ !ALERTING ]");
  assertEquals(p.preEvaluated, true);
  assertEquals(parseContextExpr("ALERTING").preEvaluated, false);
});

Deno.test("context expressions: errors", () => {
  for (const bad of ["", "A &&", "&& A", "(A", "A)", "A B", "A || || B", "A !B", "(A)B"]) {
    assertThrows(() => parseContextExpr(bad), ContextExprError, bad);
  }
});
