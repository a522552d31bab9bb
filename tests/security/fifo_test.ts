/**
 * Control FIFO attacks: another user squatting the FIFO path, and `status`
 * replies written outside the FIFO's directory and the --allow-write
 * grants or through symlinks.
 */
import { ok } from "node:assert";
import { SecProcess } from "../helpers/sec_process.ts";

const exists = (p: string) => {
  try {
    Deno.lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

function setup(): { dir: string; args: string[] } {
  const dir = Deno.makeTempDirSync({ prefix: "sec-ts-fifo-" });
  Deno.writeTextFileSync(
    `${dir}/r.sec`,
    "type=single\nptype=substr\npattern=x\ndesc=x\naction=none\n",
  );
  Deno.writeTextFileSync(`${dir}/in.log`, "");
  return { dir, args: [`--conf=${dir}/r.sec`, `--input=${dir}/in.log`] };
}

async function asNobody(cmd: string[]): Promise<void> {
  const r = await new Deno.Command("setpriv", {
    args: ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", ...cmd],
    stderr: "piped",
  }).output();
  ok(r.success, new TextDecoder().decode(r.stderr));
}

Deno.test("a FIFO planted by another user (nobody) at --ctlfifo is refused with a clear message", async () => {
  const { dir, args } = setup();
  const ctl = `${dir}/spool/ctl`;
  Deno.chmodSync(dir, 0o755);
  Deno.mkdirSync(`${dir}/spool`, { mode: 0o777 });
  Deno.chmodSync(`${dir}/spool`, 0o1777);
  await asNobody(["mkfifo", "-m", "600", ctl]);
  const p = new SecProcess([...args, `--ctlfifo=${ctl}`]);
  const code = await p.exit();
  ok(code === 1, `exit ${code}\n${p.stderr}`);
  ok(p.stderr.includes(`${ctl} exists but is owned by uid 65534`), p.stderr);
  ok(p.stderr.includes(`rm ${ctl}`), p.stderr);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("an own FIFO that group or others may write is refused too", async () => {
  const { dir, args } = setup();
  const ctl = `${dir}/ctl`;
  const r = await new Deno.Command("mkfifo", { args: ["-m", "622", ctl] }).output();
  ok(r.success);
  const p = new SecProcess([...args, `--ctlfifo=${ctl}`]);
  const code = await p.exit();
  ok(code === 1, `exit ${code}\n${p.stderr}`);
  ok(p.stderr.includes("mode 0622"), p.stderr);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("status replies: only in the FIFO's directory or --allow-write dirs, atomically, no symlinks", async () => {
  const { dir, args } = setup();
  Deno.mkdirSync(`${dir}/run`);
  Deno.mkdirSync(`${dir}/granted`);
  Deno.mkdirSync(`${dir}/outside`);
  Deno.writeTextFileSync(`${dir}/outside/victim`, "keep\n");
  Deno.symlinkSync(`${dir}/outside/victim`, `${dir}/run/link.json`);
  Deno.symlinkSync(`${dir}/outside`, `${dir}/run/sub`);
  Deno.symlinkSync(`${dir}/outside/victim`, `${dir}/run/planted.json.tmp`);
  const ctl = `${dir}/run/ctl`;
  const p = new SecProcess([...args, `--ctlfifo=${ctl}`, `--allow-write=${dir}/granted`]);
  try {
    await p.waitForLog(`Reading control commands from FIFO ${ctl}`);
    const send = async (line: string) => {
      const f = await Deno.open(ctl, { write: true });
      await f.write(new TextEncoder().encode(line + "\n"));
      f.close();
    };
    for (
      const target of [
        `${dir}/outside/status.json`,
        `${dir}/run/link.json`,
        `${dir}/run/sub/new.json`,
        `${dir}/run/planted.json`,
        `${dir}/run/ok.json`,
        `${dir}/granted/ok.json`,
      ]
    ) await send(`status ${target}`);
    await p.waitFor(() => exists(`${dir}/granted/ok.json`));
    ok(exists(`${dir}/run/ok.json`));
    ok((Deno.statSync(`${dir}/run/ok.json`).mode! & 0o777) === 0o600);
    ok(JSON.parse(Deno.readTextFileSync(`${dir}/run/ok.json`)) !== null);
    ok(!exists(`${dir}/outside/status.json`), p.stderr);
    ok(!exists(`${dir}/outside/new.json`), p.stderr);
    ok(Deno.readTextFileSync(`${dir}/outside/victim`) === "keep\n", "written through a symlink");
    ok(Deno.lstatSync(`${dir}/run/link.json`).isSymlink);
    ok(p.stderr.includes(`Can't write status to ${dir}/outside/status.json: only the control`));
    ok(p.stderr.includes(`Can't write status to ${dir}/run/planted.json`), p.stderr);
  } finally {
    await p.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});
