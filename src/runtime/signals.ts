/**
 * SEC's signals (SIGNALS section), turned into control commands:
 * SIGHUP full restart, SIGABRT soft restart, SIGUSR1 dump, SIGUSR2 reopen
 * log and output files, SIGINT debug level cycle (only when not running
 * interactively, i.e. standard input is not a terminal, as in SEC; else
 * SIGINT keeps ending the process), SIGTERM graceful shutdown.
 *
 * @module
 */
import type { ControlCommand, ControlQueue } from "./control.ts";

const TABLE: [Deno.Signal, ControlCommand][] = [
  ["SIGHUP", { kind: "restart" }],
  ["SIGABRT", { kind: "softrestart" }],
  ["SIGUSR1", { kind: "dump" }],
  ["SIGUSR2", { kind: "reopen" }],
  ["SIGINT", { kind: "debug" }],
  ["SIGTERM", { kind: "shutdown" }],
];

/** Whether the process runs interactively (standard input is a terminal). */
function interactive(): boolean {
  try {
    return Deno.stdin.isTerminal();
  } catch {
    return false;
  }
}

/**
 * Installs the signal listeners, queuing commands on `queue`. Returns a
 * function that removes them again.
 */
export function installSignalHandlers(
  queue: ControlQueue,
  options: { sigint?: boolean } = {},
): () => void {
  const installed: [Deno.Signal, () => void][] = [];
  const sigint = options.sigint ?? !interactive();
  for (const [signal, command] of TABLE) {
    if (signal === "SIGINT" && !sigint) continue;
    const handler = () => queue.push({ ...command }, signal);
    try {
      Deno.addSignalListener(signal, handler);
      installed.push([signal, handler]);
    } catch {
      // not supported on this platform
    }
  }
  return () => {
    for (const [signal, handler] of installed) {
      try {
        Deno.removeSignalListener(signal, handler);
      } catch {
        // already gone
      }
    }
  };
}
