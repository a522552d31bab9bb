/**
 * Named pipes as inputs (input_fifo.ts) through the InputManager: with
 * --rwfifo writers come and go and input never ends; with --norwfifo the
 * pipe is reopened after each writer (--tail) or input ends (--notail).
 */
import { InputManager } from "./inputs.ts";
import { MemoryLogger } from "./logger.ts";
import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { collect, inputOptions as options, mkfifo, sh } from "../../tests/helpers/inputs.ts";

Deno.test("named pipe, --rwfifo: writers come and go, no end of input", async () => {
  const dir = Deno.makeTempDirSync();
  const p = `${dir}/fifo`;
  await mkfifo(p);
  const inputs = new InputManager([{ path: p }], options({ pollTimeout: 0.05 }));
  try {
    await inputs.start();
    await sh(`printf 'a1\\na2\\n' > ${p}`);
    await sh(`printf 'b1\\npart' > ${p}`);
    await sh(`printf 'rest\\n' > ${p}`);
    assertEquals(await collect(inputs, (l) => l.length >= 4), ["a1", "a2", "b1", "partrest"]);
    const info = inputs.info()[0];
    assertEquals([info.type, info.status, info.lines], ["named pipe", "Open", 4]);
  } finally {
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("named pipe, --norwfifo --tail: reopened after each writer, last line delivered", async () => {
  const dir = Deno.makeTempDirSync();
  const p = `${dir}/fifo`;
  await mkfifo(p);
  const logger = new MemoryLogger();
  const inputs = new InputManager(
    [{ path: p }],
    options({ pollTimeout: 0.05, rwfifo: false, logger }),
  );
  try {
    await inputs.start();
    await sh(`printf 'a1\\npart' > ${p}`);
    assertEquals(await collect(inputs, (l) => l.length >= 2), ["a1", "part"]);
    await sh(`printf 'b1\\n' > ${p}`);
    assertEquals(await collect(inputs, (l) => l.length >= 1), ["b1"]);
    const text = logger.text();
    assert(text.includes(`No writers on input pipe ${p}, closing the pipe`), text);
    assert(text.includes(`Reopening input pipe ${p}`), text);
  } finally {
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("named pipe, --norwfifo --notail: input ends when the writer closes", async () => {
  const dir = Deno.makeTempDirSync();
  const p = `${dir}/fifo`;
  await mkfifo(p);
  const inputs = new InputManager([{ path: p }], options({ tail: false, rwfifo: false }));
  try {
    await inputs.start();
    const writer = sh(`printf 'x1\\nx2' > ${p}`);
    const out: string[] = [];
    const stop = performance.now() + 5000;
    for (;;) {
      let l;
      while ((l = inputs.nextLine()) !== null) out.push(l.text);
      if (!await inputs.waitForData(50) || performance.now() > stop) break;
    }
    await writer;
    assertEquals(out, ["x1", "x2"]);
    assert(inputs.ended);
  } finally {
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

/**
 * Closes a FIFO input and opens it again (as dropinput/addinput or a restart
 * with --nokeepopen do) while one writer keeps the pipe open: what that
 * writer sends afterwards must all reach the new input, none the old one.
 */
async function closeAndReopen(rwfifo: boolean): Promise<void> {
  const dir = Deno.makeTempDirSync();
  const p = `${dir}/fifo`;
  await mkfifo(p);
  const opts = () => options({ pollTimeout: 0.05, rwfifo });
  let inputs = new InputManager([{ path: p }], opts());
  let writer: Deno.FsFile | undefined;
  try {
    await inputs.start();
    writer = await Deno.open(p, { write: true });
    const enc = new TextEncoder();
    await writer.write(enc.encode("before\n"));
    assertEquals(await collect(inputs, (l) => l.length >= 1), ["before"]);
    await inputs.close();
    inputs = new InputManager([{ path: p }], opts());
    await inputs.start();
    await writer.write(enc.encode("after 1\nafter 2\n"));
    await writer.write(enc.encode("after 3\nafter 4\n"));
    assertEquals(await collect(inputs, (l) => l.length >= 4), [
      "after 1",
      "after 2",
      "after 3",
      "after 4",
    ]);
  } finally {
    writer?.close();
    await inputs.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("named pipe, --rwfifo: closed and opened again, nothing written in between is lost", () =>
  closeAndReopen(true));

Deno.test("named pipe, --norwfifo: closed and opened again, nothing written in between is lost", () =>
  closeAndReopen(false));
