/**
 * The remaining actions: varset (pattern match cache lookup), addinput
 * and dropinput (input files at run time), sigemul (signal emulation),
 * and the --allow-write gate in front of the core write, writen and
 * owritecl actions (standard output, "-", needs no permission).
 *
 * @module
 */
import type { ActionHandler, ActionHandlers } from "./executor.ts";
import { param, varName } from "./executor.ts";
import { type ActionRuntime, permitted, tmpl } from "./deps.ts";

/** The signals sigemul accepts. */
export const EMULATED_SIGNALS: readonly string[] = ["HUP", "ABRT", "USR1", "USR2", "INT", "TERM"];

/** The action types of varset, addinput, dropinput and sigemul. */
export type MiscActionType = "varset" | "addinput" | "dropinput" | "sigemul";

/** varset, addinput, dropinput and sigemul. */
export function miscActions(rt: ActionRuntime): Pick<ActionHandlers, MiscActionType> {
  return {
    varset: (f, a) => {
      const entry = param(f, tmpl(a, "entry"));
      const hit = f.engine.currentEvent?.cache.has(entry) ?? false;
      f.engine.variables.set(varName(a.variable), hit ? "1" : "0");
    },
    addinput: (f, a) => {
      const file = param(f, tmpl(a, "file"));
      const offsetT = tmpl(a, "offset");
      const offset = offsetT === undefined ? "-" : param(f, offsetT);
      const ctxT = tmpl(a, "context");
      const context = ctxT === undefined ? undefined : param(f, ctxT);
      if (!/^(-|\d+)$/.test(offset)) {
        f.engine.logger.log(3, `addinput: invalid offset '${offset}' for ${file}`);
        return;
      }
      if (rt.inputs === undefined) {
        f.engine.logger.log(3, `addinput: input files cannot be added here (${file})`);
        return;
      }
      f.engine.logger.log(
        6,
        `Adding dynamic input file '${file}' with context '${
          context ?? `_FILE_EVENT_${file}`
        }' to the list of inputs`,
      );
      rt.inputs.add(file, offset, context);
    },
    dropinput: (f, a) => {
      const file = param(f, tmpl(a, "file"));
      if (rt.inputs === undefined) {
        f.engine.logger.log(3, `dropinput: input files cannot be dropped here (${file})`);
        return;
      }
      f.engine.logger.log(6, `Dropping dynamic input file '${file}' from the list of inputs`);
      rt.inputs.drop(file);
    },
    sigemul: (f, a) => {
      const sig = param(f, tmpl(a, "signal")).trim().toUpperCase().replace(
        /^SIG/,
        "",
      );
      if (!EMULATED_SIGNALS.includes(sig)) {
        f.engine.logger.log(
          3,
          `sigemul: invalid signal '${sig}' (one of ${EMULATED_SIGNALS.join(", ")})`,
        );
        return;
      }
      f.engine.logger.log(5, `Emulating the arrival of SIG${sig}`);
      if (rt.signal === undefined) {
        f.engine.logger.log(3, `sigemul: signals cannot be emulated here`);
        return;
      }
      rt.signal(sig);
    },
  };
}

/** write, writen and owritecl of `core`, behind the --allow-write check. */
export function writeGates(
  rt: ActionRuntime,
  core: Pick<ActionHandlers, "write" | "writen" | "owritecl">,
): Pick<ActionHandlers, "write" | "writen" | "owritecl"> {
  // files other than standard output need --allow-write
  const gate = (type: "write" | "writen" | "owritecl"): ActionHandler => (f, a) => {
    const file = param(f, a.file);
    if (file !== "-" && !permitted(f, rt.permissions, "write", `${type}: writing file`, file)) {
      return;
    }
    return core[type](f, a);
  };
  return { write: gate("write"), writen: gate("writen"), owritecl: gate("owritecl") };
}
