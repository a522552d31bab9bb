/**
 * The control FIFO (--ctlfifo=<path>, a sec-ts extension): a named pipe,
 * mode 0600, whose lines are commands for the running correlator, in place
 * of signals (see parseControlLine in control.ts for the commands). It is
 * created at startup (an existing FIFO is reused, its mode set to 0600; any
 * other existing file is an error), opened read-write so that writers may
 * come and go, and removed at exit when sec-ts created it. Unknown or
 * malformed commands are logged and ignored.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { type ControlQueue, parseControlLine } from "./control.ts";
import { errorText } from "./input_source.ts";
import { type Logger, LogLevel } from "./logger.ts";

/** Longest command line accepted; longer ones are discarded. */
const MAX_LINE = 4096;

/** Creates a FIFO at `path` with mode 0600 (via mkfifo(1)); reuses an existing FIFO. */
export async function makeFifo(path: string): Promise<boolean> {
  let st: Deno.FileInfo | undefined;
  try {
    st = Deno.lstatSync(path);
  } catch {
    // does not exist
  }
  if (st !== undefined) {
    if (!st.isFifo) throw new Error(`${path} exists and is not a FIFO`);
    Deno.chmodSync(path, 0o600);
    return false;
  }
  const r = await new Deno.Command("mkfifo", { args: ["-m", "600", "--", path], stderr: "piped" })
    .output();
  if (!r.success) {
    throw new Error(new TextDecoder().decode(r.stderr).trim() || "mkfifo failed");
  }
  Deno.chmodSync(path, 0o600);
  return true;
}

/** A running control FIFO. */
export class ControlFifo {
  readonly path: string;
  #queue: ControlQueue;
  #logger: Logger;
  #file: Deno.FsFile | null = null;
  #created = false;
  #closed = false;

  private constructor(path: string, queue: ControlQueue, logger: Logger) {
    this.path = path;
    this.#queue = queue;
    this.#logger = logger;
  }

  /** Creates and opens the FIFO and starts reading commands; throws when it cannot. */
  static async open(path: string, queue: ControlQueue, logger: Logger): Promise<ControlFifo> {
    const fifo = new ControlFifo(path, queue, logger);
    fifo.#created = await makeFifo(path);
    fifo.#file = await Deno.open(path, { read: true, write: true });
    logger.log(LogLevel.notice, `Reading control commands from FIFO ${path}`);
    fifo.#read();
    return fifo;
  }

  /** Stops reading; removes the FIFO if it was created here. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#file?.close();
    } catch {
      // already closed
    }
    if (this.#created) {
      try {
        Deno.removeSync(this.path);
      } catch {
        // already gone
      }
    }
  }

  async #read(): Promise<void> {
    const buf = new Uint8Array(4096);
    let pending = "";
    let skipping = false;
    try {
      while (!this.#closed) {
        const n = await this.#file!.read(buf);
        if (n === null) break;
        pending += Buffer.from(buf.buffer, 0, n).toString("latin1");
        let i;
        while ((i = pending.indexOf("\n")) >= 0) {
          const line = pending.slice(0, i);
          pending = pending.slice(i + 1);
          if (skipping) skipping = false;
          else this.#command(line);
        }
        if (pending.length > MAX_LINE) {
          this.#logger.log(LogLevel.warning, `Control FIFO ${this.path}: overlong line ignored`);
          pending = "";
          skipping = true;
        }
      }
    } catch (e) {
      if (!this.#closed) {
        this.#logger.log(
          LogLevel.error,
          `Error reading control FIFO ${this.path} (${errorText(e)}), no more commands`,
        );
      }
    }
  }

  #command(line: string): void {
    if (line.trim() === "") return;
    const parsed = parseControlLine(line);
    if ("error" in parsed) {
      this.#logger.log(LogLevel.warning, `Control FIFO ${this.path}: ${parsed.error}, ignored`);
      return;
    }
    this.#logger.log(LogLevel.notice, `Control FIFO ${this.path}: command '${line.trim()}'`);
    this.#queue.push(parsed, "control FIFO");
  }
}
