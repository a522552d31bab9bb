/**
 * The InputManager (inputs.ts) on real files, real pipes and real child
 * processes: SEC's order over inputs, odd lines, tail mode, reopening,
 * --input-timeout, standard input, restarts.
 */
import { Buffer } from "node:buffer";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { InputManager, type InputOptions, type InputSpec } from "./inputs.ts";
import { MemoryLogger } from "./logger.ts";
import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { collect, inputOptions } from "../../tests/helpers/inputs.ts";

const DRIVER = new URL("../../tests/helpers/input_driver.ts", import.meta.url).pathname;

/** Options for these tests: --notail and 0.05 s polls unless `over` says otherwise. */
function options(over: Partial<InputOptions> = {}): InputOptions {
  return inputOptions({ tail: false, pollTimeout: 0.05, ...over });
}

function latin1(bytes: number[] | Uint8Array): string {
  return Buffer.from(bytes).toString("latin1");
}

/** Reads until input ends (notail) and returns [text, source, context] triples. */
async function readAll(inputs: InputManager, limitMs = 5000): Promise<string[][]> {
  const out: string[][] = [];
  const stop = performance.now() + limitMs;
  for (;;) {
    let l;
    while ((l = inputs.nextLine()) !== null) out.push([l.text, l.source, l.context ?? ""]);
    if (performance.now() > stop) throw new Error("input did not end");
    if (!await inputs.waitForData(50)) return out;
  }
}

/** Collects lines until `count` lines arrived or `limitMs` passed. */
async function readLines(inputs: InputManager, count: number, limitMs = 5000): Promise<string[]> {
  const out: string[] = [];
  const stop = performance.now() + limitMs;
  while (out.length < count && performance.now() < stop) {
    let l;
    while (out.length < count && (l = inputs.nextLine()) !== null) out.push(l.text);
    if (out.length < count) await inputs.waitForData(20);
  }
  return out;
}

/** Waits `ms`, feeding the input loop meanwhile; returns the lines seen. */
async function idle(inputs: InputManager, ms: number): Promise<string[]> {
  const out: string[] = [];
  const stop = performance.now() + ms;
  while (performance.now() < stop) {
    let l;
    while ((l = inputs.nextLine()) !== null) out.push(l.text);
    await inputs.waitForData(Math.max(1, Math.min(20, stop - performance.now())));
  }
  return out;
}

Deno.test("files are read round robin, in byte order of their names, duplicates merged", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    writeFileSync(`${dir}/prog2.log`, "p2 one\np2 two\np2 three\n");
    writeFileSync(`${dir}/prog1.log`, "p1 one\np1 two\n");
    writeFileSync(`${dir}/Z.log`, "Z one\n");
    const specs: InputSpec[] = [
      { path: `${dir}/prog2.log` },
      { path: `${dir}/prog1.log`, context: "FIRST" },
      { path: `${dir}/Z.log` },
      { path: `${dir}/prog1.log`, context: "P1" },
    ];
    const inputs = new InputManager(specs, options());
    assertEquals(inputs.names, [`${dir}/Z.log`, `${dir}/prog1.log`, `${dir}/prog2.log`]);
    assert(inputs.intcontexts, "a context on an --input switches internal contexts on");
    await inputs.start();
    const lines = await readAll(inputs);
    assertEquals(lines, [
      ["Z one", `${dir}/Z.log`, `_FILE_EVENT_${dir}/Z.log`],
      ["p1 one", `${dir}/prog1.log`, "P1"],
      ["p2 one", `${dir}/prog2.log`, `_FILE_EVENT_${dir}/prog2.log`],
      ["p1 two", `${dir}/prog1.log`, "P1"],
      ["p2 two", `${dir}/prog2.log`, `_FILE_EVENT_${dir}/prog2.log`],
      ["p2 three", `${dir}/prog2.log`, `_FILE_EVENT_${dir}/prog2.log`],
    ]);
    assertEquals(inputs.nextLine(), null);
    assertEquals(await inputs.waitForData(10), false);
    await inputs.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("lines carry no context unless --intcontexts or a named input", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    writeFileSync(`${dir}/a.log`, "x\n");
    let inputs = new InputManager([{ path: `${dir}/a.log` }], options());
    await inputs.start();
    assertEquals(await readAll(inputs), [["x", `${dir}/a.log`, ""]]);
    inputs = new InputManager([{ path: `${dir}/a.log` }], options({ intcontexts: true }));
    await inputs.start();
    assertEquals(await readAll(inputs), [["x", `${dir}/a.log`, `_FILE_EVENT_${dir}/a.log`]]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("odd lines: \\r kept, empty lines, invalid UTF-8 bytes, final line without newline", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const bytes = [
      ...Buffer.from("a\r\n\n\nb\r\rc\n"),
      0xff,
      0xfe,
      0x00,
      0xc3,
      0x28,
      0x80,
      0x0a,
      ...Buffer.from("h\u00e9\n"),
      ...Buffer.from("last"),
    ];
    writeFileSync(`${dir}/odd.log`, new Uint8Array(bytes));
    const expected = ["a\r", "", "", "b\r\rc", latin1([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x80])];
    expected.push(latin1(Buffer.from("h\u00e9")), "last");
    for (const readSize of [undefined, 1, 2, 3, 7]) {
      const inputs = new InputManager([{ path: `${dir}/odd.log` }], options({ readSize }));
      await inputs.start();
      const got = (await readAll(inputs)).map((l) => l[0]);
      assertEquals(got, expected, `readSize ${readSize}`);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("utf8 mode decodes characters split across reads", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    writeFileSync(`${dir}/u.log`, "h\u00e9llo \u20ac\n\u{1F600}x\ny");
    for (const readSize of [undefined, 1, 2, 3, 5]) {
      const inputs = new InputManager(
        [{ path: `${dir}/u.log` }],
        options({ readSize, textMode: "utf8" }),
      );
      await inputs.start();
      const got = (await readAll(inputs)).map((l) => l[0]);
      assertEquals(got, ["h\u00e9llo \u20ac", "\u{1F600}x", "y"], `readSize ${readSize}`);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a 1 MB line between short lines, and a 3 MB final line without newline", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const big = "x".repeat(1 << 20) + "\u00ff";
    const huge = "y".repeat(3 << 20);
    writeFileSync(`${dir}/big.log`, Buffer.from(`a\n${big}\nb\n\n${huge}`, "latin1"));
    for (const readSize of [undefined, 4096, 100_000]) {
      const inputs = new InputManager([{ path: `${dir}/big.log` }], options({ readSize }));
      await inputs.start();
      const got = (await readAll(inputs)).map((l) => l[0]);
      assertEquals(got.length, 5);
      assert(
        got[0] === "a" && got[1] === big && got[2] === "b" && got[3] === "" && got[4] === huge,
      );
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("inputs that cannot be opened are logged and the others are read (--notail)", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    writeFileSync(`${dir}/ok.log`, "fine 1\nfine 2\n");
    mkdirSync(`${dir}/adir`);
    const noread = "/proc/sys/vm/compact_memory"; // write-only, even for root
    let canTestEacces = false;
    try {
      Deno.readFileSync(noread);
    } catch (e) {
      canTestEacces = e instanceof Deno.errors.PermissionDenied;
    }
    const specs = [
      { path: `${dir}/missing.log` },
      { path: `${dir}/adir` },
      { path: `${dir}/ok.log` },
      { path: `${dir}/ok.log/sub` },
    ];
    if (canTestEacces) specs.push({ path: noread });
    const logger = new MemoryLogger();
    const inputs = new InputManager(specs, options({ logger }));
    await inputs.start();
    const got = (await readAll(inputs)).map((l) => l[0]);
    assertEquals(got, ["fine 1", "fine 2"]);
    const log = logger.entries.map((e) => `${e.level} ${e.message}`);
    for (
      const want of [
        `4 Opening input file ${dir}/adir`,
        `2 Input file ${dir}/adir is of unsupported type!`,
        `3 Input file ${dir}/missing.log does not exist!`,
        `3 Input file ${dir}/ok.log/sub does not exist!`,
        `4 Opening input file ${dir}/ok.log`,
      ]
    ) assert(log.includes(want), `log lacks "${want}":\n${log.join("\n")}`);
    if (canTestEacces) {
      const want = `2 Can't open input file ${noread} (Permission denied)`;
      assert(log.includes(want), `log lacks "${want}":\n${log.join("\n")}`);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("tail mode starts at the end, follows appends and waits for unfinished lines", async () => {
  const dir = Deno.makeTempDirSync();
  const f = `${dir}/grow.log`;
  writeFileSync(f, "old 1\nold 2\npart");
  const inputs = new InputManager([{ path: f }], options({ tail: true }));
  try {
    await inputs.start();
    assertEquals(await idle(inputs, 150), []);
    appendFileSync(f, "ial\nnew 1\nnew");
    assertEquals(await readLines(inputs, 2), ["ial", "new 1"]);
    assertEquals(await idle(inputs, 150), [], "an unfinished line waits");
    appendFileSync(f, " 2\n\nnew 3\n");
    assertEquals(await readLines(inputs, 3), ["new 2", "", "new 3"]);
    // in tail mode input never ends
    assertEquals(await inputs.waitForData(60), true);
  } finally {
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("tail mode with --fromstart reads existing content, then follows", async () => {
  const dir = Deno.makeTempDirSync();
  const a = `${dir}/a.log`;
  const b = `${dir}/b.log`;
  writeFileSync(a, "a1\na2\na3\n");
  writeFileSync(b, "b1\n");
  const inputs = new InputManager(
    [{ path: b }, { path: a }],
    options({ tail: true, fromstart: true }),
  );
  try {
    await inputs.start();
    assertEquals(await readLines(inputs, 4), ["a1", "b1", "a2", "a3"]);
    appendFileSync(b, "b2\n");
    assertEquals(await readLines(inputs, 1), ["b2"]);
  } finally {
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("tail mode: a file missing at start is opened once created (--reopen-timeout)", async () => {
  const dir = Deno.makeTempDirSync();
  const late = `${dir}/late.log`;
  const logger = new MemoryLogger();
  const inputs = new InputManager(
    [{ path: late }],
    options({ tail: true, reopenTimeout: 0.2, logger }),
  );
  try {
    await inputs.start();
    assertEquals(await idle(inputs, 300), []);
    writeFileSync(late, "first\nsecond\n");
    assertEquals(await readLines(inputs, 2, 2000), ["first", "second"], "read from its beginning");
    appendFileSync(late, "third\n");
    assertEquals(await readLines(inputs, 1), ["third"]);
    const log = logger.entries.map((e) => `${e.level} ${e.message}`);
    assert(log.includes(`6 Input file ${late} has not been created yet`), log.join("\n"));
    assert(log.includes(`6 Attempting to (re)open ${late}`), log.join("\n"));
  } finally {
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("tail mode without --reopen-timeout never opens a file created later", async () => {
  const dir = Deno.makeTempDirSync();
  const late = `${dir}/late.log`;
  const logger = new MemoryLogger();
  const inputs = new InputManager([{ path: late }], options({ tail: true, logger }));
  try {
    await inputs.start();
    writeFileSync(late, "first\n");
    assertEquals(await idle(inputs, 300), []);
    assert(logger.text().includes(`Input file ${late} does not exist!`));
  } finally {
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("tail mode: a truncated file is read again from its beginning", async () => {
  const dir = Deno.makeTempDirSync();
  const f = `${dir}/t.log`;
  writeFileSync(f, "");
  const inputs = new InputManager([{ path: f }], options({ tail: true }));
  try {
    await inputs.start();
    appendFileSync(f, "a long first line\n");
    assertEquals(await readLines(inputs, 1), ["a long first line"]);
    writeFileSync(f, "new\n");
    assertEquals(await readLines(inputs, 1), ["new"]);
  } finally {
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("--input-timeout: inputs without data are reported, and again when data comes", async () => {
  const dir = Deno.makeTempDirSync();
  const quiet = `${dir}/quiet.log`;
  const busy = `${dir}/busy.log`;
  writeFileSync(quiet, "old\n");
  writeFileSync(busy, "");
  const events: string[] = [];
  const inputs = new InputManager(
    [{ path: quiet }, { path: busy }, { path: `${dir}/missing.log` }],
    options({
      tail: true,
      inputTimeout: 0.6,
      onInputTimeout: (name, state) => events.push(`${state} ${name.slice(dir.length + 1)}`),
    }),
  );
  try {
    await inputs.start();
    assertEquals(await idle(inputs, 250), []);
    assertEquals(events, []);
    assertEquals(await idle(inputs, 600), []);
    assertEquals(events.sort(), ["1 busy.log", "1 missing.log", "1 quiet.log"]);
    events.length = 0;
    appendFileSync(busy, "new\n");
    assertEquals(await readLines(inputs, 1), ["new"]);
    assertEquals(events, ["0 busy.log"]);
    assertEquals(await idle(inputs, 250), []);
    assertEquals(events, ["0 busy.log"]);
    await idle(inputs, 600);
    assertEquals(events, ["0 busy.log", "1 busy.log"]);
  } finally {
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

/** Runs the driver with `config`; returns its parsed output and exit code. */
async function runDriver(
  config: unknown,
  feed: (w: WritableStreamDefaultWriter<Uint8Array>) => Promise<void>,
): Promise<Record<string, unknown>[]> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", DRIVER, JSON.stringify(config)],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const w = child.stdin.getWriter();
  await feed(w);
  await w.close().catch(() => {});
  const out = await child.output();
  assertEquals(out.code, 0);
  return new TextDecoder().decode(out.stdout).trim().split("\n").map((l) => JSON.parse(l));
}

const driverOptions = {
  tail: false,
  fromstart: false,
  textMode: "bytes",
  intcontexts: false,
  blocksize: 8192,
  reopenTimeout: 0,
  checkTimeout: 0,
  pollTimeout: 0.05,
};

Deno.test("stdin pipe from a real process: lines as they come, final line, end at close", async () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const t0 = performance.now();
  const out = await runDriver(
    { specs: [{ path: "-", context: "IN" }], options: driverOptions },
    async (w) => {
      await w.write(
        new Uint8Array([...Buffer.from("one\r\n\n"), 0xff, 0x80, 0x0a, ...Buffer.from("tw")]),
      );
      await sleep(300);
      await w.write(Buffer.from("o\nthree"));
      await sleep(200);
    },
  );
  const lines = out.filter((o) => "line" in o);
  assertEquals(lines.map((o) => o.line), ["one\r", "", latin1([0xff, 0x80]), "two", "three"]);
  assert(lines.every((o) => o.src === "-" && o.ctx === "IN"));
  assertEquals(out[out.length - 1], { end: true });
  assert(out.some((o) => o.msg === "No writers on input pipe -, closing the pipe"));
  assert(performance.now() - t0 >= 500);
});

Deno.test("stdin redirected from a regular file is read like a file", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    writeFileSync(`${dir}/in.log`, "s1\ns2\ns3");
    for (const tail of [false, true]) {
      const config = {
        specs: [{ path: "-" }],
        options: { ...driverOptions, tail },
        maxSeconds: 0.5,
      };
      // a shell redirects the driver's standard input from the file
      const sh = new Deno.Command("/bin/sh", {
        args: [
          "-c",
          `exec "$0" "$@" < "${dir}/in.log"`,
          Deno.execPath(),
          "run",
          "-A",
          DRIVER,
          JSON.stringify(config),
        ],
        stdout: "piped",
      });
      const res = await sh.output();
      const out = new TextDecoder().decode(res.stdout).trim().split("\n").map((l) => JSON.parse(l));
      const lines = out.filter((o) => "line" in o).map((o) => o.line);
      if (tail) assertEquals(lines, [], "tail mode starts at the end of the file");
      else {
        assertEquals(lines, ["s1", "s2", "s3"]);
        assertEquals(out[out.length - 1], { end: true });
      }
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a kept part of a line does not keep the block it was read in alive", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "sec-ts-pin-" });
  const file = `${dir}/in.log`;
  // 40 MB in 140-byte lines; the reader keeps a 40-byte part of every 200th line (so of every read block)
  const line = (i: number) => `Nov 22 00:00:00 host${i % 97} prog[${i}]: ${"x".repeat(100)}\n`;
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) lines.push(line(i));
  const chunk = lines.join("");
  for (let k = 0; k < 14; k++) appendFileSync(file, chunk);
  const script = `${dir}/keep.ts`;
  writeFileSync(
    script,
    `import { InputManager } from ${JSON.stringify(new URL("./inputs.ts", import.meta.url).href)};
import { MemoryLogger } from ${JSON.stringify(new URL("./logger.ts", import.meta.url).href)};
const inputs = new InputManager([{ path: ${JSON.stringify(file)} }], {
  tail: false, fromstart: false, textMode: "bytes", intcontexts: false, blocksize: 8192,
  reopenTimeout: 0, checkTimeout: 0, pollTimeout: 0.05, logger: new MemoryLogger(),
});
await inputs.start();
const kept = [];
let n = 0;
for (;;) {
  let l;
  while ((l = inputs.nextLine()) !== null) if (n++ % 200 === 0) kept.push(l.text.substring(20, 60));
  if (!await inputs.waitForData(50)) break;
}
globalThis.gc(); globalThis.gc();
console.log(JSON.stringify({ lines: n, kept: kept.length, heap: Deno.memoryUsage().heapUsed }));
`,
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--expose-gc", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  Deno.removeSync(dir, { recursive: true });
  assert(out.success, new TextDecoder().decode(out.stderr));
  const r = JSON.parse(text);
  assertEquals([r.lines, r.kept], [280_000, 1400]);
  // kept parts pinning their blocks (16 KiB each) would hold all 40 MB
  assert(r.heap < 20e6, `heap after GC ${(r.heap / 1e6).toFixed(1)} MB`);
});

Deno.test("reconfigure (restarts) with --fromstart: files opened or reopened then are read from their end, as in SEC", async () => {
  const dir = Deno.makeTempDirSync();
  writeFileSync(`${dir}/a.log`, "a1\n");
  writeFileSync(`${dir}/b.log`, "b1\n");
  const inputs = new InputManager(
    [{ path: `${dir}/a.log` }],
    inputOptions({ fromstart: true, pollTimeout: 0.05 }),
  );
  try {
    await inputs.start();
    assertEquals(await collect(inputs, (l) => l.length >= 1), ["a1"]);
    // a new input (b) and a reopened one (a, without keep): their old lines stay unread
    inputs.reconfigure([{ path: `${dir}/a.log` }, { path: `${dir}/b.log` }], false);
    appendFileSync(`${dir}/a.log`, "a2\n");
    appendFileSync(`${dir}/b.log`, "b2\n");
    const got = await collect(inputs, (l) => l.length >= 2);
    assertEquals(got.sort(), ["a2", "b2"]);
  } finally {
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("reconfigure (restarts): kept inputs keep their place, others close and open", async () => {
  const dir = Deno.makeTempDirSync();
  for (const n of ["a", "b", "c"]) writeFileSync(`${dir}/${n}.log`, "");
  const logger = new MemoryLogger();
  const inputs = new InputManager(
    [{ path: `${dir}/a.log` }, { path: `${dir}/b.log` }],
    inputOptions({ logger, pollTimeout: 0.05 }),
  );
  try {
    await inputs.start();
    appendFileSync(`${dir}/b.log`, "b1\n");
    assertEquals(await collect(inputs, (l) => l.length >= 1), ["b1"]);
    appendFileSync(`${dir}/b.log`, "b2\n");
    inputs.reconfigure([{ path: `${dir}/b.log` }, { path: `${dir}/c.log` }], true);
    assert(logger.text().includes(`Input file ${dir}/b.log already open`));
    appendFileSync(`${dir}/c.log`, "c1\n");
    appendFileSync(`${dir}/a.log`, "a1\n");
    const got = await collect(inputs, (l) => l.length >= 2);
    assertEquals(got.sort(), ["b2", "c1"]);
    assertEquals(inputs.names, [`${dir}/b.log`, `${dir}/c.log`]);
    // without keep, b is reopened at its end: nothing is read twice
    inputs.reconfigure([{ path: `${dir}/b.log` }], false);
    appendFileSync(`${dir}/b.log`, "b3\n");
    assertEquals(await collect(inputs, (l) => l.length >= 1), ["b3"]);
  } finally {
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
