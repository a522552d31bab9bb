/**
 * Keeps the ceiling benchmark (engine_ceiling.ts) from rotting, without
 * timing anything: its measuring side runs the example ruleset over the
 * example log, reports every line, and writes what a whole run of sec-ts
 * writes.
 *
 * @module
 */
import { deepStrictEqual as assertEquals, match as assertMatch } from "node:assert/strict";

const ceiling = new URL("./engine_ceiling.ts", import.meta.url).pathname;
const main = new URL("../../main.ts", import.meta.url).pathname;
const rules = new URL("../../rules/", import.meta.url).pathname;

Deno.test("bench:ceiling --engine: every line through the engine, the same output as a whole run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sec-ceiling-test-" });
  try {
    // the example ruleset writes to standard output: a whole run's output is compared with
    // the engine's (its actions' standard output goes to this process's, inherited)
    const run = (args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", ...args],
        cwd: dir,
        stdin: "null",
        stdout: "piped",
        stderr: "null",
      }).output();
    const engine = await run([
      ceiling,
      "--engine",
      `${rules}example.sec`,
      "figures",
      `${rules}example.log`,
    ]);
    const whole = await run([
      main,
      `--conf=${rules}example.sec`,
      `--input=${rules}example.log`,
      "--notail",
    ]);
    assertEquals(engine.code, 0);
    const figures = await Deno.readTextFile(`${dir}/figures`);
    assertMatch(figures, /^\d+(\.\d+)? \d+$/);
    const lines = (await Deno.readTextFile(`${rules}example.log`)).split("\n").length - 1;
    assertEquals(Number(figures.split(" ")[1]), lines);
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    assertEquals(text(engine.stdout).split("\n").length, 4, "the example writes 3 lines");
    assertEquals(text(engine.stdout), text(whole.stdout));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
