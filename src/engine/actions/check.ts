/**
 * Load-time checks of actions (the rule loader's `checkAction` hook): an
 * action that needs a permission the command line did not give makes its
 * rule invalid, reported with file, line and the flag to add. What is
 * only known at run time (a program or file name from a variable) is
 * checked when the action runs. lcall code is compiled here, once, and
 * Perl code in eval and lcall is reported with the JavaScript form.
 *
 * @module
 */
import { render, type Template } from "../../lang/template.ts";
import type { CheckedItem } from "../../lang/rules.ts";
import { deniedMessage, type PermissionPolicy } from "../ports.ts";
import { commandArgv, needsShell } from "../../lang/command_line.ts";
import { type CodeCache, type CodeSite, findPerl, perlHint } from "../code.ts";
import { codeSource, isCacheCall } from "./code.ts";
import { operandSite } from "../context_code.ts";

/** The program a run action will run, when that is known at load time. */
interface KnownProgram {
  /** The program (`sh` for a shell command line), when known. */
  program?: string;
  /** True when nothing is run (no command: the text goes to standard output). */
  none?: boolean;
}

/** The text of a template without variables, or undefined when it has some. */
function constant(t: Template | undefined): string | undefined {
  if (t === undefined || t.hasMatchVars || t.hasActionVars) return undefined;
  return render(t);
}

/** The program of a shell-form command line (shellcmd, spawn, cspawn, pipe, report, script with shell=yes). */
function shellProgram(cmd: Template | undefined): KnownProgram {
  if (cmd === undefined) return { none: true };
  const text = constant(cmd);
  if (text === undefined) {
    // a variable part: the shell is needed if the fixed text already has a metacharacter
    const fixed = cmd.parts.filter((p) => typeof p === "string").join(" ");
    return needsShell(fixed) ? { program: "sh" } : {};
  }
  if (text.trim() === "") return { none: true };
  return { program: needsShell(text) ? "sh" : commandArgv(text)[0] };
}

/** The program of an exec-form command line split into words at load time. */
function execProgram(args: readonly Template[]): KnownProgram {
  if (args.length === 0) return { none: true };
  const p = constant(args[0]);
  return p === undefined ? {} : { program: p };
}

/** The program of a command line run without a shell (script with shell=no). */
function lineProgram(cmd: Template): KnownProgram {
  const text = constant(cmd);
  if (text === undefined) return {};
  const argv = text.split(/\s+/).filter((w) => w !== "");
  return argv.length === 0 ? { none: true } : { program: argv[0] };
}

/**
 * Makes the loader hook for `perms`: returns a message for an action the
 * permissions do not allow (or whose code is bad), undefined otherwise.
 */
export function makeActionChecker(
  perms: PermissionPolicy,
  code: CodeCache,
): (item: CheckedItem) => string | undefined {
  /** --allow-run for a program known (or not) at load time. */
  const run = (k: KnownProgram, what: string): string | undefined => {
    if (k.none) return undefined;
    if (!perms.anyRun) return deniedMessage("run", what, k.program);
    if (k.program !== undefined && !perms.mayRun(k.program)) {
      return deniedMessage("run", `${what} running '${k.program}'`, k.program);
    }
    return undefined;
  };
  /** --allow-net for a Unix socket path or a host:port peer. */
  const net = (target: Template, unix: boolean, what: string): string | undefined => {
    const t = constant(target);
    if (!perms.anyNet) return deniedMessage("net", what, t);
    if (t === undefined) return undefined;
    const ok = unix ? perms.mayUnix(t) : mayPeer(perms, t);
    return ok ? undefined : deniedMessage("net", `${what} to '${t}'`, t);
  };
  /** Compiles code now; the compiler's message when it fails. */
  const compiles = (src: string, site: CodeSite): string | undefined => {
    try {
      code.compile(src, site);
    } catch (e) {
      return (e as Error).message;
    }
    return undefined;
  };

  return (item) => {
    const what = `action '${item.type}'`;
    switch (item.type) {
      case "context-code": {
        // a ->, :> or = operand of a context expression (checked by the rule loader)
        if (!perms.code) return deniedMessage("code", "code in a context expression");
        if (item.op === "=") {
          const p = findPerl(item.code);
          return p === undefined ? undefined : perlHint("context-eval", p);
        }
        return compiles(item.code, operandSite(item.op));
      }
      case "script":
        // SingleWithScript: shell=yes runs like shellcmd, shell=no like cmdexec
        return run(item.shell ? shellProgram(item.cmdline) : lineProgram(item.cmdline), "script");
      case "shellcmd":
      case "spawn":
      case "cspawn":
      case "pipe":
      case "report":
        return run(shellProgram(item.cmdline), what);
      case "cmdexec":
      case "spawnexec":
      case "cspawnexec":
      case "pipeexec":
      case "reportexec":
        return run(execProgram(item.args), what);
      case "write":
      case "writen":
      case "owritecl": {
        const file = constant(item.file);
        if (file === undefined || file === "-") return undefined;
        if (!perms.mayWrite(file)) return deniedMessage("write", `${what} to '${file}'`, file);
        return undefined;
      }
      case "udgram":
      case "ustream":
        return net(item.file, true, what);
      case "udpsock":
      case "tcpsock":
        return net(item.peer, false, what);
      case "eval": {
        if (!perms.code) return deniedMessage("code", what);
        const p = findPerl(item.code.source);
        return p === undefined ? undefined : perlHint("eval", p);
      }
      case "call":
        return perms.code ? undefined : deniedMessage("code", what);
      case "lcall":
        if (!perms.code) return deniedMessage("code", what);
        return compiles(codeSource(item), isCacheCall(item) ? "lcall-cache" : "lcall");
      default:
        return undefined;
    }
  };
}

function mayPeer(perms: PermissionPolicy, peer: string): boolean {
  const i = peer.lastIndexOf(":");
  return i < 0 ? perms.mayConnect(peer, "") : perms.mayConnect(peer.slice(0, i), peer.slice(i + 1));
}
