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
import { sigusr1Guarded, waitSigusr1 } from "./sigusr1_guard.ts";

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
  let stopped = false;
  const guarded = sigusr1Guarded();
  if (guarded) {
    // SIGUSR1 is blocked (sigusr1_guard.ts): taken by sigwaitinfo, never by a handler.
    (async () => {
      for (;;) {
        await waitSigusr1();
        if (stopped) return;
        queue.push({ kind: "dump" }, "SIGUSR1");
      }
    })();
  }
  for (const [signal, command] of TABLE) {
    if (signal === "SIGINT" && !sigint) continue;
    if (signal === "SIGUSR1" && guarded) continue;
    const handler = () => queue.push({ ...command }, signal);
    try {
      Deno.addSignalListener(signal, handler);
      installed.push([signal, handler]);
    } catch {
      // not supported on this platform
    }
  }
  return () => {
    stopped = true;
    for (const [signal, handler] of installed) {
      try {
        Deno.removeSignalListener(signal, handler);
      } catch {
        // already gone
      }
    }
  };
}
