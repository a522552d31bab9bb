/**
 * sec-ts: SEC, the simple event correlator, in TypeScript on Deno.
 * Entry point: `deno run -A main.ts <SEC options>`; the compiled binary
 * runs the same code.
 *
 * @module
 */
import type { LogTapeLogger } from "./src/runtime/log_setup.ts";
import { guardSigusr1 } from "./src/runtime/sigusr1_guard.ts";
import { forgetHeapSettingsEnv, heapSettingsEnv } from "./src/runtime/v8_heap.ts";

/** Runs sec-ts with the given arguments; returns the exit status. */
export async function main(args: string[]): Promise<number> {
  if (args[0] === "ctl") return await (await import("./src/runtime/ctl.ts")).runCtl(args.slice(1));
  if (args[0] === "test") {
    return await (await import("./src/runtime/rule_tests.ts")).testCommand(args.slice(1));
  }
  // loaded only now: the image that guardSigusr1 replaces loads almost nothing
  const { parseCommandLine, USAGE, UsageError, VERSION_TEXT } = await import(
    "./src/runtime/cli.ts"
  );
  const { runCorrelator } = await import("./src/runtime/app.ts");
  const { LogTapeLogger } = await import("./src/runtime/log_setup.ts");
  const { applyUmask, checkUserGroup, detach, isDetachedCopy, writePidFile } = await import(
    "./src/runtime/process.ts"
  );
  // SECRC names SEC's resource file: its lines are arguments after the command line's
  const { anchorResourceFile, resourceArguments } = await import(
    "./src/runtime/resource_file.ts"
  );
  const rc = resourceArguments();
  if (rc.error !== undefined) console.error(`sec-ts: ${rc.error}`);
  const allArgs = [...args, ...rc.args];
  let opts;
  try {
    opts = parseCommandLine(allArgs);
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
  const refused = checkUserGroup(opts);
  if (refused !== null) {
    console.error(`sec-ts: ${refused}`);
    return 1;
  }
  applyUmask(opts);
  if (opts.detach && !opts.testonly && !isDetachedCopy()) {
    try {
      anchorResourceFile(rc); // the detached copy starts in / and reads SECRC again
      detach(args);
      return 0;
    } catch (e) {
      console.error(`sec-ts: ${(e as Error).message}`);
      return 1;
    }
  }
  let logger: LogTapeLogger;
  try {
    logger = await LogTapeLogger.create({
      log: opts.log,
      syslog: opts.syslog,
      debug: opts.debug,
      testonly: opts.testonly,
    });
  } catch (e) {
    console.error(`sec-ts: ${(e as Error).message}`);
    return 1;
  }
  try {
    if (isDetachedCopy()) logger.log(4, "Changing working directory to /");
    if (!opts.testonly) {
      const pidError = writePidFile(opts);
      if (pidError !== null) {
        logger.log(1, pidError);
        return 1;
      }
    }
    return await runCorrelator(opts, logger, undefined, allArgs, args);
  } finally {
    await logger.close();
  }
}

if (import.meta.main) {
  try {
    // re-executes with SIGUSR1 blocked (Deno's SIGUSR1 debugger stays off) and the heap settings
    guardSigusr1(heapSettingsEnv(Deno.env));
    forgetHeapSettingsEnv();
  } catch (e) {
    console.error(`sec-ts: ${(e as Error).message}`);
    Deno.exit(1);
  }
  Deno.exit(await main(Deno.args));
}
