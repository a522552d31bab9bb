import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { GramIndex, literalGrams, LiteralScan } from "./literal_filter.ts";

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

Deno.test("literal scan: reports exactly the literals a line contains, overlaps included", () => {
  const literals = [
    "sshd[",
    "sshd",
    "hd[1",
    "]: Failed",
    "Failed password",
    "password for",
    "aaa",
    "aa",
    "\xe9\xff",
    "x.y*",
    "(su:session)",
  ];
  const scan = new LiteralScan(literals);
  const lines = [
    "Nov 22 00:00:03 web05 sshd[12345]: Failed password for root",
    "sshd[1]: Failed password for",
    "aaaa caf\xe9\xff x.y* (su:session)",
    "",
    "no literal here",
    "ssh sshd sshd[ hd[1",
    "aa",
  ];
  const rand = (() => {
    let x = 7;
    return () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
  })();
  const alphabet = "sshd[1]: Failed password for aa\xe9\xff x.y*(su:session)";
  for (let k = 0; k < 2000; k++) {
    let l = "";
    const n = Math.floor(rand() * 40);
    for (let i = 0; i < n; i++) l += alphabet[Math.floor(rand() * alphabet.length)];
    lines.push(l);
  }
  for (const line of lines) {
    scan.ensure(line);
    literals.forEach((lit, id) => {
      assertEquals(
        scan.has(id),
        line.includes(lit),
        `${JSON.stringify(lit)} in ${JSON.stringify(line)}`,
      );
    });
  }
});
