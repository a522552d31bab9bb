/**
 * Dump helpers that do not need a running engine: how services are listed,
 * text layout of inputs, the file never being overwritten.
 */
import { assert as ok, assertEquals } from "../../tests/helpers/assert.ts";
import { dumpFileName, plain, serviceEntries, writeDump } from "./dump.ts";

Deno.test("services are listed from dumpEntries(), a Map, entries() or a public Map", () => {
  assertEquals(
    serviceEntries({ dumpEntries: () => [{ key: "f | 1 | x", window: 60 }, { n: 1 }] }),
    { "f | 1 | x": { key: "f | 1 | x", window: 60 }, "1": { n: 1 } },
  );
  const op = { start: 5, times: [1, 2], rule: { deep: { deeper: 1 } }, fn: () => 1 };
  assertEquals(serviceEntries(new Map([["k", op]])), { k: { start: 5, times: [1, 2] } });
  assertEquals(serviceEntries({ entries: () => new Map([["k2", { a: 1 }]]).entries() }), {
    k2: { a: 1 },
  });
  assertEquals(serviceEntries({ ops: new Map([["k3", { b: 2 }]]) }), { k3: { b: 2 } });
  assertEquals(serviceEntries({ pids: [12, 34] }), { "12": {}, "34": {} });
  assertEquals(serviceEntries(undefined), {});
  assertEquals(serviceEntries(42), {});
});

Deno.test("plain turns values into JSON data", () => {
  assertEquals(plain({ a: new Set([1]), b: new Map([["x", Infinity]]), c: 1n, d: undefined }), {
    a: [1],
    b: { x: "Infinity" },
    c: "1",
    d: null,
  });
});

Deno.test("dump files are created 0600 and never overwritten; --dumpfts names", () => {
  const dir = Deno.makeTempDirSync();
  const data = JSON.parse('{"x": 1, "contexts": []}');
  assertEquals(writeDump(`${dir}/d`, data, true), null);
  assertEquals(Deno.statSync(`${dir}/d`).mode! & 0o777, 0o600);
  assertEquals(JSON.parse(Deno.readTextFileSync(`${dir}/d`)), { x: 1, contexts: [] });
  assertEquals(writeDump(`${dir}/d`, data, true), `Can't write to dumpfile: ${dir}/d exists`);
  assertEquals(dumpFileName("/tmp/sec.dump", true, 1795359404.7), "/tmp/sec.dump.1795359404");
  assertEquals(dumpFileName("/tmp/sec.dump", false, 1), "/tmp/sec.dump");
  ok(writeDump(`${dir}/no/such/dir`, data, true)?.startsWith("Can't open dumpfile"));
  Deno.removeSync(dir, { recursive: true });
});
