/**
 * Event correlation operations at scale: opens N (default 1,000,000)
 * concurrent SingleWithThreshold operations, one per source address, on
 * the virtual clock, and reports
 *
 * - time per event while the operations are opened (match, desc, lookup,
 *   creation, action binding, heap entry),
 * - peak memory (RSS and V8 heap, sampled while opening) and heap bytes
 *   per live operation,
 * - the cost of one cleanup pass (timer tick) when nothing is due, when
 *   one second's worth of operations expires, and when all N expire at
 *   once.
 *
 *     deno run -A --v8-flags=--expose-gc tests/bench/operations_bench.ts [N] [--spread SECONDS]
 *
 * Events are spread over `--spread` virtual seconds (default 50, at most 60) with a
 * 60 s window, so a tick in the steady state expires N/spread operations.
 * This is a benchmark, not a test: it asserts only that the operations
 * exist and expire.
 *
 * @module
 */
import { VirtualClock } from "../../src/engine/clock.ts";
import { Engine } from "../../src/engine/engine.ts";
import { createEngine } from "../../src/engine/factory.ts";
import { operationStore } from "../../src/engine/operations/store.ts";
import { loadRuleText } from "../../src/lang/rule_compiler.ts";
import { MemoryLogger } from "../../src/runtime/logger.ts";
import { OutputManager } from "../../src/runtime/outputs.ts";

const RULES = `
type=SingleWithThreshold
ptype=RegExp
pattern=sshd\\[\\d+\\]: Failed password for (\\S+) from ([\\d.]+) port \\d+ ssh2
desc=Ten SSH login failures within 1m from $2
action=write - %s (last user $1)
action2=write - %s: window over
window=60
thresh=10
`;

const T0 = 1_700_000_000;

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g !== undefined) g();
}

function mib(n: number): string {
  return (n / 1048576).toFixed(1) + " MiB";
}

function address(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

function buildEngine(clock: VirtualClock, logger: MemoryLogger): Engine {
  const outputs = new OutputManager("bytes", logger);
  const engine = createEngine({
    options: { clock, logger, jointbuf: true, bufsize: 1, intcontexts: false, evstoresize: 0 },
    outputs,
  });
  const loaded = loadRuleText("bench.sec", RULES);
  if (loaded.diagnostics.some((d) => d.ruleSkipped)) throw new Error("rule did not load");
  engine.setRules([loaded.file]);
  return engine;
}

/** Opens n operations over `spread` seconds; returns timing and memory figures. */
function open(engine: Engine, clock: VirtualClock, n: number, spread: number) {
  const perSecond = Math.ceil(n / spread);
  let peakRss = 0, peakHeap = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    if (i % perSecond === 0) {
      clock.set(T0 + Math.floor(i / perSecond));
      engine.tick();
    }
    engine.processLine(
      `Dec 28 01:42:21 test sshd[28132]: Failed password for root from ${
        address(i)
      } port 42172 ssh2`,
      "-",
    );
    if ((i & 65535) === 0) {
      const m = Deno.memoryUsage();
      if (m.rss > peakRss) peakRss = m.rss;
      if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
    }
  }
  const ms = performance.now() - t0;
  const m = Deno.memoryUsage();
  return {
    ms,
    peakRss: Math.max(peakRss, m.rss),
    peakHeap: Math.max(peakHeap, m.heapUsed),
  };
}

function timeTick(engine: Engine, clock: VirtualClock, at: number): number {
  clock.set(at);
  const t = performance.now();
  engine.tick();
  return performance.now() - t;
}

function main(): void {
  let n = 1_000_000;
  let spread = 50;
  for (let i = 0; i < Deno.args.length; i++) {
    if (Deno.args[i] === "--spread") spread = Number(Deno.args[++i]);
    else n = Number(Deno.args[i].replaceAll("_", ""));
  }
  console.log(`operations bench: ${n} SingleWithThreshold operations, window 60 s`);

  // --- run 1: events spread over `spread` seconds (steady-state expiry)
  {
    const clock = new VirtualClock(T0);
    const logger = new MemoryLogger();
    const engine = buildEngine(clock, logger);
    const store = operationStore(engine);
    gc();
    const base = Deno.memoryUsage();
    const r = open(engine, clock, n, spread);
    gc();
    const after = Deno.memoryUsage();
    if (store.size !== n) throw new Error(`expected ${n} operations, got ${store.size}`);
    const last = T0 + spread - 1;
    console.log(`  opening: ${(r.ms * 1e6 / n).toFixed(0)} ns/event (${r.ms.toFixed(0)} ms)`);
    console.log(
      `  memory: peak RSS ${mib(r.peakRss)}, peak heap ${mib(r.peakHeap)}; ` +
        `live heap after GC ${mib(after.heapUsed)} = ${
          ((after.heapUsed - base.heapUsed) / n).toFixed(0)
        } bytes/operation`,
    );
    // a tick in which nothing is due (all N live)
    const idle = timeTick(engine, clock, last + 0.5);
    console.log(`  cleanup pass, nothing due (${store.size} live): ${(idle * 1000).toFixed(1)} µs`);
    // the steady state: each second, the operations started 61 s earlier expire
    const perSecond = Math.ceil(n / spread);
    let worst = 0, total = 0, ticks = 0;
    for (let s = 61; s < 61 + spread; s++) {
      const ms = timeTick(engine, clock, T0 + s);
      total += ms;
      ticks++;
      if (ms > worst) worst = ms;
    }
    if (store.size !== 0) throw new Error(`${store.size} operations left`);
    console.log(
      `  cleanup pass expiring ${perSecond}: mean ${(total / ticks).toFixed(2)} ms, worst ${
        worst.toFixed(2)
      } ms, ${(total * 1e6 / n).toFixed(0)} ns/expired operation`,
    );
  }

  // --- run 2: all events in the same second, all expire in one pass
  {
    gc();
    const clock = new VirtualClock(T0);
    const logger = new MemoryLogger();
    const engine = buildEngine(clock, logger);
    const store = operationStore(engine);
    open(engine, clock, n, 1);
    const ms = timeTick(engine, clock, T0 + 61);
    if (store.size !== 0) throw new Error(`${store.size} operations left`);
    console.log(
      `  cleanup pass expiring all ${n} at once: ${ms.toFixed(0)} ms (${
        (ms * 1e6 / n).toFixed(0)
      } ns/operation)`,
    );
  }
  const m = Deno.memoryUsage();
  console.log(`  process peak at exit: RSS ${mib(m.rss)}`);
}

main();
