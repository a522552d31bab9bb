/**
 * The Perl-to-JavaScript regex translation, pinned against Perl: each row
 * is [Perl pattern, subject (\\xHH \\n \\r \\t escapes), expected groups
 * $0.. (null: no match; "ERROR": Perl refuses the pattern), expected %+].
 * The expectations were produced by perl 5.36 on this machine (list-context
 * match, $& and the groups by @-/@+, %+), the perl the reference SEC runs on.
 */
import { deepStrictEqual as assertEquals, ok, throws as assertThrows } from "node:assert/strict";
import { compilePerlRegex, PerlRegexError } from "../src/lang/perl_regex.ts";

type Row = [string, string, (string | null)[] | null | "ERROR", Record<string, string | null>?];

const FROM_PERL: Row[] = [
  ["a.c", "abc", ["abc"], {}],
  ["a.c", "a\\nc", null],
  ["a.c", "a\\rc", ["a\rc"], {}],
  ["(?s)a.c", "a\\nc", ["a\nc"], {}],
  ["^abc$", "abc\\n", ["abc"], {}],
  ["^abc$", "abc\\n\\n", null],
  ["abc\\z", "abc\\n", null],
  ["abc\\Z", "abc\\n", ["abc"], {}],
  ["\\Aabc", "xabc", null],
  ["(?m)^b$", "a\\nb\\nc", ["b"], {}],
  ["(?m)^$", "a\\n", null],
  ["(?m)^", "a\\n", [""], {}],
  ["(?i)abc", "xABCx", ["ABC"], {}],
  ["(?i)caf\\xe9", "CAF\\xc9", null],
  ["(?i)caf\\xe9", "CAF\\xe9", ["CAF\u00e9"], {}],
  ["a(?i)bc", "aBC", ["aBC"], {}],
  ["a(?i)bc", "ABC", null],
  ["(a(?i)b)c", "aBc", ["aBc", "aB"], {}],
  ["(a(?i)b)c", "aBC", null],
  ["(?i:a)b", "Ab", ["Ab"], {}],
  ["(?i:a)b", "AB", null],
  ["(?x) a b c # comment", "abc", ["abc"], {}],
  ["(?x) a\\ b", "a b", ["a b"], {}],
  ["(?x)[ ]a", " a", [" a"], {}],
  ["a(?#comment)b", "ab", ["ab"], {}],
  ["(?-i)a", "A", null],
  ["(?i)(?-i:a)b", "aB", ["aB"], {}],
  ["(?^i:a)", "A", ["A"], {}],
  ["\\d+", "ab123c", ["123"], {}],
  ["\\w+", "\\xe9t\\xe9", ["t"], {}],
  ["\\s+", "a\\xa0b", null],
  ["\\s", "a\\x0bb", ["\u000b"], {}],
  ["\\h+", "a \\t\\xa0b", [" \t\u00a0"], {}],
  ["\\v", "a\\x0bb", ["\u000b"], {}],
  ["\\R", "a\\r\\nb", ["\r\n"], {}],
  ["a\\Nb", "axb", ["axb"], {}],
  ["a\\Nb", "a\\nb", null],
  ["\\e", "x\\x1by", ["\u001b"], {}],
  ["\\x{41}\\x42", "AB", ["AB"], {}],
  ["\\o{101}", "A", ["A"], {}],
  ["\\101", "A", ["A"], {}],
  ["\\0", "a\\x00b", ["\u0000"], {}],
  ["\\cA", "\\x01", ["\u0001"], {}],
  ["a{,3}b", "aaab", ["aaab"], {}],
  ["a{,3}b", "xa{,3}b", ["b"], {}],
  ["a{2}", "aaa", ["aa"], {}],
  ["a{2,}", "aaaa", ["aaaa"], {}],
  ["a{1,2}?", "aaa", ["a"], {}],
  ["a{", "a{", ["a{"], {}],
  ["x{a}", "x{a}", ["x{a}"], {}],
  ["a{}", "a{}", ["a{}"], {}],
  ["[]a]+", "]a]", ["]a]"], {}],
  ["[^]a]+", "]a]bc", ["bc"], {}],
  ["[a-]+", "a-a", ["a-a"], {}],
  ["[-a]+", "-a", ["-a"], {}],
  ["[\\w.]+", "foo.bar baz", ["foo.bar"], {}],
  ["[[:alpha:]]+", "ab1", ["ab"], {}],
  ["[[:^digit:]]+", "ab1", ["ab"], {}],
  ["[[:punct:]]+", "a!?.b", ["!?."], {}],
  ["[[:space:]]+", "a \\t\\nb", [" \t\n"], {}],
  ["[[:upper:][:digit:]]+", "aAB12c", ["AB12"], {}],
  ["(?i)[a-c]+", "xABCx", ["ABC"], {}],
  ["(?i)[^a-c]+", "ABCxyz", ["xyz"], {}],
  ["[\\x41-\\x43]+", "ABCD", ["ABC"], {}],
  ["[\\d-z]+", "1-z", ["1-z"], {}],
  ["\\p{L}+", "\\xe9t\\xe9!", ["\u00e9t\u00e9"], {}],
  ["\\P{L}+", "ab12", ["12"], {}],
  ["\\QA.b", "QAxb", ["QAxb"], {}],
  ["a\\Lb", "aLb", ["aLb"], {}],
  ["a\\Ub\\E", "aUbE", ["aUbE"], {}],
  ["a++b", "aaab", ["aaab"], {}],
  ["a++a", "aaaa", null],
  ["a*+b", "b", ["b"], {}],
  ["(?>a+)b", "aab", ["aab"], {}],
  ["(?>a+)a", "aaa", null],
  ["(a+)+b", "aab", ["aab", "aa"], {}],
  ["x(?:ab)?+y", "xaby", ["xaby"], {}],
  ["\\Q", "Q", ["Q"], {}],
  ["(?<year>\\d{4})-(?<mon>\\d\\d)", "on 2024-05-01", ["2024-05", "2024", "05"], {
    "mon": "05",
    "year": "2024",
  }],
  ["(?P<w>\\w+) (?P=w)", "hello hello", ["hello hello", "hello"], { "w": "hello" }],
  ["(?'w'\\w+) \\k'w'", "ab ab", ["ab ab", "ab"], { "w": "ab" }],
  ["(?<w>\\w+) \\k<w>", "ab ab", ["ab ab", "ab"], { "w": "ab" }],
  ["(?<w>\\w+) \\k{w}", "ab ab", ["ab ab", "ab"], { "w": "ab" }],
  ["(\\w+) \\g1", "ab ab", ["ab ab", "ab"], {}],
  ["(\\w+) \\g{1}", "ab ab", ["ab ab", "ab"], {}],
  ["(\\w+) \\g{-1}", "ab ab", ["ab ab", "ab"], {}],
  ["(\\w)(\\w) \\g-2", "ab a", ["ab a", "a", "b"], {}],
  ["(a)|(b)", "b", ["b", null, "b"], {}],
  ["(?|(a)|(b))", "b", ["b", "b"], {}],
  ["(?|(a)(x)|(b))", "b", ["b", "b", null], {}],
  ["(?|a(?<n>x)|b(?<n>y))", "by", ["by", "y"], { "n": "y" }],
  ["(?<n>a)|(?<n>b)", "b", ["b", null, "b"], { "n": "b" }],
  ["(\\d)(\\d)(\\d)(\\d)(\\d)(\\d)(\\d)(\\d)(\\d)(\\d)\\10", "12345678900", [
    "12345678900",
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "8",
    "9",
    "0",
  ], {}],
  ["(a)\\10", "a\\x08", ["a\b", "a"], {}],
  ["(\\w+)\\s+\\1", "foo  foo", ["foo  foo", "foo"], {}],
  ["(?i)(\\w+) \\1", "Foo FOO", ["Foo FOO", "Foo"], {}],
  ["(a)?b", "b", ["b", null], {}],
  ["(?:(a)\\1)?b", "aab", ["aab", "a"], {}],
  ["(?<=ab)c", "abc", ["c"], {}],
  ["(?<!ab)c", "xbc", ["c"], {}],
  ["(?<=a|bc)d", "bcd", ["d"], {}],
  ["(?=a)a", "a", ["a"], {}],
  ["(?!a)b", "b", ["b"], {}],
  ["^(?:(\\d+)\\.)+$", "1.2.3.", ["1.2.3.", "3"], {}],
  ["(foo|bar)baz", "barbaz", ["barbaz", "bar"], {}],
  ["x*", "yyy", [""], {}],
  ["(a)|b", "b", ["b", null], {}],
  ["a|", "b", [""], {}],
  ["(?:)", "x", [""], {}],
  ["^$", "", [""], {}],
  ["^", "", [""], {}],
  ["()", "x", ["", ""], {}],
  ["(?n)(a)(?<x>b)", "ab", ["ab", "b"], { "x": "b" }],
  ["\\bfoo\\b", "a foo b", ["foo"], {}],
  ["\\Bfoo", "afoo", ["foo"], {}],
  ["caf\\xe9", "caf\\xe9", ["caf\u00e9"], {}],
  [".", "\\xe9", ["\u00e9"], {}],
  ["[\\xe0-\\xff]+", "\\xe9\\xea", ["\u00e9\u00ea"], {}],
  ["a$", "a\\n", ["a"], {}],
  ["a$b", "a\\nb", null],
  ["(?m)a$", "a\\nb", ["a"], {}],
  ["(?<=a+)b", "ab", "ERROR"],
  ["(a)\\2", "aa", "ERROR"],
  ["(a", "a", "ERROR"],
  ["a)", "a", "ERROR"],
  ["[a", "a", "ERROR"],
  ["*a", "a", "ERROR"],
  ["a**", "a", "ERROR"],
  ["(?<=a*)b", "b", "ERROR"],
  ["[z-a]", "a", "ERROR"],
];

const unescape = (s: string) =>
  s.replace(/\\x([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\\n/g, "\n").replace(/\\r/g, "\r").replace(/\\t/g, "\t");

Deno.test("perl regex: captures and named groups as Perl gives them", () => {
  for (const [pattern, subject, groups, named] of FROM_PERL) {
    if (groups === "ERROR") {
      assertThrows(() => compilePerlRegex(pattern), PerlRegexError, pattern);
      continue;
    }
    const m = compilePerlRegex(pattern).exec(unescape(subject));
    if (groups === null) {
      assertEquals(m, null, `${pattern} on ${subject}`);
      continue;
    }
    ok(m !== null, `${pattern} should match ${subject}`);
    assertEquals([...m.groups].map((g) => g ?? null), groups, `${pattern} on ${subject}`);
    const names = Object.entries(m.named ?? {}).map(([k, v]) => [k, v ?? null]).sort();
    assertEquals(names, Object.entries(named ?? {}).sort(), `${pattern} on ${subject}: %+`);
  }
});

Deno.test("perl regex: constructs JavaScript cannot express faithfully are rejected by name", () => {
  const cases: [string, RegExp][] = [
    ["(?(1)a|b)", /conditional/],
    ["(a(?R)?b)", /recursion/],
    ["(a)(?1)", /recursion/],
    ["a(?{ 1 })", /code blocks/],
    ["a\\Kb", /\\K/],
    ["\\Ga", /\\G/],
    ["(a)?\\1", /may not take part/],
    ["(a)|\\1", /may not take part/],
    ["(*FAIL)", /verbs/],
  ];
  for (const [pattern, message] of cases) {
    assertThrows(() => compilePerlRegex(pattern), (e: Error) => {
      ok(e instanceof PerlRegexError, pattern);
      ok(message.test(e.message), `${pattern}: ${e.message}`);
      return true;
    });
  }
});

Deno.test("perl regex: utf8 mode works on characters", () => {
  const re = compilePerlRegex("^(.)(\\w*)", { utf8: true });
  assertEquals([...re.exec("\u00e9t\u00e9")!.groups], ["\u00e9t\u00e9", "\u00e9", "t\u00e9"]);
  const ci = compilePerlRegex("(?i)CAF\u00c9", { utf8: true });
  ok(ci.test("caf\u00e9"));
});

Deno.test("perl regex: no groups means groupCount 0; exec results are fresh arrays", () => {
  const re = compilePerlRegex("a(?:b)");
  assertEquals(re.groupCount, 0);
  const a = re.exec("ab")!;
  const b = re.exec("ab")!;
  ok(a.groups !== b.groups);
});
