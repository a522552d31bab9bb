/**
 * The LogTape-backed logger (src/runtime/log_setup.ts): a real log file,
 * reopening after rotation, level changes, syslog over real UDP.
 */
import { deepStrictEqual, ok } from "node:assert";
import * as dgram from "node:dgram";
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

Deno.test("--syslog: messages reach a syslog server over UDP with the facility", async () => {
  const server = dgram.createSocket("udp4");
  const got: string[] = [];
  server.on("message", (m) => got.push(m.toString()));
  await new Promise<void>((r) => server.bind(0, "127.0.0.1", () => r()));
  const port = server.address().port;
  const logger = await LogTapeLogger.create({
    syslog: "local3",
    debug: 6,
    stderr: false,
    syslogTarget: { hostname: "127.0.0.1", port },
  });
  logger.log(3, "a warning for syslog");
  const stop = performance.now() + 3000;
  while (got.length === 0 && performance.now() < stop) await new Promise((r) => setTimeout(r, 20));
  await logger.close();
  server.close();
  assertEquals(got.length, 1);
  // facility local3 = 19, warning = 4: priority 19 * 8 + 4
  ok(got[0].startsWith("<156>1 "), got[0]);
  ok(got[0].includes(" sec ") && got[0].endsWith("a warning for syslog"), got[0]);
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
