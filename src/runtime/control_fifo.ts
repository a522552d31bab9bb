/**
 * The control FIFO (--ctlfifo=<path>, a sec-ts extension): a named pipe,
 * mode 0600, whose lines are commands for the running correlator, in place
 * of signals (see parseControlLine in control.ts for the commands). It is
 * created at startup, opened read-write so that writers may come and go,
 * and removed at exit when sec-ts created it. An existing FIFO is reused
 * only when it belongs to sec-ts's own user and neither group nor others
 * have any access to it (else another user could have planted it to send
 * commands); any other existing file is an error. What is opened is
 * checked again (fstat), so a swap after the check is refused too.
 * Unknown or malformed commands are logged and ignored.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { type ControlQueue, parseControlLine } from "./control.ts";
import { errorText } from "./input_source.ts";
import { type Logger, LogLevel } from "./logger.ts";

/** Longest command line accepted; longer ones are discarded. */
const MAX_LINE = 4096;

/** Why an existing FIFO may not be used as the control FIFO, or undefined when it may. */
export function fifoProblem(path: string, st: Deno.FileInfo): string | undefined {
  if (!st.isFifo) return `${path} exists and is not a FIFO`;
  const uid = Deno.uid();
  const mode = (st.mode ?? 0) & 0o777;
  if (st.uid !== uid || (mode & 0o077) !== 0) {
    return `${path} exists but is owned by uid ${st.uid} with mode ${
      mode.toString(8).padStart(4, "0")
    }; a control FIFO must belong to uid ${uid} with no group or other access ` +
      `(another user could send commands through it): remove it (rm ${path}) and let sec-ts ` +
      `create it, or make it so (chown ${uid} ${path}; chmod 600 ${path})`;
  }
  return undefined;
}

/**
 * Creates a FIFO at `path` with mode 0600 (via mkfifo(1)); reuses an
 * existing FIFO only when {@link fifoProblem} finds none (else throws its
 * message). Returns true when the FIFO was created here.
 */
export async function makeFifo(path: string): Promise<boolean> {
  let st: Deno.FileInfo | undefined;
  try {
    st = Deno.lstatSync(path);
  } catch {
    // does not exist
  }
  if (st !== undefined) {
    const problem = fifoProblem(path, st);
    if (problem !== undefined) throw new Error(problem);
    return false;
  }
  // mkfifo fails when the path appeared meanwhile (no reuse of a planted file)
  const r = await new Deno.Command("mkfifo", { args: ["-m", "600", "--", path], stderr: "piped" })
    .output();
  if (!r.success) {
    throw new Error(new TextDecoder().decode(r.stderr).trim() || "mkfifo failed");
  }
  return true;
}

/** A running control FIFO. */
export class ControlFifo {
  /** Path of the FIFO. */
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
    const problem = fifoProblem(path, fifo.#file.statSync());
    if (problem !== undefined) {
      fifo.#file.close();
      throw new Error(problem);
    }
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
      this.#logger.log(
        LogLevel.warning,
        `Control FIFO ${this.path}: ${echo(parsed.error)}, ignored`,
      );
      return;
    }
    this.#logger.log(LogLevel.notice, `Control FIFO ${this.path}: command '${echo(line.trim())}'`);
    this.#queue.push(parsed, "control FIFO");
  }
}

/** What the FIFO code echoes of a client's line: at most 200 characters. */
function echo(text: string): string {
  return text.length > 200 ? text.slice(0, 200) + "..." : text;
}
