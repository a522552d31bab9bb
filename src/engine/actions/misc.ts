/**
 * The remaining actions: varset (pattern match cache lookup), addinput
 * and dropinput (input files at run time) and sigemul (signal emulation).
 *
 * @module
 */
import { type ActionHandlers, param, varName } from "./frame.ts";
import type { ActionRuntime } from "./deps.ts";

/** The signals sigemul accepts. */
export const EMULATED_SIGNALS: readonly string[] = ["HUP", "ABRT", "USR1", "USR2", "INT", "TERM"];

/** The action types of varset, addinput, dropinput and sigemul. */
export type MiscActionType = "varset" | "addinput" | "dropinput" | "sigemul";

/** varset, addinput, dropinput and sigemul. */
export function miscActions(rt: ActionRuntime): Pick<ActionHandlers, MiscActionType> {
  return {
    varset: (f, a) => {
      const entry = param(f, a.entry);
      const hit = f.engine.currentEvent?.cache.has(entry) ?? false;
      f.engine.variables.set(varName(a.variable), hit ? "1" : "0");
    },
    addinput: (f, a) => {
      const file = param(f, a.file);
      const offset = param(f, a.offset, "-");
      const context = a.context === undefined ? undefined : param(f, a.context);
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
      const file = param(f, a.file);
      if (rt.inputs === undefined) {
        f.engine.logger.log(3, `dropinput: input files cannot be dropped here (${file})`);
        return;
      }
      f.engine.logger.log(6, `Dropping dynamic input file '${file}' from the list of inputs`);
      rt.inputs.drop(file);
    },
    sigemul: (f, a) => {
      const sig = param(f, a.signal).trim().toUpperCase().replace(
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
