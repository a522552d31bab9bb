/**
 * One contract for every kind of input source (the {@link InputSource}
 * interface of input_source.ts), written once and run for each kind by
 * input_source_suite_test.ts on real files, named pipes, pipes from child
 * processes and loopback sockets.
 *
 * A kind describes itself with a factory and its {@link KindCapabilities}:
 * where the contract leaves room (a partial last line, end of input, a
 * length limit, one datagram per write), the kind says what it does and the
 * suite checks exactly that; nothing is skipped silently. The contract:
 *
 * - lines arrive complete and in order, whatever the sizes of the writes;
 * - empty lines are lines and "\r" stays in the line;
 * - bytes pass through unchanged, as latin1 code units (byte strings, see
 *   src/lang/bytes.ts): invalid UTF-8, NUL, every byte value but "\n";
 * - a long line arrives whole up to the kind's limit, and beyond it is cut
 *   to the limit without harming the next line;
 * - a partial last line is delivered when the writer closes, or at the end
 *   of its datagram, or held until the next writer completes it;
 * - end of input: the source finishes when its writer closes, or it goes
 *   on reading later writers;
 * - name and context: `name` is the spec as given (what the InputManager
 *   hands out as `$+{_inputsrc}`), `info()` reports it with the kind's
 *   type, the context and the number of lines;
 * - `close()` releases every descriptor the source holds (checked in
 *   /proc/self/fd) and may be called twice.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { MemoryLogger } from "./logger.ts";
import type { InputSource, SourceEnv } from "./input_source.ts";
import { assert, assertEquals } from "../../tests/helpers/assert.ts";

/** What a kind does where the contract leaves room. */
export interface KindCapabilities {
  /** Dump type of the kind (`SourceInfo.type`). */
  type: string;
  /**
   * What becomes of bytes after the last "\n": "writer-close" (delivered
   * as a line when the writer closes), "datagram-end" (the end of a
   * datagram ends the line) or "next-writer" (held until a later writer
   * sends the rest of the line).
   */
  partialLine: "writer-close" | "datagram-end" | "next-writer";
  /** True when the source finishes once its (only) writer has closed. */
  endsWhenWriterCloses: boolean;
  /** Longest line delivered whole, in bytes; longer lines are cut to it. Undefined: no limit. */
  maxLineBytes?: number;
  /** Each write is one datagram (lines are sent one per write, at most `window` unread). */
  datagrams?: { window: number; maxBytes: number };
  /**
   * Known defect, declared so the suite checks it instead of skipping:
   * the source reads through a blocking `FsFile.read` (pipes, FIFOs) that
   * `close()` cannot cancel, so its descriptor stays open, with a read
   * pending in the kernel, until the next bytes arrive (which are then
   * discarded). The suite checks that it is still open after close() and
   * released once a writer sends something; fix the defect, then drop this.
   */
  closeWaitsForData?: boolean;
  /**
   * The source reads what is there when first asked and then ends
   * (--notail regular file): everything is written before the first read.
   */
  writeBeforeRead?: boolean;
}

/** One writer of a source: a connection, a process holding a pipe, an appender. */
export interface SourceWriter {
  /** Sends bytes (for datagram kinds: one datagram). */
  write(bytes: Uint8Array): Promise<void>;
  /** Ends this writer (closes its connection or pipe end). */
  close(): Promise<void>;
}

/** A source made by a kind's factory, with what the suite needs around it. */
export interface SourceUnderTest {
  /** The source (not opened yet). */
  source: InputSource;
  /** The name the source must report (the spec as given). */
  name: string;
  /** Opens a new writer (may be called after `source.open()` only). */
  writer(): Promise<SourceWriter>;
  /** The /proc/self/fd link targets that identify the source's descriptors now. */
  descriptors(): string[];
  /** Removes what the factory created (files, processes, writers left open). */
  cleanup(): Promise<void>;
}

/** A kind of input source as the suite runs it. */
export interface InputKind {
  /** Name in test titles. */
  name: string;
  /** What it does where the contract leaves room. */
  caps: KindCapabilities;
  /** Makes a source in the empty directory `dir`, with `env` and internal context `context`. */
  create(dir: string, env: SourceEnv, context: string | undefined): Promise<SourceUnderTest>;
}

const latin1 = (b: Uint8Array | number[]) => Buffer.from(b).toString("latin1");
const bytes = (s: string) => Uint8Array.from(Buffer.from(s, "latin1"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A running source under test: lines read so far, with waiting. */
class Reader {
  readonly got: string[] = [];
  readonly sut: SourceUnderTest;
  #wake: (() => void) | null = null;

  constructor(sut: SourceUnderTest) {
    this.sut = sut;
  }

  /** Called from env.notify. */
  notify(): void {
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }

  /** Takes whatever lines are ready now. */
  drain(): void {
    const s = this.sut.source;
    s.poll(performance.now());
    let l;
    while ((l = s.next()) !== null) this.got.push(l);
  }

  /** Reads until `done()` (true) or `limitMs` passed (false). */
  async until(done: () => boolean, limitMs = 15000): Promise<boolean> {
    const stop = performance.now() + limitMs;
    for (;;) {
      this.drain();
      if (done()) return true;
      if (performance.now() > stop) return false;
      await Promise.race([new Promise<void>((r) => this.#wake = r), sleep(10)]);
    }
  }

  /** Reads until `n` lines arrived; fails with what came when they do not. */
  async lines(n: number, what: string): Promise<string[]> {
    const ok = await this.until(() => this.got.length >= n);
    assert(ok, `${what}: ${this.got.length} of ${n} lines arrived`);
    return this.got.splice(0, this.got.length);
  }

  /** Reads for `ms` and returns what arrived (for "nothing more comes"). */
  async quiet(ms: number): Promise<string[]> {
    await this.until(() => false, ms);
    return this.got.splice(0, this.got.length);
  }
}

/** Runs `body` with a fresh source of `kind`, opened, and cleans up. */
async function withSource(
  kind: InputKind,
  body: (r: Reader, sut: SourceUnderTest) => Promise<void>,
  context?: string,
): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "sec-ts-suite-" });
  const box: { reader?: Reader } = {};
  const env: SourceEnv = {
    tail: true,
    fromstart: false,
    textMode: "bytes",
    readSize: 1 << 16,
    scratch: Buffer.alloc(1 << 16),
    dryMs: 20,
    reopenMs: 0,
    logger: new MemoryLogger(),
    notify: () => box.reader?.notify(),
    fresh: () => {},
  };
  const sut = await kind.create(dir, env, context);
  const reader = box.reader = new Reader(sut);
  try {
    sut.source.open();
    await body(reader, sut);
  } finally {
    sut.source.close();
    await sut.cleanup();
    Deno.removeSync(dir, { recursive: true });
  }
}

/**
 * Writes `chunks` with a new writer and closes it, while the source is
 * read (or before, for kinds that read only what is there). For datagram
 * kinds each chunk is one datagram and at most `window` of them are unread
 * at a time, so the kernel's buffer never overflows. Returns the lines read
 * once `expect` lines have arrived.
 */
async function send(
  kind: InputKind,
  r: Reader,
  chunks: Uint8Array[],
  expect: number,
  what: string,
): Promise<string[]> {
  const w = await r.sut.writer();
  const window = kind.caps.datagrams?.window;
  const got: string[] = [];
  const take = () => {
    if (r.got.length > 0) got.push(...r.got.splice(0, r.got.length));
    return got.length;
  };
  const writing = (async () => {
    for (let i = 0; i < chunks.length; i++) {
      if (window !== undefined && i - take() >= window) {
        await r.until(() => take() >= i - window / 2);
      }
      await w.write(chunks[i]);
    }
    await w.close();
  })();
  if (kind.caps.writeBeforeRead) await writing;
  const ok = await r.until(() => take() >= expect);
  await writing;
  assert(ok, `${what}: ${got.length} of ${expect} lines arrived`);
  return got;
}

/** Cuts `data` into pieces of pseudo-random sizes (1 byte .. 8 KiB), the same every run. */
function pieces(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let x = 12345;
  for (let at = 0; at < data.length;) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const n = 1 + (x >>> 8) % 8192;
    out.push(data.subarray(at, at + n));
    at += n;
  }
  return out;
}

/** The lines as written: one datagram each, or one byte string cut into pieces. */
function encodeLines(kind: InputKind, lines: string[]): Uint8Array[] {
  if (kind.caps.datagrams) return lines.map((l) => bytes(l + "\n"));
  return pieces(bytes(lines.map((l) => l + "\n").join("")));
}

/** Registers the shared contract's tests for `kind`. */
export function inputSourceSuite(kind: InputKind): void {
  const t = (name: string, fn: () => Promise<void>) =>
    Deno.test({ name: `${kind.name}: ${name}`, fn });

  t("lines arrive complete and in order, whatever the sizes of the writes", async () => {
    await withSource(kind, async (r, sut) => {
      const lines = Array.from({ length: 2000 }, (_, i) => `line ${i} ` + "x".repeat(i % 300));
      const got = await send(kind, r, encodeLines(kind, lines), lines.length, "2000 lines");
      assertEquals(got.length, lines.length);
      const wrong = got.findIndex((l, i) => l !== lines[i]);
      assertEquals(wrong, -1, `line ${wrong}: ${JSON.stringify(got[wrong])?.slice(0, 80)}`);
      assertEquals(await r.quiet(100), [], "nothing more");
      assertEquals(sut.source.info().lines, lines.length);
    });
  });

  t('empty lines are lines and "\\r" stays in the line', async () => {
    await withSource(kind, async (r) => {
      const chunks = kind.caps.datagrams
        ? ["\n", "\n", "\r\n", "a\r\rb\n", "\n"].map(bytes)
        : [bytes("\n\n\r\na\r\rb\n\n")];
      const got = await send(kind, r, chunks, 5, "empty lines");
      assertEquals(got, ["", "", "\r", "a\r\rb", ""]);
    });
  });

  t(
    "bytes pass through as latin1 code units: invalid UTF-8, NUL, every byte but newline",
    async () => {
      await withSource(kind, async (r) => {
        const all = Array.from({ length: 256 }, (_, i) => i).filter((b) => b !== 10);
        const odd = [
          [0xff, 0xfe, 0x00, 0xc3, 0x28, 0x80],
          [0xe2, 0x82], // a UTF-8 sequence cut short
          [0x68, 0xc3, 0xa9], // valid UTF-8 "hé": two bytes, two code units
          all,
        ];
        const data = odd.map((b) => Uint8Array.from([...b, 10]));
        const chunks = kind.caps.datagrams ? data : [Uint8Array.from(data.flatMap((d) => [...d]))];
        const got = await send(kind, r, chunks, odd.length, "odd bytes");
        assertEquals(got, odd.map(latin1));
      });
    },
  );

  t("a long line arrives whole up to the kind's limit; beyond it, it is cut", async () => {
    await withSource(kind, async (r) => {
      const max = kind.caps.maxLineBytes;
      const whole = Math.min(max ?? 1 << 20, kind.caps.datagrams?.maxBytes ?? Infinity);
      const long = "L".repeat(whole - 1) + "\xe9";
      const lines = [long, "after"];
      if (max !== undefined) lines.push("C".repeat(max) + "cut off", "next");
      const got = await send(kind, r, encodeLines(kind, lines), lines.length, "long lines");
      assertEquals(got.length, lines.length);
      assertEquals([got[0].length, got[0] === long], [whole, true], "the long line");
      assertEquals(got[1], "after");
      if (max !== undefined) {
        assertEquals([got[2].length, got[2] === "C".repeat(max)], [max, true], "the cut line");
        assertEquals(got[3], "next");
      }
    });
  });

  const partial = kind.caps.partialLine;
  t(`a partial last line: ${partial}`, async () => {
    await withSource(kind, async (r) => {
      if (partial === "next-writer") {
        assertEquals(await send(kind, r, [bytes("p1\npart")], 1, "first writer"), ["p1"]);
        assertEquals(await r.quiet(300), [], "the partial line is held");
        assertEquals(await send(kind, r, [bytes("ial\n")], 1, "second writer"), ["partial"]);
      } else {
        // writer-close: the writer closes after "part"; datagram-end: one datagram
        assertEquals(await send(kind, r, [bytes("p1\npart")], 2, "partial"), ["p1", "part"]);
      }
      assertEquals(await r.quiet(100), [], "nothing more");
    });
  });

  if (kind.caps.endsWhenWriterCloses) {
    t("the source finishes once its writer has closed and every line is read", async () => {
      await withSource(kind, async (r, sut) => {
        assertEquals(await send(kind, r, [bytes("one\ntwo\n")], 2, "lines"), ["one", "two"]);
        assert(await r.until(() => sut.source.finished), "not finished after the writer closed");
        assertEquals(sut.source.next(), null);
      });
    });
  } else {
    t("the source goes on after its writer closed: a later writer is read", async () => {
      await withSource(kind, async (r, sut) => {
        assertEquals(await send(kind, r, [bytes("one\n")], 1, "first writer"), ["one"]);
        assertEquals(await r.quiet(100), []);
        assertEquals(sut.source.finished, false);
        assertEquals(await send(kind, r, [bytes("two\n")], 1, "second writer"), ["two"]);
        assertEquals(sut.source.finished, false);
      });
    });
  }

  t("name, context and info: the spec as given ($+{_inputsrc}), the type, the count", async () => {
    await withSource(kind, async (r, sut) => {
      const s = sut.source;
      assertEquals([s.name, s.context], [sut.name, "CTX"]);
      assertEquals(await send(kind, r, [bytes("a\n"), bytes("b\n")], 2, "lines"), ["a", "b"]);
      const info = s.info();
      assertEquals(
        [info.name, info.type, info.context, info.lines],
        [sut.name, kind.caps.type, "CTX", 2],
      );
    }, "CTX");
  });

  const waits = kind.caps.closeWaitsForData === true;
  t(
    waits
      ? "close() releases the descriptors only when the next bytes arrive (known defect); twice is fine"
      : "close() releases every descriptor of the source and may be called twice",
    async () => {
      await withSource(kind, async (r, sut) => {
        // seen at every stage: some kinds hold a descriptor only while reading or connected
        const seen = new Set(sut.descriptors());
        const look = () => sut.descriptors().forEach((d) => seen.add(d));
        // the writer stays open: close() must not depend on it
        const w = await sut.writer();
        try {
          await w.write(bytes("held open\n"));
          look();
          assertEquals(await r.lines(1, "a line"), ["held open"]);
          look();
          assert(
            seen.size > 0,
            "no descriptor of the open source found (the check could not fail)",
          );
          sut.source.close();
          if (waits) {
            assertEquals(await r.quiet(200), []);
            assert(
              sut.descriptors().length > 0,
              "released at once: the defect is fixed, drop closeWaitsForData",
            );
            await w.write(bytes("wakes the pending read\n"));
          }
          const released = await r.until(() => sut.descriptors().length === 0, 5000);
          assert(released, `still open after close(): ${sut.descriptors().join(", ")}`);
          sut.source.close();
          assertEquals(sut.descriptors(), []);
          assertEquals(await r.quiet(50), [], "no line after close()");
        } finally {
          await w.close().catch(() => {});
        }
      });
    },
  );
}
