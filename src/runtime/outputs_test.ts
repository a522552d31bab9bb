/**
 * Output files of the write actions (outputs.ts) on real files: appended
 * to, kept open, buffered until a flush, byte strings written as bytes;
 * owritecl and closef; files that cannot be opened and FIFOs without a
 * reader are logged and skipped.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { MemoryLogger } from "./logger.ts";
import { OutputManager } from "./outputs.ts";
import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { mkfifo } from "../../tests/helpers/inputs.ts";
import { openDescriptors } from "../../tests/helpers/fds.ts";

function withDir(fn: (dir: string, out: OutputManager, log: MemoryLogger) => Promise<void> | void) {
  return async () => {
    const dir = Deno.makeTempDirSync({ prefix: "sec-ts-out-" });
    const log = new MemoryLogger();
    const out = new OutputManager("bytes", log);
    try {
      await fn(dir, out, log);
    } finally {
      out.closeAll();
      Deno.removeSync(dir, { recursive: true });
    }
  };
}

const read = (f: string) => readFileSync(f, "latin1");

Deno.test(
  "write appends to the file, kept open, buffered until flush; bytes stay bytes",
  withDir((dir, out) => {
    const f = `${dir}/out.log`;
    writeFileSync(f, "existing\n");
    out.write(f, "one\n");
    out.write(f, "t\xe9\xff\x00\n"); // a byte string: latin1 code units are bytes
    assertEquals(read(f), "existing\n", "buffered until the flush");
    assertEquals(openDescriptors((t) => t === f).length, 1, "opened once, kept open");
    out.flush();
    assertEquals(read(f), "existing\none\nt\xe9\xff\x00\n");
    assertEquals(out.openFiles(), [f]);
    out.write(f, "x".repeat(70 * 1024) + "\n"); // 64 KiB buffered: flushed at once
    assertEquals(read(f).length, 9 + 4 + 5 + 70 * 1024 + 1);
  }),
);

Deno.test(
  "closef closes the file and the next write opens it again; owritecl comes after what was buffered",
  withDir((dir, out) => {
    const f = `${dir}/out.log`;
    out.write(f, "a\n");
    out.close(f);
    assertEquals([read(f), out.openFiles()], ["a\n", []]);
    assertEquals(openDescriptors((t) => t === f), [], "closef releases the descriptor");
    // the file renamed away (log rotation): the next write creates it anew
    Deno.renameSync(f, `${f}.1`);
    out.write(f, "b\n");
    out.writeOnce(f, "once\n");
    assertEquals(read(f), "b\nonce\n");
    assertEquals(read(`${f}.1`), "a\n");
    out.closeAll();
    assertEquals([out.openFiles(), openDescriptors((t) => t.startsWith(dir))], [[], []]);
  }),
);

Deno.test(
  "a file that cannot be opened or a FIFO without a reader is logged; other writes go on",
  withDir(async (dir, out, log) => {
    out.write(`${dir}/no/such/dir/x`, "lost\n");
    assert(log.text().includes(`Can't open output file ${dir}/no/such/dir/x`), log.text());
    const fifo = `${dir}/fifo`;
    await mkfifo(fifo);
    out.writeOnce(fifo, "nobody reads\n"); // must not block
    assert(log.text().includes(`Can't open output file ${fifo}`), log.text());
    out.write(`${dir}/ok`, "fine\n");
    out.flush();
    assertEquals(read(`${dir}/ok`), "fine\n");
  }),
);

Deno.test(
  "with --allow-write limits, a name outside the grant is refused and not created",
  withDir((dir, out, log) => {
    out.resolveTarget = (name) => name.startsWith(`${dir}/ok/`) ? name : undefined;
    Deno.mkdirSync(`${dir}/ok`);
    out.write(`${dir}/ok/in`, "in\n");
    out.write(`${dir}/out`, "out\n");
    out.flush();
    assertEquals(read(`${dir}/ok/in`), "in\n");
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["ok"]);
    assert(log.text().includes("outside the directories --allow-write grants"), log.text());
  }),
);
