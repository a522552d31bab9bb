/**
 * The output actions (ACTIONS): logonly (a message to the log), write,
 * writen and owritecl (a line, text without a newline, or text written
 * and the file closed again) and closef. Writing a file other than
 * standard output (`-`) needs --allow-write: {@link writeGates} puts that
 * check in front of the write actions when the action runtime is there.
 *
 * @module
 */
import type { OutputSink } from "../ports.ts";
import { type ActionHandler, type ActionHandlers, param } from "./frame.ts";
import { type ActionRuntime, permitted } from "./deps.ts";

/** The action types of the output actions. */
export type OutputActionType = "logonly" | "write" | "writen" | "owritecl" | "closef";

/** The output actions, writing through `out` (called on each use: the sink may be replaced). */
export function outputActions(out: () => OutputSink): Pick<ActionHandlers, OutputActionType> {
  return {
    logonly: (f, a) => {
      f.engine.logger.log(4, param(f, a.text, f.list.desc));
    },
    write: (f, a) => {
      out().write(param(f, a.file), param(f, a.text, f.list.desc) + "\n");
    },
    writen: (f, a) => {
      out().write(param(f, a.file), param(f, a.text, f.list.desc));
    },
    owritecl: (f, a) => {
      out().writeOnce(param(f, a.file), param(f, a.text, f.list.desc));
    },
    closef: (f, a) => {
      out().close(param(f, a.file));
    },
  };
}

/** The write actions, which need --allow-write for a file other than `-`. */
export type WriteType = "write" | "writen" | "owritecl";

/** write, writen and owritecl of `core`, behind the --allow-write check. */
export function writeGates(
  rt: ActionRuntime,
  core: Pick<ActionHandlers, WriteType>,
): Pick<ActionHandlers, WriteType> {
  // files other than standard output need --allow-write
  const gate =
    <K extends WriteType>(type: K, write: ActionHandler<K>): ActionHandler<K> => (f, a) => {
      const file = param(f, a.file);
      if (file !== "-" && !permitted(f, rt.permissions, "write", `${type}: writing file`, file)) {
        return;
      }
      return write(f, a);
    };
  return {
    write: gate("write", core.write),
    writen: gate("writen", core.writen),
    owritecl: gate("owritecl", core.owritecl),
  };
}
