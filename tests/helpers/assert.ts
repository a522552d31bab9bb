/**
 * The assertions the tests share, on top of Node's strict assertions (the
 * Deno standard library is not reachable here): `assertEquals` compares
 * deeply and strictly, `assert` checks a condition.
 *
 * @module
 */
import { deepStrictEqual, ok } from "node:assert/strict";

/** Fails unless `actual` deeply and strictly equals `expected`. */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  deepStrictEqual(actual, expected, msg);
}

/** Fails unless `cond` is truthy. */
export function assert(cond: unknown, msg?: string): asserts cond {
  ok(cond, msg);
}
