import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { requiredLiteral, requiredLiterals } from "./regex_literals.ts";

Deno.test("literals: top-level runs, quantifiers and escapes", () => {
  assertEquals(
    requiredLiterals(
      String.raw`sshd\[\d+\]: Failed password for (\S+) from ([\d.]+) port \d+ ssh2`,
    ),
    ["sshd[", "]: Failed password for ", " from ", " port ", " ssh2"],
  );
  assertEquals(requiredLiterals("abc?d"), ["ab", "d"]);
  assertEquals(requiredLiterals("ab+c"), ["ab", "c"]);
  assertEquals(requiredLiterals("x{0,3}yz"), ["yz"]);
  assertEquals(requiredLiterals("x{2}yz"), ["x", "yz"]);
});

Deno.test("literals: give up where unsure", () => {
  assertEquals(requiredLiterals("foo|bar"), []);
  assertEquals(requiredLiterals("(?i)foo"), []);
  assertEquals(requiredLiterals("(?x) foo"), []);
  assertEquals(requiredLiterals(String.raw`ab\x41cd`), ["ab"]);
  assertEquals(requiredLiteral("a.b"), undefined);
});

Deno.test("literals: groups and classes are skipped, not mined", () => {
  assertEquals(requiredLiterals("kernel: (a|b) [)]x(?:y)? DROP"), ["kernel: ", " ", "x", " DROP"]);
  assertEquals(requiredLiteral("kernel: (a|b) [)]x(?:y)? DROP"), "kernel: ");
});
