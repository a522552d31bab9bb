/**
 * JavaScript in rules: SEC's calling conventions for eval, call, lcall
 * (-> and :>), PerlFunc patterns and context expressions; shared global
 * state; Perl code rejected at load time with the JavaScript form. Run by a
 * real sec-ts process; the helpers of src/engine/code.ts are tested beside it.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { runSec } from "../helpers/run_sec.ts";

Deno.test("eval, call, lcall -> and :>, shared globals, errors keep the value", async () => {
  const r = await runSec({
    rules: `type=Single
ptype=RegExp
pattern=^go (\\d+) (\\d+)$
varmap=GO; a=1; b=2
continue=TakeNext
desc=go
action=eval %div ( $1 / $2 ); write - div=%div; \\
  eval %f ( (a, b) => Number(a) + Number(b) ); call %sum %f $1 $2; write - sum=%sum; \\
  lcall %len $1$2 -> ( (s) => s.length ); write - len=%len; \\
  lcall %o GO :> ( (e) => { e.seen = "yes"; return e.a + "/" + e.b; } ); write - o=%o; \\
  eval %list ( [1, 2, 3] ); write - list=%list; \\
  assign %keep kept; eval %keep ( undefinedFunction() ); write - keep=%keep; \\
  eval %g ( globalThis.counter = 41 ); lcall %h -> ( () => ++globalThis.counter ); write - h=%h; \\
  call %bad %nosuch; write - bad=%bad

type=Single
ptype=Cached
pattern=GO
desc=cached
action=write - cached seen=$+{seen}
`,
    input: ["go 12 4"],
    args: ["--allow-code"],
  });
  assertEquals(r.stdout.split("\n"), [
    "div=3",
    "sum=16",
    "len=3",
    "o=12/4",
    "list=1",
    "2",
    "3",
    "keep=kept",
    "h=42",
    "bad=",
    "cached seen=yes",
    "",
  ]);
  ok(r.log.includes("Variable '%nosuch' is not a code reference"), r.log);
  ok(r.log.includes("undefinedFunction is not defined"), r.log);
});

Deno.test("PerlFunc: lines and input names as arguments, array -> $1.., object -> names, false -> no match", async () => {
  const r = await runSec({
    rules: `type=Single
ptype=PerlFunc
pattern=(line, src) => { const m = /^user (\\S+) from (\\S+)$/.exec(line); return m ? [m[1], m[2], src] : false; }
desc=$1
action=write - user=$1 host=$2 src=$3

type=Single
ptype=PerlFunc
pattern=(line) => line.startsWith("kv ") ? Object.fromEntries(line.slice(3).split(" ").map((p) => p.split("="))) : 0
desc=kv
action=write - a=$+{a} b=$+{b}

type=Single
ptype=NPerlFunc
pattern=(line) => line.length > 3
desc=short
action=write - short $0
`,
    input: ["user risto from 10.1.1.1", "kv a=1 b=2", "ab"],
    args: ["--allow-code"],
  });
  assertEquals(r.stdout, "user=risto host=10.1.1.1 src=-\na=1 b=2\nshort ab\n");
});

Deno.test("context expressions: -> with parameters, :> with cache entries, = code", async () => {
  const r = await runSec({
    rules: `type=Single
ptype=RegExp
pattern=port (\\d+) user (\\S+)
varmap=P; port=1; user=2
continue=TakeNext
context=$1 -> ( (port) => Number(port) < 1024 )
desc=priv
action=write - privileged $1

type=Single
ptype=Cached
pattern=P
context=P :> ( (e) => e.user === "root" ) && =( "$2".length === 4 )
desc=root
action=write - root on $+{port}
`,
    input: ["port 22 user root", "port 8080 user root", "port 23 user bob"],
    args: ["--allow-code"],
  });
  assertEquals(r.stdout, "privileged 22\nroot on 22\nroot on 8080\nprivileged 23\n");
});

Deno.test("Perl code in a rule is reported at load time with file, line and the JavaScript form", async () => {
  const r = await runSec({
    rules: `type=Single
ptype=SubStr
pattern=x
desc=x
action=lcall %len $1 -> ( sub { return length($_[0]) } )

type=Single
ptype=PerlFunc
pattern=sub { return $_[0] =~ /x/ }
desc=y
action=none
`,
    input: [],
    args: ["--allow-code"],
  });
  ok(
    /rules\.sec:5: .*Perl code \('sub \{'\).*lcall %len \$1 -> \( \(s\) => s\.length \)/.test(
      r.log,
    ),
    r.log,
  );
  ok(/rules\.sec:9: .*Perl code.*pattern=\(line, src\) =>/.test(r.log), r.log);
});

Deno.test("without --allow-code, code is refused at load time", async () => {
  const r = await runSec({
    rules: `type=Single
ptype=SubStr
pattern=x
desc=x
action=eval %a ( 1 + 1 )
`,
    input: [],
  });
  ok(/rules\.sec:5: .*add --allow-code/.test(r.log), r.log);
});
