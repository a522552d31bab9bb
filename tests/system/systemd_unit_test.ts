/**
 * The unit in systemd/ makes a broken rule file's error visible where
 * `journalctl -u sec@x` shows it: its ExecStart line is run the way systemd
 * runs it (specifiers and environment variables expanded, JOURNAL_STREAM
 * naming standard error, a pipe) and the error must come out on standard
 * error with a journald priority prefix.
 *
 * What the test assumes of the unit (kept loose so that the unit can change):
 * - `[Service]` has one ExecStart= (prefixes `-@+!:` allowed); its first
 *   word is the sec-ts launcher (replaced by `deno run -A main.ts`), or
 *   `deno` (then the first `*.ts`/`*.js` word is replaced by main.ts);
 * - specifiers %i %I %n %N %p %P %t %S %L %C %E %h %% are expanded; paths
 *   under /etc, /run, /var (also from %t %S %L %C %E) are moved into a
 *   temporary root, where the Runtime/State/Logs/Cache/ConfigurationDirectory=
 *   directories are created (their variables set as systemd sets them);
 * - every $VAR / ${VAR} in ExecStart gets a test value: names containing
 *   ARGS/OPTS/OPTIONS get `--conf=<broken file> --input=<empty file>`,
 *   CONF/RULES the broken file, INPUT the empty file, others nothing;
 *   EnvironmentFile= files are written (at their moved paths) with them;
 * - any `--conf=` the line itself names gets the broken rule file (a `*` in
 *   its last part becomes `broken`), any plain `--input=` file is created;
 * - User=, Group= and sandboxing options are not applied.
 */
import { ok } from "node:assert";
import * as path from "node:path";

const ROOT = new URL("../..", import.meta.url).pathname;
const MAIN = path.join(ROOT, "main.ts");
const UNIT = path.join(ROOT, "systemd", "sec@.service");
const INSTANCE = "unittest";
const BROKEN = "type=Single\nptype=RegExp\npattern=x\naction=write - x\n";
const ERROR = "keyword 'desc' missing";

/** The [Service] section's settings, continuation lines joined (each key may repeat). */
function parseUnit(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let section = "";
  const lines = text.replace(/\\\n/g, " ").split("\n");
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const sec = /^\[(.*)\]$/.exec(line);
    if (sec) {
      section = sec[1];
      continue;
    }
    if (section !== "Service") continue;
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    out.set(key, [...(out.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return out;
}

/** Splits a command line as systemd does (quotes, backslashes); `$VAR` words marked. */
function splitWords(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length) break;
    let w = "";
    while (i < line.length && !/\s/.test(line[i])) {
      const c = line[i];
      if (c === '"' || c === "'") {
        const end = line.indexOf(c, i + 1);
        w += line.slice(i + 1, end < 0 ? line.length : end);
        i = end < 0 ? line.length : end + 1;
      } else if (c === "\\" && i + 1 < line.length) {
        w += line[i + 1];
        i += 2;
      } else {
        w += c;
        i++;
      }
    }
    words.push(w);
  }
  return words;
}

function varValue(name: string, broken: string, input: string): string {
  if (/ARGS|OPTS|OPTIONS/.test(name)) return `--conf=${broken} --input=${input}`;
  if (/CONF|RULES/.test(name)) return broken;
  if (/INPUT/.test(name)) return input;
  return "";
}

Deno.test("systemd/sec@.service: a broken rule file's error reaches the journal stream", async () => {
  const tmp = Deno.makeTempDirSync({ prefix: "sec-unit-" });
  try {
    const unit = parseUnit(Deno.readTextFileSync(UNIT));
    const move = (p: string) => /^\/(etc|run|var)(\/|$)/.test(p) ? path.join(tmp, p) : p;
    const spec: Record<string, string> = {
      i: INSTANCE,
      I: INSTANCE,
      n: `sec@${INSTANCE}.service`,
      N: `sec@${INSTANCE}`,
      p: "sec",
      P: "sec",
      t: move("/run"),
      S: move("/var/lib"),
      L: move("/var/log"),
      C: move("/var/cache"),
      E: move("/etc"),
      h: path.join(tmp, "home"),
      "%": "%",
    };
    const expand = (s: string) => s.replace(/%(.)/g, (m, c) => spec[c] ?? m);
    const env: Record<string, string> = {};
    const dirs: [string, string, string][] = [
      ["RuntimeDirectory", "/run", "RUNTIME_DIRECTORY"],
      ["StateDirectory", "/var/lib", "STATE_DIRECTORY"],
      ["LogsDirectory", "/var/log", "LOGS_DIRECTORY"],
      ["CacheDirectory", "/var/cache", "CACHE_DIRECTORY"],
      ["ConfigurationDirectory", "/etc", "CONFIGURATION_DIRECTORY"],
    ];
    for (const [key, base, name] of dirs) {
      const made = (unit.get(key) ?? []).flatMap((v) => expand(v).split(/\s+/)).filter((d) => d)
        .map((d) => move(path.join(base, d.split(":")[0])));
      for (const d of made) Deno.mkdirSync(d, { recursive: true });
      if (made.length > 0) env[name] = made.join(":");
    }
    const broken = path.join(tmp, "broken.sec");
    const input = path.join(tmp, "input.log");
    Deno.writeTextFileSync(broken, BROKEN);
    Deno.writeTextFileSync(input, "");
    const exec = unit.get("ExecStart");
    ok(exec !== undefined && exec.length === 1, "one ExecStart=");
    const line = expand(exec[0].replace(/^[-@+!:]+/, ""));
    const referenced = [...line.matchAll(/\$\{(\w+)\}|\$(\w+)/g)].map((m) => m[1] ?? m[2]);
    for (const v of referenced) env[v] = varValue(v, broken, input);
    for (const f of unit.get("EnvironmentFile") ?? []) {
      const file = move(expand(f.replace(/^-/, "")));
      Deno.mkdirSync(path.dirname(file), { recursive: true });
      Deno.writeTextFileSync(
        file,
        referenced.map((v) => `${v}="${env[v]}"\n`).join(""),
      );
    }
    // variables: $VAR alone splits into words, ${VAR} is one word
    const words: string[] = [];
    for (const w of splitWords(line)) {
      const alone = /^\$(\w+)$/.exec(w);
      if (alone) words.push(...(env[alone[1]] ?? "").split(/\s+/).filter((x) => x !== ""));
      else words.push(w.replace(/\$\{(\w+)\}/g, (_m, n) => env[n] ?? ""));
    }
    let argv: string[];
    if (path.basename(words[0]) === "deno") {
      const script = words.findIndex((w) => /\.(ts|js)$/.test(w));
      argv = [Deno.execPath(), ...words.slice(1)];
      if (script > 0) argv[script] = MAIN;
    } else {
      argv = [Deno.execPath(), "run", "-A", MAIN, ...words.slice(1)];
    }
    argv = argv.map((a, i) => {
      if (i === 0) return a;
      const m = /^(--[\w-]+=)(\/.*)$/.exec(a);
      return m ? m[1] + move(m[2]) : move(a);
    });
    for (const a of argv) {
      const conf = /^--conf=(.*)$/.exec(a);
      if (conf && conf[1] !== broken) {
        const dir = path.dirname(conf[1]);
        Deno.mkdirSync(dir, { recursive: true });
        Deno.writeTextFileSync(
          path.join(dir, path.basename(conf[1]).replace("*", "broken")),
          BROKEN,
        );
      }
      const inp = /^--input=([^:*?[]+)$/.exec(a);
      if (inp && inp[1] !== "-") {
        Deno.mkdirSync(path.dirname(inp[1]), { recursive: true });
        Deno.writeTextFileSync(inp[1], "", { append: true });
      }
    }
    const child = new Deno.Command("sh", {
      args: [
        "-c",
        'JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2); export JOURNAL_STREAM; exec "$@"',
        "sh",
        ...argv,
      ],
      cwd: "/",
      env: { ...env, INVOCATION_ID: "0123456789abcdef0123456789abcdef" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let stderr = "";
    const dec = new TextDecoder();
    const reading = (async () => {
      for await (const chunk of child.stderr) stderr += dec.decode(chunk, { stream: true });
    })();
    const stdout = new Response(child.stdout).text();
    const stop = performance.now() + 20000;
    while (!stderr.includes(ERROR) && performance.now() < stop) {
      await new Promise((r) => setTimeout(r, 50));
      if (await Promise.race([child.status.then(() => true), Promise.resolve(false)])) break;
    }
    try {
      child.kill("SIGTERM");
    } catch {
      // exited already
    }
    await child.status;
    await reading;
    await stdout;
    const hit = stderr.split("\n").find((l) => l.includes(ERROR));
    ok(hit !== undefined, `no rule error on standard error:\n${stderr}\nargv: ${argv.join(" ")}`);
    ok(/^<3>/.test(hit), `no journald priority prefix: ${hit}`);
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});
