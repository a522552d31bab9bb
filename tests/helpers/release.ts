/**
 * A built release (tools/release.ts) in a temporary directory, for tests
 * that run sec-ts as installed: the bundle with its launcher, from a
 * directory that holds no source.
 *
 * @module
 */
import * as dgram from "node:dgram";
import { buildRelease, type ReleaseResult } from "../../tools/release.ts";

/**
 * True when the tests run against a compiled binary: SEC_TS_RELEASE_COMPILE=1
 * (this machine) or a target triple. `deno compile` downloads the Deno
 * runtime, so this works only where dl.deno.land is reachable:
 *
 *     SEC_TS_RELEASE_COMPILE=1 deno test -A tests/system/package_test.ts tests/system/systemd_units_test.ts
 */
export const COMPILED: string | undefined = Deno.env.get("SEC_TS_RELEASE_COMPILE") || undefined;

/** Builds a release (bundle, or binary with COMPILED) into a fresh temporary directory. */
export async function tempRelease(tar = false): Promise<ReleaseResult & { out: string }> {
  const out = Deno.makeTempDirSync({ prefix: "sec-ts-release-" });
  const compile = COMPILED === undefined ? undefined : COMPILED === "1" ? true : COMPILED;
  const r = await buildRelease({ out, tar, compile });
  return { ...r, out };
}

/** A free TCP port on 127.0.0.1 (bound, then released). */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** A free UDP port on 127.0.0.1 (bound, then released). */
export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => s.bind(0, "127.0.0.1", resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Runs a program to its end; returns exit code, stdout and stderr. */
export async function runProgram(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; stdin?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(cmd, {
    args,
    cwd: opts.cwd,
    env: opts.env,
    stdin: opts.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (opts.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(opts.stdin));
    await w.close();
  }
  const r = await child.output();
  const dec = new TextDecoder();
  return { code: r.code, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr) };
}

/** Sends lines over one TCP connection to 127.0.0.1:port. */
export async function sendTcp(port: number, lines: string[]): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(lines.map((l) => l + "\n").join("")));
  conn.close();
}

/** Sends one UDP datagram to 127.0.0.1:port. */
export async function sendUdp(port: number, text: string): Promise<void> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((resolve, reject) =>
    s.send(text, port, "127.0.0.1", (e) => e ? reject(e) : resolve())
  );
  s.close();
}
