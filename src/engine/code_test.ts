/**
 * JavaScript in rules (code.ts): Perl's list context for results, Perl code
 * recognised and rejected with the JavaScript form, cache entries as
 * objects.
 */
import { deepStrictEqual as assertEquals, ok, throws } from "node:assert/strict";
import {
  cacheEntryObject,
  compileRuleFunction,
  findPerl,
  NO_VALUE,
  resultTruth,
  resultValue,
  stripParens,
} from "./code.ts";
import { MatchData } from "../lang/patterns.ts";

Deno.test("resultValue follows Perl's list context", () => {
  assertEquals(resultValue(undefined), NO_VALUE);
  assertEquals(resultValue([]), NO_VALUE);
  assertEquals(resultValue([1, 2, 3]), "1\n2\n3");
  assertEquals(resultValue(["x"]), "x");
  assertEquals(resultValue(true), "1");
  assertEquals(resultValue(false), "");
  assertEquals(resultValue(6), "6");
  const f = () => 1;
  assertEquals(resultValue(f), f);
  ok(resultTruth("x") && !resultTruth("0") && !resultTruth("") && !resultTruth(0));
});

Deno.test("Perl code is recognised and rejected with the JavaScript form", () => {
  assertEquals(findPerl("sub { return $_[0] }"), "sub {");
  assertEquals(findPerl("my $x = 1"), "my $x");
  assertEquals(findPerl("(s) => s.length"), undefined);
  throws(() => compileRuleFunction("sub { length($_[0]) }", "lcall"), /Perl code.*lcall %len/);
  throws(() => compileRuleFunction("1 +", "lcall"), /invalid JavaScript/);
  // only parsed at load (no code runs then): a value that is no function fails on first call
  const notFn = compileRuleFunction("42", "lcall");
  throws(() => notFn(), /is not a function/);
  assertEquals(compileRuleFunction("(a, b) => a + b")("x", "y"), "xy");
  assertEquals(stripParens(" ( (s) => s ) "), "(s) => s");
  assertEquals(stripParens("(a) => (a)"), "(a) => (a)");
});

Deno.test("cache entries as objects: read and write match variables", () => {
  const d = new MatchData(["all", "one"], { user: "risto" });
  const e = cacheEntryObject(d);
  assertEquals(e.user, "risto");
  assertEquals(e[1], "one");
  e.failure = "1";
  assertEquals(d.named("failure"), "1");
  ok("user" in e);
  assertEquals(Object.keys(e).sort(), ["0", "1", "user", "failure"].sort());
});
