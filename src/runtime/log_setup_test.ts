/**
 * The LogTape-backed logger (log_setup.ts): a real log file, reopening
 * after rotation, level changes; --syslog to a real Unix datagram or
 * stream socket standing in for /dev/log (in a sec-ts process:
 * tests/e2e/syslog_logging_test.ts).
 */
import { readFileSync, renameSync } from "node:fs";
import { formatLogLine, LogTapeLogger } from "./log_setup.ts";
import { assert as ok, assertEquals } from "../../tests/helpers/assert.ts";
import { datagramReceiver, until } from "../../tests/helpers/receivers.ts";

const dec = new TextDecoder();

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

Deno.test("--syslog: datagrams on a Unix datagram socket, with the facility", async () => {
  const dir = Deno.makeTempDirSync();
  const rx = datagramReceiver(`${dir}/log`);
  try {
    const logger = await LogTapeLogger.create({
      syslog: "local3",
      debug: 5,
      stderr: false,
      syslogSocket: `${dir}/log`,
    });
    logger.log(1, "critical");
    logger.log(3, "a warning\nforged line");
    logger.log(6, "debug, not logged at level 5");
    await until(() => rx.got.length >= 2, 5000, "2 datagrams");
    await logger.close();
    assertEquals(rx.got.length, 2);
    ok(/^<154>\w{3} [ \d]\d \d\d:\d\d:\d\d sec\[\d+\]: critical\n$/.test(rx.got[0]), rx.got[0]);
    ok(rx.got[1].startsWith("<156>"), rx.got[1]);
    ok(rx.got[1].endsWith(": a warning\\nforged line\n"), rx.got[1]);
  } finally {
    rx.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("--syslog: a stream socket at the path gets NUL-terminated messages", async () => {
  const dir = Deno.makeTempDirSync();
  const listener = Deno.listen({ path: `${dir}/log`, transport: "unix" });
  let text = "";
  const reading = (async () => {
    const conn = await listener.accept();
    for await (const chunk of conn.readable) text += dec.decode(chunk);
  })();
  try {
    const logger = await LogTapeLogger.create({
      syslog: "user",
      debug: 6,
      stderr: false,
      syslogSocket: `${dir}/log`,
    });
    assertEquals(logger.syslog?.type, "stream");
    logger.log(2, "one");
    logger.log(4, "two");
    await logger.close();
    await reading;
    const msgs = text.split("\0");
    assertEquals(msgs.length, 3);
    ok(msgs[0].startsWith("<11>") && msgs[0].endsWith(": one\n"), msgs[0]);
    ok(msgs[1].startsWith("<13>") && msgs[1].endsWith(": two\n"), msgs[1]);
  } finally {
    listener.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
