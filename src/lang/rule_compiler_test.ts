import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { loadRuleText } from "./rule_compiler.ts";

const VALID = "type=Single\nptype=SubStr\npattern=ok\ndesc=d\naction=none\n";

/** Loads `bad` followed by a valid rule; returns the diagnostics and the number of rules loaded. */
function load(bad: string) {
  const { file, diagnostics } = loadRuleText("r.sec", bad + "\n\n" + VALID);
  return { rules: file.rules.length, diagnostics };
}

// [rule text, line of the diagnostic, message fragment]
const INVALID: [string, number, string][] = [
  ["type=Bogus\npattern=x", 1, "invalid rule type 'Bogus'"],
  ["ptype=SubStr\npattern=x\ndesc=d\naction=none", 1, "keyword 'type' missing"],
  ["type=Single\nptype=SubStr\ndesc=d\naction=none", 1, "keyword 'pattern' missing"],
  ["type=Single\nptype=SubStr\npattern=x\naction=none", 1, "keyword 'desc' missing"],
  ["type=Single\nptype=SubStr\npattern=x\ndesc=d", 1, "keyword 'action' missing"],
  ["type=Single\nptype=Foo\npattern=x\ndesc=d\naction=none", 2, "Foo"],
  ["type=Single\nptype=RegExp\npattern=(x\ndesc=d\naction=none", 3, "invalid regular expression"],
  ["type=Single\nptype=SubStr\npattern=x\ndesc=d\naction=bogus 1", 5, "invalid action list"],
  [
    "type=Single\nptype=SubStr\npattern=x\ncontext=A &&\ndesc=d\naction=none",
    4,
    "invalid context expression",
  ],
  [
    "type=Single\nptype=SubStr\npattern=x\ncontinue=Maybe\ndesc=d\naction=none",
    4,
    "invalid continue value 'Maybe'",
  ],
  [
    "type=Single\nptype=SubStr\npattern=x\ndesc=d\naction=none\nwindow=10",
    6,
    "keyword 'window' is not valid for a Single rule",
  ],
  [
    "type=SingleWithThreshold\nptype=SubStr\npattern=x\ndesc=d\naction=none\nwindow=x\nthresh=2",
    6,
    "invalid window value 'x' (integer expected)",
  ],
  [
    "type=Jump\nptype=SubStr\npattern=x\nconstset=maybe",
    4,
    "invalid constset value 'maybe' (Yes or No expected)",
  ],
  [
    "type=Single\nptype=RegExp\npattern=(x)\nvarmap=1bad\ndesc=d\naction=none",
    4,
    "Invalid variable map '1bad': the variable mapping '1bad' does not have the form",
  ],
  [
    "type=Single\nptype=TValue\npattern=MAYBE\ndesc=d\naction=none",
    3,
    "invalid truth value 'MAYBE'",
  ],
  [
    "type=Single\nptype=Cached\npattern=no space\ndesc=d\naction=none",
    3,
    "invalid cache entry name",
  ],
  [
    "type=EventGroup2\nptype=SubStr\npattern=x\nptype2=SubStr\npattern2=y\negptype=Bogus\negpattern=z\ndesc=d\naction=none\nwindow=5",
    6,
    "invalid pattern type 'Bogus'",
  ],
];

Deno.test("rule compiler: each invalid rule is named with file, line and reason; the rest loads", () => {
  for (const [text, line, fragment] of INVALID) {
    const { rules, diagnostics } = load(text);
    assertEquals(rules, 1, text);
    const d = diagnostics.find((x) => x.ruleSkipped);
    ok(d !== undefined, `no diagnostic for ${text}`);
    assertEquals(d.file, "r.sec");
    assertEquals(d.line, line, `${text}: ${d.message}`);
    ok(d.message.includes(fragment), `'${d.message}' lacks '${fragment}'`);
  }
});

Deno.test("rule compiler: every rule type with all its fields loads", () => {
  const text = [
    "type=Single\nptype=RegExp\npattern=(a)\ncontinue=TakeNext\ndesc=$1\naction=write - %s",
    "type=SingleWithScript\nptype=SubStr\npattern=a\nscript=/bin/true\nshell=no\ndesc=d\naction=none\naction2=none",
    "type=SingleWithSuppress\nptype=SubStr\npattern=a\ndesc=d\naction=none\nwindow=60",
    "type=Pair\nptype=RegExp\npattern=(a)\ndesc=d\naction=none\nptype2=SubStr\npattern2=b\ndesc2=d2\naction2=none\nwindow=10",
    "type=PairWithWindow\nptype=RegExp\npattern=(a)\ndesc=d\naction=none\nptype2=RegExp\npattern2=$1\ndesc2=d2\naction2=none\nwindow=10",
    "type=SingleWithThreshold\nptype=SubStr\npattern=a\ndesc=d\naction=none\naction2=none\nwindow=10\nthresh=3",
    "type=SingleWith2Thresholds\nptype=SubStr\npattern=a\ndesc=d\naction=none\nwindow=10\nthresh=3\ndesc2=e\naction2=none\nwindow2=10\nthresh2=1",
    "type=EventGroup3\nptype=SubStr\npattern=a\nptype2=SubStr\npattern2=b\nptype3=SubStr\npattern3=c\nthresh2=2\ncount3=none\negptype=RegExp\negpattern=a\ninit=none\nend=none\nslide=none\nmultact=yes\ndesc=d\naction=none\nwindow=10",
    "type=Suppress\nptype=SubStr\npattern=a\ndesc=d",
    "type=Calendar\ntime=0 * * * *\ndesc=d\naction=none",
    "type=Jump\nptype=SubStr\npattern=a\ncfset=x y\nconstset=no\ndesc=d",
    "type=Options\njoincfset=x\nprocallin=no",
  ].join("\n\n");
  const { file, diagnostics } = loadRuleText("all.sec", text);
  assertEquals(diagnostics.filter((d) => d.ruleSkipped).map((d) => d.message), []);
  assertEquals(file.rules.map((r) => r.type), [
    "Single",
    "SingleWithScript",
    "SingleWithSuppress",
    "Pair",
    "PairWithWindow",
    "SingleWithThreshold",
    "SingleWith2Thresholds",
    "EventGroup",
    "Suppress",
    "Calendar",
    "Jump",
  ]);
  assertEquals(file.procallin, false);
  assertEquals(file.joincfset, ["x"]);
});

// Windows and thresholds SEC 2.9.4 rejects (0 except Pair's window and thresh2; signs;
// non-integers) make the rule invalid; the others load.

function loads(text: string): boolean {
  return loadRuleText("r.sec", text).diagnostics.every((d) => !d.ruleSkipped);
}

const P = "ptype=RegExp\npattern=x\ndesc=d\naction=none\n";
const PAIR2 = "ptype2=RegExp\npattern2=y\ndesc2=e\naction2=none\n";

Deno.test("rule loading: zero windows and thresholds as SEC 2.9.4 accepts or rejects them", () => {
  const cases: [string, boolean][] = [
    [`type=SingleWithSuppress\n${P}window=0\n`, false],
    [`type=SingleWithSuppress\n${P}window=1\n`, true],
    [`type=SingleWithThreshold\n${P}window=0\nthresh=2\n`, false],
    [`type=SingleWithThreshold\n${P}window=3\nthresh=0\n`, false],
    [`type=SingleWithThreshold\n${P}window=-1\nthresh=2\n`, false],
    [`type=SingleWithThreshold\n${P}window=+3\nthresh=2\n`, false],
    [`type=SingleWithThreshold\n${P}window=3\nthresh=1\n`, true],
    [
      `type=SingleWith2Thresholds\n${P}window=5\nthresh=1\ndesc2=x\naction2=none\nwindow2=5\nthresh2=0\n`,
      true,
    ],
    [
      `type=SingleWith2Thresholds\n${P}window=5\nthresh=1\ndesc2=x\naction2=none\nwindow2=0\nthresh2=0\n`,
      false,
    ],
    [
      `type=SingleWith2Thresholds\n${P}window=5\nthresh=0\ndesc2=x\naction2=none\nwindow2=5\nthresh2=0\n`,
      false,
    ],
    [`type=Pair\n${P}${PAIR2}window=0\n`, true],
    [`type=Pair\n${P}${PAIR2}`, true],
    [`type=PairWithWindow\n${P}${PAIR2}window=0\n`, false],
    [`type=EventGroup\n${P}window=0\n`, false],
    [`type=EventGroup\n${P}window=3\nthresh=0\n`, false],
    [`type=EventGroup2\n${P}ptype2=RegExp\npattern2=y\nthresh2=0\nwindow=3\n`, false],
    [`type=EventGroup2\n${P}ptype2=RegExp\npattern2=y\nthresh2=2\nwindow=3\n`, true],
  ];
  for (const [text, ok] of cases) assertEquals(loads(text), ok, text);
});
