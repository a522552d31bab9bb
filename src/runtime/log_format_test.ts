/**
 * Log message formats (log_format.ts): control characters escaped, SEC's
 * syslog priorities.
 */
import { escapeControls, formatSyslog } from "./log_format.ts";
import { assertEquals } from "../../tests/helpers/assert.ts";

Deno.test("control characters are escaped; tab stays", () => {
  assertEquals(escapeControls("plain"), "plain");
  assertEquals(
    escapeControls("a\nb\rc\x1b[31md\x00e\x7ff\tg"),
    "a\\nb\\rc\\x1b[31md\\x00e\\x7ff\tg",
  );
});

Deno.test("syslog message format: SEC's priorities (level 1 is crit, never emerg)", () => {
  const t = new Date(2026, 11, 2, 4, 5, 6).getTime();
  assertEquals(formatSyslog(16, 1, "m", t, 42), "<130>Dec  2 04:05:06 sec[42]: m\n");
  const pri = [1, 2, 3, 4, 5, 6].map((l) => /^<(\d+)>/.exec(formatSyslog(3, l, "m", t, 1))![1]);
  // daemon (3): crit, err, warning, notice, info, debug
  assertEquals(pri, ["26", "27", "28", "29", "30", "31"]);
});
