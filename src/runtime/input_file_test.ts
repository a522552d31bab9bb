/**
 * Regular files as inputs (input_file.ts), followed through the
 * InputManager on real files: rotation by rename and by copytruncate while
 * a separate process appends at 10,000 lines/s, a file truncated and
 * rewritten, a removed file; and directly: opening at an offset or at the
 * end (addinput), the dump state. The contract every input kind shares:
 * input_source_suite_test.ts.
 */
import { appendFileSync, writeFileSync } from "node:fs";
import { FileSource } from "./input_file.ts";
import { InputManager } from "./inputs.ts";
import { MemoryLogger } from "./logger.ts";
import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { collect, inputOptions as options, sourceEnv } from "../../tests/helpers/inputs.ts";

const WRITER = new URL("../../tests/helpers/rotating_writer.ts", import.meta.url).pathname;

async function rotationRun(modes: string, every: number): Promise<void> {
  const dir = Deno.makeTempDirSync();
  const f = `${dir}/app.log`;
  writeFileSync(f, "");
  const logger = new MemoryLogger();
  const inputs = new InputManager([{ path: f }], options({ logger }));
  const total = 20000;
  try {
    await inputs.start();
    // before a copytruncate the writer waits until the lines so far are read (see the writer)
    const ack = `${dir}/ack`;
    const writer = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", WRITER, f, String(total), "10000", String(every), modes],
      stdout: "piped",
      env: { ROTATE_ACK: ack },
    }).spawn();
    const answer = (read: number) => {
      let want = Infinity;
      try {
        want = Number(Deno.readTextFileSync(`${ack}.want`));
      } catch {
        // no rotation waiting
      }
      if (read >= want) Deno.writeTextFileSync(ack, String(read));
    };
    const lines = await collect(inputs, (l) => {
      answer(l.length);
      return l.length >= total;
    }, 20000);
    const status = await writer.output();
    assert(status.success);
    // a little longer: nothing more may come
    lines.push(...await collect(inputs, () => false, 300));
    const seqs = lines.map((l) => Number(/^L(\d+) x*$/.exec(l)?.[1] ?? NaN));
    const bad = lines.filter((_, i) => Number.isNaN(seqs[i]));
    assertEquals(bad.slice(0, 5), [], "malformed lines");
    const missing: number[] = [];
    const seen = new Set(seqs);
    for (let i = 1; i <= total; i++) if (!seen.has(i)) missing.push(i);
    assertEquals(missing.slice(0, 10), [], `${missing.length} lines missing`);
    assertEquals(seqs.length, total, "lines repeated");
    for (let i = 0; i < seqs.length; i++) assertEquals(seqs[i], i + 1, "order");
    const rotations = inputs.info()[0].rotations ?? 0;
    assertEquals(rotations, Math.floor((total - 1) / every), logger.text());
  } finally {
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("10,000 lines/s through rename rotations: every line once, in order", async () => {
  await rotationRun("rename", 4000);
});

Deno.test("10,000 lines/s through copytruncate rotations: every line once, in order", async () => {
  await rotationRun("copytruncate", 4000);
});

Deno.test("a file truncated and rewritten past the read position between polls is reread", async () => {
  const dir = Deno.makeTempDirSync();
  const f = `${dir}/t.log`;
  writeFileSync(f, "");
  const logger = new MemoryLogger();
  const inputs = new InputManager([{ path: f }], options({ logger, pollTimeout: 0.05 }));
  try {
    await inputs.start();
    writeFileSync(f, "old 1\nold 2\npart");
    assertEquals(await collect(inputs, (l) => l.length >= 2), ["old 1", "old 2"]);
    // truncate and write more than before in one go: the size never looks smaller
    writeFileSync(f, "new 1 with more text\nnew 2 with more text\n");
    assertEquals(await collect(inputs, (l) => l.length >= 3), [
      "part",
      "new 1 with more text",
      "new 2 with more text",
    ]);
    assert(logger.text().includes(`Input file ${f} has been truncated`), logger.text());
  } finally {
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a removed file stays open until the name comes back; partial line kept until done", async () => {
  const dir = Deno.makeTempDirSync();
  const f = `${dir}/t.log`;
  writeFileSync(f, "");
  const logger = new MemoryLogger();
  const inputs = new InputManager([{ path: f }], options({ logger, pollTimeout: 0.05 }));
  try {
    await inputs.start();
    const fd = Deno.openSync(f, { append: true });
    fd.writeSync(new TextEncoder().encode("one\ntw"));
    assertEquals(await collect(inputs, (l) => l.length >= 1), ["one"]);
    assertEquals(await collect(inputs, () => false, 200), []);
    Deno.removeSync(f);
    fd.writeSync(new TextEncoder().encode("o\nthree\n"));
    fd.close();
    assertEquals(await collect(inputs, (l) => l.length >= 2), ["two", "three"]);
    writeFileSync(f, "four\n");
    assertEquals(await collect(inputs, (l) => l.length >= 1), ["four"]);
    assert(logger.text().includes(`Input file ${f} has been recreated`), logger.text());
  } finally {
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("FileSource.openAt (addinput): from a byte offset, clamped to the size, or from the end", () => {
  const dir = Deno.makeTempDirSync();
  const f = `${dir}/in.log`;
  writeFileSync(f, "0123\nabcd\nlast\n");
  const env = sourceEnv(new MemoryLogger(), { dryMs: 0 });
  const drain = (s: FileSource) => {
    const out: string[] = [];
    s.poll(performance.now());
    for (let l; (l = s.next()) !== null;) out.push(l);
    return out;
  };
  const at5 = new FileSource(f, undefined, env);
  const atEnd = new FileSource(f, undefined, env);
  const beyond = new FileSource(f, "CTX", env);
  try {
    at5.openAt(5);
    atEnd.openAt("end");
    beyond.openAt(1000);
    assertEquals([drain(at5), drain(atEnd), drain(beyond)], [["abcd", "last"], [], []]);
    const st = Deno.statSync(f);
    const info = at5.info();
    assertEquals(
      [info.status, info.offset, info.size, info.dev, info.inode, info.lines],
      ["Open", 15, 15, st.dev, st.ino, 2],
    );
    appendFileSync(f, "new\n");
    assertEquals([drain(at5), drain(atEnd), drain(beyond)], [["new"], ["new"], ["new"]]);
    assertEquals(beyond.info().context, "CTX");
  } finally {
    for (const s of [at5, atEnd, beyond]) s.close();
    assertEquals(at5.info().status, "Closed");
    Deno.removeSync(dir, { recursive: true });
  }
});
