/**
 * Restarts release what the previous generation held: a real sec-ts gets
 * 1,000 restarts (SIGHUP and SIGABRT alternately, each waited for), and its
 * resident memory after them stays within a few MB of what it was after the
 * first 100 (it grew by ~19 MB per 1,000 SIGHUPs before restarts ended with
 * a full garbage collection, src/runtime/gc.ts).
 */
import { ok } from "node:assert";
import { rssOf, SecProcess } from "../helpers/sec_process.ts";

const RULES = new URL("../../rules/example.sec", import.meta.url).pathname;

Deno.test("1,000 restarts (SIGHUP, SIGABRT): resident memory stays flat", async () => {
  const dir = Deno.makeTempDirSync();
  Deno.writeTextFileSync(`${dir}/in.log`, "");
  const sec = new SecProcess([`--conf=${RULES}`, "--input=in.log", "--fromstart"], { cwd: dir });
  try {
    await sec.waitForLog("Opening input file in.log");
    let done = 0;
    const restarts = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const sig = (done & 1) === 0 ? "SIGHUP" : "SIGABRT";
        const before = count(sec.stderr);
        sec.kill(sig);
        await sec.waitFor(() => count(sec.stderr) > before, 15000, `${sig} #${done}`);
        done++;
        // keep the collected log small
        if (sec.stderr.length > 16384) sec.stderr = sec.stderr.slice(-1024);
      }
    };
    await restarts(100);
    const rss0 = rssOf(sec.child.pid);
    await restarts(1000);
    const rss1 = rssOf(sec.child.pid);
    console.log(
      `RSS after 100 restarts ${(rss0 / 1048576).toFixed(1)} MB, after 1,100 ${
        (rss1 / 1048576).toFixed(1)
      } MB`,
    );
    ok(rss0 > 0 && rss1 > 0, "no RSS figure");
    ok(rss1 - rss0 < 8 * 1048576, `RSS grew by ${((rss1 - rss0) / 1048576).toFixed(1)} MB`);
  } finally {
    await sec.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});

/** Restarts logged so far ("SIGHUP received: full restart", "SIGABRT received: soft restart"). */
function count(log: string): number {
  let n = 0;
  for (let i = log.indexOf(" restart of SEC"); i >= 0; i = log.indexOf(" restart of SEC", i + 1)) {
    n++;
  }
  return n;
}
