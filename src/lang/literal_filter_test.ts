import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { createLiteralScan, LiteralAutomaton, RegexLiteralScan } from "./literal_filter.ts";

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
    "\u0100\u0200x",
    "abcab",
    "bca",
  ];
  const scans = [new RegexLiteralScan(literals), new LiteralAutomaton(literals)];
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
  const alphabet = "sshd[1]: Failed password for aa\xe9\xff x.y*(su:session)\u0100\u0200\u0300abc";
  for (let k = 0; k < 2000; k++) {
    let l = "";
    const n = Math.floor(rand() * 40);
    for (let i = 0; i < n; i++) l += alphabet[Math.floor(rand() * alphabet.length)];
    lines.push(l);
  }
  for (const scan of scans) {
    for (const line of lines) {
      scan.ensure(line);
      literals.forEach((lit, id) => {
        assertEquals(
          scan.has(id),
          line.includes(lit),
          `${scan.constructor.name}: ${JSON.stringify(lit)} in ${JSON.stringify(line)}`,
        );
      });
    }
  }
});

Deno.test("literal scan: an empty literal is never reported; long literal lists get the automaton", () => {
  const scan = createLiteralScan(["", "ab"]);
  assertEquals([scan.ensure("xaby").has(0), scan.has(1)], [false, true]);
  const many = Array.from({ length: 40 }, (_, i) => `lit${i}x`);
  assertEquals(createLiteralScan(many) instanceof LiteralAutomaton, true);
  assertEquals(createLiteralScan(many.slice(0, 5)) instanceof RegexLiteralScan, true);
  assertEquals(createLiteralScan(["y".repeat(2000), "ab"]) instanceof LiteralAutomaton, true);
});

Deno.test("literal scan: random literal sets over a small alphabet agree with includes", () => {
  let x = 99;
  const rand = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const word = (alphabet: string, max: number) => {
    let w = "";
    const n = 1 + Math.floor(rand() * max);
    for (let i = 0; i < n; i++) w += alphabet[Math.floor(rand() * alphabet.length)];
    return w;
  };
  for (let round = 0; round < 30; round++) {
    const literals = Array.from(
      { length: 1 + Math.floor(rand() * 60) },
      () => word("abc\xe9\u0101", 6),
    );
    const scan = createLiteralScan(literals); // few literals: the regex; many: the automaton
    for (let k = 0; k < 200; k++) {
      const line = word("abcd\xe9\u0101\u0102", 40);
      scan.ensure(line);
      literals.forEach((lit, id) =>
        assertEquals(scan.has(id), line.includes(lit), `${lit} in ${line}`)
      );
    }
  }
});
