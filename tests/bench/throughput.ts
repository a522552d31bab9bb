/**
 * Throughput benchmark (not a test): runs ../shared/bench (the SEC
 * benchmark: same log, same rules as the reference, output hashes to
 * compare) for each ruleset against this checkout.
 *
 *     deno task bench:throughput [LINES] [RULESET...]
 */
const bench = new URL("../../../shared/bench/", import.meta.url).pathname;
const main = new URL("../../main.ts", import.meta.url).pathname;
const lines = Deno.args[0] ?? "1000000";
const sets = Deno.args.length > 1 ? Deno.args.slice(1) : ["small.sec", "medium.sec", "large.sec"];
try {
  Deno.statSync(bench + "run-bench");
} catch {
  console.error(`no benchmark at ${bench}`);
  Deno.exit(1);
}
for (const set of sets) {
  const out = await new Deno.Command(bench + "run-bench", {
    args: [set, lines, "--", Deno.execPath(), "run", "-A", main, "--allow-write=out.log"],
    cwd: bench,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!out.success) Deno.exit(out.code);
}
