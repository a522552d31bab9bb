/**
 * Pattern templates (template.ts, through perl_regex.ts): an instance must be
 * exactly what compilePerlRegex gives for the pattern with the quoted
 * values in it, and templates where a quoted value could change meaning
 * are refused.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import {
  type CompiledPerlRegex,
  compilePerlRegex,
  compilePerlRegexTemplate,
} from "../perl_regex.ts";

/**
 * Perl's quotemeta on a byte string, as Pair rules quote the first match's
 * values (src/engine/operations/pair.ts; lang may not import the engine).
 */
function quotemeta(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, "\\$&");
}

type Parts = (string | number)[];

/** Templates that must be accepted, each with a subject builder for its values. */
const SAFE: [Parts, (v: string[]) => string][] = [
  [
    [0, " su\\[", 1, "\\]: pam_unix\\(su:session\\): session closed for user"],
    (v) => `Nov 1 ${v[0]} su[${v[1]}]: pam_unix(su:session): session closed for user x`,
  ],
  [
    [0, " \\d+: .*%LINK-3-UPDOWN: Interface ", 1, ", changed state to up"],
    (v) => `${v[0]} 12: x %LINK-3-UPDOWN: Interface ${v[1]}, changed state to up`,
  ],
  [["^\\w+ ", 0, " (?:foo|bar)"], (v) => `ab ${v[0]} bar`],
  [["(", 0, ")x(\\d)"], (v) => `-${v[0]}x7`],
  [["SRC=", 0, " DST=(\\S+)"], (v) => `SRC=${v[0]} DST=1.2.3.4`],
  [["(\\S+) ", 0], (v) => `word ${v[0]}`],
  [["a\\\\", 0], (v) => `a\\${v[0]}`],
  [["x{2}", 0, "$"], (v) => `xx${v[0]}`],
  [["(?<n>\\w+)-", 0, "-\\k<n>"], (v) => `ab-${v[0]}-ab`],
  [[0, 1], (v) => `<${v[0]}${v[1]}>`],
];

/** Templates that must be refused (a value there could change the meaning). */
const UNSAFE: Parts[] = [
  ["[", 0, "]"],
  ["[a-", 0, "]"],
  ["[]", 0, "]"],
  ["[[:alpha:]", 0, "]"],
  ["\\", 0],
  ["\\x", 0],
  ["\\x4", 0],
  ["\\g", 0],
  ["\\p{", 0, "}"],
  ["a{", 0, "}"],
  ["a{2,", 0, "}"],
  [0, "+"],
  [0, "{2}"],
  [0, "?"],
  ["(?i)", 0],
  ["(?x)a ", 0],
  ["(?", 0, ")"],
  ["(?<", 0, ">x)"],
  ["(?<=", 0, ")x"],
  ["(?#", 0, ")"],
  ["(*", 0, ")"],
];

const POOL = [
  "a",
  "Z",
  "0",
  "9",
  "_",
  " ",
  "\\",
  "\\1",
  "$",
  "^",
  ".",
  "*",
  "+",
  "?",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  "|",
  "/",
  "-",
  "#",
  "\n",
  "\t",
  "\x00",
  "\x7f",
  "\x80",
  "\xe9",
  "\xff",
  "k<g1>",
  "(?i)",
  "ab",
];

function randomValue(rand: () => number): string {
  const n = 1 + Math.floor(rand() * 4);
  let s = "";
  for (let i = 0; i < n; i++) s += POOL[Math.floor(rand() * POOL.length)];
  return s;
}

function seeded(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

function withoutGuard(source: string): string {
  return source.replace(/^\(\?<!(?:\\.|\[(?:\\.|[^\]\\])*\])\)/, "");
}

Deno.test("template instances equal compilePerlRegex on the quoted text", () => {
  const rand = seeded(42);
  for (const [parts, subject] of SAFE) {
    const t = compilePerlRegexTemplate(parts);
    if (t === undefined) throw new Error(`refused: ${JSON.stringify(parts)}`);
    for (let round = 0; round < 300; round++) {
      const values: string[] = Array.from({ length: t.holes }, () => randomValue(rand));
      const text: string = parts.map((p) => typeof p === "string" ? p : quotemeta(values[p])).join(
        "",
      );
      const inst: CompiledPerlRegex = t.instantiate(values)!;
      const ref = compilePerlRegex(text);
      // the leading-run guard is left out by compilePerlRegex when the text has "\1"
      // (a quoted backslash before a digit); it never changes a result
      assertEquals(withoutGuard(inst.source), withoutGuard(ref.source), text);
      for (const s of [subject(values), subject(values.map((v) => v + "x")), subject(["a", "b"])]) {
        assertEquals(inst.exec(s), ref.exec(s), `${text} on ${JSON.stringify(s)}`);
      }
    }
  }
});

Deno.test("template instance: empty and non-byte values take the ordinary path", () => {
  const t = compilePerlRegexTemplate(["x", 0, "y"])!;
  assertEquals(t.instantiate([""]), undefined);
  assertEquals(t.instantiate(["\u0100"]), undefined);
  assertEquals([...t.instantiate(["ok"])!.exec("xoky")!.groups], ["xoky"]);
});

Deno.test("templates where a quoted value could change meaning are refused", () => {
  for (const parts of UNSAFE) {
    assertEquals(compilePerlRegexTemplate(parts), undefined, JSON.stringify(parts));
  }
  assertEquals(compilePerlRegexTemplate(["x", 0], { utf8: true }), undefined);
  assertEquals(compilePerlRegexTemplate(["no holes"]), undefined);
});
