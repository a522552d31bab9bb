/**
 * Stopping a test's child process: SIGTERM, then SIGKILL when it has not
 * ended after a grace period; resolves when it has exited.
 *
 * @module
 */

/** Sends SIGTERM to `child`, SIGKILL after `graceMs`, and waits for its exit. */
export async function stopChild(child: Deno.ChildProcess, graceMs = 10000): Promise<void> {
  const kill = (signal: Deno.Signal) => {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  };
  kill("SIGTERM");
  const t = setTimeout(() => kill("SIGKILL"), graceMs);
  await child.status;
  clearTimeout(t);
}
