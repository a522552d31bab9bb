/**
 * Builds a sec-ts release: `deno task release [--out=DIR] [--compile[=TARGET]] [--no-tar]`.
 *
 * The release directory `DIR/sec-ts-<version>-<kind>/` (kind: `bundle`, or
 * the compile target) holds `install.sh`, `README.md` and `root/`, a tree to
 * copy onto `/`:
 *
 *     root/usr/local/bin/sec-ts              the compiled binary, or the launcher
 *                                            script running the bundle with Deno
 *     root/usr/local/lib/sec-ts/sec-ts.js    the bundle (one JavaScript file)
 *     root/usr/local/share/man/man1/sec-ts.1 the manual page
 *     root/usr/local/share/doc/sec-ts/       README.md, example rules, logs and
 *                                            rule tests (examples/tests/, for sec-ts test)
 *     root/etc/systemd/system/               sec.service, sec@.service
 *     root/etc/sysusers.d/sec-ts.conf        the service user
 *     root/etc/tmpfiles.d/sec-ts.conf        its directories
 *     root/etc/logrotate.d/sec-ts            rotation, reopening through the control FIFO
 *     root/etc/sec-ts/                       sec.conf, NAME.conf.example, rules/example.sec
 *
 * and `DIR/sec-ts-<version>-<kind>.tar.gz` packs it. Without `--compile` the
 * release runs the bundle with an installed Deno (works everywhere Deno
 * runs). `--compile` builds a self-contained binary for this machine,
 * `--compile=x86_64-unknown-linux-gnu` or `--compile=aarch64-unknown-linux-gnu`
 * cross-compiles; `deno compile` downloads the Deno runtime for the target
 * (dl.deno.land), so that needs network access.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { SEC_TS_VERSION } from "../src/runtime/cli.ts";

/** The repository root (this file is tools/release.ts). */
export const REPO: string = join(dirname(fromFileUrl(import.meta.url)), "..");

/** What to build. */
export interface ReleaseOptions {
  /** Output directory (created). Default: `<repo>/dist`. */
  out?: string;
  /** Compile a binary: true for this machine, or a target triple. Default: bundle + launcher. */
  compile?: true | string;
  /** Also pack a .tar.gz. Default true. */
  tar?: boolean;
}

/** What was built. */
export interface ReleaseResult {
  /** The release directory. */
  dir: string;
  /** The tarball, when packed. */
  tarball?: string;
  /** The bundle inside the release. */
  bundle: string;
  /** The program to run (binary or launcher). */
  program: string;
}

async function run(cmd: string, args: string[], what: string): Promise<void> {
  const r = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  if (!r.success) {
    const err = new TextDecoder().decode(r.stderr).trim();
    throw new Error(`${what} failed (exit ${r.code}):\n${err}`);
  }
}

/** Bundles main.ts into one JavaScript file at `output` (`deno bundle --platform=deno`). */
export async function buildBundle(output: string): Promise<void> {
  Deno.mkdirSync(dirname(output), { recursive: true });
  await run(Deno.execPath(), [
    "bundle",
    "--quiet",
    "--platform=deno",
    "--config",
    join(REPO, "deno.json"),
    "-o",
    output,
    join(REPO, "main.ts"),
  ], "deno bundle");
}

/** Compiles main.ts into a self-contained binary (needs the runtime download). */
export async function buildBinary(output: string, target?: string): Promise<void> {
  Deno.mkdirSync(dirname(output), { recursive: true });
  await run(Deno.execPath(), [
    "compile",
    "--quiet",
    "-A",
    "--unstable-net",
    "--config",
    join(REPO, "deno.json"),
    ...(target ? ["--target", target] : []),
    "--output",
    output,
    join(REPO, "main.ts"),
  ], "deno compile");
}

function copy(from: string, to: string, mode?: number): void {
  Deno.mkdirSync(dirname(to), { recursive: true });
  Deno.copyFileSync(join(REPO, from), to);
  if (mode !== undefined) Deno.chmodSync(to, mode);
}

/** Builds the release (see the module doc). */
export async function buildRelease(opts: ReleaseOptions = {}): Promise<ReleaseResult> {
  const out = opts.out ?? join(REPO, "dist");
  const kind = opts.compile === undefined
    ? "bundle"
    : opts.compile === true
    ? Deno.build.target
    : opts.compile;
  const name = `sec-ts-${SEC_TS_VERSION}-${kind}`;
  const dir = join(out, name);
  try {
    Deno.removeSync(dir, { recursive: true });
  } catch {
    // not there yet
  }
  const root = join(dir, "root");
  const bundle = join(root, "usr/local/lib/sec-ts/sec-ts.js");
  const program = join(root, "usr/local/bin/sec-ts");
  try {
    await buildBundle(bundle);
    if (opts.compile === undefined) copy("packaging/launcher.sh", program, 0o755);
    else await buildBinary(program, opts.compile === true ? undefined : opts.compile);
  } catch (e) {
    Deno.removeSync(dir, { recursive: true }); // no half-built release left behind
    throw e;
  }
  const files: [string, string, number?][] = [
    ["systemd/sec.service", "etc/systemd/system/sec.service"],
    ["systemd/sec@.service", "etc/systemd/system/sec@.service"],
    ["packaging/sysusers.conf", "etc/sysusers.d/sec-ts.conf"],
    ["packaging/tmpfiles.conf", "etc/tmpfiles.d/sec-ts.conf"],
    ["packaging/logrotate.conf", "etc/logrotate.d/sec-ts"],
    ["packaging/sec.conf", "etc/sec-ts/sec.conf"],
    ["packaging/instance.conf.example", "etc/sec-ts/NAME.conf.example"],
    ["rules/example.sec", "etc/sec-ts/rules/example.sec"],
    ["rules/example.sec", "usr/local/share/doc/sec-ts/examples/example.sec"],
    ["rules/example.log", "usr/local/share/doc/sec-ts/examples/example.log"],
    ["README.md", "usr/local/share/doc/sec-ts/README.md"],
    ["packaging/sec-ts.1", "usr/local/share/man/man1/sec-ts.1"],
  ];
  // the README's sshd week example and the rule test folders (links copied as what they point to):
  // `sec-ts test /usr/local/share/doc/sec-ts/examples/tests/*`
  const examples = "usr/local/share/doc/sec-ts/examples";
  for (const f of ["sshd.sec", "sshd-week.log"]) files.push([`rules/${f}`, `${examples}/${f}`]);
  for (const t of Deno.readDirSync(join(REPO, "rules/tests"))) {
    for (const f of Deno.readDirSync(join(REPO, "rules/tests", t.name))) {
      files.push([`rules/tests/${t.name}/${f.name}`, `${examples}/tests/${t.name}/${f.name}`]);
    }
  }
  for (const [from, to, mode] of files) copy(from, join(root, to), mode);
  Deno.chmodSync(join(root, "etc/sec-ts"), 0o750);
  copy("packaging/install.sh", join(dir, "install.sh"), 0o755);
  copy("README.md", join(dir, "README.md"));
  let tarball: string | undefined;
  if (opts.tar !== false) {
    tarball = `${dir}.tar.gz`;
    await run("tar", ["-C", out, "--owner=0", "--group=0", "-czf", tarball, name], "tar");
  }
  return { dir, tarball, bundle, program };
}

if (import.meta.main) {
  const opts: ReleaseOptions = {};
  for (const a of Deno.args) {
    if (a.startsWith("--out=")) opts.out = a.slice(6);
    else if (a === "--compile") opts.compile = true;
    else if (a.startsWith("--compile=")) opts.compile = a.slice(10);
    else if (a === "--no-tar") opts.tar = false;
    else {
      console.error(
        `release: unknown argument ${a}\nusage: deno task release ` +
          "[--out=DIR] [--compile[=x86_64-unknown-linux-gnu|aarch64-unknown-linux-gnu]] [--no-tar]",
      );
      Deno.exit(2);
    }
  }
  try {
    const r = await buildRelease(opts);
    console.log(r.dir);
    if (r.tarball) console.log(r.tarball);
  } catch (e) {
    console.error(`release: ${(e as Error).message}`);
    Deno.exit(1);
  }
}
