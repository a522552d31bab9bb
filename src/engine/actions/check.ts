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
import { isTemplate, render } from "../../lang/template.ts";
import { tmpl } from "./deps.ts";
import type { CheckedItem } from "../../lang/rules.ts";
import { deniedMessage, type PermissionPolicy } from "../ports.ts";
import { commandArgv, needsShell } from "../../lang/command_line.ts";
import { type CodeCache, findPerl, perlHint } from "../code.ts";
import { codeSource, isCacheCall } from "./code.ts";
import { operandSite } from "../context_code.ts";

type A = Record<string, unknown>;

const SHELL_RUN = new Set(["shellcmd", "spawn", "cspawn", "pipe", "report"]);
const EXEC_RUN = new Set(["cmdexec", "spawnexec", "cspawnexec", "pipeexec", "reportexec"]);
const FILE_WRITE = new Set(["write", "writen", "owritecl"]);
const UNIX = new Set(["udgram", "ustream"]);
const PEER = new Set(["udpsock", "tcpsock"]);
const CODE = new Set(["eval", "call", "lcall"]);

/** The text of a template without variables, or undefined when it has some. */
function constant(v: unknown): string | undefined {
  if (!isTemplate(v) || v.hasMatchVars || v.hasActionVars) return undefined;
  return render(v);
}

/** The program a run action will run when that is known now ("" = none: standard output). */
function knownProgram(a: A): { program?: string; none?: boolean } {
  if (SHELL_RUN.has(a.type as string)) {
    const cmd = tmpl(a, "cmdline");
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
  const words = a.args;
  if (Array.isArray(words)) {
    if (words.length === 0) return { none: true };
    const p = constant(words[0]);
    return p === undefined ? {} : { program: p };
  }
  const cmd = tmpl(a, "cmdline");
  if (cmd === undefined) return { none: true };
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
): (action: CheckedItem) => string | undefined {
  return (action) => {
    const a = action as A;
    const type = a.type as string;
    const what = type === "script" ? "script" : `action '${type}'`;
    if (type === "context-code") {
      // a ->, :> or = operand of a context expression (checked by the rule loader)
      if (!perms.code) return deniedMessage("code", "code in a context expression");
      const op = String(a.op);
      const src = String(a.code ?? "");
      if (op === "=") {
        const p = findPerl(src);
        return p === undefined ? undefined : perlHint("context-eval", p);
      }
      try {
        code.compile(src, operandSite(op));
      } catch (e) {
        return (e as Error).message;
      }
      return undefined;
    }
    if (type === "script") {
      // SingleWithScript: shell=yes runs like shellcmd, shell=no like cmdexec
      return check({ ...a, type: a.shell === false ? "cmdexec" : "shellcmd" }, what);
    }
    return check(a, what);
  };

  function check(a: A, what: string): string | undefined {
    const type = a.type as string;
    if (SHELL_RUN.has(type) || EXEC_RUN.has(type)) {
      const k = knownProgram(a);
      if (k.none) return undefined;
      if (!perms.anyRun) return deniedMessage("run", what, k.program);
      if (k.program !== undefined && !perms.mayRun(k.program)) {
        return deniedMessage("run", `${what} running '${k.program}'`, k.program);
      }
      return undefined;
    }
    if (FILE_WRITE.has(type)) {
      const file = constant(a.file);
      if (file === undefined || file === "-") return undefined;
      if (!perms.mayWrite(file)) return deniedMessage("write", `${what} to '${file}'`, file);
      return undefined;
    }
    if (UNIX.has(type) || PEER.has(type)) {
      const target = tmpl(a, UNIX.has(type) ? "file" : "peer");
      const t = constant(target);
      if (!perms.anyNet) return deniedMessage("net", what, t);
      if (t === undefined) return undefined;
      const ok = UNIX.has(type) ? perms.mayUnix(t) : mayPeer(perms, t);
      return ok ? undefined : deniedMessage("net", `${what} to '${t}'`, t);
    }
    if (CODE.has(type)) {
      if (!perms.code) return deniedMessage("code", what);
      if (type === "eval") {
        const src = isTemplate(a.code) ? a.code.source : "";
        const p = findPerl(src);
        return p === undefined ? undefined : perlHint("eval", p);
      }
      if (type === "lcall") {
        try {
          code.compile(codeSource(a), isCacheCall(a) ? "lcall-cache" : "lcall");
        } catch (e) {
          return (e as Error).message;
        }
      }
      return undefined;
    }
    return undefined;
  }
}

function mayPeer(perms: PermissionPolicy, peer: string): boolean {
  const i = peer.lastIndexOf(":");
  return i < 0 ? perms.mayConnect(peer, "") : perms.mayConnect(peer.slice(0, i), peer.slice(i + 1));
}
