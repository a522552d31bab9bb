import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { GramIndex, literalGrams } from "../src/lang/literal_filter.ts";

Deno.test("literal filter: never rejects a line containing the literal", () => {
  const index = new GramIndex();
  const lines = [
    "Nov 22 00:00:03 web05 sshd[12345]: Failed password for root",
    "caf\xe9 \xff\xfe end sshd[",
    "\u0100\u0200 sshd[1]: x", // characters above 0xFF around the literal (utf8 mode)
  ];
  for (const line of lines) {
    for (let i = 0; i + 4 <= line.length; i++) {
      for (let len = 4; i + len <= line.length; len++) {
        const lit = line.slice(i, i + len);
        const grams = literalGrams(lit);
        if (grams === undefined) continue;
        assertEquals(
          index.ensure(line).has(grams),
          true,
          `${JSON.stringify(lit)} in ${JSON.stringify(line)}`,
        );
      }
    }
  }
});

Deno.test("literal filter: rejects most lines without the literal", () => {
  const index = new GramIndex();
  const grams = literalGrams(" amavis[")!;
  let passed = 0;
  for (let k = 0; k < 1000; k++) {
    const line = `Nov 22 00:00:${
      k % 60
    } host${k} postfix/smtpd[${k}]: connect from unknown[10.0.0.${k % 255}]`;
    if (index.ensure(line).has(grams)) passed++;
  }
  assertEquals(passed < 20, true, `${passed} false positives of 1000`);
  assertEquals(literalGrams("abc"), undefined);
});
