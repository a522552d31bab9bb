/**
 * The correlation engine: matches events against the rule files, runs
 * action lists, keeps contexts, variables and synthetic events, and runs
 * timers on the clock. It knows nothing about where lines come from or how
 * output reaches files: the runtime feeds it lines and gives it an action
 * runtime (files, processes, sockets).
 *
 * @module
 */
import { evaluateContextExpr } from "../lang/context_expr.ts";
import { type CodeOperand, evalCodeOperand } from "./context_code.ts";
import type { MatchData, PatternOptions } from "../lang/patterns.ts";
import type { LiteralScan } from "../lang/literal_filter.ts";
import { installLiteralChecks } from "./literal_prefilter.ts";
import { CORE_PROCESSORS } from "./core_rules.ts";
import { ProcessorTable, type RuleProcessor } from "./processors.ts";
import type {
  CompiledActionList,
  CompiledContext,
  PatternPart,
  Rule,
  RuleFile,
} from "../lang/rules.ts";
import {
  bindMatch,
  type BindSources,
  isTemplate,
  parseTemplate,
  render,
  type Template,
} from "../lang/template.ts";
import type { EnginePorts, Logger } from "./ports.ts";
import type { CodeCache } from "./code.ts";
import type { OperationStore } from "./operations/store.ts";
import type { Clock } from "./clock.ts";
import { ContextStore } from "./contexts.ts";
import { EventContext, SYNTHETIC_SOURCE } from "./event.ts";

import { InputBuffer } from "./input_buffer.ts";
import { SyntheticQueue } from "./synthetic_queue.ts";
import { Variables } from "./variables.ts";

/** A bound action list: match variables substituted, `%s` fixed. */
export interface BoundActions {
  /** The actions, templates holding only action list variables. */
  readonly actions: CompiledActionList;
  /** Value of `%s` for this list. */
  readonly desc: string;
  /** The rule the list belongs to (for reset/getwpos offsets), if any. */
  readonly rule: Rule | undefined;
}

/** The input buffers as dumps show them (Engine.inputBuffers). */
export type InputBuffersView =
  | { joint: true; size: number; lines: string[]; sources: string[] }
  | { joint: false; size: number; bySource: Map<string, string[]>; synthetic: string[] };

/** Extra state an action list runs with. */
export interface ActionEnv {
  /** The context whose expiry list is running (`_THIS`). */
  thisContext?: import("./contexts.ts").Context;
  /** Operation-specific data (window position actions etc.). */
  operation?: unknown;
}

/** Executes bound action lists (implemented by actions/executor.ts). */
export interface ActionRunner {
  /** Runs the list. */
  run(engine: Engine, list: BoundActions, env?: ActionEnv): void;
}

/** Called on every timer tick with the current time (whole seconds). */
export type TimerHook = (engine: Engine, now: number) => void;

/** Engine settings. */
export interface EngineOptions {
  /** The one clock. */
  clock: Clock;
  /** The log. */
  logger: Logger;
  /** --jointbuf. */
  jointbuf: boolean;
  /** Input buffer size in lines. */
  bufsize: number;
  /** --intcontexts. */
  intcontexts: boolean;
  /** --evstoresize (0 = unlimited). */
  evstoresize: number;
}

/** Marks that matching ended for all files (EndMatch). */
const END = 1;
/** Marks that matching of the current file ended. */
const STOP = 0;

/** Internal context of synthetic events. */
export const INTERNAL_EVENT_CONTEXT = "_INTERNAL_EVENT";

/** The correlation engine. */
export class Engine {
  /** The settings the engine was created with. */
  readonly options: EngineOptions;
  /** The one clock. */
  readonly clock: Clock;
  /** The log. */
  readonly logger: Logger;
  /** All contexts. */
  readonly contexts = new ContextStore();
  /** Action list variables. */
  readonly variables = new Variables();
  /** Rule files in command line order. */
  files: RuleFile[] = [];
  /** Configuration file sets (Options joincfset). */
  sets = new Map<string, RuleFile[]>();
  /** Per rule type processors (operations register theirs). */
  readonly processors = new ProcessorTable();
  /** Each file's rules' processors, looked up once per file (not per rule and event). */
  #fileProcs = new WeakMap<
    RuleFile,
    { version: number; rules: readonly Rule[]; procs: (RuleProcessor | undefined)[] }
  >();
  /** Timer hooks, run on each tick. */
  readonly timerHooks: TimerHook[] = [];
  /** For each timer hook, when it next has work (see nextTimerTime); pushed along with the hook. */
  readonly timerDue: ((engine: Engine, now: number) => number)[] = [];
  /** The action executor. */
  actions: ActionRunner | undefined;
  /** The runtime's services (child processes, sockets, permissions), handed in by the runtime. */
  ports: EnginePorts = {};
  /** Functions compiled from rule code (undefined: code in context expressions is refused). */
  code: CodeCache | undefined;
  /** The options the rules were loaded with (pattern2 templates of the pair operations). */
  patternOptions: PatternOptions = {};
  /** The operations in progress (operations/store.ts, created on first use). */
  operations: OperationStore | undefined;

  /** The event being processed, if any. */
  currentEvent: EventContext | undefined;

  #synthetic = new SyntheticQueue();
  #jointBuffer: InputBuffer;
  #buffers = new Map<string, InputBuffer>();
  #syntheticBuffer: InputBuffer;
  #templateCache = new Map<string, Template>();
  #jumpStack: RuleFile[] = [];
  #events = 0;

  /** Creates an engine. */
  constructor(options: EngineOptions) {
    this.options = options;
    this.clock = options.clock;
    this.logger = options.logger;
    this.contexts.maxEvents = options.evstoresize;
    this.variables.builtinTime = Math.floor(options.clock.now());
    this.#jointBuffer = new InputBuffer(options.bufsize, true);
    this.#syntheticBuffer = options.jointbuf ? this.#jointBuffer : new InputBuffer(options.bufsize);
    this.processors.setAll(CORE_PROCESSORS);
  }

  /**
   * The input buffers for dumps: their size, and for --jointbuf the lines
   * and their sources, otherwise the lines of each input's buffer (in the
   * order inputs first brought a line) and of the synthetic events' buffer;
   * oldest line first, empty lines where nothing came yet.
   */
  inputBuffers(): InputBuffersView {
    const size = this.options.bufsize;
    if (this.options.jointbuf) {
      const b = this.#jointBuffer;
      return { joint: true, size, lines: b.lines(b.size), sources: b.sources(b.size) };
    }
    const bySource = new Map<string, string[]>();
    for (const [name, b] of this.#buffers) bySource.set(name, b.lines(b.size));
    const syn = this.#syntheticBuffer;
    return { joint: false, size, bySource, synthetic: syn.lines(syn.size) };
  }

  /** Synthetic events waiting for their time (`event N`, `tevent`), earliest first: for dumps. */
  pendingEvents(): { time: number; text: string }[] {
    return this.#synthetic.delayed().map((d) => ({ time: d.time, text: d.event.text }));
  }

  /**
   * Takes over the input buffers of `previous` when they have this
   * engine's size and kind: a full restart keeps the lines seen, so a
   * multi-line pattern still matches lines from before it (as in SEC).
   */
  adoptBuffers(previous: Engine): void {
    if (
      previous.options.bufsize !== this.options.bufsize ||
      previous.options.jointbuf !== this.options.jointbuf
    ) return;
    this.#jointBuffer = previous.#jointBuffer;
    this.#syntheticBuffer = previous.#syntheticBuffer;
    this.#buffers = previous.#buffers;
  }

  /**
   * Sets the size and kind of the input buffers (a soft restart whose rules
   * need other buffers): when either changes, the buffers start empty, as
   * in SEC; otherwise they are kept.
   */
  resizeBuffers(bufsize: number, jointbuf: boolean): void {
    if (bufsize === this.options.bufsize && jointbuf === this.options.jointbuf) return;
    this.options.bufsize = bufsize;
    this.options.jointbuf = jointbuf;
    this.#jointBuffer = new InputBuffer(bufsize, true);
    this.#syntheticBuffer = jointbuf ? this.#jointBuffer : new InputBuffer(bufsize);
    this.#buffers = new Map();
  }

  /**
   * Current time in whole seconds (SEC's time(2)). While an event is
   * processed the time read at its start is used throughout.
   */
  now(): number {
    return this.#eventNow >= 0 ? this.#eventNow : Math.floor(this.clock.now());
  }

  #eventNow = -1;

  /** Which required literals a line holds, for rulesets too small for the 4-gram index. */
  #literalScan: LiteralScan | undefined;
  /** The literal scan, when a line without any of its literals can match no rule. */
  #lineGate: LiteralScan | undefined;

  /** Number of events processed so far. */
  get eventCount(): number {
    return this.#events;
  }

  /** Installs rule files (in command line order) and builds the sets. */
  setRules(files: RuleFile[]): void {
    this.files = files;
    this.sets = new Map();
    const checks = installLiteralChecks(files);
    this.#literalScan = checks.scan;
    this.#lineGate = checks.gated ? checks.scan : undefined;
    for (const f of files) {
      for (const s of f.joincfset) {
        let list = this.sets.get(s);
        if (list === undefined) this.sets.set(s, list = []);
        list.push(f);
      }
    }
  }

  // ---------------------------------------------------------------- input

  /** Processes one input line from `source`; internal context per --intcontexts. */
  processLine(text: string, source: string, intContext?: string): void {
    let buf: InputBuffer;
    if (this.options.jointbuf) buf = this.#jointBuffer;
    else {
      let b = this.#buffers.get(source);
      if (b === undefined) this.#buffers.set(source, b = new InputBuffer(this.options.bufsize));
      buf = b;
    }
    buf.push(text, source);
    const gate = this.#lineGate;
    // a line no rule can match is counted, and nothing else happens
    if (gate !== undefined && !gate.ensure(text).found) this.#events++;
    else this.#runEvent(buf, intContext, false);
    this.drainSynthetic();
  }

  /**
   * Processes an internal event (SEC_STARTUP, SEC_SHUTDOWN, ...) with the
   * context SEC_INTERNAL_EVENT present. With `drain` false, synthetic events
   * it creates are dropped (SEC exits right after SEC_SHUTDOWN).
   */
  processInternalEvent(name: string, drain = true): void {
    const created = !this.contexts.has("SEC_INTERNAL_EVENT");
    if (created) {
      this.logger.log(5, "Creating SEC internal context 'SEC_INTERNAL_EVENT'");
      this.contexts.create("SEC_INTERNAL_EVENT", this.now(), 0, undefined);
    }
    this.logger.log(5, `Creating SEC internal event '${name}'`);
    this.#syntheticBuffer.push(name, SYNTHETIC_SOURCE);
    try {
      // its internal context is SEC_INTERNAL_EVENT (with or without --intcontexts)
      this.#runEvent(this.#syntheticBuffer, undefined, true, "SEC_INTERNAL_EVENT");
    } finally {
      if (created) {
        this.logger.log(5, "Deleting SEC internal context 'SEC_INTERNAL_EVENT'");
        this.contexts.delete("SEC_INTERNAL_EVENT");
      }
    }
    if (drain) this.drainSynthetic();
    else this.#synthetic.clear();
  }

  /** Replaces the last `n` lines of the current event's buffer (rewrite action). */
  rewriteBuffer(n: number, text: string): void {
    this.currentEvent?.buffer.rewrite(n, text);
  }

  /** Queues a synthetic event (processed before the next input line). */
  queueEvent(text: string, context: string | undefined = INTERNAL_EVENT_CONTEXT): void {
    this.#synthetic.push({ text, context });
  }

  /** Queues a synthetic event for `delay` seconds from now. */
  queueDelayedEvent(delay: number, text: string, context?: string): void {
    if (delay <= 0) return this.queueEvent(text, context);
    this.#synthetic.pushLater(this.now() + delay, {
      text,
      context: context ?? INTERNAL_EVENT_CONTEXT,
    });
  }

  /** Processes queued synthetic events until none are left. */
  drainSynthetic(): void {
    for (let e = this.#synthetic.take(); e !== undefined; e = this.#synthetic.take()) {
      this.#syntheticBuffer.push(e.text, SYNTHETIC_SOURCE);
      this.#runEvent(this.#syntheticBuffer, e.context, true);
    }
  }

  /** True when synthetic events are waiting. */
  get hasPendingSynthetic(): boolean {
    return this.#synthetic.pending;
  }

  #runEvent(
    buf: InputBuffer,
    intContext: string | undefined,
    synthetic: boolean,
    ownInternal?: string,
  ): void {
    this.#events++;
    const outerNow = this.#eventNow;
    this.#eventNow = Math.floor(this.clock.now());
    const useInt = this.options.intcontexts && intContext !== undefined;
    const ev = new EventContext(buf, ownInternal ?? (useInt ? intContext : undefined), synthetic);
    ev.literalScan = this.#literalScan;
    let created = false;
    if (useInt && !this.contexts.has(intContext!)) {
      this.contexts.create(intContext!, this.now(), 0, undefined).internal = true;
      created = true;
    }
    const prev = this.currentEvent;
    this.currentEvent = ev;
    try {
      this.matchTopLevel(ev);
    } finally {
      this.currentEvent = prev;
      this.#eventNow = outerNow;
      if (created) this.contexts.delete(intContext!);
    }
  }

  /** Matches the event against all files that take all input. */
  matchTopLevel(ev: EventContext): void {
    for (const f of this.files) {
      if (!f.procallin) continue;
      if (this.matchFile(f, ev) === END) return;
    }
  }

  /** Matches the event against one file; returns END when EndMatch was hit. */
  matchFile(file: RuleFile, ev: EventContext): number {
    const rules = file.rules;
    let cached = this.#fileProcs.get(file);
    if (
      cached === undefined || cached.version !== this.processors.version || cached.rules !== rules
    ) {
      const procs = rules.map((r) => this.processors.get(r.type));
      this.#fileProcs.set(file, cached = { version: this.processors.version, rules, procs });
    }
    const procs = cached.procs;
    let i = 0;
    while (i < rules.length) {
      const rule = rules[i];
      const pf = rule.prefilter;
      if (pf !== undefined && !ev.hasGrams(pf)) {
        i++;
        continue;
      }
      const proc = procs[i];
      const cont = proc === undefined ? null : proc(this, rule, ev);
      if (cont === null) {
        i++;
        continue;
      }
      switch (cont.kind) {
        case "TakeNext":
          i++;
          break;
        case "DontCont":
          return STOP;
        case "EndMatch":
          return END;
        case "GoTo":
          if (cont.target < 0) return STOP;
          i = cont.target;
          break;
      }
    }
    return STOP;
  }

  /** Runs the files of the given set names (Jump); true when EndMatch was hit. */
  matchSets(names: string[], ev: EventContext): boolean {
    for (const name of names) {
      const files = this.sets.get(name);
      if (files === undefined) continue;
      // a set holding a file entered through a Jump already is skipped whole (SEC: loop detected)
      if (files.some((f) => this.#jumpStack.includes(f))) continue;
      for (const f of files) {
        this.#jumpStack.push(f);
        try {
          if (this.matchFile(f, ev) === END) return true;
        } finally {
          this.#jumpStack.pop();
        }
      }
    }
    return false;
  }

  // ------------------------------------------------------------- matching

  /**
   * Matches a pattern part (pattern and context expression) against the
   * event. Returns the match data, or null.
   */
  matchPart(part: PatternPart, ev: EventContext): MatchData | null {
    const ctx = part.context;
    if (ctx !== undefined && ctx.preEvaluated && !this.evalContext(ctx, null, ev)) return null;
    const m = part.pattern.match(ev);
    if (m === null) return null;
    if (ctx !== undefined && !ctx.preEvaluated) {
      if (!this.evalContext(ctx, part.pattern.setsVars ? m : null, ev)) return null;
    }
    return m;
  }

  /** Evaluates a context expression with the given match variables. */
  evalContext(
    ctx: CompiledContext,
    match: MatchData | null,
    ev?: EventContext,
    pair?: MatchData | null,
  ): boolean {
    const sources: BindSources = {
      match,
      pair,
      cache: ev ? (e, n) => ev.cache.get(e)?.named(n) : undefined,
    };
    return evaluateContextExpr(ctx.expr as never, {
      exists: (name: string) => this.contexts.has(this.substitute(name, sources)),
      // ->, :> and = operands: JavaScript (context_code.ts)
      code: (op: CodeOperand) =>
        evalCodeOperand(this, op, (text) => this.substitute(text, sources), ev),
      varset: (name: string) => ev?.cache.has(name) ?? false,
    } as never);
  }

  /** Substitutes match variables in raw text (memoized template parse). */
  substitute(text: string, sources: BindSources): string {
    // Pair context2: %N, %{N}, %+{name} are the first match's (SEC's first round)
    const pairRound = sources.pair !== undefined && sources.pair !== null;
    const key = pairRound ? "\u0000" + text : text;
    let t = this.#templateCache.get(key);
    if (t === undefined) {
      t = parseTemplate(text, { actionVars: false, pairVars: pairRound });
      this.#templateCache.set(key, t);
    }
    return t.hasMatchVars ? render(bindMatch(t, sources)) : text;
  }

  /** Substitutes match variables into a template and renders it (desc fields). */
  bindText(t: Template, sources: BindSources): string {
    return render(bindMatch(t, sources));
  }

  /** Binds match variables into an action list. */
  bindActions(
    list: CompiledActionList,
    sources: BindSources,
    desc: string,
    rule: Rule | undefined,
  ): BoundActions {
    return { actions: bindActionValue(list, sources) as CompiledActionList, desc, rule };
  }

  /** Runs a bound action list. Errors are logged; processing goes on. */
  execute(list: BoundActions, env?: ActionEnv): void {
    if (list.actions.length === 0) return;
    if (this.actions === undefined) return;
    try {
      this.actions.run(this, list, env);
    } catch (e) {
      this.logger.log(2, `action list failed: ${(e as Error).message}`);
    }
  }

  /** Convenience: binds and runs a rule's action list for a match. */
  runActions(
    list: CompiledActionList | undefined,
    match: MatchData | null,
    desc: string,
    rule: Rule,
    ev?: EventContext,
  ): void {
    if (list === undefined || list.length === 0) return;
    this.execute(this.bindActions(list, this.sources(match, ev), desc, rule));
  }

  /** Bind sources for match data of the current event. */
  sources(match: MatchData | null, ev?: EventContext, pair?: MatchData | null): BindSources {
    return {
      match,
      pair,
      cache: ev ? (e, n) => ev.cache.get(e)?.named(n) ?? "" : undefined,
    };
  }

  // --------------------------------------------------------------- timers

  /** Runs timers due at the current time: delayed events, contexts, hooks. */
  tick(): void {
    const now = this.now();
    this.#synthetic.release(now);
    for (const ctx of this.contexts.expired(now)) {
      if (ctx.deleted) continue;
      this.expireContext(ctx);
    }
    for (const hook of this.timerHooks) hook(this, now);
    this.drainSynthetic();
  }

  /**
   * The earliest whole second at which tick() may have work, a lower bound
   * (contexts, operations, delayed events, hooks); now + 1 when some hook
   * cannot tell. Event time (runtime/event_time.ts) ticks only then.
   */
  nextTimerTime(): number {
    const now = this.now();
    if (this.timerDue.length < this.timerHooks.length) return now + 1;
    let t = this.#synthetic.nextTime();
    const c = this.contexts.nextExpiry();
    if (c < t) t = c;
    for (const due of this.timerDue) {
      const h = due(this, now);
      if (h < t) t = h;
    }
    return t;
  }

  /** Runs a context's expiry action list (once) and deletes it. */
  expireContext(ctx: import("./contexts.ts").Context): void {
    if (ctx.expiring) return;
    const action = ctx.action as BoundActions | undefined;
    if (action !== undefined && action.actions.length > 0) {
      ctx.expiring = true;
      try {
        this.execute(action, { thisContext: ctx });
      } finally {
        ctx.expiring = false;
      }
    }
    if (!ctx.deleted) this.contexts.remove(ctx);
  }
}

function bindActionValue(v: unknown, sources: BindSources): unknown {
  if (isTemplate(v)) return v.hasMatchVars ? bindMatch(v, sources) : v;
  if (Array.isArray(v)) return v.map((x) => bindActionValue(x, sources));
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      out[k] = bindActionValue(x, sources);
    }
    return out;
  }
  return v;
}
