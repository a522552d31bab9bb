/**
 * The rule compiler: turns raw rule definitions (config_file.ts) into
 * compiled rules (rules.ts), validating every field as SEC does. An invalid
 * rule is reported with file, line and reason and skipped; the rest of the
 * file loads.
 *
 * @module
 */
import { parseTimeSpec } from "./calendar_spec.ts";
import { parseActionList, type ParsedActionList } from "./action_list.ts";
import { checkActionList, compileActionList } from "./action_compiler.ts";
import {
  field,
  parseContinue,
  parseInteger,
  parsePositive,
  required,
  RuleError,
  ruleTypeOf,
  yesNo,
} from "./rule_fields.ts";
import { type ContextExpr, parseContextExpr } from "./context_expr.ts";
import { type RawField, type RawRule, readConfigText } from "./config_file.ts";
import { compilePattern, type Pattern, type PatternOptions, type VarMap } from "./patterns.ts";
import { parsePatternType, parseVarMap } from "./pattern_fields.ts";
import type {
  CheckedItem,
  CompiledActionList,
  CompiledContext,
  Continue,
  EventGroupPart,
  PatternPart,
  Rule,
  RuleFile,
} from "./rules.ts";
import {
  ACTION_SYNTAX,
  literalTemplate,
  MATCH_ONLY,
  parseTemplate,
  type Template,
  type TemplateSyntax,
} from "./template.ts";

/** A problem found while loading rules. */
export interface LoadDiagnostic {
  /** Configuration file name. */
  file: string;
  /** Line number (1-based). */
  line: number;
  /** Reason. */
  message: string;
  /** True when a whole rule was skipped (false: a line was skipped or a warning). */
  ruleSkipped: boolean;
  /** Only a warning (SEC's --testonly does not fail on it). */
  warning?: boolean;
}

/** Options for loading rule files. */
export interface LoadOptions extends PatternOptions {
  /** Input buffer size (--bufsize); patterns needing more lines are invalid. 0 = unset. */
  bufsize?: number;
  /**
   * Called for each compiled action to check it is allowed (permissions);
   * returns an error message to reject the rule, or undefined.
   */
  checkAction?: (action: CheckedItem) => string | undefined;
}

/** The result of loading one configuration file. */
export interface LoadedFile {
  /** The compiled file. */
  file: RuleFile;
  /** Problems found. */
  diagnostics: LoadDiagnostic[];
}

/** Whether a pattern type sets match variables ($0, $1, ...). */
function setsMatchVars(ptype: string | undefined): boolean {
  if (ptype === undefined) return false;
  try {
    return ["RegExp", "NRegExp", "PerlFunc", "NPerlFunc", "Cached"].includes(
      parsePatternType(ptype).kind,
    );
  } catch {
    return false;
  }
}

/** Reads and compiles one configuration file's text (a byte string). */
export function loadRuleText(name: string, text: string, options: LoadOptions = {}): LoadedFile {
  const raw = readConfigText(name, text);
  const diagnostics: LoadDiagnostic[] = raw.diagnostics.map((d) => ({ ...d, ruleSkipped: false }));
  const rules: Rule[] = [];
  const blockToRule: number[] = []; // raw block index -> index of first valid rule at or after it
  let joincfset: string[] = [];
  let procallin = true;
  const pendingGoto: { cont: Continue & { kind: "GoTo" }; ruleIndex: number }[] = [];

  raw.rules.forEach((block, bi) => {
    blockToRule[bi] = rules.length;
    try {
      const compiled = compileRule(block, options, pendingGoto, rules.length);
      if (compiled === null) return;
      if (compiled.type === "Options") {
        joincfset = [...(compiled.joincfset ?? [])];
        procallin = compiled.procallin;
        return;
      }
      compiled.index = rules.length;
      rules.push(compiled);
    } catch (e) {
      const err = e as RuleError;
      diagnostics.push({
        file: name,
        line: err.line ?? block.line,
        message: `rule at line ${block.line} is invalid: ${err.message}`,
        ruleSkipped: true,
      });
    }
  });
  blockToRule[raw.rules.length] = rules.length;

  // Labels: a label points to the next valid rule defined after it; a
  // label inside a rule block points to that rule (or the next valid one).
  const labelTarget = new Map<string, number>();
  for (const l of raw.labels) {
    const block = l.insideBlock ? l.blocksBefore : l.blocksBefore;
    labelTarget.set(l.name, blockToRule[Math.min(block, raw.rules.length)]);
  }
  for (const { cont, ruleIndex } of pendingGoto) {
    const t = labelTarget.get(cont.label);
    // GoTo must point forward; otherwise SEC falls back to DontCont.
    cont.target = t !== undefined && t > ruleIndex ? t : -1;
  }
  return { file: { name, rules, joincfset, procallin }, diagnostics };
}

function compileRule(
  block: RawRule,
  options: LoadOptions,
  pendingGoto: { cont: Continue & { kind: "GoTo" }; ruleIndex: number }[],
  ruleIndex: number,
): Rule | null {
  const { type, egN } = ruleTypeOf(block);
  const pairSyntax: TemplateSyntax = { actionVars: true, pairVars: true };
  const action = (key: string, syntax: TemplateSyntax = ACTION_SYNTAX) => {
    const f = field(block, key);
    return f === undefined ? undefined : compileActions(f, syntax, options);
  };
  const reqAction = (key: string, syntax: TemplateSyntax = ACTION_SYNTAX) =>
    compileActions(required(block, key), syntax, options);
  const tmpl = (key: string, syntax: TemplateSyntax = MATCH_ONLY) => {
    const f = field(block, key);
    return f === undefined ? undefined : parseTemplate(f.value, syntax);
  };
  const cont = (key: string, allowedHere: boolean): Continue => {
    const f = field(block, key);
    if (f === undefined) return { kind: "DontCont" };
    if (!allowedHere) throw new RuleError(`keyword '${key}' is not valid here`, f.line);
    const c = parseContinue(f);
    if (c.kind === "GoTo") pendingGoto.push({ cont: c, ruleIndex });
    return c;
  };
  const part = (suffix: string, withCont: boolean, deferInvalid = false): PatternPart => {
    const ptypeF = required(block, "ptype" + suffix);
    const patternF = required(block, "pattern" + suffix);
    let pt: { kind: Pattern["kind"]; lines: number };
    try {
      pt = parsePatternType(ptypeF.value);
    } catch (e) {
      throw new RuleError((e as Error).message, ptypeF.line);
    }
    if (options.bufsize && pt.lines > options.bufsize) {
      throw new RuleError(
        `pattern type '${ptypeF.value}' needs ${pt.lines} lines but --bufsize is ${options.bufsize}`,
        ptypeF.line,
      );
    }
    let varmap: VarMap | undefined;
    const vmF = field(block, "varmap" + suffix);
    // SEC ignores (without checking) a variable map of other pattern types
    if (vmF !== undefined && (pt.kind === "RegExp" || pt.kind === "PerlFunc")) {
      try {
        varmap = parseVarMap(vmF.value);
      } catch (e) {
        throw new RuleError((e as Error).message, vmF.line);
      }
    }
    let pattern: Pattern;
    try {
      pattern = compilePattern(pt.kind, pt.lines, patternF.value, varmap, options);
    } catch (e) {
      // a Pair's pattern2 with match variables is compiled per operation (as SEC): a
      // text that is no valid pattern as written loads; its operations then fail
      if (!deferInvalid || !/^N?RegExp$/.test(pt.kind)) {
        throw new RuleError((e as Error).message, patternF.line);
      }
      pattern = compilePattern(pt.kind, pt.lines, "(?!)", varmap, options);
    }
    const ctxF = field(block, "context" + suffix);
    return {
      pattern,
      varmap,
      context: ctxF === undefined ? undefined : compileContext(ctxF, options),
      cont: cont("continue" + suffix, withCont),
    };
  };

  const base = {
    type,
    file: block.file,
    line: block.line,
    index: -1,
    main: undefined as PatternPart | undefined,
    desc: literalTemplate(""),
    action: [] as CompiledActionList,
    second: undefined as PatternPart | undefined,
    pattern2Source: undefined as string | undefined,
    desc2: undefined as Template | undefined,
    action2: undefined as CompiledActionList | undefined,
    window: 0,
    thresh: 0,
    window2: 0,
    thresh2: 0,
    script: undefined as Template | undefined,
    shell: true,
    groups: undefined as EventGroupPart[] | undefined,
    init: undefined as CompiledActionList | undefined,
    end: undefined as CompiledActionList | undefined,
    slide: undefined as CompiledActionList | undefined,
    multact: false,
    egpattern: undefined as Pattern | undefined,
    time: undefined as string | undefined,
    calendarContext: undefined as CompiledContext | undefined,
    cfset: undefined as Template[] | undefined,
    constset: true,
    joincfset: undefined as string[] | undefined,
    procallin: true,
    matchCount: 0,
  };
  const win = (key: string, req: boolean) => {
    const f = req ? required(block, key) : field(block, key);
    return f === undefined ? 0 : parseInteger(f, key);
  };
  /** A required window or threshold: SEC rejects 0 (only Pair's window and thresh2 may be 0). */
  const positive = (key: string) => {
    const f = required(block, key);
    return parsePositive(f, key);
  };

  switch (type) {
    case "Options": {
      const j = field(block, "joincfset");
      base.joincfset = j === undefined
        ? []
        : j.value.split(/[ \t\n\v\f\r]+/).filter((s) => s !== "");
      base.procallin = yesNo(field(block, "procallin"), "procallin", true, false);
      return base;
    }
    case "Calendar": {
      const timeF = required(block, "time");
      try {
        parseTimeSpec(timeF.value);
      } catch (e) {
        throw new RuleError((e as Error).message, timeF.line);
      }
      base.time = timeF.value;
      base.desc = parseTemplate(required(block, "desc").value);
      base.action = reqAction("action");
      if (field(block, "context")) {
        base.calendarContext = compileContext(field(block, "context")!, options);
      }
      return base;
    }
    case "Suppress":
      base.main = part("", false);
      base.desc = tmpl("desc") ?? literalTemplate("");
      return base;
    case "Jump": {
      base.main = part("", true);
      base.desc = tmpl("desc") ?? literalTemplate("");
      base.constset = yesNo(field(block, "constset"), "constset", true);
      const cf = field(block, "cfset");
      if (cf !== undefined) {
        base.cfset = cf.value.split(/[ \t\n\v\f\r]+/).filter((s) => s !== "").map((s) =>
          base.constset ? literalTemplate(s) : parseTemplate(s)
        );
      }
      return base;
    }
    case "EventGroup": {
      const groups: EventGroupPart[] = [];
      for (let i = 1; i <= egN; i++) {
        const sfx = i === 1 ? "" : String(i);
        const p = part(sfx, true);
        const thF = field(block, "thresh" + sfx);
        const tokF = field(block, "egtoken" + sfx);
        groups.push({
          ...p,
          count: action("count" + sfx),
          thresh: thF === undefined ? 1 : parsePositive(thF, "thresh" + sfx),
          egtoken: tokF === undefined ? literalTemplate(String(i)) : parseTemplate(tokF.value),
        });
      }
      base.groups = groups;
      base.main = groups[0];
      base.desc = parseTemplate(required(block, "desc").value);
      base.action = reqAction("action");
      base.init = action("init");
      base.end = action("end");
      base.slide = action("slide");
      base.multact = yesNo(field(block, "multact"), "multact", false);
      base.window = positive("window");
      const egpF = field(block, "egpattern");
      if (egpF === undefined) {
        for (let i = 1; i <= egN; i++) {
          const key = "egtoken" + (i === 1 ? "" : String(i));
          if (field(block, key) !== undefined) {
            throw new RuleError(`'${key}' keyword requires the 'egpattern' keyword`);
          }
        }
      } else {
        const egtF = field(block, "egptype");
        const kindText = egtF?.value ?? "RegExp";
        let pt;
        try {
          pt = parsePatternType(kindText);
        } catch (e) {
          throw new RuleError((e as Error).message, egtF?.line);
        }
        if (pt.lines !== 1 || /cached|tvalue/i.test(pt.kind)) {
          throw new RuleError(`invalid egptype '${kindText}'`, egtF?.line);
        }
        try {
          base.egpattern = compilePattern(pt.kind, 1, egpF.value, undefined, options);
        } catch (e) {
          throw new RuleError((e as Error).message, egpF.line);
        }
      }
      return base;
    }
    default:
      break;
  }

  base.main = part("", true);
  base.desc = parseTemplate(required(block, "desc").value);
  base.action = reqAction("action");
  switch (type) {
    case "Single":
      break;
    case "SingleWithScript": {
      const scriptF = required(block, "script");
      base.script = parseTemplate(scriptF.value);
      base.shell = yesNo(field(block, "shell"), "shell", true);
      base.action2 = action("action2");
      // running the script needs a permission, like the process actions
      const problem = options.checkAction?.({
        type: "script",
        cmdline: base.script,
        shell: base.shell,
      });
      if (problem !== undefined) throw new RuleError(problem, scriptF.line);
      break;
    }
    case "SingleWithSuppress":
      base.window = positive("window");
      break;
    case "Pair":
    case "PairWithWindow": {
      base.pattern2Source = required(block, "pattern2").value;
      base.second = part(
        "2",
        true,
        setsMatchVars(field(block, "ptype")?.value) &&
          parseTemplate(base.pattern2Source).hasMatchVars,
      );
      // SEC's first round (%N of the first match, %% -> %) runs only when
      // the first pattern sets match variables and pattern2 is a regular
      // expression or a cache lookup
      const round1 = setsMatchVars(field(block, "ptype")?.value) &&
        ["RegExp", "NRegExp", "Cached"].includes(base.second.pattern.kind);
      base.desc2 = parseTemplate(required(block, "desc2").value, {
        actionVars: false,
        pairVars: round1,
      });
      base.action2 = reqAction("action2", round1 ? pairSyntax : ACTION_SYNTAX);
      base.window = type === "PairWithWindow" ? positive("window") : win("window", false);
      break;
    }
    case "SingleWithThreshold":
      base.action2 = action("action2");
      base.window = positive("window");
      base.thresh = positive("thresh");
      break;
    case "SingleWith2Thresholds":
      base.window = positive("window");
      base.thresh = positive("thresh");
      base.desc2 = parseTemplate(required(block, "desc2").value);
      base.action2 = reqAction("action2");
      base.window2 = positive("window2");
      base.thresh2 = win("thresh2", true);
      break;
    default:
      break;
  }
  return base;
}

function compileContext(f: RawField, options: LoadOptions): CompiledContext {
  let parsed;
  try {
    parsed = parseContextExpr(f.value);
  } catch (e) {
    const why = e instanceof RangeError ? "nested too deeply" : (e as Error).message;
    const short = f.value.length > 200 ? f.value.slice(0, 200) + "..." : f.value;
    throw new RuleError(`invalid context expression '${short}': ${why}`, f.line);
  }
  // code operands (->, :>, =) need --allow-code and are compiled now, like lcall code
  if (options.checkAction) {
    const visit = (expr: ContextExpr): void => {
      for (const t of expr.postfix) {
        if (typeof t === "string") continue;
        if (t.kind === "group") visit(t.expr);
        else if (t.kind === "code") {
          const { op, params, code } = t.operand;
          const problem = options.checkAction!({ type: "context-code", op, params, code });
          if (problem !== undefined) throw new RuleError(problem, f.line);
        }
      }
    };
    visit(parsed.expr);
  }
  return { source: f.value, expr: parsed.expr, preEvaluated: parsed.preEvaluated };
}

function compileActions(
  f: RawField,
  syntax: TemplateSyntax,
  options: LoadOptions,
): CompiledActionList {
  let parsed: ParsedActionList;
  try {
    parsed = parseActionList(f.value);
  } catch (e) {
    throw new RuleError(`invalid action list '${f.value}': ${(e as Error).message}`, f.line);
  }
  const list = compileActionList(parsed, syntax);
  if (options.checkAction) {
    const problem = checkActionList(list, options.checkAction);
    if (problem !== undefined) throw new RuleError(problem, f.line);
  }
  return list;
}
