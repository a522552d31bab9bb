/**
 * Paths that symlinks cannot redirect: the real path a write would reach
 * (for permission checks against --allow-write directories and Unix
 * socket grants), whether one path lies within another, and an atomic
 * file replacement that never follows a symlink planted at its temporary
 * name.
 *
 * @module
 */
import * as path from "node:path";
import * as fs from "node:fs";

/**
 * The real path that opening `name` reaches: the real path of the file
 * when it exists (every symlink, also the last component, resolved);
 * otherwise the real path of the longest existing ancestor directory
 * joined with the rest (so a symlinked directory on the way is resolved).
 */
export function realTarget(name: string): string {
  const abs = path.resolve(name);
  let head = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      const real = fs.realpathSync(head);
      return rest.length === 0 ? real : path.join(real, ...rest.reverse());
    } catch {
      const parent = path.dirname(head);
      if (parent === head) return abs;
      rest.push(path.basename(head));
      head = parent;
    }
  }
}

/** The real path of a grant (a directory or file named on the command line). */
export function realGrant(grant: string): string {
  return realTarget(grant);
}

/** True when `p` is `dir` or below it (both absolute, normalised). */
export function within(p: string, dir: string): boolean {
  if (p === dir) return true;
  const d = dir.endsWith("/") ? dir : dir + "/";
  return p.startsWith(d);
}

/**
 * Writes `data` to `file` atomically: `file.tmp` is created exclusively
 * (O_CREAT|O_EXCL: an existing file or symlink there makes it fail, no
 * link is followed), mode 0600, written, then renamed over `file` (a
 * symlink at `file` is replaced, not followed). Throws on failure (the
 * temporary file is removed).
 */
export function writeFileAtomic(file: string, data: string): void {
  const tmp = `${file}.tmp`;
  const f = Deno.openSync(tmp, { write: true, createNew: true, mode: 0o600 });
  try {
    try {
      const bytes = new TextEncoder().encode(data);
      for (let off = 0; off < bytes.length;) off += f.writeSync(bytes.subarray(off));
    } finally {
      f.close();
    }
    Deno.renameSync(tmp, file);
  } catch (e) {
    try {
      Deno.removeSync(tmp);
    } catch {
      // already gone
    }
    throw e;
  }
}
