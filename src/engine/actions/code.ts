/**
 * The code actions, with JavaScript in place of Perl (PERL INTEGRATION,
 * code.ts): `eval %var code` runs code (variables substituted first, as
 * in SEC) and stores its value; `call %var %ref params` calls a function
 * stored in %ref; `lcall %var params -> code` calls a function compiled
 * when the rules loaded with the parameters as strings, and
 * `lcall %var names :> code` with pattern match cache entries as objects.
 * The value stored follows Perl's list context (code.ts resultValue);
 * when the code throws, the variable keeps its value and the error is
 * logged. All of them need --allow-code.
 *
 * @module
 */
import type { CompiledActionOf } from "../../lang/rules.ts";
import type { Template } from "../../lang/template.ts";
import { type ActionHandlers, type Frame, param, varName } from "./frame.ts";
import { type ActionRuntime, refuse } from "./deps.ts";
import {
  cacheEntryObject,
  type CodeSite,
  evalCode,
  NO_VALUE,
  resultValue,
  type RuleFunction,
  stripParens,
} from "../code.ts";
import { variableText } from "../variables.ts";

/** The parameter list of call/lcall: each word the rule loader split off, rendered. */
function paramList(f: Frame, params: readonly Template[]): string[] {
  return params.map((t) => param(f, t));
}

/** True for the `:>` form of lcall (pattern match cache entries as arguments). */
export function isCacheCall(a: CompiledActionOf<"lcall">): boolean {
  return a.op.source === ":>";
}

/** The code of lcall as written (it is compiled once, not substituted). */
export function codeSource(a: CompiledActionOf<"lcall">): string {
  return a.code.source;
}

/** Stores what code returned into %var, as SEC does. */
function store(f: Frame, name: string, result: unknown): void {
  const v = resultValue(result);
  if (v === NO_VALUE) {
    f.engine.logger.log(6, `No value received for variable '%${name}', set to undef`);
    f.engine.variables.set(name, undefined);
    return;
  }
  f.engine.variables.set(name, v);
  f.engine.logger.log(6, `Variable '%${name}' set to '${variableText(v) ?? ""}'`);
}

function codeError(f: Frame, what: string, e: unknown): void {
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  f.engine.logger.log(2, `Error ${what}: ${msg}`);
}

/** The action types of the code actions. */
export type CodeActionType = "eval" | "call" | "lcall";

/** eval, call and lcall (each checks --allow-code first). */
export function codeActions(rt: ActionRuntime): Pick<ActionHandlers, CodeActionType> {
  const allowed = (f: Frame, action: string) => {
    if (rt.permissions.code) return true;
    refuse(f, "code", `${action}: JavaScript code`);
    return false;
  };

  return {
    eval: (f, a) => {
      if (!allowed(f, "eval")) return;
      const name = varName(a.variable);
      const code = stripParens(param(f, a.code));
      f.engine.logger.log(6, `Evaluating code '${code}' and setting variable '%${name}'`);
      let result: unknown;
      try {
        result = evalCode(code);
      } catch (e) {
        codeError(f, `evaluating code '${code}'`, e);
        return;
      }
      store(f, name, result);
    },
    call: (f, a) => {
      if (!allowed(f, "call")) return;
      const name = varName(a.variable);
      const ref = varName(a.ref);
      const fn = f.engine.variables.get(ref);
      f.engine.logger.log(6, `Calling code '%${ref}->()' and setting variable '%${name}'`);
      if (typeof fn !== "function") {
        f.engine.logger.log(3, `Variable '%${ref}' is not a code reference`);
        return;
      }
      let result: unknown;
      try {
        result = fn(...paramList(f, a.params));
      } catch (e) {
        codeError(f, `calling code '%${ref}->()'`, e);
        return;
      }
      store(f, name, result);
    },
    lcall: (f, a) => {
      if (!allowed(f, "lcall")) return;
      const name = varName(a.variable);
      const cached = isCacheCall(a);
      const site: CodeSite = cached ? "lcall-cache" : "lcall";
      let fn: RuleFunction;
      try {
        fn = rt.code.compile(codeSource(a), site);
      } catch (e) {
        codeError(f, "compiling lcall code", e);
        return;
      }
      const params = paramList(f, a.params);
      let args: unknown[] = params;
      if (cached) {
        const cache = f.engine.currentEvent?.cache;
        args = params.map((p) => {
          const d = cache?.get(p);
          return d === undefined ? undefined : cacheEntryObject(d);
        });
      }
      f.engine.logger.log(6, `Calling code '${codeSource(a)}' and setting variable '%${name}'`);
      let result: unknown;
      try {
        result = fn(...args);
      } catch (e) {
        codeError(f, `calling code '${codeSource(a)}'`, e);
        return;
      }
      store(f, name, result);
    },
  };
}
