/**
 * Figures of this process from /proc/self for dumps. Deno refuses to open
 * /proc/self files once any permission has been revoked (it asks for all
 * permissions then), so they are taken at start, before the correlator
 * locks itself down: the supplementary groups once (they do not change),
 * and /proc/self/stat is kept open and read again at each use.
 *
 * @module
 */

let stat: Deno.FsFile | undefined;
let groups: number[] = [];

/** Opens what later reads need (call before permissions are revoked); Linux only, harmless elsewhere. */
export function openProcSelf(): void {
  try {
    const m = /^Groups:[ \t]*(.*)$/m.exec(Deno.readTextFileSync("/proc/self/status"));
    if (m !== null) groups = m[1].trim().split(/\s+/).filter((g) => g !== "").map(Number);
  } catch {
    groups = [];
  }
  try {
    stat ??= Deno.openSync("/proc/self/stat");
  } catch {
    stat = undefined;
  }
}

/** The supplementary group IDs of the process, as at start. */
export function supplementaryGroups(): number[] {
  return groups.slice();
}

/** CPU seconds used by the children waited for (cutime, cstime; 100 ticks a second); 0 when unknown. */
export function childCpuSeconds(): { user: number; system: number } {
  if (stat === undefined) return { user: 0, system: 0 };
  try {
    stat.seekSync(0, Deno.SeekMode.Start);
    const buf = new Uint8Array(4096);
    const n = stat.readSync(buf) ?? 0;
    const text = new TextDecoder().decode(buf.subarray(0, n));
    // after "(comm) " comes field 3 (state); cutime and cstime are fields 16 and 17
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { user: Number(f[13]) / 100, system: Number(f[14]) / 100 };
  } catch {
    return { user: 0, system: 0 };
  }
}
