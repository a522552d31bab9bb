/**
 * Stream inputs (input_stream.ts): standard input and pipes, read by a
 * pump into a bounded queue.
 */
import { Buffer } from "node:buffer";
import { MemoryLogger } from "./logger.ts";
import { MAX_QUEUED, StreamSource } from "./input_stream.ts";
import type { SourceEnv } from "./input_source.ts";
import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { pipeReader } from "../../tests/helpers/inputs.ts";

Deno.test("a stream source stops reading when its queue is full (backpressure)", async () => {
  // a real writer producing 16 MB of lines as fast as it can
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `const l = new TextEncoder().encode("x".repeat(99) + "\\n");
       const b = new Uint8Array(100 * 1000); for (let i = 0; i < 1000; i++) b.set(l, i * 100);
       for (let i = 0; i < 160; i++) await Deno.stdout.write(b);`,
    ],
    stdout: "piped",
  }).spawn();
  const reader = pipeReader(child.stdout);
  let wake = 0;
  const env: SourceEnv = {
    tail: false,
    fromstart: false,
    textMode: "bytes",
    readSize: 1 << 16,
    scratch: Buffer.alloc(1 << 16),
    dryMs: 50,
    reopenMs: 0,
    logger: new MemoryLogger(),
    notify: () => wake++,
    fresh: () => {},
  };
  const src = new StreamSource("pipe", undefined, reader, env);
  src.open();
  await new Promise((r) => setTimeout(r, 500));
  assert(wake > 0);
  assert(reader.total >= MAX_QUEUED, `read ${reader.total}`);
  assert(reader.total <= MAX_QUEUED + 3 * (1 << 16), `read ${reader.total} bytes without consumer`);
  // consuming lets the pump go on, to the end
  let n = 0;
  const stop = performance.now() + 20000;
  while (!src.finished && performance.now() < stop) {
    let l;
    while ((l = src.next()) !== null) {
      assertEquals(l.length, 99);
      n++;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  assertEquals(n, 160_000);
  assertEquals(reader.total, 16_000_000);
  src.close();
  await child.status;
});
