/**
 * Rule parts as SEC 2.9.4's dump shows them for an event correlation
 * operation: a pattern as "regexp for 1 line(s): (?^:...)", a continue value
 * as "take next", an action list as its actions each followed by "; "
 * (nested lists in parentheses), a context expression as written.
 *
 * @module
 */
import type { CompiledActionList, CompiledContext, Continue } from "../../lang/rules.ts";
import type { Pattern } from "../../lang/patterns.ts";
import type { Template } from "../../lang/template.ts";

const KIND_TEXT: Record<Pattern["kind"], string> = {
  SubStr: "substring",
  NSubStr: "negative substring",
  RegExp: "regexp",
  NRegExp: "negative regexp",
  PerlFunc: "perlfunc",
  NPerlFunc: "negative perlfunc",
  Cached: "cached",
  NCached: "negative cached",
  TValue: "truth value",
};

/**
 * A pattern as the dump shows it: `regexp for N line(s): (?^:SOURCE)`,
 * `substring for N line(s): SOURCE`, `truth value: TRUE`. `source`
 * replaces the pattern's own text (a Pair operation's pattern2 with the
 * first event's values in it).
 */
export function patternDumpText(p: Pattern, source = p.source): string {
  if (p.kind === "TValue") return `truth value: ${source}`;
  const text = p.kind === "RegExp" || p.kind === "NRegExp" ? `(?^:${source})` : source;
  return `${KIND_TEXT[p.kind]} for ${p.lines} line(s): ${text}`;
}

/** A continue value as the dump shows it ("goto rule N" names the target rule's number). */
export function continueDumpText(c: Continue): string {
  switch (c.kind) {
    case "TakeNext":
      return "take next";
    case "DontCont":
      return "don't continue";
    case "EndMatch":
      return "end matching";
    case "GoTo":
      return `goto rule ${c.target + 1}`;
  }
}

/** A context expression as written, or "" without one. */
export function contextDumpText(c: CompiledContext | undefined): string {
  return c?.source ?? "";
}

/**
 * An action list as the dump shows it: each action's keyword and
 * parameters as written (a bound list, such as a context's, with its match
 * values in), followed by "; "; nested lists (create, set, if, else, while)
 * in parentheses, shown the same way. "" without a list.
 */
export function actionsDumpText(list: CompiledActionList | undefined): string {
  if (list === undefined) return "";
  let out = "";
  for (const action of list) {
    const words: string[] = [action.type];
    for (const [field, value] of Object.entries(action)) {
      if (field === "type" || value === undefined) continue;
      if (field === "else") words.push("else");
      words.push(valueText(value));
    }
    out += words.join(" ") + "; ";
  }
  return out;
}

function valueText(value: unknown): string {
  if (Array.isArray(value)) {
    // a nested action list, or the words of an exec-style command line
    if (value.length > 0 && typeof value[0] === "object" && "type" in value[0]) {
      return `(${actionsDumpText(value)})`;
    }
    return value.map(valueText).join(" ");
  }
  if (value !== null && typeof value === "object" && "parts" in value) {
    // a template: its text, with the match values a bound list (a context's) has in it
    return (value as Template).parts.map((p) => typeof p === "string" ? p : p.raw).join("");
  }
  return String(value);
}
