/**
 * rsyslog and syslog-ng for tests, each with a private configuration in a
 * temporary directory, listening on loopback only (never /dev/log, no
 * system daemon touched). rsyslog is the installed one; syslog-ng is the
 * installed one when there is one, else the copy .ci/fetch-syslog-ng
 * unpacked (Debian's syslog-ng-core conflicts with rsyslog), run with
 * LD_LIBRARY_PATH and --module-path.
 *
 * @module
 */

import { stopChild } from "./child.ts";
const REPO = new URL("../../", import.meta.url).pathname;

/** A running syslog daemon. */
export class SyslogDaemon {
  readonly child: Deno.ChildProcess;
  output = "";
  #done: Promise<void>;

  constructor(cmd: string, args: string[], env: Record<string, string>) {
    this.child = new Deno.Command(cmd, {
      args,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const dec = new TextDecoder();
    const collect = async (s: ReadableStream<Uint8Array>) => {
      for await (const c of s) this.output += dec.decode(c, { stream: true });
    };
    this.#done = Promise.all([collect(this.child.stdout), collect(this.child.stderr)]).then(
      () => {},
    );
  }

  /** SIGTERM, then waits (SIGKILL after 10 s). */
  async stop(): Promise<void> {
    await stopChild(this.child);
    await this.#done;
  }
}

/** Starts rsyslogd in the foreground with `conf` (written to dir/rsyslog.conf). */
export function startRsyslog(dir: string, conf: string): SyslogDaemon {
  Deno.writeTextFileSync(`${dir}/rsyslog.conf`, conf);
  return new SyslogDaemon("rsyslogd", [
    "-n",
    "-f",
    `${dir}/rsyslog.conf`,
    "-i",
    `${dir}/rsyslogd.pid`,
  ], {});
}

/** Where syslog-ng is: [binary, module path, library path] (throws with advice when nowhere). */
export function findSyslogNg(): [string, string | undefined, string | undefined] {
  try {
    if (Deno.statSync("/usr/sbin/syslog-ng").isFile) {
      return ["/usr/sbin/syslog-ng", undefined, undefined];
    }
  } catch {
    // not installed
  }
  const dir = Deno.env.get("SEC_TS_SYSLOG_NG_DIR") ??
    `${Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME")}/.cache`}/sec-ts-syslog-ng`;
  const root = `${dir}/root`;
  try {
    Deno.statSync(`${root}/usr/sbin/syslog-ng`);
  } catch {
    throw new Error(
      `syslog-ng is neither installed nor unpacked in ${dir}: run ${REPO}.ci/fetch-syslog-ng ` +
        "(.ci/run does)",
    );
  }
  const modules = [...Deno.readDirSync(`${root}/usr/lib/syslog-ng`)]
    .filter((e) => e.isDirectory && /^\d+\.\d+$/.test(e.name)).map((e) => e.name)[0];
  const libs = [
    `${root}/usr/lib/syslog-ng`,
    `${root}/usr/lib/x86_64-linux-gnu`,
    `${root}/lib/x86_64-linux-gnu`,
    `${root}/usr/lib/aarch64-linux-gnu`,
    `${root}/lib/aarch64-linux-gnu`,
  ].join(":");
  return [`${root}/usr/sbin/syslog-ng`, `${root}/usr/lib/syslog-ng/${modules}`, libs];
}

/** Starts syslog-ng in the foreground with `conf` (written to dir/syslog-ng.conf). */
export function startSyslogNg(dir: string, conf: string): SyslogDaemon {
  Deno.writeTextFileSync(`${dir}/syslog-ng.conf`, conf);
  const [bin, modules, libs] = findSyslogNg();
  return new SyslogDaemon(bin, [
    "-F",
    "-e",
    "--no-caps",
    "-f",
    `${dir}/syslog-ng.conf`,
    "-R",
    `${dir}/syslog-ng.persist`,
    "-p",
    `${dir}/syslog-ng.pid`,
    "-c",
    `${dir}/syslog-ng.ctl`,
    ...(modules ? [`--module-path=${modules}`] : []),
  ], libs ? { LD_LIBRARY_PATH: libs } : {});
}

/** Sends one message with logger(1) over UDP to 127.0.0.1:port. */
export async function logTo(port: number, message: string, rfc3164 = false): Promise<void> {
  const r = await new Deno.Command("logger", {
    args: [
      "-n",
      "127.0.0.1",
      "-P",
      String(port),
      "-d",
      ...(rfc3164 ? ["--rfc3164"] : []),
      "-t",
      "sshd",
      "--id=4242",
      message,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!r.success) throw new Error(`logger failed: ${new TextDecoder().decode(r.stderr)}`);
}
