/**
 * Permissions: what rules may do beyond matching and keeping state.
 * Everything is denied by default; the command line grants it:
 *
 * - `--allow-run[=prog,...]`: running programs (shellcmd, spawn, pipe,
 *   report, ..., SingleWithScript). A command line that the shell parses
 *   runs `sh`, so it needs `sh` (or all programs) to be allowed.
 * - `--allow-write[=path,...]`: writing files other than standard output
 *   (write, writen, owritecl); a directory allows everything below it.
 * - `--allow-net[=host:port,...]`: network and Unix sockets (tcpsock,
 *   udpsock, ustream, udgram); an entry without a port allows every port
 *   of the host, an entry that is a path allows that Unix socket (or the
 *   sockets below a directory).
 * - `--allow-code`: JavaScript in rules (PerlFunc patterns, eval, call,
 *   lcall, code in context expressions).
 *
 * {@link Permissions} answers the questions; {@link revokeUngranted} backs
 * the answers with Deno's own permission system once the correlator has
 * started, so that code in rules cannot do what the flags do not allow.
 *
 * @module
 */
import * as path from "node:path";
import * as fs from "node:fs";
import type { Permission } from "./cli.ts";
import type { Logger } from "./logger.ts";
import { realGrant, realTarget, within } from "./safe_write.ts";
import type { PermissionPolicy } from "../engine/ports.ts";

export { deniedMessage, flagFor, type PermissionKind } from "../engine/ports.ts";

/** The grants, as parsed from the command line (SecOptions fields). */
export interface PermissionGrants {
  /** --allow-run. */
  allowRun: Permission;
  /** --allow-write. */
  allowWrite: Permission;
  /** --allow-net. */
  allowNet: Permission;
  /** --allow-code. */
  allowCode: boolean;
}

/** Finds an executable by name in PATH, as execvp(3) does; the name itself when not found. */
export function findProgram(name: string, envPath?: string): string {
  if (name.includes("/")) return path.resolve(name);
  const dirs = (envPath ?? safeEnv("PATH") ?? "/usr/local/bin:/usr/bin:/bin").split(":");
  for (const d of dirs) {
    const p = path.resolve(d === "" ? "." : d, name);
    try {
      const st = fs.statSync(p);
      if (st.isFile() && (st.mode & 0o111) !== 0) return p;
    } catch {
      // not here
    }
  }
  return name;
}

function safeEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

function realOrResolved(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** Answers "may the rules do this?" for the command-line grants. */
export class Permissions implements PermissionPolicy {
  /** The grants from the command line. */
  readonly grants: PermissionGrants;
  readonly #run: Set<string> | true;
  readonly #write: string[] | true;
  readonly #net: { hosts: string[]; paths: string[] } | true;

  /** Creates the policy; relative paths in the grants are taken from the current directory. */
  constructor(grants: PermissionGrants) {
    this.grants = grants;
    const r = grants.allowRun;
    if (r === true) this.#run = true;
    else {
      this.#run = new Set<string>();
      for (const e of r) {
        this.#run.add(e);
        this.#run.add(realOrResolved(findProgram(e)));
      }
    }
    const w = grants.allowWrite;
    // grants and targets are compared as real paths: a symlink cannot lead out of a grant
    this.#write = w === true ? true : w.map((e) => realGrant(e));
    const n = grants.allowNet;
    if (n === true) this.#net = true;
    else {
      const hosts: string[] = [];
      const paths: string[] = [];
      for (const e of n) {
        if (e.startsWith("/") || e.startsWith(".")) paths.push(realGrant(e));
        else hosts.push(e.toLowerCase());
      }
      this.#net = { hosts, paths };
    }
  }

  /** True when some program may be run. */
  get anyRun(): boolean {
    return this.#run === true || this.#run.size > 0;
  }

  /** True when some file may be written. */
  get anyWrite(): boolean {
    return this.#write === true || this.#write.length > 0;
  }

  /** True when some socket may be used. */
  get anyNet(): boolean {
    return this.#net === true || this.#net.hosts.length > 0 || this.#net.paths.length > 0;
  }

  /** True when code in rules is allowed. */
  get code(): boolean {
    return this.grants.allowCode;
  }

  /** True when any program at all may be run (no list). */
  get allRun(): boolean {
    return this.#run === true;
  }

  /** May `program` (argv[0] as it will be executed) be run? */
  mayRun(program: string): boolean {
    if (this.#run === true) return true;
    if (this.#run.size === 0) return false;
    if (this.#run.has(program)) return true;
    return this.#run.has(realOrResolved(findProgram(program)));
  }

  /**
   * May the file `name` be written? Standard output ("-") always may. The
   * answer is kept for a second (resolving the real path on every write
   * would cost more than the write).
   */
  mayWrite(name: string): boolean {
    if (name === "-") return true;
    if (this.#write === true) return true;
    const now = Date.now();
    const hit = this.#writeCache.get(name);
    if (hit !== undefined && now - hit.at < 1000) return hit.ok;
    const ok = this.#checkWrite(name, this.#write);
    if (this.#writeCache.size > 1000) this.#writeCache.clear();
    this.#writeCache.set(name, { ok, at: now });
    return ok;
  }

  readonly #writeCache = new Map<string, { ok: boolean; at: number }>();

  #checkWrite(name: string, allowed: string[]): boolean {
    const real = realTarget(name);
    return allowed.some((w) => within(real, w));
  }

  /**
   * The real path to open for writing `name` when the grant is a list and
   * that path lies within it (outputs open it with O_NOFOLLOW); `name`
   * itself when every file may be written; undefined when not allowed.
   */
  writeTarget(name: string): string | undefined {
    if (this.#write === true) return name;
    const real = realTarget(name);
    return this.#write.some((w) => within(real, w)) ? real : undefined;
  }

  /** May a TCP or UDP connection go to `host`:`port`? */
  mayConnect(host: string, port: string | number): boolean {
    if (this.#net === true) return true;
    const h = host.toLowerCase().replace(/^\[(.*)\]$/, "$1");
    for (const e of this.#net.hosts) {
      const m = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(e);
      if (m === null) continue;
      const eh = m[1];
      if (eh !== h) continue;
      if (m[2] === undefined || m[2] === String(port)) return true;
    }
    return false;
  }

  /**
   * The real path to connect to for the Unix socket `name` when sockets
   * are limited and it lies within the grant; `name` when all are allowed;
   * undefined when not allowed.
   */
  unixTarget(name: string): string | undefined {
    if (this.#net === true) return name;
    const p = realTarget(name);
    return this.#net.paths.some((e) => within(p, e)) ? p : undefined;
  }

  /** May the Unix socket `name` be used? */
  mayUnix(name: string): boolean {
    if (this.#net === true) return true;
    const p = realTarget(name);
    return this.#net.paths.some((e) => within(p, e));
  }
}

/** What {@link revokeUngranted} did. */
export interface RevokeResult {
  /** Deno permissions revoked. */
  revoked: string[];
  /** Deno permissions kept although the grant is a list (Deno cannot narrow them after start-up). */
  keptBroad: string[];
}

/** Things the correlator itself still needs after start-up. */
export interface OwnNeeds {
  /** --timeout-script runs a program. */
  timeoutScript?: boolean;
}

/**
 * Revokes the Deno permissions that the grants do not cover, so that code
 * in rules cannot exceed them: `run` unless programs may be run (or a
 * --timeout-script is set), `net` unless sockets may be used, `ffi` and
 * `import` always. `write` is revoked when no file may be written and code
 * in rules is allowed (without code, only the correlator's own actions
 * write, and they check the grants; SEC's own files, the dump file and a
 * reopened log, keep working). Read permission is kept (inputs, rules),
 * and standard output and error are open descriptors that need none.
 *
 * Deno cannot narrow a permission to a list once the process runs, so a
 * grant that is a list keeps the whole Deno permission; the correlator's
 * own checks enforce the list (reported in `keptBroad`).
 */
export function revokeUngranted(
  perms: Permissions,
  own: OwnNeeds = {},
  logger?: Logger,
): RevokeResult {
  const revoked: string[] = [];
  const keptBroad: string[] = [];
  const revoke = (name: "run" | "net" | "write" | "ffi" | "import") => {
    try {
      Deno.permissions.revokeSync({ name });
      revoked.push(name);
    } catch (e) {
      logger?.log(3, `Can't revoke the ${name} permission: ${(e as Error).message}`);
    }
  };
  if (!perms.anyRun && !own.timeoutScript) revoke("run");
  else if (perms.grants.allowRun !== true) keptBroad.push("run");
  if (!perms.anyNet) revoke("net");
  else if (perms.grants.allowNet !== true) keptBroad.push("net");
  if (!perms.anyWrite && perms.code) revoke("write");
  else if (perms.anyWrite && perms.grants.allowWrite !== true) keptBroad.push("write");
  revoke("ffi");
  revoke("import");
  if (perms.code && keptBroad.length > 0) {
    logger?.log(
      3,
      `Permission lists are enforced for actions only: JavaScript in rules may use all of ${
        keptBroad.join(", ")
      }`,
    );
  }
  if (revoked.length > 0) logger?.log(6, `Deno permissions revoked: ${revoked.join(", ")}`);
  return { revoked, keptBroad };
}
