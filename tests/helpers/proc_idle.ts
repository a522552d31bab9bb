/**
 * Waiting for a freshly started process to be ready for input.
 *
 * @module
 */

const sleep = (seconds: number) => new Promise((r) => setTimeout(r, seconds * 1000));

/**
 * Waits until process `pid` has started up and waits for input: it used no
 * CPU time (all its threads, /proc/PID/stat) between two looks 60 ms apart
 * while its main thread slept, or it has ended; at most `limit` seconds.
 * Under a loaded parallel run a start-up can take seconds; lines fed during
 * it reach the correlator all at once, after any pause or linger the caller
 * meant to put between them (a conformance case's `@sleep`, the time a
 * child process gets before standard input closes).
 */
export async function untilIdle(pid: number, limit: number): Promise<void> {
  const deadline = performance.now() + limit * 1000;
  let last = -1;
  while (performance.now() < deadline) {
    let stat: string;
    try {
      stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    } catch {
      return; // ended
    }
    // after "(comm) ": state, then fields 4.. ; utime and stime are fields 14 and 15
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpu = f[0] === "S" ? Number(f[11]) + Number(f[12]) : -1;
    if (cpu >= 0 && cpu === last) return;
    last = cpu;
    await sleep(0.06);
  }
}
