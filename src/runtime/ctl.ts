/**
 * The control client, `sec-ts ctl [options] COMMAND [ARG]`: writes one
 * command to a running correlator's control FIFO (--ctlfifo) and, for
 * `status` and `dump`, prints the reply.
 *
 * - The FIFO is opened for writing without blocking: when no correlator is
 *   reading it the open fails (ENXIO) and the client says so, instead of
 *   hanging as `echo cmd > fifo` does.
 * - `status`: the client sends `status <fifo dir>/.ctl-<pid>-<random>.json`
 *   (the correlator writes reply files only in the FIFO's own directory or
 *   where --allow-write grants it, atomically: `<file>.tmp`, mode 0600, then
 *   renamed), waits for the file (bounded by --timeout), prints it and
 *   removes it.
 * - `dump`: the client sends `dump` and then `status <reply>`; the
 *   correlator carries out commands in order, so once the status reply is
 *   there the dump is complete. The dump written is the newest file named
 *   by --dump (the correlator's --dump path; default `<fifo dir>/sec.dump`,
 *   as in the systemd units), optionally with the --dumpfts suffix, that did
 *   not exist before; it is printed (and left in place).
 * - Other commands (`softrestart`, `restart`, `reopen`, `debug N`,
 *   `shutdown`) are written and the client exits.
 *
 * @module
 */
import * as fs from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { parseControlLine } from "./control.ts";

/** Default control FIFO: the one of systemd/sec.service. */
export const DEFAULT_FIFO = "/run/sec-ts/control";

/** The `sec-ts ctl` help text. */
export const CTL_USAGE: string = `Usage: sec-ts ctl [options] COMMAND [ARG]

Sends COMMAND to a running sec-ts through its control FIFO (--ctlfifo).

Commands:
  status        print the agent's status (one JSON line)
  dump          write a state dump and print it
  softrestart   reload new and changed rule files, keep state (SIGABRT)
  restart       full restart: reload everything, drop all state (SIGHUP)
  reopen        reopen the log file, close output files (SIGUSR2)
  debug N       set the debug level to N (1..6)
  shutdown      stop the agent (SIGTERM)

Options:
  --fifo=<path>       control FIFO (default ${DEFAULT_FIFO})
  -i, --instance=NAME the FIFO of systemd instance sec@NAME: /run/sec-ts/NAME/control
  --dump=<path>       the agent's --dump file (default: sec.dump beside the FIFO)
  --timeout=<secs>    how long to wait for a reply (default 10)
`;

/** Where ctl writes its output (replaceable in tests). */
export interface CtlIO {
  /** Standard output text. */
  out: (text: string) => void;
  /** Error text (one message). */
  err: (text: string) => void;
}

const defaultIO: CtlIO = {
  out: (t) => Deno.stdout.writeSync(new TextEncoder().encode(t)),
  err: (t) => console.error(t),
};

interface CtlArgs {
  fifo: string;
  dump?: string;
  timeout: number;
  command: string[];
}

/** Parses ctl's arguments; returns an error message for bad ones. */
function parseArgs(args: string[]): CtlArgs | string {
  const a: CtlArgs = { fifo: DEFAULT_FIFO, timeout: 10, command: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const m = /^(--?[a-z?]+)(?:=(.*))?$/s.exec(arg);
    if (m === null || a.command.length > 0) {
      a.command.push(arg);
      continue;
    }
    const name = m[1];
    if (name === "-h" || name === "--help" || name === "-?") return "help";
    const value = (): string | undefined => m[2] ?? args[++i];
    const v = value();
    if (v === undefined || v === "") return `option ${name} needs a value`;
    switch (name) {
      case "--fifo":
        a.fifo = v;
        break;
      case "-i":
      case "--instance":
        if (v.includes("/")) return `an instance name has no '/': '${v}' (use --fifo=PATH)`;
        a.fifo = `/run/sec-ts/${v}/control`;
        break;
      case "--dump":
        a.dump = v;
        break;
      case "--timeout":
        if (!/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0) {
          return `--timeout needs seconds, not '${v}'`;
        }
        a.timeout = Number(v);
        break;
      default:
        return `unknown option ${name}`;
    }
  }
  if (a.command.length === 0) return "no command given";
  return a;
}

/** Writes `text` to the FIFO without blocking; throws Error with a clear message. */
function writeFifo(fifo: string, text: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(fifo);
  } catch {
    throw new Error(`${fifo} does not exist: is sec-ts running with --ctlfifo=${fifo}?`);
  }
  if (!st.isFIFO()) throw new Error(`${fifo} is not a FIFO`);
  let fd: number;
  try {
    fd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ENXIO") throw new Error(`no agent is reading ${fifo}: is sec-ts running?`);
    if (code === "EACCES") throw new Error(`${fifo}: permission denied (run as the agent's user)`);
    throw new Error(`can't open ${fifo}: ${(e as Error).message}`);
  }
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for `file` to exist (bounded); returns its text or null. */
async function waitForFile(file: string, seconds: number): Promise<string | null> {
  const stop = performance.now() + seconds * 1000;
  for (;;) {
    try {
      return Deno.readTextFileSync(file);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    if (performance.now() > stop) return null;
    await sleep(20);
  }
}

/** Dump files for `dump` (the file itself and its --dumpfts variants). */
function dumpFiles(dump: string): Map<string, number> {
  const found = new Map<string, number>();
  const dir = dirname(dump);
  const base = basename(dump);
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return found;
  }
  for (const n of names) {
    if (n !== base && !(n.startsWith(`${base}.`) && /^\d+$/.test(n.slice(base.length + 1)))) {
      continue;
    }
    try {
      found.set(join(dir, n), fs.statSync(join(dir, n)).mtimeMs);
    } catch {
      // gone
    }
  }
  return found;
}

/** Runs `sec-ts ctl args`; returns the exit status (0 ok, 1 failure, 2 usage). */
export async function runCtl(args: string[], io: CtlIO = defaultIO): Promise<number> {
  const a = parseArgs(args);
  if (a === "help") {
    io.out(CTL_USAGE);
    return 0;
  }
  if (typeof a === "string") {
    io.err(`sec-ts ctl: ${a}\n${CTL_USAGE}`);
    return 2;
  }
  const fifo = resolve(a.fifo);
  const word = a.command[0].toLowerCase();
  const line = a.command.join(" ");
  if (/[\r\n]/.test(line)) {
    io.err("sec-ts ctl: a command is one line");
    return 2;
  }
  if (word !== "status" && word !== "dump") {
    // the agent would only log and ignore a bad command: refuse it here, where it is seen
    const parsed = parseControlLine(line);
    if ("error" in parsed) {
      io.err(`sec-ts ctl: ${parsed.error.replace(/^control command/, "command")}\n${CTL_USAGE}`);
      return 2;
    }
  }
  try {
    if (word !== "status" && word !== "dump") {
      writeFifo(fifo, line + "\n");
      return 0;
    }
    if (a.command.length > 1) {
      io.err(`sec-ts ctl: '${word}' takes no argument here (the reply is printed)`);
      return 2;
    }
    const reply = join(
      dirname(fifo),
      `.ctl-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}.json`,
    );
    if (/\s/.test(reply)) throw new Error(`the FIFO's directory has blanks in its name: ${reply}`);
    const dump = resolve(a.dump ?? join(dirname(fifo), "sec.dump"));
    const before = word === "dump" ? dumpFiles(dump) : new Map<string, number>();
    writeFifo(fifo, word === "dump" ? `dump\nstatus ${reply}\n` : `status ${reply}\n`);
    let text: string | null;
    try {
      text = await waitForFile(reply, a.timeout);
    } finally {
      for (const f of [reply, `${reply}.tmp`]) {
        try {
          Deno.removeSync(f);
        } catch {
          // not there
        }
      }
    }
    if (text === null) {
      throw new Error(
        `no reply from the agent within ${a.timeout} s (${reply}); see its log ` +
          `(an agent with --allow-code needs --allow-write=${dirname(fifo)} to reply)`,
      );
    }
    if (word === "status") {
      io.out(text);
      return 0;
    }
    const fresh = [...dumpFiles(dump)].filter(([f, t]) => before.get(f) !== t)
      .sort((x, y) => y[1] - x[1]);
    if (fresh.length === 0) {
      throw new Error(
        `the agent wrote no new dump at ${dump} (see its log; is its --dump ${dump}?)`,
      );
    }
    io.out(Deno.readTextFileSync(fresh[0][0]));
    return 0;
  } catch (e) {
    io.err(`sec-ts ctl: ${(e as Error).message}`);
    return 1;
  }
}
