import { deepStrictEqual as assertEquals, ok, throws } from "node:assert/strict";
import {
  defaultOptions,
  parseCommandLine,
  parseCommandLineLenient,
  parseInputSpec,
  USAGE,
  UsageError,
  VERSION_TEXT,
} from "./cli.ts";
import { parseExtendedNumber } from "./cli_getopt.ts";

/** The messages a lenient parse produces. */
const warn = (...args: string[]) => parseCommandLineLenient(args).warnings;

/** Asserts parseCommandLine throws a UsageError with exactly `message`. */
function rejects(args: string[], message: string) {
  throws(() => parseCommandLine(args), (e: unknown) => {
    ok(e instanceof UsageError, `expected UsageError, got ${e}`);
    assertEquals(e.message, message);
    return true;
  });
}

Deno.test("defaults are SEC's", () => {
  const o = parseCommandLine([]);
  assertEquals(o, defaultOptions());
  assertEquals(o.conf, []);
  assertEquals(o.input, []);
  assertEquals(o.bufsize, 0);
  assertEquals(o.blocksize, 8192);
  assertEquals(o.pollTimeout, 0.1);
  assertEquals(o.socketTimeout, 60);
  assertEquals(o.cleantime, 1);
  assertEquals(o.evstoresize, 0);
  assertEquals(o.debug, 6);
  assertEquals(o.dump, "/tmp/sec.dump");
  assertEquals(o.jointbuf, undefined);
  assertEquals([o.tail, o.keepopen, o.rwfifo, o.childterm], [true, true, true, true]);
  assertEquals([o.intevents, o.intcontexts, o.fromstart, o.quoting, o.testonly], [
    false,
    false,
    false,
    false,
    false,
  ]);
  assertEquals([o.utf8, o.allowCode, o.allowRun, o.allowWrite, o.allowNet], [
    false,
    false,
    [],
    [],
    [],
  ]);
});

Deno.test("value forms: --opt=v, --opt v, single dash, case-insensitive names", () => {
  const o = parseCommandLine([
    "--conf=a.sec",
    "-conf",
    "b.sec",
    "--CONF=c.sec",
    "--input=-",
    "--bufsize",
    "5",
    "-debug=3",
    "--poll-timeout=.5",
    "--umask=0027",
    "--log",
    "-",
  ]);
  assertEquals(o.conf, ["a.sec", "b.sec", "c.sec"]);
  assertEquals(o.input, [{ pattern: "-" }]);
  assertEquals(o.bufsize, 5);
  assertEquals(o.debug, 3);
  assertEquals(o.pollTimeout, 0.5);
  assertEquals(o.umask, 0o27);
  assertEquals(o.log, "-");
});

Deno.test("a mandatory value is the next argument whatever it looks like", () => {
  const o = parseCommandLine(["--conf", "--notail", "--log", "--"]);
  assertEquals(o.conf, ["--notail"]);
  assertEquals(o.tail, true);
  assertEquals(o.log, "--");
  assertEquals(parseCommandLine(["--debug", "-3", "--debug", "2"]).debug, 2);
  rejects(
    ["--bufsize", "--intevents"],
    'Value "--intevents" invalid for option bufsize (number expected)',
  );
});

Deno.test("abbreviations: unique prefixes, aliases, ambiguity", () => {
  assertEquals(parseCommandLine(["--intev"]).intevents, true);
  assertEquals(parseCommandLine(["--intc"]).intcontexts, true);
  assertEquals(parseCommandLine(["--nota"]).tail, false);
  assertEquals(parseCommandLine(["--no-ta"]).tail, false);
  assertEquals(parseCommandLine(["--nointe"]).intevents, false);
  assertEquals(parseCommandLine(["--bl=100"]).blocksize, 100);
  assertEquals(parseCommandLine(["--us=nobody"]).user, "nobody");
  // prefixes of one option's aliases are not ambiguous
  assertEquals(parseCommandLine(["--time=/bin/true"]).timeoutScript, "/bin/true");
  assertEquals(parseCommandLine(["--h"]).help, true);
  assertEquals(parseCommandLine(["-?"]).help, true);
  assertEquals(parseCommandLine(["--v"]).version, true);
  rejects(
    ["--in=-"],
    "Option in is ambiguous (input, input-timeout, input_timeout, intcontexts, intevents)",
  );
  rejects(["--inp=x"], "Option inp is ambiguous (input, input-timeout, input_timeout)");
  rejects(["--d"], "Option d is ambiguous (debug, detach, dump, dumpfjson, dumpfts)");
  assertEquals(parseCommandLine(["--um=1"]).umask, 1);
  rejects(["--u=1"], "Option u is ambiguous (umask, user, utf8)");
});

Deno.test("synonyms with underscores", () => {
  const o = parseCommandLine([
    "--input_timeout=5",
    "--timeout_script=/bin/true",
    "--reopen_timeout=2",
    "--check_timeout=3",
    "--poll_timeout=0.25",
    "--socket_timeout=7",
  ]);
  assertEquals(
    [o.inputTimeout, o.timeoutScript, o.reopenTimeout, o.checkTimeout, o.pollTimeout],
    [5, "/bin/true", 2, 3, 0.25],
  );
  assertEquals(o.socketTimeout, 7);
});

Deno.test("negations: --noX, --no-X, last one wins", () => {
  assertEquals(parseCommandLine(["--notail"]).tail, false);
  assertEquals(parseCommandLine(["--no-tail", "--tail"]).tail, true);
  assertEquals(parseCommandLine(["--tail", "--notail", "--tail"]).tail, true);
  assertEquals(parseCommandLine(["--intevents", "--nointevents"]).intevents, false);
  assertEquals(parseCommandLine(["--nojointbuf"]).jointbuf, false);
  assertEquals(parseCommandLine(["--jointbuf"]).jointbuf, true);
  assertEquals(
    parseCommandLine(["--nokeepopen", "--norwfifo", "--nochildterm"]).keepopen,
    false,
  );
  assertEquals(parseCommandLine(["--utf8", "--noutf8"]).utf8, false);
  assertEquals(parseCommandLine(["--utf8"]).utf8, true);
  rejects(["--nohelp"], "Unknown option: nohelp");
  rejects(["--noconf"], "Unknown option: noconf");
  rejects(["--no-conf=x"], "Unknown option: no-conf");
  rejects(["--nonotail"], "Unknown option: nonotail");
  rejects(["--notail=1"], "Option notail does not take an argument");
  rejects(["--NOTA=1"], "Option notail does not take an argument");
  rejects(["-?=1"], "Option ? does not take an argument");
});

Deno.test("last value wins for scalar options; lists accumulate", () => {
  const o = parseCommandLine([
    "--debug=3",
    "--debug=5",
    "--log=a",
    "--log=b",
    "--user=u",
    "--group=a",
    "--group=b",
  ]);
  assertEquals([o.debug, o.log, o.group], [5, "b", ["a", "b"]]);
});

Deno.test("number syntax", () => {
  assertEquals(parseCommandLine(["--bufsize=+3"]).bufsize, 3);
  assertEquals(parseCommandLine(["--bufsize=1_000"]).bufsize, 1000);
  assertEquals(parseCommandLine(["--poll-timeout=1e-1"]).pollTimeout, 0.1);
  assertEquals(parseCommandLine(["--poll-timeout=+1"]).pollTimeout, 1);
  assertEquals(parseCommandLine(["--umask=0x17"]).umask, 0x17);
  assertEquals(parseCommandLine(["--umask=0X1F"]).umask, 0x1f);
  assertEquals(parseCommandLine(["--umask=0b000010111"]).umask, 23);
  assertEquals(parseCommandLine(["--umask=23"]).umask, 23);
  assertEquals(parseCommandLine(["--umask=0"]).umask, 0);
  assertEquals(parseExtendedNumber("0777"), 511);
  rejects(["--bufsize=abc"], 'Value "abc" invalid for option bufsize (number expected)');
  rejects(["--bufsize=3.5"], 'Value "3.5" invalid for option bufsize (number expected)');
  rejects(["--bufsize=0x10"], 'Value "0x10" invalid for option bufsize (number expected)');
  rejects(["--bufsize= 3"], 'Value " 3" invalid for option bufsize (number expected)');
  rejects(["--bufs=abc"], 'Value "abc" invalid for option bufsize (number expected)');
  rejects(["--input_t=abc"], 'Value "abc" invalid for option input_timeout (number expected)');
  rejects(
    ["--input-timeout=1.5"],
    'Value "1.5" invalid for option input-timeout (number expected)',
  );
  rejects(
    ["--poll-timeout=5."],
    'Value "5." invalid for option poll-timeout (real number expected)',
  );
  rejects(["--poll=abc"], 'Value "abc" invalid for option poll-timeout (real number expected)');
  rejects(["--umask=08"], 'Value "08" invalid for option umask (extended number expected)');
  rejects(["--umask=0o7"], 'Value "0o7" invalid for option umask (extended number expected)');
  rejects(["--umask=-0x1"], 'Value "-0x1" invalid for option umask (extended number expected)');
});

Deno.test("missing values and unknown options/arguments", () => {
  rejects(["--conf"], "Option conf requires an argument");
  rejects(["--conf="], "Option conf requires an argument");
  rejects(["--bufs"], "Option bufsize requires an argument");
  rejects(["--input-"], "Option input-timeout requires an argument");
  rejects(["--bogus"], "Unknown option: bogus");
  rejects(["--Bogus"], "Unknown option: bogus");
  rejects(["-ab"], "Unknown option: ab");
  rejects(["---conf=x"], "Unknown option: -conf");
  rejects(["--=x"], "Unknown option: =x");
  rejects(["extra"], "Unknown argument: extra");
  rejects(["-"], "Unknown argument: -");
  // after "--" nothing is looked at
  const r = parseCommandLineLenient(["--notail", "--", "--bogus", "x"]);
  assertEquals(r.warnings, []);
  assertEquals(r.rest, ["--bogus", "x"]);
  assertEquals(r.options.tail, false);
});

Deno.test("SEC's range checks (and the bad value falls back to the default)", () => {
  rejects(["--bufsize=-3"], "'--bufsize' option requires a non-negative value");
  rejects(["--debug=9"], "'--debug' option requires a value from range 1..6");
  rejects(["--debug=0"], "'--debug' option requires a value from range 1..6");
  rejects(["--blocksize=0"], "'--blocksize' option requires a positive value");
  rejects(["--socket-timeout=0"], "'--socket-timeout' option requires a positive value");
  rejects(["--umask=512"], "'--umask' option requires a value from range 0..0777");
  rejects(["--input-timeout=3"], "'--input-timeout' option requires the '--timeout-script' option");
  rejects(["--group=x"], "'--group' option requires the '--user' option");
  rejects(["--log", ""], "'--log' option requires a non-empty value");
  rejects(["--conf", ""], "'--conf' option requires a non-empty value");
  const r = parseCommandLineLenient(["--debug=3", "--debug=9", "--debug=abc", "--bufsize=-1"]);
  assertEquals(r.warnings, [
    'Value "abc" invalid for option debug (number expected)',
    "'--bufsize' option requires a non-negative value",
    "'--debug' option requires a value from range 1..6",
  ]);
  assertEquals([r.options.debug, r.options.bufsize], [6, 0]);
  // all problems are reported in SEC's order; good settings survive
  const all = parseCommandLineLenient([
    "--input-timeout=3",
    "--bufsize=-1",
    "--group=x",
    "--umask=-1",
    "--debug=0",
    "--conf=a.sec",
    "--conf",
    "",
    "--notail",
  ]);
  assertEquals(all.warnings, [
    "'--conf' option requires a non-empty value",
    "'--input-timeout' option requires the '--timeout-script' option",
    "'--bufsize' option requires a non-negative value",
    "'--debug' option requires a value from range 1..6",
    "'--group' option requires the '--user' option",
    "'--umask' option requires a value from range 0..0777",
  ]);
  assertEquals(all.options.conf, ["a.sec"]);
  assertEquals(all.options.tail, false);
  assertEquals(all.options.inputTimeout, 0);
  assertEquals(all.options.umask, undefined);
  // zero is fine where SEC allows it
  assertEquals(warn("--bufsize=0", "--cleantime=0", "--input-timeout=0", "--umask=0777"), []);
});

Deno.test("--input: pattern and context, context forces intcontexts", () => {
  assertEquals(parseInputSpec("a=b=c"), { pattern: "a=b", context: "c" });
  assertEquals(parseInputSpec("a=b"), { pattern: "a", context: "b" });
  assertEquals(parseInputSpec("a="), { pattern: "a=" });
  assertEquals(parseInputSpec("a==c"), { pattern: "a=", context: "c" });
  assertEquals(parseInputSpec("=X"), { pattern: "=X" });
  assertEquals(parseInputSpec("-=STDIN"), { pattern: "-", context: "STDIN" });
  assertEquals(parseInputSpec("/var/log/*.log"), { pattern: "/var/log/*.log" });
  const o = parseCommandLine(["--input=-", "--input=app.log=APP", "--nointcontexts"]);
  assertEquals(o.input, [{ pattern: "-" }, { pattern: "app.log", context: "APP" }]);
  assertEquals(o.intcontexts, true);
  assertEquals(parseCommandLine(["--input=-"]).intcontexts, false);
});

Deno.test("sec-ts permissions and --ctlfifo", () => {
  const o = parseCommandLine([
    "--allow-run=/bin/echo,/bin/cat",
    "--allow-run=sh",
    "--allow-write",
    "--allow-net=localhost:514",
    "--ctlfifo=/tmp/ctl",
  ]);
  assertEquals(o.allowRun, ["/bin/echo", "/bin/cat", "sh"]);
  assertEquals(o.allowWrite, true);
  assertEquals(o.allowNet, ["localhost:514"]);
  assertEquals(o.allowCode, false);
  assertEquals(o.ctlfifo, "/tmp/ctl");
  assertEquals(parseCommandLine(["--allow-write=a", "--allow-write"]).allowWrite, true);
  assertEquals(parseCommandLine(["--allow-code"]).allowCode, true);
  const all = parseCommandLine(["--allow-all"]);
  assertEquals([all.allowRun, all.allowWrite, all.allowNet, all.allowCode], [
    true,
    true,
    true,
    true,
  ]);
  // the optional value is only taken with "=": the next argument stays an argument
  rejects(["--allow-run", "prog"], "Unknown argument: prog");
  rejects(["--allow-code=x"], "Option allow-code does not take an argument");
  rejects(
    ["--allow=x"],
    "Option allow is ambiguous (allow-all, allow-code, allow-net, allow-run, allow-write)",
  );
  rejects(["--ctlfifo", ""], "'--ctlfifo' option requires a non-empty value");
});

Deno.test("usage and version texts", () => {
  ok(USAGE.startsWith("Usage: "));
  for (
    const opt of [
      "--conf=",
      "--input=",
      "--intcontexts, --nointcontexts",
      "--help, -?",
      "--allow-run",
      "--utf8",
    ]
  ) {
    ok(USAGE.includes(opt), opt);
  }
  ok(VERSION_TEXT.includes("2.9.4"));
  ok(VERSION_TEXT.startsWith("sec-ts "));
});

/** Every 2.9.4 option name in the manual's SYNOPSIS is known. */
Deno.test("every option of the manual's SYNOPSIS is known", () => {
  const manual = new URL("../../../shared/reference/sec-2.9.4-manual.txt", import.meta.url);
  let text: string;
  try {
    text = Deno.readTextFileSync(manual);
  } catch {
    console.log("manual not found: skipped");
    return;
  }
  const synopsis = text.slice(text.indexOf("SYNOPSIS"), text.indexOf("DESCRIPTION"));
  const names = [...synopsis.matchAll(/--([a-z-]+)/g)].map((m) => m[1]);
  ok(names.length > 40);
  for (const name of names) {
    assertEquals(
      parseCommandLineLenient([`--${name}`, "1"]).warnings.filter((w) =>
        w.startsWith("Unknown option")
      ),
      [],
      name,
    );
  }
});

/**
 * SEC 2.9.4's messages for bad command lines, recorded from the reference
 * (`perl sec --testonly --conf=empty.sec ARGS`, standard error) into
 * tests/fixtures/cli_messages.json; with SEC_REF set to the reference
 * script, they are also recorded anew and compared with the fixture.
 */
Deno.test("command-line messages match SEC 2.9.4's (recorded)", async () => {
  const fixture = new URL("../../tests/fixtures/cli_messages.json", import.meta.url);
  const cases: { args: string[]; stderr: string[] }[] = JSON.parse(
    Deno.readTextFileSync(fixture),
  );
  ok(cases.length >= 6);
  const ref = Deno.env.get("SEC_REF");
  const dir = Deno.makeTempDirSync({ prefix: "clitest" });
  Deno.writeTextFileSync(`${dir}/empty.sec`, "");
  try {
    for (const c of cases) {
      if (ref !== undefined) {
        const out = await new Deno.Command("perl", {
          args: [ref, "--testonly", "--conf=empty.sec", ...c.args],
          cwd: dir,
          stdin: "null",
          stdout: "null",
          stderr: "piped",
        }).output();
        const live = new TextDecoder().decode(out.stderr).split("\n").filter((l) => l !== "");
        assertEquals(live, c.stderr, `fixture out of date for ${c.args.join(" ")}`);
      }
      assertEquals(warn("--conf=empty.sec", ...c.args), c.stderr, c.args.join(" "));
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
