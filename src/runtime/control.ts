/**
 * Requests from outside the correlator: signals (signals.ts) and control
 * FIFO commands (control_fifo.ts) are queued here as {@link ControlCommand}s
 * and carried out by the main loop between two input lines (lifecycle.ts),
 * as SEC handles caught signals after each line.
 *
 * @module
 */

/** A request to the running correlator. */
export type ControlCommand =
  | { kind: "restart" }
  | { kind: "softrestart" }
  | { kind: "dump" }
  | { kind: "reopen" }
  /** `level` set: `debug N`; else SIGINT: cycle the level `count` times. */
  | { kind: "debug"; level?: number; count?: number }
  | { kind: "shutdown" }
  /** State summary as one JSON line, into `reply` (a file) or the log. */
  | { kind: "status"; reply?: string };

/** A queued command with where it came from ("SIGHUP", "control FIFO"). */
export interface QueuedCommand {
  /** The command. */
  command: ControlCommand;
  /** Its origin, for log messages. */
  via: string;
}

/** Commands waiting for the main loop. */
export class ControlQueue {
  #queue: QueuedCommand[] = [];
  /** Called whenever a command is queued (wakes the main loop). */
  onCommand: (() => void) | undefined;

  /** True when commands are waiting. */
  get pending(): boolean {
    return this.#queue.length > 0;
  }

  /** Queues a command. Consecutive SIGINTs are merged into one with a count. */
  push(command: ControlCommand, via: string): void {
    const last = this.#queue[this.#queue.length - 1];
    if (
      command.kind === "debug" && command.level === undefined && last !== undefined &&
      last.command.kind === "debug" && last.command.level === undefined
    ) {
      last.command.count = (last.command.count ?? 1) + (command.count ?? 1);
    } else {
      this.#queue.push({ command, via });
    }
    this.onCommand?.();
  }

  /** Takes all waiting commands, oldest first. */
  take(): QueuedCommand[] {
    const q = this.#queue;
    this.#queue = [];
    return q;
  }
}

/**
 * Parses a control FIFO line: `restart`, `softrestart`, `dump`, `reopen`,
 * `debug N` (1..6), `shutdown`, `status [reply-file]`. Surrounding blanks
 * are ignored, the command word is case-insensitive. Returns the command or
 * an error message.
 */
export function parseControlLine(line: string): ControlCommand | { error: string } {
  const words = line.trim().split(/\s+/);
  const word = words[0].toLowerCase();
  const args = words.slice(1);
  const noArgs = (c: ControlCommand) =>
    args.length === 0 ? c : { error: `control command '${word}' takes no arguments` };
  switch (word) {
    case "restart":
    case "softrestart":
    case "dump":
    case "reopen":
    case "shutdown":
      return noArgs({ kind: word });
    case "debug": {
      if (args.length !== 1 || !/^[1-6]$/.test(args[0])) {
        return { error: "control command 'debug' needs a level from 1 to 6" };
      }
      return { kind: "debug", level: Number(args[0]) };
    }
    case "status": {
      if (args.length > 1) return { error: "control command 'status' takes at most one file" };
      return args.length === 1 ? { kind: "status", reply: args[0] } : { kind: "status" };
    }
    default:
      return { error: `unknown control command '${line.trim()}'` };
  }
}
