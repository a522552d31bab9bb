/**
 * Input buffers across restarts, as SEC 2.9.4 keeps them (expectations
 * from the reference run as a black box): a full (SIGHUP) and a soft
 * (SIGABRT) restart keep the lines seen, so a multi-line pattern matches
 * lines from both sides of it; a soft restart whose rules need a larger
 * buffer sizes it anew ("setting --bufsize to 2"), starting empty.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { SecProcess } from "../helpers/sec_process.ts";

/** Reports every line read, so the test knows when a line is in. */
const SEEN =
  "type=Single\nptype=RegExp\npattern=^(\\w+)$\ncontinue=TakeNext\ndesc=seen\naction=write - seen $1\n\n";
const TWO_LINES =
  "type=Single\nptype=RegExp2\npattern=^first\\nsecond\ndesc=two\naction=write - two lines: $0\n";

interface Run {
  dir: string;
  sec: SecProcess;
}

/** Starts sec-ts on rules.sec and in.log in a fresh directory. */
async function start(rules: string): Promise<Run> {
  const dir = Deno.makeTempDirSync({ prefix: "sec-ts-buffers-" });
  Deno.writeTextFileSync(`${dir}/rules.sec`, rules);
  Deno.writeTextFileSync(`${dir}/in.log`, "");
  // --fromstart: a line appended right after "Opening input file" is read even if the file
  // is opened a moment after that message (a restart keeps it open where it was)
  const sec = new SecProcess([
    `--conf=${dir}/rules.sec`,
    `--input=${dir}/in.log`,
    "--debug=6",
    "--fromstart",
  ]);
  await sec.waitForLog(`Opening input file ${dir}/in.log`);
  return { dir, sec };
}

/** Appends a line to in.log and waits until sec-ts has read it. */
async function feed(r: Run, word: string): Promise<void> {
  const before = r.sec.lines.filter((l) => l === `seen ${word}`).length;
  Deno.writeTextFileSync(`${r.dir}/in.log`, `${word}\n`, { append: true });
  await r.sec.waitFor(
    () => r.sec.lines.filter((l) => l === `seen ${word}`).length > before,
    15000,
    `line ${word}`,
  );
}

/** Sends `signal` and waits for the restart's end (the kept input is reported once more). */
async function restart(r: Run, signal: "SIGHUP" | "SIGABRT"): Promise<void> {
  const before = r.sec.stderr.split("already open").length;
  r.sec.kill(signal);
  await r.sec.waitFor(() => r.sec.stderr.split("already open").length > before, 15000, signal);
}

const matches = (r: Run) => r.sec.lines.filter((l) => !l.startsWith("seen "));

Deno.test("a full and a soft restart keep the input buffer: a two-line pattern matches across them", async () => {
  const r = await start(SEEN + TWO_LINES);
  try {
    for (const signal of ["SIGABRT", "SIGHUP"] as const) {
      await feed(r, "first");
      await restart(r, signal);
      await feed(r, "second");
    }
    assertEquals(matches(r), ["two lines: first", "second", "two lines: first", "second"]);
  } finally {
    await r.sec.stop();
    Deno.removeSync(r.dir, { recursive: true });
  }
});

Deno.test("a soft restart whose rules need more lines sizes the buffer anew (empty)", async () => {
  const r = await start(SEEN);
  try {
    await feed(r, "first");
    Deno.writeTextFileSync(`${r.dir}/rules.sec`, SEEN + TWO_LINES);
    await restart(r, "SIGABRT");
    ok(r.sec.stderr.includes("setting --bufsize to 2"), r.sec.stderr);
    await feed(r, "second"); // "first" is gone with the old buffer
    assertEquals(matches(r), []);
    await feed(r, "first");
    await feed(r, "second");
    assertEquals(matches(r), ["two lines: first", "second"]);
  } finally {
    await r.sec.stop();
    Deno.removeSync(r.dir, { recursive: true });
  }
});
