/**
 * What the action handlers beyond the core ones need from the runtime
 * ({@link ActionRuntime}), and the permission checks they make with it
 * at the action they guard.
 *
 * @module
 */
import type { Frame } from "./frame.ts";
import {
  deniedMessage,
  type OutputSink,
  type PermissionKind,
  type PermissionPolicy,
  type ProcessRunner,
  type SocketSender,
} from "../ports.ts";
import type { CodeCache } from "../code.ts";

/** Input files added and dropped at run time (addinput, dropinput). */
export interface DynamicInputs {
  /** Adds `file`, reading from `offset` ("-" = end), with internal context `context`. */
  add(file: string, offset: string, context: string | undefined): void;
  /** Drops a file added with `add`. */
  drop(file: string): void;
}

/** The runtime services of the process, socket, code and input actions. */
export interface ActionRuntime {
  /** Child processes. */
  children: ProcessRunner;
  /** Sockets of the socket actions. */
  sockets: SocketSender;
  /** What rules may do. */
  permissions: PermissionPolicy;
  /** Output files (report and pipe without a command line write to standard output). */
  outputs: OutputSink;
  /** --quoting: %s is single-quoted in shellcmd, spawn and cspawn command lines. */
  quoting: boolean;
  /** Functions compiled from rule code. */
  code: CodeCache;
  /** addinput/dropinput support (undefined: the actions log and do nothing). */
  inputs?: DynamicInputs;
  /** sigemul: emulates a signal (HUP, ABRT, USR1, USR2, INT, TERM). */
  signal?: (name: string) => void;
}

/** Logs that an action was refused for lack of a permission. */
export function refuse(f: Frame, kind: PermissionKind, what: string, item?: string): void {
  f.engine.logger.log(2, `${deniedMessage(kind, what, item)} (action refused)`);
}

/** Permission check for `kind` on `item`; logs and returns false when denied. */
export function permitted(
  f: Frame,
  perms: PermissionPolicy,
  kind: PermissionKind,
  what: string,
  item: string,
): boolean {
  let ok: boolean;
  switch (kind) {
    case "run":
      ok = perms.mayRun(item);
      break;
    case "write":
      ok = perms.mayWrite(item);
      break;
    case "net":
      ok = item.includes("/") ? perms.mayUnix(item) : mayConnectText(perms, item);
      break;
    case "code":
      ok = perms.code;
      break;
  }
  if (!ok) refuse(f, kind, `${what} '${item}'`, item);
  return ok;
}

function mayConnectText(perms: PermissionPolicy, peer: string): boolean {
  const i = peer.lastIndexOf(":");
  if (i < 0) return perms.mayConnect(peer, "");
  return perms.mayConnect(peer.slice(0, i), peer.slice(i + 1));
}
