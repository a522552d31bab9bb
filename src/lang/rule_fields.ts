/**
 * Reading a rule's fields (RULES AND EVENT CORRELATION OPERATIONS): the
 * `type=` spellings of the rule types, the keywords each type accepts,
 * and the readers of single field values (integers, yes/no, continue
 * values), each failing with a {@link RuleError} that names the line.
 *
 * @module
 */
import type { RawField, RawRule } from "./config_file.ts";
import type { Continue, RuleType } from "./rules.ts";

/** An invalid rule: the reason, and the line of the field at fault when known. */
export class RuleError extends Error {
  /** Makes the error; `line` is the line of the field at fault, if known. */
  constructor(message: string, readonly line?: number) {
    super(message);
  }
}

/** The rule types by their `type=` spelling (lower case; EventGroupN is matched apart). */
const TYPE_NAMES: Record<string, RuleType> = {
  single: "Single",
  singlewithscript: "SingleWithScript",
  singlewithsuppress: "SingleWithSuppress",
  pair: "Pair",
  pairwithwindow: "PairWithWindow",
  singlewiththreshold: "SingleWithThreshold",
  singlewith2thresholds: "SingleWith2Thresholds",
  suppress: "Suppress",
  calendar: "Calendar",
  jump: "Jump",
  options: "Options",
};

/** The keywords of a single pattern part. */
const P1 = ["continue", "ptype", "pattern", "varmap", "context"];
/** The keywords each rule type accepts (EventGroup: see eventGroupKeywords). */
const KEYWORDS: Record<RuleType, string[]> = {
  Single: [...P1, "desc", "action"],
  SingleWithScript: [...P1, "script", "shell", "desc", "action", "action2"],
  SingleWithSuppress: [...P1, "desc", "action", "window"],
  Pair: [
    ...P1,
    "desc",
    "action",
    "continue2",
    "ptype2",
    "pattern2",
    "varmap2",
    "context2",
    "desc2",
    "action2",
    "window",
  ],
  PairWithWindow: [
    ...P1,
    "desc",
    "action",
    "continue2",
    "ptype2",
    "pattern2",
    "varmap2",
    "context2",
    "desc2",
    "action2",
    "window",
  ],
  SingleWithThreshold: [...P1, "desc", "action", "action2", "window", "thresh"],
  SingleWith2Thresholds: [
    ...P1,
    "desc",
    "action",
    "window",
    "thresh",
    "desc2",
    "action2",
    "window2",
    "thresh2",
  ],
  EventGroup: [], // computed per N
  Suppress: ["ptype", "pattern", "varmap", "context", "desc"],
  Calendar: ["time", "context", "desc", "action"],
  Jump: [...P1, "cfset", "constset", "desc"],
  Options: ["joincfset", "procallin"],
};

/** The keywords of an EventGroupN rule. */
function eventGroupKeywords(n: number): string[] {
  const base = ["continue", "ptype", "pattern", "varmap", "context", "count", "thresh", "egtoken"];
  const out = [...base];
  for (let i = 2; i <= n; i++) for (const k of base) out.push(k + i);
  out.push("desc", "action", "init", "end", "slide", "multact", "egptype", "egpattern", "window");
  return out;
}

/** A rule's type: the type, and N of EventGroupN (0 for the other types). */
export interface RuleTypeOf {
  /** The rule type. */
  readonly type: RuleType;
  /** N of EventGroupN (EventGroup = EventGroup1); 0 for the other types. */
  readonly egN: number;
}

/** The type of a rule block, after checking that it uses only keywords its type accepts. */
export function ruleTypeOf(block: RawRule): RuleTypeOf {
  const typeField = required(block, "type");
  const tv = typeField.value.toLowerCase();
  let type: RuleType;
  let egN = 0;
  const eg = /^eventgroup(\d*)$/.exec(tv);
  if (eg !== null) {
    type = "EventGroup";
    egN = eg[1] === "" ? 1 : parseInt(eg[1], 10);
    if (egN < 1) throw new RuleError(`invalid rule type '${typeField.value}'`, typeField.line);
  } else {
    const t = TYPE_NAMES[tv];
    if (t === undefined) {
      throw new RuleError(`invalid rule type '${typeField.value}'`, typeField.line);
    }
    type = t;
  }
  const allowed = new Set(type === "EventGroup" ? eventGroupKeywords(egN) : KEYWORDS[type]);
  allowed.add("type");
  allowed.add("rem");
  for (const k of block.order) {
    if (!allowed.has(k)) {
      const f = block.fields.get(k)!;
      throw new RuleError(`keyword '${k}' is not valid for a ${type} rule`, f.line);
    }
  }
  return { type, egN };
}

/** The field `key` of a rule block, if present. */
export function field(block: RawRule, key: string): RawField | undefined {
  return block.fields.get(key);
}

/** The field `key` of a rule block; a RuleError when it is missing. */
export function required(block: RawRule, key: string): RawField {
  const f = block.fields.get(key);
  if (f === undefined) throw new RuleError(`keyword '${key}' missing`);
  return f;
}

/** A field's value as an unsigned integer. */
export function parseInteger(f: RawField, key: string): number {
  if (!/^\d+$/.test(f.value)) {
    throw new RuleError(`invalid ${key} value '${f.value}' (integer expected)`, f.line);
  }
  return parseInt(f.value, 10);
}

/** A field's value as a positive integer. */
export function parsePositive(f: RawField, key: string): number {
  const n = parseInteger(f, key);
  if (n === 0) throw new RuleError(`invalid ${key} value '${f.value}' (must be positive)`, f.line);
  return n;
}

/**
 * A yes/no field (`dflt` when absent); an invalid value is an error, or
 * `dflt` when not `strict`.
 */
export function yesNo(f: RawField | undefined, key: string, dflt: boolean, strict = true): boolean {
  if (f === undefined) return dflt;
  const v = f.value.toLowerCase();
  if (v === "yes") return true;
  if (v === "no") return false;
  if (!strict) return dflt;
  throw new RuleError(`invalid ${key} value '${f.value}' (Yes or No expected)`, f.line);
}

/** A continue field's value (TakeNext, DontCont, EndMatch, GoTo label). */
export function parseContinue(f: RawField): Continue {
  const v = f.value;
  const lower = v.toLowerCase();
  if (lower === "takenext") return { kind: "TakeNext" };
  if (lower === "dontcont") return { kind: "DontCont" };
  if (lower === "endmatch") return { kind: "EndMatch" };
  const m = /^goto[ \t\n\v\f\r]+([^ \t\n\v\f\r].*)$/i.exec(v);
  if (m !== null) return { kind: "GoTo", label: m[1], target: -1 };
  throw new RuleError(`invalid continue value '${v}'`, f.line);
}
