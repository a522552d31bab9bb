/**
 * JavaScript where SEC takes Perl (PERL INTEGRATION): PerlFunc patterns,
 * the eval, call and lcall actions, and the `->`, `:>` and `=` operands of
 * context expressions take JavaScript, with SEC's calling conventions:
 *
 * - functions get the same arguments as SEC's Perl functions get in `@_`
 *   (pattern functions: the lines, then the input names; lcall and `->`:
 *   the parameters; `:>`: pattern match cache entries as objects whose
 *   properties are the entry's match variables, writable);
 * - what a function or code returns becomes a value as Perl's list
 *   context would give it ({@link resultValue}): an array of several
 *   values is joined with newlines, an empty array or undefined is "no
 *   value", true is "1", false is "", a function or object is kept as it is
 *   (so `call` can invoke a function stored by `eval`);
 * - in boolean places (context expressions) Perl's truth applies: "",
 *   "0", 0, false, null and undefined are false.
 *
 * Code runs in the global scope: `globalThis` (and sloppy-mode globals)
 * is the state all rules share, as Perl code shares SEC's `main::SEC`
 * package. Functions (PerlFunc, lcall, `->`, `:>`) are parsed once when
 * the rules load and evaluated on first use, after the permissions are
 * revoked (no rule code runs while the rules load); `eval` code and `=`
 * operands, which may hold variables, are compiled each time they run, as
 * in SEC.
 *
 * Perl code in a rule is recognised and reported with the JavaScript to
 * write instead ({@link perlHint}).
 *
 * @module
 */
import type { MatchData } from "../lang/patterns.ts";
import { perlTrue, toPerlString } from "../lang/perl_values.ts";

/** Where code appears in a rule (for messages). */
export type CodeSite =
  | "pattern"
  | "eval"
  | "call"
  | "lcall"
  | "lcall-cache"
  | "context"
  | "context-cache"
  | "context-eval";

const EXAMPLES: Record<CodeSite, string> = {
  pattern:
    "pattern=(line, src) => { const m = /user (\\S+)/.exec(line); return m ? [m[1]] : false; }",
  eval: "eval %sum ( (a, b) => Number(a) + Number(b) )",
  call: "eval %f ( (a) => a.toUpperCase() ); call %out %f $1",
  lcall: "lcall %len $1 -> ( (s) => s.length )",
  "lcall-cache": 'lcall %o SSH :> ( (entry) => { entry.failure = "1"; } )',
  context: "context=$2 -> ( (port) => Number(port) < 1024 )",
  "context-cache": 'context=SSH :> ( (entry) => entry.status === "Failed" )',
  "context-eval": "context= =( (globalThis.n = (globalThis.n ?? 0) + 1) > 10 )",
};

const PERL_SIGNS: [RegExp, string][] = [
  [/\bsub\s*\{/, "sub {"],
  [/\$_\[\s*\d+\s*\]/, "$_[N]"],
  [/\bmy\s*[($@%]/, "my $x"],
  [/@_(?![A-Za-z0-9_])/, "@_"],
  [/[=!]~\s*(?:m|s|tr|y)?\//, "=~ /.../"],
  [/\$main::/, "$main::"],
];

/** The Perl construct found in `code`, or undefined when it does not look like Perl. */
export function findPerl(code: string): string | undefined {
  for (const [re, name] of PERL_SIGNS) if (re.test(code)) return name;
  return undefined;
}

/** The message for Perl code found at `site`: what to write in JavaScript instead. */
export function perlHint(site: CodeSite, construct: string): string {
  return `this is Perl code ('${construct}'); sec-ts takes JavaScript here, e.g. ${
    EXAMPLES[site]
  } (see "JavaScript in rules" in README.md)`;
}

/** Throws an Error with {@link perlHint} when `code` looks like Perl. */
export function rejectPerl(code: string, site: CodeSite): void {
  const p = findPerl(code);
  if (p !== undefined) throw new Error(perlHint(site, p));
}

/** A function compiled from rule code. */
export type RuleFunction = (...args: unknown[]) => unknown;

/** Strips one pair of parentheses around the whole text (SEC's `( code )` form). */
export function stripParens(code: string): string {
  const t = code.trim();
  if (!t.startsWith("(") || !t.endsWith(")")) return t;
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === "(") depth++;
    else if (c === ")") {
      depth--;
      if (depth === 0 && i < t.length - 1) return t; // "(a) => (b)" is not wrapped
    }
  }
  return t.slice(1, -1).trim();
}

/**
 * Compiles rule code that must evaluate to a function (PerlFunc patterns,
 * lcall, `->` and `:>` operands). The code is only parsed now: evaluating
 * the expression could run effects (`(sideEffect(), (l) => false)`) while
 * the rules load, before the permissions are revoked, and in --testonly.
 * It is evaluated on the first call (the result kept); a value that is not
 * a function then throws. Throws now an Error naming the problem: Perl
 * code or a syntax error.
 */
export function compileRuleFunction(code: string, site: CodeSite = "pattern"): RuleFunction {
  rejectPerl(code, site);
  const src = code.trim();
  try {
    // parses without running anything
    new Function(`return (${src}\n);`);
  } catch (e) {
    throw new Error(`invalid JavaScript '${src}': ${(e as Error).message}; e.g. ${EXAMPLES[site]}`);
  }
  let fn: RuleFunction | undefined;
  let failed: Error | undefined;
  return function (this: unknown, ...args: unknown[]): unknown {
    if (fn === undefined) {
      if (failed !== undefined) throw failed;
      let v: unknown;
      try {
        // deno-lint-ignore no-eval
        v = (0, eval)(`(${src}\n)`);
      } catch (e) {
        failed = e instanceof Error ? e : new Error(String(e));
        throw failed;
      }
      if (typeof v !== "function") {
        failed = new Error(`JavaScript '${src}' is not a function; e.g. ${EXAMPLES[site]}`);
        throw failed;
      }
      fn = v as RuleFunction;
    }
    return fn.apply(this, args);
  };
}

/** Runs `eval`-action or `=`-operand code in the global scope and returns its completion value. */
export function evalCode(code: string): unknown {
  // deno-lint-ignore no-eval
  return (0, eval)(code);
}

/** "No value": the variable becomes undefined (Perl's undef). */
export const NO_VALUE: unique symbol = Symbol("no value");

/**
 * The value a variable gets from what code returned (Perl list context):
 * undefined, null and empty arrays give {@link NO_VALUE}; an array of one
 * value gives that value; several values are joined with newlines; true is
 * "1", false is ""; numbers become strings; functions and other objects
 * are kept as they are.
 */
export function resultValue(result: unknown): unknown {
  if (result === undefined || result === null) return NO_VALUE;
  if (Array.isArray(result)) {
    if (result.length === 0) return NO_VALUE;
    if (result.length === 1) {
      const v = resultValue(result[0]);
      return v === NO_VALUE ? undefined : v;
    }
    return result.map((v) => scalarText(v)).join("\n");
  }
  switch (typeof result) {
    case "string":
    case "function":
      return result;
    case "boolean":
      return result ? "1" : "";
    case "number":
    case "bigint":
      return String(result);
    case "object":
      return result;
    default:
      return String(result);
  }
}

function scalarText(v: unknown): string {
  if (typeof v === "function") return `CODE(${v.name || "anonymous"})`;
  if (Array.isArray(v)) return `ARRAY(${v.length})`;
  if (v !== null && typeof v === "object") return "HASH";
  return toPerlString(v) ?? "";
}

/** Perl truth of what code returned (context expressions): arrays are true when not empty. */
export function resultTruth(result: unknown): boolean {
  if (Array.isArray(result)) return result.length > 0;
  if (result !== null && typeof result === "object") return true;
  if (typeof result === "function") return true;
  return perlTrue(result);
}

/**
 * A pattern match cache entry as an object for `:>` functions: reading a
 * property gives the match variable (`entry.user` is `$+{user}`,
 * `entry[1]` is `$1`), assigning one sets it in the cache entry.
 */
export function cacheEntryObject(d: MatchData): Record<string, string | undefined> {
  const names = d.names as Record<string, string | undefined>;
  const groups = d.groups as (string | undefined)[];
  const keys = (): string[] => {
    const k: string[] = [];
    groups.forEach((g, i) => {
      if (g !== undefined) k.push(String(i));
    });
    for (const [n, v] of Object.entries(names)) if (v !== undefined) k.push(n);
    return k;
  };
  const isIndex = (k: string) => /^(0|[1-9][0-9]*)$/.test(k);
  return new Proxy({} as Record<string, string | undefined>, {
    get: (_t, k) => typeof k === "string" ? d.named(k) : undefined,
    set: (_t, k, v) => {
      if (typeof k !== "string") return false;
      const s = toPerlString(v);
      if (isIndex(k)) groups[+k] = s;
      else names[k] = s;
      return true;
    },
    has: (_t, k) => typeof k === "string" && d.named(k) !== undefined,
    deleteProperty: (_t, k) => {
      if (typeof k !== "string") return false;
      if (isIndex(k)) groups[+k] = undefined;
      else delete names[k];
      return true;
    },
    ownKeys: () => keys(),
    getOwnPropertyDescriptor: (_t, k) => {
      if (typeof k !== "string") return undefined;
      const v = d.named(k);
      if (v === undefined) return undefined;
      return { value: v, writable: true, enumerable: true, configurable: true };
    },
  });
}

/**
 * Rule functions compiled once: at load time (through {@link compile},
 * called by the rule loader) and found again by their source at run time.
 */
export class CodeCache {
  readonly #fns = new Map<string, RuleFunction>();

  /** Compiles (or finds) the function for `code`; throws on bad code (see compileRuleFunction). */
  compile(code: string, site: CodeSite): RuleFunction {
    const key = site + "\0" + code;
    let fn = this.#fns.get(key);
    if (fn === undefined) {
      fn = compileRuleFunction(stripParens(code), site);
      this.#fns.set(key, fn);
    }
    return fn;
  }

  /** Number of compiled functions. */
  get size(): number {
    return this.#fns.size;
  }
}
