/**
 * A log writer for rotation tests, run as a process of its own:
 *
 *     deno run -A tests/helpers/rotating_writer.ts <file> <lines> <rate> <rotateEvery> <modes>
 *
 * Appends `lines` lines "L<seq> <padding>" to <file> at about <rate> lines
 * per second, in batches every 10 ms whose writes often end in the middle of
 * a line (the line is finished by the next write). After every
 * <rotateEvery> lines it rotates the file, taking the modes in turn from the
 * comma-separated <modes>:
 * - rename: rename <file> to <file>.<n>, create a new <file> and go on there;
 * - copytruncate: wait until the reader has caught up (lines written after
 *   the reader's last read before the truncation are lost by any
 *   copytruncate reader), copy <file> to <file>.<n>, truncate <file> and
 *   go on writing at once (to the same descriptor, opened for appending).
 *   "Caught up" is 300 ms later, or, with ROTATE_ACK=<path> in the
 *   environment, once <path> holds a line count at least the number of
 *   lines written so far (the writer puts that number in <path>.want and
 *   waits at most 30 s): a test that sees the reader's output answers.
 * - lagrename: rename <file> to <file>.<n> and create a new empty <file> (as
 *   logrotate's `create` does), but go on writing to the renamed file for
 *   ROTATE_LAG_MS milliseconds (environment, default 500; a daemon that
 *   reopens its log on a HUP a moment later), then switch to the new file
 *   (finishing the current line in the old one first).
 * Prints "done <lines>" when finished.
 *
 * @module
 */
import { closeSync, copyFileSync, ftruncateSync, openSync, renameSync, writeSync } from "node:fs";

const LAG_MS = Number(Deno.env.get("ROTATE_LAG_MS") ?? "500");
let lagUntil = 0;

const [file, linesArg, rateArg, everyArg, modesArg] = Deno.args;
const total = Number(linesArg);
const rate = Number(rateArg);
const every = Number(everyArg);
const modes = (modesArg ?? "rename").split(",");
const enc = new TextEncoder();
const open = () => openSync(file, "a");
let fd = open();
let seq = 0;
let carry = "";
let rotations = 0;
const start = performance.now();
const pad = "x".repeat(40);

function writeText(text: string): void {
  const data = enc.encode(text);
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off);
}

/** Waits until the reader has read `lines` lines (see the module doc). */
async function readerCaughtUp(lines: number): Promise<void> {
  const ack = Deno.env.get("ROTATE_ACK");
  if (ack === undefined) return await new Promise((r) => setTimeout(r, 300));
  Deno.writeTextFileSync(`${ack}.want`, String(lines));
  const giveUp = performance.now() + 30000;
  while (performance.now() < giveUp) {
    let got = 0;
    try {
      got = Number(Deno.readTextFileSync(ack));
    } catch {
      // not answered yet
    }
    if (got >= lines) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

while (seq < total) {
  if (lagUntil !== 0 && performance.now() >= lagUntil) {
    if (carry !== "") writeText(carry);
    carry = "";
    closeSync(fd);
    fd = open();
    lagUntil = 0;
  }
  const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
  let batch = carry;
  carry = "";
  let rotate = false;
  while (seq < due) {
    seq++;
    batch += `L${seq} ${pad.slice(0, seq % 40)}\n`;
    if (seq % every === 0 && seq < total && lagUntil === 0) {
      rotate = true;
      break;
    }
  }
  if (!rotate && batch.length > 10 && seq % 3 === 0) {
    // end this write in the middle of a line; the next write finishes it
    const cut = batch.length - 5;
    carry = batch.slice(cut);
    batch = batch.slice(0, cut);
  }
  writeText(batch);
  if (rotate) {
    const mode = modes[rotations % modes.length];
    rotations++;
    if (mode === "lagrename") {
      renameSync(file, `${file}.${rotations}`);
      closeSync(open());
      lagUntil = performance.now() + LAG_MS;
    } else if (mode === "rename") {
      renameSync(file, `${file}.${rotations}`);
      closeSync(fd);
      fd = open();
    } else {
      await readerCaughtUp(seq);
      copyFileSync(file, `${file}.${rotations}`);
      ftruncateSync(fd, 0);
    }
  }
  await new Promise((r) => setTimeout(r, 10));
}
if (carry !== "") writeText(carry);
closeSync(fd);
console.log(`done ${seq}`);
