/**
 * Input throughput: reads a large generated log through InputManager in
 * --notail mode and prints lines/s.
 *
 *     deno run -A tests/bench/input_bench.ts [LINES] [--file PATH] [--utf8] [--runs N]
 *
 * Without --file, the log of LINES lines (default 1,000,000) is taken from
 * /tmp/sec-bench-cache (the cache of /work/shared/bench/run-bench), made with
 * /work/shared/bench/gen-log when it is not there yet.
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { createHash } from "node:crypto";
import { InputManager } from "../../src/runtime/inputs.ts";
import { MemoryLogger } from "../../src/runtime/logger.ts";

const GEN_LOG = "/work/shared/bench/gen-log";
const CACHE = "/tmp/sec-bench-cache";

async function cachedLog(lines: number): Promise<string> {
  const hash = createHash("sha256").update(readFileSync(GEN_LOG)).digest("hex").slice(0, 12);
  const path = `${CACHE}/log-${lines}-seeddefault-${hash}.log`;
  if (existsSync(path)) return path;
  mkdirSync(CACHE, { recursive: true });
  const tmp = `${path}.tmp.${Deno.pid}`;
  const out = Deno.openSync(tmp, { write: true, create: true, truncate: true });
  const child = new Deno.Command("python3", { args: [GEN_LOG, String(lines)], stdout: "piped" })
    .spawn();
  await child.stdout.pipeTo(out.writable);
  if (!(await child.status).success) throw new Error("gen-log failed");
  renameSync(tmp, path);
  return path;
}

async function main(): Promise<void> {
  const args = [...Deno.args];
  let file: string | undefined;
  let utf8 = false;
  let runs = 3;
  let lines = 1_000_000;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--file") file = args[++i];
    else if (args[i] === "--utf8") utf8 = true;
    else if (args[i] === "--runs") runs = Number(args[++i]);
    else lines = Number(args[i]);
  }
  const path = file ?? await cachedLog(lines);
  for (let r = 0; r < runs; r++) {
    const logger = new MemoryLogger();
    const t0 = performance.now();
    const inputs = new InputManager([{ path }], {
      tail: false,
      fromstart: false,
      textMode: utf8 ? "utf8" : "bytes",
      intcontexts: false,
      blocksize: 8192,
      reopenTimeout: 0,
      checkTimeout: 0,
      pollTimeout: 0.1,
      logger,
    });
    await inputs.start();
    let n = 0;
    let chars = 0;
    for (;;) {
      let line;
      while ((line = inputs.nextLine()) !== null) {
        n++;
        chars += line.text.length;
      }
      if (!await inputs.waitForData(100)) break;
    }
    await inputs.close();
    const s = (performance.now() - t0) / 1000;
    console.log(
      `run ${r + 1}: ${n} lines, ${chars} chars in ${s.toFixed(3)} s: ` +
        `${(n / s / 1e6).toFixed(2)} M lines/s (${utf8 ? "utf8" : "bytes"})`,
    );
  }
}

await main();
