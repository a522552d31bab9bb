/**
 * SingleWithScript rules (SINGLEWITHSCRIPT RULE): on a match the script
 * runs with the names of all contexts on its standard input; matching goes
 * on at once, and when the script has exited, action runs for exit code 0
 * and action2 otherwise. Both lists are bound to the matching event.
 *
 * @module
 */
import type { Continue, Rule } from "../../lang/rules.ts";
import { bindMatch, render, type Template } from "../../lang/template.ts";
import type { Engine } from "../engine.ts";
import type { EventContext } from "../event.ts";
import { startScript } from "../script_runner.ts";
import { bindList } from "./counting.ts";

const words = new WeakMap<Rule, Template[]>();

/** shell=no: the command line split into words when the rule loaded. */
function scriptWords(rule: Rule): Template[] {
  let w = words.get(rule);
  if (w === undefined) {
    const t = rule.script!;
    // split the template's literal text on whitespace, keeping variables inside their word
    w = [];
    let cur: Template["parts"][number][] = [];
    const flush = () => {
      if (cur.length > 0) {
        w!.push({
          source: "",
          parts: cur,
          hasMatchVars: cur.some((p) => typeof p !== "string"),
          hasActionVars: false,
        });
      }
      cur = [];
    };
    for (const p of t.parts) {
      if (typeof p !== "string") {
        cur.push(p);
        continue;
      }
      const pieces = p.split(/(\s+)/);
      for (const piece of pieces) {
        if (piece === "") continue;
        if (/^\s+$/.test(piece)) flush();
        else cur.push(piece);
      }
    }
    flush();
    words.set(rule, w);
  }
  return w;
}

/** Processor of SingleWithScript rules. */
export function processSingleWithScript(
  engine: Engine,
  rule: Rule,
  ev: EventContext,
): Continue | null {
  const part = rule.main!;
  const m = engine.matchPart(part, ev);
  if (m === null) return null;
  rule.matchCount++;
  const src = engine.sources(part.pattern.setsVars ? m : null, ev);
  const desc = engine.bindText(rule.desc, src);
  const action = bindList(engine, rule.action, src, desc, rule);
  const action2 = bindList(engine, rule.action2, src, desc, rule);
  const spec = rule.shell
    ? { cmdline: render(bindMatch(rule.script!, src)), shell: true }
    : { argv: scriptWords(rule).map((w) => render(bindMatch(w, src))), shell: false };
  startScript(engine, spec, (code) => {
    const list = code === 0 ? action : action2;
    if (list !== undefined) engine.execute(list);
    engine.drainSynthetic();
  });
  return part.cont;
}
