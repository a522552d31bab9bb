/**
 * A full garbage collection after restarts. A restart (SIGHUP, SIGABRT,
 * `restart`, `softrestart`) drops a whole generation of rules, operations
 * and compiled patterns at once; V8 collects it lazily and meanwhile grows
 * its heap, so without help the resident memory creeps up restart after
 * restart (76 -> 165 MB over 4,500 SIGHUPs). V8's `gc()` is made available
 * once (`--expose-gc` set through node:v8, the function taken from a fresh
 * node:vm context) and called after each restart. Where that is not
 * possible, nothing happens.
 *
 * @module
 */
import * as v8 from "node:v8";
import * as vm from "node:vm";

let gcFn: (() => void) | null | undefined;

/** Makes V8's gc() available (idempotent); call before permissions are revoked. */
export function initGc(): void {
  if (gcFn !== undefined) return;
  try {
    v8.setFlagsFromString("--expose-gc");
    const f = vm.runInNewContext("gc");
    gcFn = typeof f === "function" ? f as () => void : null;
  } catch {
    gcFn = null;
  }
}

/** Runs a full garbage collection if possible; returns whether it ran. */
export function collectGarbage(): boolean {
  if (gcFn === undefined) initGc();
  if (!gcFn) return false;
  gcFn();
  return true;
}
