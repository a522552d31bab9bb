/**
 * Options read again at a restart. SEC 2.9.4 reinterprets its command line
 * and resource file options on a full (SIGHUP) and a soft (SIGABRT) restart
 * (SIGNALS, ENVIRONMENT): a resource file ($SECRC) edited since the start
 * can name other rule files and inputs, and the debug level goes back to
 * the --debug value (also after SIGINT changed it).
 *
 * sec-ts takes over the options a running process can change:
 * {@link RESTART_OPTIONS}. The others (permissions, log destinations, the
 * pid file, time and input settings fixed at start ...) keep their start
 * values; when the resource file changes one of them, a warning names it.
 * A resource file that has become unreadable is reported and, as in SEC,
 * the command line's own options remain; one that no longer parses is
 * reported and the current options stay.
 *
 * @module
 */
import { optionName, parseCommandLine, type SecOptions } from "./cli.ts";
import { LogLevel } from "./logger.ts";
import { type ResourceArguments, resourceArguments } from "./resource_file.ts";

/** The options a restart takes from the command line and resource file read again. */
export const RESTART_OPTIONS: readonly (keyof SecOptions)[] = [
  "conf",
  "input",
  "debug",
  "childterm",
  "keepopen",
  "intevents",
  "dump",
  "dumpfts",
  "dumpfjson",
];

/** What reading the options again gave. */
export interface Reinterpreted {
  /** The full argument list now in effect (for dumps); undefined when the options stayed. */
  args?: string[];
  /** What to log (after the debug level is set anew): [level (LogLevel), message]. */
  messages: [number, string][];
}

/**
 * Reads the resource file again and parses it after `commandLine`; copies
 * {@link RESTART_OPTIONS} into `opts` (in place: the running parts share
 * it). `rc` reads the resource file (default: the one $SECRC names).
 */
export function reinterpretOptions(
  opts: SecOptions,
  commandLine: readonly string[],
  rc: () => ResourceArguments = resourceArguments,
): Reinterpreted {
  const messages: [number, string][] = [];
  const file = rc();
  if (file.error !== undefined) messages.push([LogLevel.error, file.error]);
  const args = [...commandLine, ...file.args];
  let next: SecOptions;
  try {
    next = parseCommandLine(args);
  } catch (e) {
    const why = (e as Error).message;
    messages.push([
      LogLevel.error,
      `Can't take options from resource file ${file.file} (${why}), keeping the current ones`,
    ]);
    return { messages };
  }
  const startOnly: string[] = [];
  const target = opts as unknown as Record<string, unknown>;
  const source = next as unknown as Record<string, unknown>;
  const keys = new Set([...Object.keys(source), ...Object.keys(target)]) as Set<keyof SecOptions>;
  for (const key of keys) {
    if (RESTART_OPTIONS.includes(key)) target[key] = source[key];
    // an input with a context turns internal contexts on by itself (inputs.ts does it at restarts)
    else if (key === "intcontexts" && next.input.some((i) => i.context !== undefined)) continue;
    else if (JSON.stringify(target[key]) !== JSON.stringify(source[key])) {
      startOnly.push(optionName(key));
    }
  }
  if (startOnly.length > 0) {
    messages.push([
      LogLevel.warning,
      `Resource file ${file.file} changes ${
        startOnly.join(", ")
      }: taken only when sec-ts starts, the start values stay`,
    ]);
  }
  return { args, messages };
}
