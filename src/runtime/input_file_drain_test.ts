/**
 * Rotation without loss when the writer lags: a real writer process renames
 * its log, creates a new one (logrotate's `create`) and keeps appending to
 * the renamed file for 0.5 s before switching, 4 times, at 10,000 lines/s.
 * With --rotation-grace (default 5 s) every line arrives once, in order;
 * without it (0: the old file closed as soon as the new one appears) the
 * lines written late to the old file are lost. Both figures are printed.
 */
import { deepStrictEqual } from "node:assert";
import { appendFileSync, renameSync, writeFileSync } from "node:fs";
import { InputManager } from "./inputs.ts";
import { collect, inputOptions as options } from "../../tests/helpers/inputs.ts";

const WRITER = new URL("../../tests/helpers/rotating_writer.ts", import.meta.url).pathname;
const TOTAL = 40000;

/** Runs the lagging writer against an input; returns the sequence numbers read. */
async function lagRun(grace: number | undefined): Promise<number[]> {
  const dir = Deno.makeTempDirSync();
  const f = `${dir}/app.log`;
  writeFileSync(f, "");
  const inputs = new InputManager([{ path: f }], options({ rotationGrace: grace }));
  try {
    await inputs.start();
    const writer = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", WRITER, f, String(TOTAL), "10000", "8000", "lagrename"],
      env: { ROTATE_LAG_MS: "500" },
      stdout: "piped",
    }).spawn();
    const out: string[] = [];
    let writerDone = false;
    const status = writer.output().then((o) => {
      writerDone = true;
      return o;
    });
    // read until the writer is done and then (grace or not) 1 s more than the grace period
    let quietUntil = Infinity;
    while (performance.now() < quietUntil) {
      let l;
      while ((l = inputs.nextLine()) !== null) out.push(l.text);
      if (writerDone && quietUntil === Infinity) {
        quietUntil = performance.now() + ((grace ?? 5) + 1) * 1000;
      }
      await inputs.waitForData(20);
    }
    deepStrictEqual((await status).success, true);
    return out.map((l) => Number(/^L(\d+) x*$/.exec(l)?.[1] ?? NaN));
  } finally {
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("lagging writer across 4 rename rotations: no line lost, none twice, in order", async () => {
  const seqs = await lagRun(undefined);
  const seen = new Set(seqs);
  let lost = 0;
  for (let i = 1; i <= TOTAL; i++) if (!seen.has(i)) lost++;
  console.log(`lagging writer, --rotation-grace=5: ${lost} of ${TOTAL} lines lost`);
  deepStrictEqual(seqs.filter((n) => Number.isNaN(n)).length, 0, "malformed lines");
  deepStrictEqual(lost, 0, "lines lost");
  deepStrictEqual(seqs.length, TOTAL, "lines read twice");
  const outOfOrder = seqs.filter((n, i) => i > 0 && n !== seqs[i - 1] + 1).length;
  deepStrictEqual(outOfOrder, 0, "lines out of order");
});

Deno.test("lagging writer without a grace period loses the late lines (the old behaviour)", async () => {
  const seqs = await lagRun(0);
  const seen = new Set(seqs);
  let lost = 0;
  for (let i = 1; i <= TOTAL; i++) if (!seen.has(i)) lost++;
  console.log(`lagging writer, --rotation-grace=0: ${lost} of ${TOTAL} lines lost`);
  // the writer wrote 0.5 s (about 5,000 lines) into each renamed file after the rename
  deepStrictEqual(lost > 0, true, "no loss without a grace period: the test does not lag");
});

Deno.test("a renamed-away file's backlog of many blocks comes before the new file's lines", async () => {
  const dir = Deno.makeTempDirSync();
  const f = `${dir}/app.log`;
  const lines = (from: number, to: number) => {
    let t = "";
    for (let i = from; i <= to; i++) t += `L${i}\n`;
    return t;
  };
  writeFileSync(f, lines(1, 1));
  // 64-byte reads: the old file's backlog below spans about ten of them
  const inputs = new InputManager(
    [{ path: f }],
    options({ fromstart: true, rotationGrace: 5, readSize: 64 }),
  );
  try {
    await inputs.start();
    deepStrictEqual(await collect(inputs, (l) => l.length >= 1), ["L1"]);
    renameSync(f, `${f}.1`);
    writeFileSync(f, "");
    await collect(inputs, () => false, 500); // the rotation is seen; the old file drains
    // a lagging writer's last lines land in the old file, then it writes to the new one
    appendFileSync(`${f}.1`, lines(2, 61));
    appendFileSync(f, lines(62, 63));
    const got = await collect(inputs, (l) => l.length >= 62);
    deepStrictEqual(got, lines(2, 63).trimEnd().split("\n"));
  } finally {
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
