/**
 * The process actions on a real sec-ts process with real children:
 * shellcmd, spawn, cspawn, cmdexec, spawnexec, cspawnexec, pipe,
 * pipeexec, report, reportexec; output turned into events, exit codes
 * logged, a slow child not blocking, --childterm, --quoting.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { runSec } from "../helpers/run_sec.ts";

function lines(text: string): string[] {
  return text.split("\n").filter((l) => l !== "");
}

function read(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "<missing>";
  }
}

/** True when the process exists and is not a zombie (nothing may reap orphans in a container). */
function running(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

async function waitForFile(path: string, ms = 5000): Promise<string> {
  const end = performance.now() + ms;
  for (;;) {
    const t = read(path);
    if (t !== "<missing>" && t.endsWith("\n")) return t;
    if (performance.now() > end) return t;
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test("spawn, spawnexec, cspawn, cspawnexec: output lines become synthetic events", async () => {
  const r = await runSec({
    rules: `type=Single
ptype=RegExp
pattern=^go (\\S+)
desc=go $1
action=spawn (echo sp-$1; echo sp2-$1); spawnexec /bin/echo spx-$1; \\
  cspawn CTXA echo csp-$1; cspawnexec CTXB /bin/echo cspx-$1

type=Single
ptype=RegExp
pattern=^(sp|sp2|spx|csp|cspx)-(\\S+)$
desc=child
action=write - event $0 context $+{_intcontext}
`,
    input: ["go A"],
    args: ["--intcontexts", "--allow-run"],
    linger: 1.5,
  });
  assertEquals(lines(r.stdout).sort(), [
    "event csp-A context CTXA",
    "event cspx-A context CTXB",
    "event sp-A context _INTERNAL_EVENT",
    "event sp2-A context _INTERNAL_EVENT",
    "event spx-A context _INTERNAL_EVENT",
  ]);
  // the two lines of one child keep their order
  const out = lines(r.stdout);
  ok(
    out.indexOf("event sp-A context _INTERNAL_EVENT") <
      out.indexOf("event sp2-A context _INTERNAL_EVENT"),
  );
  ok(r.log.includes("Spawning shell command 'echo sp-A; echo sp2-A'"), r.log);
});

Deno.test("shellcmd and cmdexec run programs; cmdexec keeps a match value as one argument", async () => {
  const dir = Deno.makeTempDirSync();
  Deno.writeTextFileSync(`${dir}/args.sh`, '#!/bin/sh\necho "$#:$1" >> args.out\n');
  Deno.chmodSync(`${dir}/args.sh`, 0o755);
  const r = await runSec({
    dir,
    rules: `type=Single
ptype=RegExp
pattern=^go (.+)$
desc=go
action=shellcmd (echo "shell $1" > shell.out); cmdexec ./args.sh $1
`,
    input: ["go a b c"],
    args: ["--allow-run"],
    linger: 1,
  });
  assertEquals(r.code, 0, r.log);
  assertEquals(await waitForFile(`${dir}/shell.out`), "shell a b c\n");
  assertEquals(await waitForFile(`${dir}/args.out`), "1:a b c\n");
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("pipe, pipeexec, report, reportexec feed standard input; without a command line they write to standard output", async () => {
  const dir = Deno.makeTempDirSync();
  const r = await runSec({
    dir,
    rules: `type=Single
ptype=RegExp
pattern=^go (\\S+)
desc=desc $1
action=pipe 'piped $1' cat > pipe.out; \\
  create R; add R r1; add R r2 $1; report R cat > report.out; \\
  pipe 'to stdout $1'; report R; report NOSUCH cat > nosuch.out
`,
    input: ["go X"],
    args: ["--allow-run"],
    linger: 1,
  });
  assertEquals(r.stdout, "to stdout X\nr1\nr2 X\n");
  assertEquals(await waitForFile(`${dir}/pipe.out`), "piped X\n");
  assertEquals(await waitForFile(`${dir}/report.out`), "r1\nr2 X\n");
  assertEquals(read(`${dir}/nosuch.out`), "<missing>");
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("pipeexec and reportexec run without a shell", async () => {
  const dir = Deno.makeTempDirSync();
  Deno.writeTextFileSync(`${dir}/store.sh`, '#!/bin/sh\ncat > "$1"\n');
  Deno.chmodSync(`${dir}/store.sh`, 0o755);
  await runSec({
    dir,
    rules: `type=Single
ptype=RegExp
pattern=^go (.+)$
desc=desc $1
action=pipeexec '%s' ./store.sh $1.p; create R; add R line1; add R line2; reportexec R ./store.sh $1.r
`,
    input: ["go a;b"],
    args: ["--allow-run"],
    linger: 1,
  });
  assertEquals(await waitForFile(`${dir}/a;b.p`), "desc a;b\n");
  assertEquals(await waitForFile(`${dir}/a;b.r`), "line1\nline2\n");
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("exit codes other than 0 are logged; a slow child does not block event processing", async () => {
  const t0 = performance.now();
  const r = await runSec({
    rules: `type=Single
ptype=RegExp
pattern=^slow
desc=slow
action=shellcmd sleep 20; shellcmd sh -c 'exit 3'; write - slow started

type=Single
ptype=RegExp
pattern=^next
desc=next
action=write - next seen
`,
    input: ["slow", "next"],
    args: ["--allow-run"],
    linger: 1,
    closeWhen: (log) => log.includes("exitcode 3"),
  });
  assertEquals(r.stdout, "slow started\nnext seen\n");
  ok(performance.now() - t0 < 10000, "waited for the slow child");
  ok(/Child \d+ terminated with non-zero exitcode 3 \( sh -c 'exit 3' \)/.test(r.log), r.log);
});

Deno.test("--childterm (default) terminates children on exit; --nochildterm leaves them", async () => {
  for (const childterm of [true, false]) {
    const dir = Deno.makeTempDirSync();
    await runSec({
      dir,
      rules: `type=Single
ptype=RegExp
pattern=go
desc=go
action=shellcmd (echo $$$$ > child.pid; exec sleep 30 >/dev/null 2>&1)
`,
      input: ["go"],
      args: ["--allow-run", childterm ? "--childterm" : "--nochildterm"],
      linger: 0.2,
      // the child must have started before the exit can end it
      closeWhen: () => read(`${dir}/child.pid`).endsWith("\n"),
    });
    const pid = Number((await waitForFile(`${dir}/child.pid`)).trim());
    ok(pid > 0);
    await new Promise((r) => setTimeout(r, 300));
    const alive = running(pid);
    assertEquals(alive, !childterm, `child alive: ${alive}, --childterm: ${childterm}`);
    if (alive) Deno.kill(pid, "SIGKILL");
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("--quoting: a match value with shell syntax reaches shellcmd as data through %s", async () => {
  const dir = Deno.makeTempDirSync();
  const evil = `'; touch ${dir}/pwned; '`;
  const r = await runSec({
    dir,
    rules: `type=Single
ptype=RegExp
pattern=^user (.*)$
desc=$1
action=shellcmd (printf '%%s\\n' %s > quoted.out); spawn echo %s
`,
    input: [`user ${evil}`],
    args: ["--allow-run", "--quoting"],
    linger: 1,
  });
  assertEquals(await waitForFile(`${dir}/quoted.out`), evil + "\n");
  assertEquals(read(`${dir}/pwned`), "<missing>", "the injected command ran");
  ok(r.code === 0, r.log);
  Deno.removeSync(dir, { recursive: true });
});
