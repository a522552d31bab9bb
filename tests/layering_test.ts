/**
 * The layers point down only: src/lang (rule language) <- src/engine
 * (correlation) <- src/runtime (process). Every module under src/lang and
 * src/engine is read and each import specifier (static, re-export, type,
 * dynamic) resolved: nothing under src/lang or src/engine may reach into
 * src/runtime, nor src/lang into src/engine.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import * as path from "node:path";

const SRC = path.resolve(import.meta.dirname!, "../src");

/** Every .ts file below `dir`. */
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const p = path.join(dir, e.name);
    if (e.isDirectory) out.push(...tsFiles(p));
    else if (e.isFile && e.name.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** The module specifiers a source text imports or re-exports. */
export function importSpecifiers(source: string): string[] {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const specs: string[] = [];
  const patterns = [
    /\b(?:import|export)\b[^"';]*?\bfrom\s*["']([^"']+)["']/g, // import x from, export {..} from
    /\bimport\s*["']([^"']+)["']/g, // side-effect import
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g, // dynamic import / import("...") types
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) specs.push(m[1]);
  return specs;
}

/** The layer ("lang", "engine", "runtime", or "other") a resolved path lies in. */
function layerOf(file: string): string {
  const rel = path.relative(SRC, file);
  if (rel.startsWith("..")) return "other";
  return rel.split(path.sep)[0];
}

/** Layers each layer must not import. */
const FORBIDDEN: Record<string, string[]> = {
  lang: ["engine", "runtime"],
  engine: ["runtime"],
};

/** Violations: "file imports spec (layer)". */
function violations(): string[] {
  const bad: string[] = [];
  for (const layer of Object.keys(FORBIDDEN)) {
    for (const file of tsFiles(path.join(SRC, layer))) {
      for (const spec of importSpecifiers(Deno.readTextFileSync(file))) {
        if (!spec.startsWith(".")) continue; // npm:, node:, bare: no layer
        const target = layerOf(path.resolve(path.dirname(file), spec));
        if (FORBIDDEN[layer].includes(target)) {
          bad.push(`${path.relative(SRC, file)} imports ${spec} (${target})`);
        }
      }
    }
  }
  return bad;
}

Deno.test("src/lang and src/engine do not import src/runtime; src/lang does not import src/engine", () => {
  assertEquals(violations(), []);
});

Deno.test("the import scanner sees every import form (so the layering test can fail)", () => {
  const src = [
    `import type { A } from "../runtime/a.ts";`,
    `import {\n  b,\n  type C,\n} from "../runtime/b.ts";`,
    `export { d } from "../runtime/d.ts";`,
    `export * from "../runtime/e.ts";`,
    `import "../runtime/f.ts";`,
    `const g = await import("../runtime/g.ts");`,
    `let h: import("../runtime/h.ts").H;`,
    `// import { x } from "../runtime/commented.ts";`,
    `/** import { y } from "../runtime/doc.ts"; */`,
  ].join("\n");
  assertEquals(importSpecifiers(src).sort(), [
    "../runtime/a.ts",
    "../runtime/b.ts",
    "../runtime/d.ts",
    "../runtime/e.ts",
    "../runtime/f.ts",
    "../runtime/g.ts",
    "../runtime/h.ts",
  ]);
  // and the files scanned include both layers
  ok(tsFiles(path.join(SRC, "engine")).some((f) => f.endsWith("engine.ts")));
  ok(tsFiles(path.join(SRC, "lang")).some((f) => f.endsWith("rules.ts")));
});
