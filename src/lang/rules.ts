/**
 * The rule model: what a compiled SEC rule holds. Rules are produced by the
 * rule compiler (rule_compiler.ts) from raw rule definitions and consumed by
 * the engine. Everything here is computed once at load time.
 *
 * @module
 */
import type { Pattern, VarMap } from "./patterns.ts";
import type { Template } from "./template.ts";
import type { ActionType, ParsedActionList, ParsedFields } from "./action_list.ts";

export type { ActionType } from "./action_list.ts";

/** The rule types of SEC 2.9.4. */
export type RuleType =
  | "Single"
  | "SingleWithScript"
  | "SingleWithSuppress"
  | "Pair"
  | "PairWithWindow"
  | "SingleWithThreshold"
  | "SingleWith2Thresholds"
  | "EventGroup"
  | "Suppress"
  | "Calendar"
  | "Jump"
  | "Options";

/** Where matching continues after a rule matched (continue* fields). */
export type Continue =
  | { readonly kind: "TakeNext" }
  | { readonly kind: "DontCont" }
  | { readonly kind: "EndMatch" }
  /** `target` is the index of the rule after the label in the same file (may equal the rule count). */
  | { readonly kind: "GoTo"; readonly label: string; target: number };

/** A parameter's compiled form: strings become templates, nested lists compiled lists. */
export type CompiledValue<T> = T extends string ? Template
  : T extends ParsedActionList ? CompiledActionList
  : T extends readonly string[] ? Template[]
  : T;

/**
 * The compiled action of type `K`: the parameters the parser table
 * (action_list.ts) gives `K`, with strings turned into templates and
 * nested action lists compiled the same way. An action handler takes this
 * type, so it can only read parameters the parser produces.
 */
export type CompiledActionOf<K extends ActionType> =
  & { readonly type: K }
  & { readonly [F in keyof ParsedFields<K>]: CompiledValue<ParsedFields<K>[F]> };

/**
 * A compiled action: a union discriminated by `type`, one member per
 * action type (`CompiledAction<K>` for the members of `K` only). Written
 * as a mapped type indexed by `K` so that a handler table typed over every
 * action type can be called with it (handlers[a.type](a)) without a cast.
 */
export type CompiledAction<K extends ActionType = ActionType> = {
  [P in K]: CompiledActionOf<P>;
}[K];

/**
 * What the rule loader's `checkAction` hook is asked about: an action, the
 * script of a SingleWithScript rule, or a code operand of a context expression.
 */
export type CheckedItem =
  | CompiledAction
  | { readonly type: "script"; readonly cmdline: Template; readonly shell: boolean }
  | {
    readonly type: "context-code";
    readonly op: string;
    readonly params: unknown;
    readonly code: string;
  };

/** A compiled action list. */
export type CompiledActionList = readonly CompiledAction[];

/** A compiled context expression (the AST from context_expr.ts) and its text. */
export interface CompiledContext {
  /** The expression as written. */
  readonly source: string;
  /** Parsed expression (context_expr.ts AST). */
  readonly expr: unknown;
  /** True for the `[ ... ]` form, evaluated before the pattern. */
  readonly preEvaluated: boolean;
}

/** A pattern with its context expression and continue value (one "leg" of a rule). */
export interface PatternPart {
  /** The compiled pattern. */
  readonly pattern: Pattern;
  /** The varmap, if any. */
  readonly varmap: VarMap | undefined;
  /** Context expression, if any. */
  readonly context: CompiledContext | undefined;
  /** Continue value. */
  readonly cont: Continue;
}

/** One pattern of an EventGroup rule (pattern, pattern2, ... patternN). */
export interface EventGroupPart extends PatternPart {
  /** count/countN action list, executed on each match. */
  readonly count: CompiledActionList | undefined;
  /** thresh/threshN (default 1). */
  readonly thresh: number;
  /** egtoken/egtokenN (default N). */
  readonly egtoken: Template;
}

/** A compiled rule. Fields not used by a rule type are undefined. */
export interface Rule {
  /** Rule type. */
  readonly type: RuleType;
  /** Configuration file the rule comes from. */
  readonly file: string;
  /** Line where the rule definition starts. */
  readonly line: number;
  /** 0-based index of the rule among the valid rules of its file. */
  index: number;
  /** Main pattern part (all types but Calendar and Options). */
  readonly main: PatternPart | undefined;
  /** desc field (match-variable syntax). */
  readonly desc: Template;
  /** action field. */
  readonly action: CompiledActionList;
  /** Second pattern part of Pair and PairWithWindow. */
  readonly second: PatternPart | undefined;
  /** Raw pattern2 text (Pair rules substitute first-match variables into it). */
  readonly pattern2Source: string | undefined;
  /** desc2 field. */
  readonly desc2: Template | undefined;
  /** action2 field. */
  readonly action2: CompiledActionList | undefined;
  /** window (seconds, 0 = none where allowed). */
  readonly window: number;
  /** thresh. */
  readonly thresh: number;
  /** window2. */
  readonly window2: number;
  /** thresh2. */
  readonly thresh2: number;
  /** SingleWithScript: script command line. */
  readonly script: Template | undefined;
  /** SingleWithScript: shell=yes|no. */
  readonly shell: boolean;
  /** EventGroup: all patterns, pattern first. */
  readonly groups: readonly EventGroupPart[] | undefined;
  /** EventGroup: init action list. */
  readonly init: CompiledActionList | undefined;
  /** EventGroup: end action list. */
  readonly end: CompiledActionList | undefined;
  /** EventGroup: slide action list. */
  readonly slide: CompiledActionList | undefined;
  /** EventGroup: multact. */
  readonly multact: boolean;
  /** EventGroup: egpattern (compiled), if any. */
  readonly egpattern: Pattern | undefined;
  /** Calendar: time specification as written. */
  readonly time: string | undefined;
  /** Calendar: context expression. */
  readonly calendarContext: CompiledContext | undefined;
  /** Jump: cfset names (templates when constset=no). */
  readonly cfset: readonly Template[] | undefined;
  /** Jump: constset. */
  readonly constset: boolean;
  /** Options: joincfset names. */
  readonly joincfset: readonly string[] | undefined;
  /** Options: procallin. */
  readonly procallin: boolean;
  /** Number of events this rule matched (for dumps). */
  matchCount: number;
  /**
   * Set by the engine: 4-grams a line must contain for this rule to have
   * anything to do with it (the rule is skipped otherwise), if known.
   */
  prefilter?: Int32Array;
}

/** A configuration file after loading. */
export interface RuleFile {
  /** File name as given. */
  readonly name: string;
  /** Valid rules in order (Options rules excluded). */
  readonly rules: Rule[];
  /** Sets the file joined (from its last Options rule). */
  readonly joincfset: readonly string[];
  /** False when the file only sees input through Jump rules. */
  readonly procallin: boolean;
}
