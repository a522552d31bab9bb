/**
 * Process-level options: --umask, --detach, --pid, --user/--group.
 *
 * - --umask sets the file mode creation mask at startup.
 * - --detach: Deno cannot fork, so the process starts a copy of itself in a
 *   new session (setsid), with standard input, output and error on
 *   /dev/null and the root directory as working directory (as SEC does:
 *   relative file names then refer to "/"), and exits; the copy knows it
 *   is detached from SEC_TS_DETACHED=1 in its environment.
 * - --pid writes the process ID (of the detached copy) to the file.
 * - --user/--group: Deno cannot change its user and group IDs, so sec-ts
 *   accepts them only when it already runs as that user (and group);
 *   otherwise it refuses to start and points to the systemd unit
 *   (systemd/sec@.service: User=, Group=) or another way of starting it as
 *   the wanted user.
 *
 * @module
 */
import { spawn } from "node:child_process";
import process from "node:process";
import { dirname } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import type { SecOptions } from "./cli.ts";

/** Environment variable marking the detached copy. */
export const DETACHED_ENV = "SEC_TS_DETACHED";

/** Sets the umask when --umask was given; returns the old mask. */
export function applyUmask(opts: SecOptions): number | undefined {
  if (opts.umask === undefined) return undefined;
  return process.umask(opts.umask);
}

/** Looks up a user or group in /etc/passwd or /etc/group: [name, id, primary gid]. */
function lookup(file: string, key: string): [string, number, number] | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(file);
  } catch {
    return undefined;
  }
  for (const line of text.split("\n")) {
    const f = line.split(":");
    if (f.length < 3) continue;
    if (f[0] === key || f[2] === key) return [f[0], Number(f[2]), Number(f[3] ?? -1)];
  }
  return undefined;
}

/**
 * Checks --user/--group: null when they are absent or already in effect,
 * else the message to refuse to start with.
 */
export function checkUserGroup(opts: SecOptions): string | null {
  if (opts.user === undefined) return null;
  const advice = "sec-ts cannot switch users itself (Deno has no setuid/setgid); " +
    "start it as that user instead, e.g. with User= and Group= in the systemd unit " +
    "(systemd/sec@.service), or with runuser/setpriv";
  const user = lookup("/etc/passwd", opts.user);
  if (user === undefined) return `--user: unknown user '${opts.user}'`;
  let uid: number, gid: number;
  try {
    uid = Deno.uid() ?? -1;
    gid = Deno.gid() ?? -1;
  } catch {
    return `--user=${opts.user}: ${advice}`;
  }
  if (uid !== user[1]) return `--user=${opts.user}: ${advice}`;
  const wantGroup = opts.group.length > 0 ? lookup("/etc/group", opts.group[0])?.[1] : user[2];
  if (wantGroup === undefined) return `--group: unknown group '${opts.group[0]}'`;
  if (gid !== wantGroup) return `--group=${opts.group[0] ?? wantGroup}: ${advice}`;
  return null;
}

/** Writes the process ID to the --pid file; returns an error message or null. */
export function writePidFile(opts: SecOptions): string | null {
  if (opts.pid === undefined) return null;
  try {
    Deno.writeTextFileSync(opts.pid, `${Deno.pid}\n`);
    return null;
  } catch (e) {
    return `Can't open pidfile ${opts.pid} (${(e as Error).message})`;
  }
}

/** True in the detached copy started by {@link detach}. */
export function isDetachedCopy(): boolean {
  try {
    return Deno.env.get(DETACHED_ENV) === "1";
  } catch {
    return false;
  }
}

/** The deno.json next to or above the main module, if any. */
function findConfig(): string | undefined {
  let dir: string;
  try {
    dir = dirname(fromFileUrl(Deno.mainModule));
  } catch {
    return undefined;
  }
  for (;;) {
    for (const name of ["deno.json", "deno.jsonc"]) {
      try {
        if (Deno.statSync(`${dir}/${name}`).isFile) return `${dir}/${name}`;
      } catch {
        // not here
      }
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * Deno's own flags of this process (between `deno` and the main module), read
 * from /proc/self/cmdline, or undefined when they cannot be told apart from
 * `args`. Config flags are left out (a relative path would not survive the
 * change to /; selfCommand adds an absolute one).
 */
function ownDenoFlags(args: string[]): string[] | undefined {
  let argv: string[];
  try {
    argv = Deno.readTextFileSync("/proc/self/cmdline").split("\0");
  } catch {
    return undefined;
  }
  if (argv[argv.length - 1] === "") argv.pop();
  const n = argv.length - args.length - 1; // index of the main module
  if (n < 1 || args.some((a, i) => argv[n + 1 + i] !== a)) return undefined;
  const flags: string[] = [];
  for (let i = 1; i < n; i++) {
    const f = argv[i];
    if (f === "--config" || f === "-c") i++;
    else if (!f.startsWith("--config=") && !/^-c./.test(f)) flags.push(f);
  }
  return flags;
}

/**
 * The command line that runs this program again with `args`: a compiled
 * binary runs itself; under `deno run` (main.ts or the bundle) Deno is run
 * with this process's own flags (so a launcher's --cached-only,
 * --unstable-net, --no-config carry over) and the main module's absolute path.
 */
export function selfCommand(args: string[]): [string, string[]] {
  const exe = Deno.execPath();
  const main = Deno.mainModule;
  if (Deno.build.standalone || main.includes("deno-compile-") || !main.startsWith("file:")) {
    return [exe, args];
  }
  const flags = ownDenoFlags(args) ?? ["run", "-A"];
  if (!flags.includes("--no-config")) {
    const config = findConfig();
    if (config !== undefined) flags.push("--config", config);
  }
  if ("listenDatagram" in Deno && !flags.includes("--unstable-net")) flags.push("--unstable-net");
  return [exe, [...flags, fromFileUrl(main), ...args]];
}

/**
 * Starts the detached copy (see the module doc) and returns its process ID;
 * the caller then exits. Throws when it cannot be started.
 */
export function detach(args: string[]): number {
  const [cmd, argv] = selfCommand(args);
  const child = spawn(cmd, argv, {
    detached: true,
    stdio: "ignore",
    cwd: "/",
    env: { ...Deno.env.toObject(), [DETACHED_ENV]: "1" },
  });
  child.unref();
  if (child.pid === undefined) throw new Error("could not start the detached process");
  return child.pid;
}
