/**
 * From the command line to the InputManager: --input patterns expanded into
 * input specs (socket inputs pass through unexpanded), the InputOptions,
 * and the --timeout-script runner for --input-timeout.
 *
 * @module
 */
import type { TextMode } from "../lang/bytes.ts";
import type { SecOptions } from "./cli.ts";
import { expandGlob } from "./glob.ts";
import type { InputOptions, InputSpec } from "./inputs.ts";
import { isSocketSpec } from "./input_socket.ts";
import { type Logger, LogLevel } from "./logger.ts";

/**
 * Expands the --input patterns. Like SEC, no --input means no input at all
 * (the correlator then only runs its timers until it is stopped).
 */
export function expandInputs(opts: SecOptions): InputSpec[] {
  const specs: InputSpec[] = [];
  for (const i of opts.input) {
    const names = i.pattern === "-" || isSocketSpec(i.pattern)
      ? [i.pattern]
      : expandGlob(i.pattern);
    for (const path of names) specs.push({ path, context: i.context });
  }
  return specs;
}

/** Expands the --conf patterns into file names, in command line order. */
export function expandConf(opts: SecOptions): string[] {
  const names: string[] = [];
  for (const p of opts.conf) names.push(...expandGlob(p));
  return names;
}

/** A file name as a glob pattern that matches only itself. */
export function globLiteral(name: string): string {
  return name.replace(/[\\*?[\]{}~"'\s]/g, "\\$&");
}

/**
 * Runs --timeout-script with arguments `state` (1: no new data for
 * --input-timeout seconds, 0: data again) and the input's name, without a
 * shell, in the background; the exit status is logged when not 0.
 */
export function timeoutScriptRunner(
  script: string,
  logger: Logger,
): (name: string, state: 0 | 1) => void {
  return (name, state) => {
    logger.log(LogLevel.info, `Executing timeout script ${script} ${state} ${name}`);
    try {
      const child = new Deno.Command(script, {
        args: [String(state), name],
        stdin: "null",
        stdout: "inherit",
        stderr: "inherit",
      }).spawn();
      child.status.then((s) => {
        if (s.code !== 0) {
          logger.log(LogLevel.warning, `Timeout script ${script} exited with code ${s.code}`);
        }
      });
    } catch (e) {
      logger.log(LogLevel.error, `Can't run timeout script ${script} (${(e as Error).message})`);
    }
  };
}

/** The InputManager options for the command line. */
export function inputOptions(
  opts: SecOptions,
  mode: TextMode,
  intcontexts: boolean,
  logger: Logger,
): InputOptions {
  const timeout = opts.inputTimeout > 0 && opts.timeoutScript !== undefined;
  return {
    tail: opts.tail,
    fromstart: opts.fromstart,
    textMode: mode,
    intcontexts,
    blocksize: opts.blocksize,
    reopenTimeout: opts.reopenTimeout,
    checkTimeout: opts.checkTimeout,
    pollTimeout: opts.pollTimeout,
    rwfifo: opts.rwfifo,
    logger,
    inputTimeout: timeout ? opts.inputTimeout : 0,
    onInputTimeout: timeout ? timeoutScriptRunner(opts.timeoutScript!, logger) : undefined,
    socketMaxConnections: opts.inputMaxConnections,
    socketIdleTimeout: opts.inputIdleTimeout,
    rotationGrace: opts.rotationGrace,
  };
}
