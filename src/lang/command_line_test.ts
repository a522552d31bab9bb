/** Command lines as Perl's exec() treats them, and shell quoting. */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { commandArgv, needsShell, shellQuote } from "./command_line.ts";

Deno.test("commandArgv: shell only with Perl's metacharacters", () => {
  assertEquals(commandArgv("/bin/echo a  b"), ["/bin/echo", "a", "b"]);
  assertEquals(commandArgv("echo a; echo b"), ["/bin/sh", "-c", "echo a; echo b"]);
  assertEquals(commandArgv("echo $HOME"), ["/bin/sh", "-c", "echo $HOME"]);
  assertEquals(commandArgv("FOO=1 prog"), ["/bin/sh", "-c", "FOO=1 prog"]);
  assertEquals(commandArgv("exec prog"), ["/bin/sh", "-c", "exec prog"]);
  ok(!needsShell("exit 0"));
  ok(needsShell("a > b"));
  assertEquals(shellQuote("aa'bb"), "'aa'\\''bb'");
});
