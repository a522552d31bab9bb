import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { readConfigText } from "./config_file.ts";

Deno.test("config: keyword=value fields, whitespace trimmed, = allowed in values", () => {
  const r = readConfigText(
    "t.sec",
    "  type   =   Single  \n\tptype=   SubStr\npattern =key=value   \n",
  );
  assertEquals(r.rules.length, 1);
  assertEquals(r.rules[0].fields.get("type")!.value, "Single");
  assertEquals(r.rules[0].fields.get("ptype")!.value, "SubStr");
  assertEquals(r.rules[0].fields.get("pattern")!.value, "key=value");
  assertEquals(r.diagnostics, []);
});

Deno.test("config: comments and blank lines end rules; later duplicates win", () => {
  const r = readConfigText(
    "t.sec",
    "type=Single\npattern=a\npattern=b\n  # comment\ntype=Suppress\n   \ntype=Jump\n",
  );
  assertEquals(r.rules.length, 3);
  assertEquals(r.rules[0].fields.get("pattern")!.value, "b");
  assertEquals(r.rules[1].line, 5);
  assertEquals(r.rules[2].line, 7);
});

Deno.test("config: backslash continuation keeps the indentation of the next line", () => {
  const r = readConfigText("t.sec", "type=Single\npattern=^A\\\n   B$\ndesc=x \\   \n  y\n");
  assertEquals(r.rules[0].fields.get("pattern")!.value, "^A   B$");
  assertEquals(r.rules[0].fields.get("desc")!.value, "x   y");
});

Deno.test("config: a continued comment or empty line is glued to the value", () => {
  const r = readConfigText("t.sec", "type=Single\ndesc=a \\\n# b\nptype=SubStr \\\n\npattern=p\n");
  assertEquals(r.rules.length, 1);
  assertEquals(r.rules[0].fields.get("desc")!.value, "a # b");
  assertEquals(r.rules[0].fields.get("ptype")!.value, "SubStr");
  assertEquals(r.rules[0].fields.get("pattern")!.value, "p");
});

Deno.test("config: continued last line at end of file is dropped with a diagnostic", () => {
  const r = readConfigText("t.sec", "type=Single\naction=write - a\naction=write - b \\");
  assertEquals(r.rules[0].fields.get("action")!.value, "write - a");
  assertEquals(r.diagnostics.length, 1);
  assertEquals(r.diagnostics[0].line, 3);
});

Deno.test("config: lines that are not keyword=value are skipped with file, line and reason", () => {
  const r = readConfigText(
    "rules.sec",
    "type=Single\nno equal sign\ndesc=\nmy_key=x\n=v\ndesc=kept\n",
  );
  assertEquals(r.rules.length, 1);
  assertEquals(r.rules[0].fields.get("desc")!.value, "kept");
  assertEquals(r.diagnostics.map((d) => d.line), [2, 3, 4, 5]);
  assertEquals(r.diagnostics.every((d) => d.file === "rules.sec"), true);
  assertEquals(
    r.diagnostics[0].message,
    "invalid line 'no equal sign' (expected keyword=value with a non-empty value)",
  );
});

Deno.test("config: labels record their position", () => {
  const r = readConfigText("t.sec", "label=first\ntype=Single\nlabel=inside\n\nlabel=last\n");
  assertEquals(r.labels.map((l) => [l.name, l.blocksBefore, l.insideBlock]), [
    ["first", 0, false],
    ["inside", 0, true],
    ["last", 1, false],
  ]);
});
