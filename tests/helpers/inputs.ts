/**
 * Set-up shared by the input tests (src/runtime/input*_test.ts): input
 * options and a source environment with test defaults, a line collector,
 * a free loopback port, mkfifo and sh, and a ByteReader over a child
 * process's standard output.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { InputManager, type InputOptions } from "../../src/runtime/inputs.ts";
import { MemoryLogger } from "../../src/runtime/logger.ts";
import type { SourceEnv } from "../../src/runtime/input_source.ts";
import type { ByteReader } from "../../src/runtime/input_stream.ts";
import { assert } from "./assert.ts";

/** Input options for tests: --tail, 8 KiB blocks, 0.1 s polls, a memory logger; `over` wins. */
export function inputOptions(over: Partial<InputOptions> = {}): InputOptions {
  return {
    tail: true,
    fromstart: false,
    textMode: "bytes",
    intcontexts: false,
    blocksize: 8192,
    reopenTimeout: 0,
    checkTimeout: 0,
    pollTimeout: 0.1,
    logger: new MemoryLogger(),
    ...over,
  };
}

/** A source environment for one source under test (tail mode, byte strings, 64 KiB reads). */
export function sourceEnv(logger = new MemoryLogger(), over: Partial<SourceEnv> = {}): SourceEnv {
  return {
    tail: true,
    fromstart: false,
    textMode: "bytes",
    readSize: 1 << 16,
    scratch: Buffer.alloc(1 << 16),
    dryMs: 50,
    reopenMs: 0,
    logger,
    notify: () => {},
    fresh: () => {},
    ...over,
  };
}

/** Collects lines from `inputs` until `done(lines)` or `limitMs`. */
export async function collect(
  inputs: InputManager,
  done: (lines: string[]) => boolean,
  limitMs = 10000,
): Promise<string[]> {
  const out: string[] = [];
  const stop = performance.now() + limitMs;
  while (!done(out) && performance.now() < stop) {
    let l;
    while ((l = inputs.nextLine()) !== null) out.push(l.text);
    if (!done(out)) await inputs.waitForData(20);
  }
  return out;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Creates a named pipe (mode 0600). */
export async function mkfifo(path: string): Promise<void> {
  const r = await new Deno.Command("mkfifo", { args: ["-m", "600", path] }).output();
  assert(r.success, "mkfifo failed");
}

/** Runs `sh -c script` to completion. */
export async function sh(script: string): Promise<void> {
  const r = await new Deno.Command("sh", { args: ["-c", script] }).output();
  assert(r.success, `sh failed: ${script}`);
}

/** A ByteReader over a child process's standard output that counts what it read. */
export function pipeReader(stream: ReadableStream<Uint8Array>): ByteReader & { total: number } {
  const reader = stream.getReader();
  let rest: Uint8Array | null = null;
  const r = {
    total: 0,
    async read(p: Uint8Array): Promise<number | null> {
      if (rest === null) {
        const { value, done } = await reader.read();
        if (done) return null;
        rest = value;
      }
      const n = Math.min(p.length, rest.length);
      p.set(rest.subarray(0, n));
      rest = n < rest.length ? rest.subarray(n) : null;
      r.total += n;
      return n;
    },
    close() {
      reader.cancel().catch(() => {});
    },
  };
  return r;
}
