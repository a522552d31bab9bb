/**
 * Process options (process.ts): --user/--group, the detached copy's
 * command line.
 */
import { checkUserGroup, selfCommand } from "./process.ts";
import { defaultOptions } from "./cli.ts";
import { assert as ok, assertEquals } from "../../tests/helpers/assert.ts";

Deno.test("--user/--group: accepted only when already in effect", () => {
  const o = defaultOptions();
  assertEquals(checkUserGroup(o), null);
  const me = Deno.uid();
  const name = Deno.readTextFileSync("/etc/passwd").split("\n").map((l) => l.split(":"))
    .find((f) => Number(f[2]) === me)?.[0];
  ok(name !== undefined);
  assertEquals(checkUserGroup({ ...o, user: name }), null);
  const other = me === 0 ? "nobody" : "root";
  ok(/User= and Group= in the systemd unit/.test(checkUserGroup({ ...o, user: other }) ?? ""));
  ok(/unknown user/.test(checkUserGroup({ ...o, user: "no-such-user-xyz" }) ?? ""));
});

Deno.test("the detached copy is started with the config file and the main module", () => {
  const [exe, args] = selfCommand(["--conf=x"]);
  assertEquals(exe, Deno.execPath());
  assertEquals(args[0], "run");
  ok(args.includes("--config") && args[args.indexOf("--config") + 1].endsWith("/deno.json"));
  assertEquals(args[args.length - 1], "--conf=x");
});
