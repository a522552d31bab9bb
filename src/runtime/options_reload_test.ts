import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { parseCommandLine } from "./cli.ts";
import { reinterpretOptions } from "./options_reload.ts";
import { LogLevel } from "./logger.ts";

const CLI = ["--conf=base.sec", "--debug=4", "--log=/var/log/sec.log"];
const rcGiving = (args: string[]) => () => ({ file: "/etc/sec.rc", args });

Deno.test("reinterpretOptions: restart options come from the command line and the resource file as they are now", () => {
  const opts = parseCommandLine([...CLI, "--conf=old.sec", "--input=old.log", "--nochildterm"]);
  const r = reinterpretOptions(
    opts,
    CLI,
    rcGiving(["--conf=new.sec", "--input=new.log=CTX", "--debug=6"]),
  );
  assertEquals(r.messages, []);
  assertEquals(r.args, [...CLI, "--conf=new.sec", "--input=new.log=CTX", "--debug=6"]);
  assertEquals(opts.conf, ["base.sec", "new.sec"]);
  assertEquals(opts.input, [{ pattern: "new.log", context: "CTX" }]);
  assertEquals(opts.debug, 6);
  // what the resource file no longer says goes back to its default
  assertEquals(opts.childterm, true);
});

Deno.test("reinterpretOptions: options taken only at start keep their value and are named", () => {
  const opts = parseCommandLine([...CLI, "--allow-run"]);
  const r = reinterpretOptions(opts, CLI, rcGiving(["--log=/tmp/other.log", "--conf=x.sec"]));
  assertEquals(r.messages, [[
    LogLevel.warning,
    "Resource file /etc/sec.rc changes --allow-run, --log: taken only when sec-ts starts, the start values stay",
  ]]);
  assertEquals(opts.log, "/var/log/sec.log");
  assertEquals(opts.allowRun, true);
  assertEquals(opts.conf, ["base.sec", "x.sec"]);
});

Deno.test("reinterpretOptions: a resource file that no longer parses changes nothing; an unreadable one leaves the command line's options", () => {
  const opts = parseCommandLine([...CLI, "--conf=rc.sec"]);
  const bad = reinterpretOptions(opts, CLI, rcGiving(["--conf=x.sec", "--no-such-option"]));
  assertEquals(bad.args, undefined);
  assertEquals(bad.messages.length, 1);
  ok(
    bad.messages[0][1].startsWith("Can't take options from resource file /etc/sec.rc ("),
    bad.messages[0][1],
  );
  assertEquals(opts.conf, ["base.sec", "rc.sec"]);
  const gone = reinterpretOptions(opts, CLI, () => ({
    file: "/etc/sec.rc",
    args: [],
    error: "Can't open resource file /etc/sec.rc (No such file or directory)",
  }));
  assertEquals(gone.messages, [[
    LogLevel.error,
    "Can't open resource file /etc/sec.rc (No such file or directory)",
  ]]);
  assertEquals(opts.conf, ["base.sec"]);
});
