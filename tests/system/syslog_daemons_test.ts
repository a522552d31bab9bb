/**
 * The README's recipes for running sec-ts beside rsyslog and syslog-ng,
 * against the real daemons (private configurations, loopback only):
 * forwarding to a socket input in the traditional file format, forwarding
 * RFC 5424 to a `?syslog` socket input (newline framing from rsyslog,
 * octet counting from syslog-ng's syslog() driver), and piping to a sec-ts started by
 * the daemon (rsyslog omprog, syslog-ng program()). A rule written for
 * /var/log/syslog lines must match what arrives on every path, and the
 * paths must deliver the same line.
 */
import { deepStrictEqual, ok } from "node:assert";
import { SecProcess } from "../helpers/sec_process.ts";
import { freePort, freeUdpPort, tempRelease } from "../helpers/release.ts";
import {
  logTo,
  startRsyslog,
  startSyslogNg,
  type SyslogDaemon,
} from "../helpers/syslog_daemons.ts";

/** A rule for /var/log/syslog lines from sshd: writes the whole line after `label`. */
function rule(label: string, target: string, context?: string): string {
  return [
    "type=Single",
    "ptype=RegExp",
    "pattern=^[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\S+ sshd\\[4242\\]: recipe (\\S+)$",
    ...(context ? [`context=${context}`] : []),
    `desc=${label} $1`,
    `action=write ${target} ${label} $0`,
    "",
  ].join("\n");
}

interface Setup {
  dir: string;
  program: string;
  out: string;
  sec: SecProcess;
  trad: number;
  proto: number;
}

async function setUp(protoTransport: "tcp" | "udp"): Promise<Setup> {
  const r = await tempRelease();
  const dir = Deno.makeTempDirSync({ prefix: "sec-ts-syslogd-" });
  Deno.writeTextFileSync(
    `${dir}/net.sec`,
    rule("TRAD", "-", "TRAD") + "\n" + rule("PROTO", "-", "PROTO"),
  );
  Deno.writeTextFileSync(`${dir}/pipe.sec`, rule("PIPE", `${dir}/pipe.out`));
  const trad = await freeUdpPort();
  const proto = protoTransport === "tcp" ? freePort() : await freeUdpPort();
  const sec = new SecProcess([
    `--conf=${dir}/net.sec`,
    `--input=udp://127.0.0.1:${trad}=TRAD`,
    `--input=${protoTransport}://127.0.0.1:${proto}?syslog=PROTO`,
  ], { program: r.program, cwd: dir });
  await sec.waitForLog(`Listening on ${protoTransport}://127.0.0.1:${proto}?syslog`);
  return { dir, program: r.program, out: r.out, sec, trad, proto };
}

/** Process IDs whose command line contains `text`. */
function processesWith(text: string): number[] {
  const pids: number[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      if (Deno.readTextFileSync(`/proc/${e.name}/cmdline`).includes(text)) {
        pids.push(Number(e.name));
      }
    } catch {
      // gone
    }
  }
  return pids;
}

/**
 * Stops the daemon; the sec-ts it started must end with it (it reads
 * standard input with --notail and gets EOF or SIGTERM). Returns the
 * leftovers (killed).
 */
async function stopDaemon(s: Setup, daemon: SyslogDaemon): Promise<number[]> {
  await daemon.stop();
  const marker = `--conf=${s.dir}/pipe.sec`;
  const stop = performance.now() + 10000;
  let left = processesWith(marker);
  while (left.length > 0 && performance.now() < stop) {
    await new Promise((r) => setTimeout(r, 50));
    left = processesWith(marker);
  }
  for (const pid of left) Deno.kill(pid, "SIGKILL");
  return left;
}

async function tearDown(s: Setup, daemon: SyslogDaemon | undefined): Promise<void> {
  if (daemon) await stopDaemon(s, daemon);
  await s.sec.stop();
  Deno.removeSync(s.dir, { recursive: true });
  Deno.removeSync(s.out, { recursive: true });
}

/**
 * Logs `recipe wN` to the daemon until the word has come through all three
 * paths (the daemon needs a moment to start); returns the three lines.
 */
async function deliver(
  s: Setup,
  daemon: SyslogDaemon,
  port: number,
  rfc3164: boolean,
): Promise<string[]> {
  const stop = performance.now() + 30000;
  const pipeLines = () => {
    try {
      return Deno.readTextFileSync(`${s.dir}/pipe.out`).split("\n");
    } catch {
      return [];
    }
  };
  for (let n = 1; performance.now() < stop; n++) {
    const word = `w${n}`;
    await logTo(port, `recipe ${word}`, rfc3164);
    const until = performance.now() + 1000;
    while (performance.now() < until) {
      const find = (lines: string[], label: string) =>
        lines.find((l) => l.startsWith(`${label} `) && l.endsWith(`: recipe ${word}`));
      const got = [
        find(s.sec.lines, "TRAD"),
        find(s.sec.lines, "PROTO"),
        find(pipeLines(), "PIPE"),
      ];
      if (got.every((l) => l !== undefined)) return got as string[];
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(
    `lines did not arrive on every path\nsec-ts: ${s.sec.lines.join("\n")}\n` +
      `pipe: ${pipeLines().join("\n")}\ndaemon: ${daemon.output}\nsec-ts log: ${
        s.sec.stderr.slice(-2000)
      }`,
  );
}

/** The three lines without their labels must be one and the same syslog line. */
function sameLine(lines: string[]): void {
  const bare = lines.map((l) => l.slice(l.indexOf(" ") + 1));
  deepStrictEqual(bare[1], bare[0], "?syslog line = traditional format");
  deepStrictEqual(bare[2], bare[0], "piped line = traditional format");
  ok(/^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ sshd\[4242\]: recipe w\d+$/.test(bare[0]), bare[0]);
}

Deno.test("rsyslog: omfwd (traditional format, RFC 5424 to ?syslog over TCP) and omprog", async () => {
  const s = await setUp("tcp");
  let daemon: SyslogDaemon | undefined;
  try {
    const input = await freeUdpPort();
    daemon = startRsyslog(
      s.dir,
      `global(workDirectory="${s.dir}")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="${input}")
module(load="omprog")
# recipe 1: lines as in /var/log/syslog, to a plain socket input
action(type="omfwd" target="127.0.0.1" port="${s.trad}" protocol="udp"
       template="RSYSLOG_TraditionalFileFormat")
# recipe 2: RFC 5424 to a socket input with ?syslog
action(type="omfwd" target="127.0.0.1" port="${s.proto}" protocol="tcp"
       template="RSYSLOG_SyslogProtocol23Format")
# recipe 3: a sec-ts of its own reading standard input
action(type="omprog" template="RSYSLOG_TraditionalFileFormat" signalOnClose="on"
       binary="${s.program} --conf=${s.dir}/pipe.sec --input=- --notail --allow-write=${s.dir}")
`,
    );
    sameLine(await deliver(s, daemon, input, true));
    deepStrictEqual(await stopDaemon(s, daemon), [], "the piped sec-ts ends with rsyslog");
  } finally {
    await tearDown(s, daemon);
  }
});

Deno.test("syslog-ng: network() (traditional template), syslog() to ?syslog over TCP (octet counting), program()", async () => {
  const s = await setUp("tcp");
  let daemon: SyslogDaemon | undefined;
  try {
    const input = await freeUdpPort();
    daemon = startSyslogNg(
      s.dir,
      `@version: 3.38
options { use-dns(no); keep-hostname(yes); stats_freq(0); };
source s_net { syslog(ip("127.0.0.1") port(${input}) transport("udp")); };
# the traditional file format (as in /var/log/syslog)
template t_trad { template("\${DATE} \${HOST} \${MSGHDR}\${MSG}\\n"); };
# recipe 1: lines as in /var/log/syslog, to a plain socket input
destination d_trad { network("127.0.0.1" port(${s.trad}) transport("udp") template(t_trad)); };
# recipe 2: RFC 5424 to a socket input with ?syslog (over TCP, syslog() frames by octet counting)
destination d_proto { syslog("127.0.0.1" port(${s.proto}) transport("tcp")); };
# recipe 3: a sec-ts of its own reading standard input
destination d_pipe {
  program("${s.program} --conf=${s.dir}/pipe.sec --input=- --notail --allow-write=${s.dir}"
          template(t_trad));
};
log { source(s_net); destination(d_trad); destination(d_proto); destination(d_pipe); };
`,
    );
    sameLine(await deliver(s, daemon, input, false));
    deepStrictEqual(await stopDaemon(s, daemon), [], "the piped sec-ts ends with syslog-ng");
  } finally {
    await tearDown(s, daemon);
  }
});
