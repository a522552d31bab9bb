/**
 * sec-ts: SEC, the simple event correlator, in TypeScript on Deno.
 * Entry point: `deno run -A main.ts <SEC options>`; the compiled binary
 * runs the same code.
 *
 * @module
 */
import { parseCommandLine, USAGE, UsageError, VERSION_TEXT } from "./src/runtime/cli.ts";
import { runCorrelator } from "./src/runtime/app.ts";
import { StderrLogger } from "./src/runtime/logger.ts";

/** Runs sec-ts with the given arguments; returns the exit status. */
export async function main(args: string[]): Promise<number> {
  let opts;
  try {
    opts = parseCommandLine(args);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`sec-ts: ${e.message}`);
      return 1;
    }
    throw e;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  if (opts.version) {
    console.log(VERSION_TEXT);
    return 0;
  }
  const logger = new StderrLogger(opts.debug);
  return await runCorrelator(opts, logger);
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
