/**
 * Keeps the scale benchmark (scale.ts) from rotting, without timing
 * anything: its smoke mode runs the smallest points with sec-ts on a few
 * hundred lines and must print the table with non-empty outputs; the
 * replicated large.sec copies must load and behave like the original on
 * their own site's lines (when ../shared/bench is there).
 *
 * @module
 */
import {
  deepStrictEqual as assertEquals,
  match as assertMatch,
  ok as assert,
} from "node:assert/strict";
import { MARKER_RULE, RuleReplicator } from "./scale_inputs.ts";

const scale = new URL("./scale.ts", import.meta.url).pathname;
const main = new URL("../../main.ts", import.meta.url).pathname;
const bench = new URL("../../../shared/bench/", import.meta.url).pathname;
const large = await Deno.readTextFile(`${bench}large.sec`).catch(() => undefined);

Deno.test("bench:scale --smoke prints the table, every point with output", async () => {
  const cache = await Deno.makeTempDir({ prefix: "sec-scale-test-" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", scale, "--smoke", `--cache-dir=${cache}`, "--lines=2000"],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { SEC_REF: "" },
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert(out.success, new TextDecoder().decode(out.stderr) + text);
    assertMatch(text, /\| curve \| point \| sec-ts µs\/line \| SEC µs\/line \|/);
    const rows = text.split("\n").filter((l) => /^\| (rules|state|pairs) \|/.test(l));
    const curves = rows.map((r) => r.split("|")[1].trim());
    assertEquals(curves, large === undefined ? ["state", "pairs"] : ["rules", "state", "pairs"]);
    for (const row of rows) {
      const cells = row.split("|").map((c) => c.trim());
      assertMatch(cells[3], /^[\d.]+ \(/, row); // sec-ts ran
      assertEquals(cells[4], "–", row); // SEC did not
      const lines = Number(/^(\d+) lines [0-9a-f]{12}$/.exec(cells[9])?.[1]);
      assert(lines > 2, `no output beyond the two markers: ${row}`);
    }
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test({
  name: "bench:scale: 1,000 replicated rules load; copy k on site k's lines = copy 0 renamed",
  ignore: large === undefined,
  fn: async () => {
    const rep = new RuleReplicator(large!);
    assertEquals(rep.ruleCount, 213);
    const dir = await Deno.makeTempDir({ prefix: "sec-scale-test-" });
    const run = async (conf: string, log: string, extra: string[] = []) => {
      await Deno.writeTextFile(`${dir}/rules.sec`, conf);
      await Deno.writeTextFile(`${dir}/in.log`, log);
      await Deno.remove(`${dir}/out.log`).catch(() => {});
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          main,
          "--conf=rules.sec",
          "--input=in.log",
          "--notail",
          "--allow-write=out.log",
          ...extra,
        ],
        cwd: dir,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
      assert(out.success, text);
      return { text, out: await Deno.readTextFile(`${dir}/out.log`).catch(() => "") };
    };
    try {
      const loaded = await run(rep.ruleset(1000), "", ["--testonly"]);
      assertMatch(loaded.text, /1001 rules loaded/);
      // lines that fire large.sec rules: su sessions, root logins, a Cisco link bounce, sudo
      const log = [
        "Nov 22 00:00:01 web05 su[4242]: (to root) alice on pts/1",
        "Nov 22 00:00:01 web05 su[4242]: pam_unix(su:session): session opened for user root(uid=0) by alice(uid=1000)",
        "Nov 22 00:00:02 web05 su[4242]: pam_unix(su:session): session closed for user root",
        "Nov 22 00:00:03 db01 sshd[777]: Accepted publickey for root from 10.1.2.3 port 5555 ssh2",
        "Nov 22 00:00:04 sw-acc-03 12345: Nov 22 00:00:04.123 UTC: %LINK-3-UPDOWN: Interface Gi1/0/7, changed state to down",
        "Nov 22 00:00:05 sw-acc-03 12346: Nov 22 00:00:05.123 UTC: %LINK-3-UPDOWN: Interface Gi1/0/7, changed state to up",
        "Nov 22 00:00:06 app02 sudo:     bob : user NOT in sudoers ; TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/sh",
      ];
      const original = await run(rep.copy(0, 213) + MARKER_RULE, log.join("\n") + "\n");
      assert(original.out.split("\n").length > 4, original.out);
      const copy = await run(
        rep.copy(2, 213) + MARKER_RULE,
        log.map((l) => rep.renameWords(l, 2)).join("\n") + "\n",
      );
      assertEquals(copy.out, rep.renameWords(original.out, 2));
      assertMatch(copy.out, /su2/);
      // copy 2 ignores site 0's lines
      const other = await run(rep.copy(2, 213) + MARKER_RULE, log.join("\n") + "\n");
      assertEquals(other.out, "");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
