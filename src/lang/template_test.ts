import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { ACTION_SYNTAX, bindMatch, type MatchValues, parseTemplate, render } from "./template.ts";

function values(groups: string[], named: Record<string, string> = {}): MatchValues {
  return {
    num: (k) => (k.length > 1 && k[0] === "0") ? undefined : groups[+k],
    named: (n) => /^\d+$/.test(n) ? groups[+n] : named[n],
  };
}

const m = values(["whole", "one", "two", "", "", "", "", "", "", "", "ten"], { ip: "1.2.3.4" });

function subst(text: string, vars: Record<string, string> = {}): string {
  return render(bindMatch(parseTemplate(text, ACTION_SYNTAX), { match: m }), (n) => vars[n]);
}

Deno.test("template: numbered, braced and named match variables", () => {
  assertEquals(subst("$1 ${1}0 $10 $0 $+{ip} $+{1}"), "one one0 ten whole 1.2.3.4 one");
});

Deno.test("template: unset variables are empty; $01 is not $1", () => {
  assertEquals(subst("[$12][$01][${01}][$+{nosuch}]"), "[][][][]");
});

Deno.test("template: things that are not variables stay literal", () => {
  assertEquals(subst("$x $ 1 ${a} $-1 $+{a-b} $+abc $"), "$x $ 1 ${a} $-1 $+{a-b} $+abc $");
});

Deno.test("template: $$ and %% mask", () => {
  assertEquals(subst("$$1 $$$1 $$$$ %%s 100%%"), "$1 $one $$ %s 100%");
});

Deno.test("template: action variables, braces, built-in names, lone percent", () => {
  assertEquals(
    subst("%a-%{a}b %.nl% %1 %- %{x", { a: "A", ".nl": "NL" }),
    "A-Ab NL% %1 %- %{x",
  );
});

Deno.test("template: values inserted from match variables are never scanned again", () => {
  const t = parseTemplate("v=$1", ACTION_SYNTAX);
  const bound = bindMatch(t, { match: values(["", "%s and $2"]) });
  assertEquals(render(bound, () => "DESC"), "v=%s and $2");
});

Deno.test("template: without match variables the $ references stay as written", () => {
  const t = parseTemplate("$0 $1 $$ %%", ACTION_SYNTAX);
  assertEquals(render(bindMatch(t, { match: null })), "$0 $1 $$ %");
});

Deno.test("template: pair variables %N only with pair syntax", () => {
  const pair = values(["p0", "p1"]);
  const t = parseTemplate("%1 %{1}x $1 %%1", { actionVars: true, pairVars: true });
  assertEquals(render(bindMatch(t, { match: m, pair })), "p1 p1x one %1");
  assertEquals(subst("%1"), "%1");
});
