/**
 * Running the script of a SingleWithScript rule with the child process
 * machinery (runtime/children.ts): the command line is run through the
 * shell (shell=yes, when it holds metacharacters) or as its words
 * (shell=no), the names of all existing contexts are written to its
 * standard input, and `onExit` runs with the exit code from the main
 * loop, between events, once the script has ended (SEC checks its
 * children after each event). Running needs --allow-run; a refused
 * script is logged and reported as exit code 1 (action2 then runs).
 *
 * @module
 */
import type { Engine } from "./engine.ts";
import { commandArgv } from "../lang/command_line.ts";
import { deniedMessage } from "./ports.ts";

/** The script to run. */
export interface ScriptSpec {
  /** The command line (match variables substituted), for shell=yes. */
  cmdline?: string;
  /** Program and arguments (split when the rule loaded), for shell=no. */
  argv?: string[];
  /** shell=yes (default) or no. */
  shell?: boolean;
}

/**
 * Starts the script; `onExit(code)` runs later from the main loop. Returns
 * the child's pid, or undefined when it was not started (not permitted,
 * or no child machinery: then `onExit(1)` is called right away).
 */
export function startScript(
  engine: Engine,
  spec: ScriptSpec,
  onExit: (code: number) => void,
): number | undefined {
  const children = engine.ports.children;
  const perms = engine.ports.permissions;
  const argv = spec.shell === false
    ? (spec.argv ?? (spec.cmdline ?? "").split(/\s+/).filter((w) => w !== ""))
    : commandArgv(spec.cmdline ?? spec.argv?.join(" ") ?? "");
  const display = spec.cmdline ?? argv.join(" ");
  if (children === undefined || argv.length === 0) {
    engine.logger.log(2, `Can't run script '${display}'`);
    onExit(1);
    return undefined;
  }
  if (perms !== undefined && !perms.mayRun(argv[0])) {
    engine.logger.log(
      2,
      `${deniedMessage("run", `SingleWithScript: running '${argv[0]}'`, argv[0])} (refused)`,
    );
    onExit(1);
    return undefined;
  }
  const names = [...engine.contexts.names()];
  engine.logger.log(5, `Running script '${display}'`);
  return children.start({
    argv,
    display,
    stdin: names.map((n) => n + "\n").join(""),
    output: "inherit",
    onExit: (e) => onExit(e.code),
  });
}
