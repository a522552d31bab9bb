import { deepStrictEqual as assertEquals } from "node:assert/strict";
import {
  createLiteralScan,
  LiteralAutomaton,
  RegexLiteralScan,
} from "../src/lang/literal_filter.ts";
import { OpHarness } from "./helpers/op_harness.ts";

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

Deno.test("literal scan: two engines with different rulesets keep matching their own lines", () => {
  const rules = (words: string[]) =>
    words.map((w) =>
      `type=Single\nptype=RegExp\npattern=${w} (\\d+)\ndesc=$0\naction=write @OUT ${w} $1\n`
    ).join("\n");
  const a = new OpHarness(rules(["alpha", "bravo", "charlie"]));
  const b = new OpHarness(rules(["delta", "echo", "foxtrot"]));
  try {
    a.feed(0, "x alpha 1");
    b.feed(0, "x delta 2");
    a.feed(0, "x charlie 3 delta 4");
    b.feed(0, "foxtrot 5 bravo 6");
    assertEquals(a.take(), ["alpha 1", "charlie 3"]);
    assertEquals(b.take(), ["delta 2", "foxtrot 5"]);
  } finally {
    a.close();
    b.close();
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
