/**
 * The LogTape-backed logger (src/runtime/log_setup.ts): a real log file,
 * reopening after rotation, level changes (syslog: runtime_syslog_test.ts).
 */
import { deepStrictEqual, ok } from "node:assert";
import { readFileSync, renameSync } from "node:fs";
import { formatLogLine, LogTapeLogger } from "../src/runtime/log_setup.ts";

const assertEquals = <T>(actual: T, expected: T, msg?: string): void =>
  deepStrictEqual(actual, expected, msg);

const strip = (text: string) => text.split("\n").filter((l) => l !== "").map((l) => l.slice(26));

Deno.test("log file: SEC's line format, --debug level, reopen after rotation", async () => {
  const dir = Deno.makeTempDirSync();
  const file = `${dir}/sec.log`;
  const logger = await LogTapeLogger.create({ log: file, debug: 4, stderr: false });
  try {
    logger.log(4, "notice {not a placeholder}");
    logger.log(5, "info, not logged at level 4");
    logger.setLevel(6);
    logger.log(6, "debug now logged");
    renameSync(file, `${file}.1`);
    logger.log(3, "still into the old file");
    await logger.reopen();
    logger.log(2, "into the new file");
    logger.setLevel(9);
    assertEquals(logger.maxLevel, 6);
    await logger.close();
    const old = readFileSync(`${file}.1`, "latin1");
    assertEquals(strip(old), [
      "notice {not a placeholder}",
      "debug now logged",
      "still into the old file",
    ]);
    ok(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: notice/.test(old), old);
    assertEquals(strip(readFileSync(file, "latin1")), ["into the new file"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("log line format is Perl's localtime", () => {
  const t = new Date(2026, 10, 2, 4, 5, 6).getTime();
  assertEquals(formatLogLine(t, "m"), "Mon Nov  2 04:05:06 2026: m\n");
});

Deno.test("an unknown syslog facility is rejected", async () => {
  let msg = "";
  try {
    await LogTapeLogger.create({ syslog: "local9", debug: 6, stderr: false });
  } catch (e) {
    msg = (e as Error).message;
  }
  assertEquals(msg, "Invalid syslog facility 'local9'");
});
