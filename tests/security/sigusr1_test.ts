/**
 * SIGUSR1 attack: Deno >= 2.9.2 starts a V8 inspector (a debugger anyone
 * on the host can attach to) on SIGUSR1. The agent must write its dump and
 * open no listening socket, run as `deno run -A main.ts` and as the bundle.
 */
import { ok } from "node:assert";
import { SecProcess } from "../helpers/sec_process.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

/** Inodes of the TCP sockets in LISTEN state owned by `pid`. */
function listeningSockets(pid: number): string[] {
  const inodes = new Set<string>();
  for (const e of Deno.readDirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(Deno.readLinkSync(`/proc/${pid}/fd/${e.name}`));
      if (m) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  const found: string[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of Deno.readTextFileSync(table).split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && f[3] === "0A" && inodes.has(f[9])) found.push(`${table} ${f[1]}`);
    }
  }
  return found;
}

async function attack(p: SecProcess, dump: string): Promise<void> {
  await p.waitForLog("Deno permissions revoked");
  // Deno installs its SIGUSR1 inspector listener 500 ms after start.
  await new Promise((r) => setTimeout(r, 1200));
  p.kill("SIGUSR1");
  await p.waitForLog(`Dump to ${dump} completed`);
  await new Promise((r) => setTimeout(r, 500));
  const listening = listeningSockets(p.child.pid);
  ok(!p.stderr.includes("Debugger listening"), p.stderr);
  ok(listening.length === 0, `listening: ${listening.join(", ")}\n${p.stderr}`);
  ok(Deno.statSync(dump).size > 0);
}

function args(dir: string): string[] {
  Deno.writeTextFileSync(
    `${dir}/r.sec`,
    "type=single\nptype=substr\npattern=x\ndesc=x\naction=none\n",
  );
  Deno.writeTextFileSync(`${dir}/in.log`, "");
  return [`--conf=${dir}/r.sec`, `--input=${dir}/in.log`, `--dump=${dir}/dump`];
}

Deno.test("the detector sees Deno's SIGUSR1 inspector in a plain deno process", async () => {
  const dir = Deno.makeTempDirSync();
  const script = `${dir}/plain.ts`;
  Deno.writeTextFileSync(
    script,
    `Deno.addSignalListener("SIGUSR1", () => console.error("usr1"));
     setTimeout(() => {}, 20000);`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", script],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const chunks: string[] = [];
  const reader = (async () => {
    for await (const c of child.stderr.pipeThrough(new TextDecoderStream())) chunks.push(c);
  })();
  await new Promise((r) => setTimeout(r, 1500));
  child.kill("SIGUSR1");
  const stop = performance.now() + 10000;
  let seen: string[] = [];
  while (performance.now() < stop) {
    seen = listeningSockets(child.pid);
    const err = chunks.join("");
    if (seen.length > 0 || err.includes("Failed to start inspector")) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGKILL");
  await child.status;
  await reader;
  // Port 9229 may be held by a parallel test; then Deno says it failed to bind.
  ok(seen.length > 0 || chunks.join("").includes("inspector"), chunks.join(""));
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("SIGUSR1 to `deno run -A main.ts`: dump written, no inspector, no listener", async () => {
  const dir = Deno.makeTempDirSync();
  const p = new SecProcess(args(dir));
  try {
    await attack(p, `${dir}/dump`);
    // children of the agent get an ordinary signal mask
  } finally {
    await p.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("SIGUSR1 to the bundle run with `deno run -A`: dump written, no listener", async () => {
  const dir = Deno.makeTempDirSync();
  const bundle = `${dir}/sec-ts.js`;
  const b = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--platform=deno", "-o", bundle, `${ROOT}main.ts`],
    stdout: "null",
    stderr: "piped",
  }).output();
  ok(b.success, new TextDecoder().decode(b.stderr));
  const p = new SecProcess(args(dir), { main: bundle });
  try {
    await attack(p, `${dir}/dump`);
  } finally {
    await p.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("children started by actions do not inherit the blocked SIGUSR1", async () => {
  const dir = Deno.makeTempDirSync();
  Deno.writeTextFileSync(
    `${dir}/r.sec`,
    `type=single\nptype=substr\npattern=go\ndesc=x\naction=shellcmd grep SigBlk /proc/self/status > ${dir}/blk\n`,
  );
  Deno.writeTextFileSync(`${dir}/in.log`, "go\n");
  const p = new SecProcess([
    `--conf=${dir}/r.sec`,
    `--input=${dir}/in.log`,
    "--allow-run",
    "--fromstart",
  ]);
  try {
    await p.waitFor(() => {
      try {
        return Deno.readTextFileSync(`${dir}/blk`).includes("SigBlk");
      } catch {
        return false;
      }
    });
    ok(/SigBlk:\s*0+\n/.test(Deno.readTextFileSync(`${dir}/blk`)));
  } finally {
    await p.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});
