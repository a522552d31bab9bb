import { deepStrictEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import { ActionListError, parseActionList, type ParsedAction } from "./action_list.ts";

/** A parsed action's parameters by name (the union member is not narrowed here). */
const fields = (a: ParsedAction) => a as unknown as Record<string, unknown>;
const texts = (list: string) => parseActionList(list).map((a) => fields(a).text);

Deno.test("action lists: separators, parentheses and masks as SEC parses them", () => {
  // expectations from the reference (conformance case a-action-parens and probes)
  assertEquals(
    texts(
      "write - (semicolon; inside parentheses); write - ((double)); write - (x) and (y); " +
        "write - a (b) c; write - f\\(x and g\\) and \\(h\\); write - first;write - second  ;" +
        "  write -      spaces    inside   kept     ",
    ),
    [
      "semicolon; inside parentheses",
      "(double)",
      "x) and (y",
      "a (b) c",
      "f(x and g) and (h)",
      "first",
      "second",
      "spaces    inside   kept",
    ],
  );
  assertEquals(texts("write - (a \\( b); write - ( spaced ); write - x\\\\y z\\n"), [
    "a ( b",
    "spaced",
    "x\\\\y z\\n",
  ]);
  assertEquals(texts("write - \\) bb \\\\( cc"), [") bb \\( cc"]);
  assertEquals(parseActionList("write - x;").length, 1);
  assertEquals(parseActionList("write (-) paren file")[0], {
    type: "write",
    file: "-",
    text: "paren file",
  });
});

Deno.test("action lists: nested lists of create and set", () => {
  assertEquals(parseActionList("create D 0 write - one; write - two"), [
    {
      type: "create",
      name: "D",
      lifetime: "0",
      actions: [{ type: "write", file: "-", text: "one" }],
    },
    { type: "write", file: "-", text: "two" },
  ]);
  assertEquals(fields(parseActionList("create E 0 (write - a; write - b)")[0]).actions, [
    { type: "write", file: "-", text: "a" },
    { type: "write", file: "-", text: "b" },
  ]);
  assertEquals(parseActionList("create")[0], { type: "create" });
  assertEquals(parseActionList("set C (10) (delete X)")[0], {
    type: "set",
    name: "C",
    lifetime: "10",
    actions: [{ type: "delete", name: "X" }],
  });
});

Deno.test("action lists: keywords are case-insensitive", () => {
  assertEquals(parseActionList("CREATE Ctx; Add Ctx one; WriteN - x").map((a) => a.type), [
    "create",
    "add",
    "writen",
  ]);
});

Deno.test("action lists: parameters of each action family", () => {
  const one = (s: string) => parseActionList(s)[0];
  assertEquals(one("pipe 'hi there' cat -n"), {
    type: "pipe",
    text: "hi there",
    cmdline: "cat -n",
  });
  assertEquals(one("pipe ''"), { type: "pipe" });
  assertEquals(one("pipeexec '($1;$2)' /bin/mail -s x $2"), {
    type: "pipeexec",
    text: "$1;$2",
    args: ["/bin/mail", "-s", "x", "$2"],
  });
  assertEquals(one("shellcmd (echo a; echo b)"), { type: "shellcmd", cmdline: "echo a; echo b" });
  assertEquals(one("cspawnexec CTX /bin/echo $1"), {
    type: "cspawnexec",
    name: "CTX",
    args: ["/bin/echo", "$1"],
  });
  assertEquals(one("lcall %o $1 $2 -> ( (a, b) => a + b )"), {
    type: "lcall",
    variable: "%o",
    params: ["$1", "$2"],
    op: "->",
    code: "(a, b) => a + b",
  });
  assertEquals(one("lcall %o :> (e => e)"), {
    type: "lcall",
    variable: "%o",
    params: [],
    op: ":>",
    code: "e => e",
  });
  assertEquals(one("call %o %f a b"), {
    type: "call",
    variable: "%o",
    ref: "%f",
    params: ["a", "b"],
  });
  assertEquals(one("eval %o (1+1)"), { type: "eval", variable: "%o", code: "1+1" });
  assertEquals(one("event ab cd"), { type: "event", text: "ab cd" });
  assertEquals(one("event 5 ab"), { type: "event", time: "5", text: "ab" });
  assertEquals(one("reset $1 Alarm"), { type: "reset", text: "$1 Alarm" });
  assertEquals(one("reset -1 Alarm"), { type: "reset", offset: "-1", text: "Alarm" });
  assertEquals(one("getwpos %p 0"), { type: "getwpos", variable: "%p", offset: "0" });
  assertEquals(one("trim -10 TEST %d"), {
    type: "trim",
    time: "-10",
    name: "TEST",
    variable: "%d",
  });
  assertEquals(one("udpsock 127.0.0.1:514 msg"), {
    type: "udpsock",
    peer: "127.0.0.1:514",
    text: "msg",
  });
  assertEquals(one("if %x ( write - a ) else ( write - b )"), {
    type: "if",
    variable: "%x",
    then: [{ type: "write", file: "-", text: "a" }],
    else: [{ type: "write", file: "-", text: "b" }],
  });
  assertEquals(fields(one("while %x (pop C %x)")).body, [{
    type: "pop",
    name: "C",
    variable: "%x",
  }]);
});

Deno.test("action lists: errors SEC reports", () => {
  for (
    const bad of [
      "write - a\\;b", // \; does not mask: 'b' is not an action
      "write - x;; write - y",
      "; write - lead",
      "write - (abc",
      "write - aa ) bb",
      'write - "q;"',
      "bogus x",
      "pipe (a;b) cat",
      "pipe a cat",
      "create C (write - x)",
      "if %x (write - a) else write - b",
      "if %x write - a",
      "while %x",
      "if %x () else ()",
      "assign x y",
      "write",
    ]
  ) {
    assertThrows(() => parseActionList(bad), ActionListError, bad);
  }
});
