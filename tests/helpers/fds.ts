/**
 * The descriptors this process holds, from /proc (Linux): by link target,
 * and the i-nodes of sockets by local port or Unix path, to tell which
 * descriptors belong to a socket.
 *
 * @module
 */

/** The descriptors of this process whose link target is one of `targets`, as "fd -> target". */
export function openDescriptors(targets: (target: string) => boolean): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync("/proc/self/fd")) {
    try {
      const t = Deno.readLinkSync(`/proc/self/fd/${e.name}`);
      if (targets(t)) out.push(`${e.name} -> ${t}`);
    } catch {
      // closed meanwhile (the directory's own descriptor)
    }
  }
  return out;
}

/** Socket i-nodes from /proc/net/{tcp,tcp6,udp,udp6} whose local port is `port`. */
export function inetSocketInodes(proto: "tcp" | "udp", port: number): Set<string> {
  const out = new Set<string>();
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  for (const f of [proto, `${proto}6`]) {
    let text = "";
    try {
      text = Deno.readTextFileSync(`/proc/net/${f}`);
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      if (cols[1].endsWith(`:${hex}`) && cols[9] !== "0") out.add(cols[9]);
    }
  }
  return out;
}

/** Socket i-nodes from /proc/net/unix bound to `path` (listeners and accepted connections). */
export function unixSocketInodes(path: string): Set<string> {
  const out = new Set<string>();
  for (const line of Deno.readTextFileSync("/proc/net/unix").split("\n").slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length >= 8 && cols[7] === path) out.add(cols[6]);
  }
  return out;
}
