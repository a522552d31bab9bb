/**
 * The actions that run programs: shellcmd, spawn, cspawn, cmdexec,
 * spawnexec, cspawnexec, pipe, pipeexec, report and reportexec (ACTIONS,
 * CHILD PROCESSES). The shell forms hand a command line with shell
 * metacharacters to /bin/sh; the exec forms run the words the rule loader
 * split the command line into. With --quoting, `%s` is single-quoted in
 * shellcmd, spawn and cspawn command lines. Running a program needs
 * --allow-run (checked here against the program actually run: /bin/sh for
 * a shell command line).
 *
 * @module
 */
import { render, type Template } from "../../lang/template.ts";
import { type ActionHandlers, contextByName, type Frame, param } from "./frame.ts";
import { type ActionRuntime, permitted } from "./deps.ts";
import { commandArgv, shellQuote } from "../../lang/command_line.ts";

/** A rendered command: what is run and how it is shown. */
interface Command {
  argv: string[];
  display: string;
  shell: boolean;
}

/** Renders a shell-form command line (quoting %s when asked). */
function shellCommand(f: Frame, t: Template | undefined, quote: boolean): Command {
  const text = t === undefined
    ? ""
    : quote
    ? render(t, (name) => name === "s" ? shellQuote(f.list.desc) : f.lookup(name))
    : param(f, t);
  return { argv: commandArgv(text), display: text, shell: true };
}

/** Renders an exec-form command line: each word the loader split off is one argument. */
function execCommand(f: Frame, args: readonly Template[]): Command {
  const argv = args.map((w) => param(f, w));
  return { argv, display: argv.join(" "), shell: false };
}

function describe(c: Command): string {
  return c.shell ? `shell command '${c.display}'` : `command '${c.display}'`;
}

function allowed(f: Frame, rt: ActionRuntime, c: Command, action: string): boolean {
  if (c.argv.length === 0) {
    f.engine.logger.log(3, `${action}: empty command line, nothing run`);
    return false;
  }
  return permitted(f, rt.permissions, "run", `${action}: running`, c.argv[0]);
}

/** The action types of the process actions. */
export type ProcessActionType =
  | "shellcmd"
  | "cmdexec"
  | "spawn"
  | "spawnexec"
  | "cspawn"
  | "cspawnexec"
  | "pipe"
  | "pipeexec"
  | "report"
  | "reportexec";

/** The process actions (the --allow-run check is in `allowed`, called by each). */
export function processActions(rt: ActionRuntime): Pick<ActionHandlers, ProcessActionType> {
  const log = (f: Frame, level: number, msg: string) => f.engine.logger.log(level, msg);

  const run = (f: Frame, c: Command, action: string) => {
    if (!allowed(f, rt, c, action)) return;
    rt.outputs.flush(); // what was written so far comes before the child's output
    rt.children.start({ argv: c.argv, display: c.display, output: "inherit" });
  };
  const spawn = (f: Frame, c: Command, action: string, context: string | undefined) => {
    if (!allowed(f, rt, c, action)) return;
    rt.children.start({ argv: c.argv, display: c.display, output: "events", context });
  };
  const feed = (f: Frame, c: Command, action: string, data: string) => {
    if (!allowed(f, rt, c, action)) return;
    rt.outputs.flush();
    rt.children.start({ argv: c.argv, display: c.display, output: "inherit", stdin: data });
  };

  /** pipe, pipeexec: the text to the command's standard input (no command: standard output). */
  const pipe = (f: Frame, t: Template | undefined, c: Command, action: string) => {
    const text = param(f, t, f.list.desc);
    log(f, 5, `Feeding event '${text}' to ${describe(c)}`);
    if (c.argv.length === 0) {
      rt.outputs.write("-", text + "\n");
      return;
    }
    feed(f, c, action, text + "\n");
  };

  /** report, reportexec: a context's event store to the command (no command: standard output). */
  const report = (f: Frame, t: Template, c: Command, action: string) => {
    const name = param(f, t);
    const ctx = contextByName(f, name);
    if (ctx === undefined || ctx.events.length === 0) return;
    log(f, 5, `Reporting the event store of context '${name}' through ${describe(c)}`);
    const data = ctx.events.map((e) => e + "\n").join("");
    if (c.argv.length === 0) {
      rt.outputs.write("-", data);
      return;
    }
    feed(f, c, action, data);
  };

  return {
    shellcmd: (f, a) => {
      const c = shellCommand(f, a.cmdline, rt.quoting);
      log(f, 5, `Executing ${describe(c)}`);
      run(f, c, "shellcmd");
    },
    cmdexec: (f, a) => {
      const c = execCommand(f, a.args);
      log(f, 5, `Executing ${describe(c)}`);
      run(f, c, "cmdexec");
    },
    spawn: (f, a) => {
      const c = shellCommand(f, a.cmdline, rt.quoting);
      log(f, 5, `Spawning ${describe(c)}`);
      spawn(f, c, "spawn", undefined);
    },
    spawnexec: (f, a) => {
      const c = execCommand(f, a.args);
      log(f, 5, `Spawning ${describe(c)}`);
      spawn(f, c, "spawnexec", undefined);
    },
    cspawn: (f, a) => {
      const ctx = param(f, a.name);
      const c = shellCommand(f, a.cmdline, rt.quoting);
      log(f, 5, `Spawning ${describe(c)} with context '${ctx}'`);
      spawn(f, c, "cspawn", ctx);
    },
    cspawnexec: (f, a) => {
      const ctx = param(f, a.name);
      const c = execCommand(f, a.args);
      log(f, 5, `Spawning ${describe(c)} with context '${ctx}'`);
      spawn(f, c, "cspawnexec", ctx);
    },
    pipe: (f, a) => pipe(f, a.text, shellCommand(f, a.cmdline, false), "pipe"),
    pipeexec: (f, a) => pipe(f, a.text, execCommand(f, a.args), "pipeexec"),
    report: (f, a) => report(f, a.name, shellCommand(f, a.cmdline, false), "report"),
    reportexec: (f, a) => report(f, a.name, execCommand(f, a.args), "reportexec"),
  };
}
