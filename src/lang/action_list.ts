/**
 * Action list parsing (ACTIONS, ACTION LISTS AND ACTION LIST VARIABLES;
 * PARSING ISSUES). Turns the text of an action* field into a list of
 * action objects `{ type, ...parameters }` whose parameters are raw
 * strings (the rule compiler turns them into templates) and nested action
 * lists (create, set, if, while).
 *
 * Parsing follows SEC 2.9.4:
 * - actions are separated by `;` outside parentheses; `\(` and `\)` are
 *   not counted and become plain `(` `)` in parameters; a `;` after the
 *   last action is allowed, an empty action elsewhere is an error;
 * - keywords are case-insensitive;
 * - word parameters are runs of non-whitespace; the trailing string
 *   parameter keeps its inner whitespace; a parameter enclosed in
 *   parentheses loses them (and the whitespace just inside), so
 *   `(x) and (y)` becomes `x) and (y`;
 * - pipe and pipeexec take the string in single quotes;
 * - exec forms (cmdexec, spawnexec, cspawnexec, pipeexec, reportexec)
 *   split the command line into words at load time.
 *
 * Field names used in the produced objects: file, text, name, lifetime,
 * actions, alias, variable, time, offset, cmdline, args, params, op, code,
 * ref, lines, context, signal, entry, peer, then, else, body.
 *
 * @module
 */

import { PERL_TRIM } from "./blanks.ts";

/** An action list that cannot be parsed; the message says why. */
export class ActionListError extends Error {}

/** Parses the text of an action* field. */
export function parseActionList(text: string): ParsedAction[] {
  checkBalanced(text);
  const pieces = splitActions(text);
  if (pieces.length > 0 && pieces[pieces.length - 1].replace(PERL_TRIM, "") === "") pieces.pop();
  if (pieces.length === 0) throw new ActionListError("empty action list");
  return pieces.map((p) => parseAction(p.replace(PERL_TRIM, "")));
}

function checkBalanced(text: string): void {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\" && (text[i + 1] === "(" || text[i + 1] === ")")) {
      i++;
      continue;
    }
    if (c === "(") depth++;
    else if (c === ")" && --depth < 0) break;
  }
  if (depth !== 0) {
    throw new ActionListError(
      `unbalanced parentheses found in action list '${text.replace(PERL_TRIM, "")}'`,
    );
  }
}

/** Splits on top-level semicolons. */
function splitActions(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\" && (text[i + 1] === "(" || text[i + 1] === ")")) {
      i++;
      continue;
    }
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === ";" && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/** Removes enclosing parentheses (and the whitespace inside them). */
function stripParens(s: string): string {
  if (s.length >= 2 && s.startsWith("(") && s.endsWith(")")) {
    return s.slice(1, -1).replace(PERL_TRIM, "");
  }
  return s;
}

/** Final form of a string parameter: parentheses stripped, masks undone. */
function str(s: string): string {
  return stripParens(s).replaceAll("\\(", "(").replaceAll("\\)", ")");
}

/** A cursor over the parameter text of one action. */
class Params {
  #s: string;
  constructor(readonly action: string, s: string) {
    this.#s = s.replace(PERL_TRIM, "");
  }
  get empty(): boolean {
    return this.#s === "";
  }
  /** The next whitespace-separated word (raw), or undefined. */
  peekWord(): string | undefined {
    if (this.#s === "") return undefined;
    const m = /^[^ \t\n\v\f\r]+/.exec(this.#s);
    return m![0];
  }
  /** Takes the next word (parentheses stripped), or undefined. */
  word(): string | undefined {
    const w = this.peekWord();
    if (w === undefined) return undefined;
    this.#s = this.#s.slice(w.length).trimStart();
    return str(w);
  }
  /** Takes a required word. */
  need(what: string): string {
    const w = this.word();
    if (w === undefined) throw new ActionListError(`${this.action}: ${what} missing`);
    return w;
  }
  /** Takes a required %variable word. */
  variable(): string {
    const w = this.need("variable");
    if (!/^%(?:[A-Za-z][A-Za-z0-9_]*|\{[A-Za-z][A-Za-z0-9_]*\})$/.test(w)) {
      throw new ActionListError(`${this.action}: invalid variable '${w}'`);
    }
    return w;
  }
  /** Takes the rest as a string, or undefined when nothing is left. */
  rest(): string | undefined {
    const r = this.#s;
    this.#s = "";
    return r === "" ? undefined : str(r);
  }
  /** Takes the rest raw (for nested lists). */
  restRaw(): string {
    const r = this.#s;
    this.#s = "";
    return r;
  }
  /** Requires that nothing is left. */
  end(): void {
    if (this.#s !== "") {
      throw new ActionListError(`${this.action}: unexpected '${this.#s}'`);
    }
  }
  /** Takes a parenthesized group (raw content), or undefined when none follows. */
  group(): string | undefined {
    if (!this.#s.startsWith("(")) return undefined;
    const close = closingParen(this.#s);
    const inner = this.#s.slice(1, close);
    this.#s = this.#s.slice(close + 1).trimStart();
    return inner;
  }
}

function closingParen(s: string): number {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\\" && (s[i + 1] === "(" || s[i + 1] === ")")) {
      i++;
      continue;
    }
    if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  throw new ActionListError(`unbalanced parentheses in '${s}'`);
}

/** A nested action list parameter (create, set). */
function nestedList(raw: string): ParsedActionList {
  const t = raw.replace(PERL_TRIM, "");
  if (t.startsWith("(") && closingParen(t) === t.length - 1) {
    const inner = t.slice(1, -1);
    return inner.replace(PERL_TRIM, "") === "" ? [] : parseActionList(inner);
  }
  return parseActionList(t);
}

/** Splits an exec-form command line into words at load time. */
function words(s: string | undefined): string[] {
  if (s === undefined) return [];
  return s.split(/[ \t\n\v\f\r]+/).filter((w) => w !== "");
}

type Parser = (p: Params) => object;

/** create and set: a context, its lifetime and the action list run when it expires. */
interface ContextListFields {
  readonly name: string | undefined;
  readonly lifetime: string | undefined;
  readonly actions: ParsedActionList | undefined;
}

/** if: the variable tested and the two lists. */
interface IfFields {
  readonly variable: string;
  readonly then: ParsedActionList;
  readonly else: ParsedActionList;
}

/** while: the variable tested and the loop body. */
interface WhileFields {
  readonly variable: string;
  readonly body: ParsedActionList;
}

const opt = <T>(v: T | undefined) => v;

/** Per keyword: how its parameters are read (the source of {@link ActionType}). */
export const PARSERS = {
  none: (p) => (p.end(), {}),
  logonly: (p) => ({ text: p.rest() }),
  write: (p) => ({ file: p.need("file name"), text: p.rest() }),
  writen: (p) => ({ file: p.need("file name"), text: p.rest() }),
  owritecl: (p) => ({ file: p.need("file name"), text: p.rest() }),
  closef: (p) => ({ file: p.need("file name") }),
  udgram: (p) => ({ file: p.need("socket name"), text: p.rest() }),
  closeudgr: (p) => ({ file: p.need("socket name") }),
  ustream: (p) => ({ file: p.need("socket name"), text: p.rest() }),
  closeustr: (p) => ({ file: p.need("socket name") }),
  udpsock: (p) => ({ peer: hostPort(p), text: p.rest() }),
  closeudp: (p) => ({ peer: hostPort(p) }),
  tcpsock: (p) => ({ peer: hostPort(p), text: p.rest() }),
  closetcp: (p) => ({ peer: hostPort(p) }),
  shellcmd: (p) => ({ cmdline: need(p.rest(), p, "command line") }),
  spawn: (p) => ({ cmdline: need(p.rest(), p, "command line") }),
  cspawn: (p) => ({ name: p.need("context name"), cmdline: need(p.rest(), p, "command line") }),
  cmdexec: (p) => ({ args: words(need(p.rest(), p, "command line")) }),
  spawnexec: (p) => ({ args: words(need(p.rest(), p, "command line")) }),
  cspawnexec: (p) => ({
    name: p.need("context name"),
    args: words(need(p.rest(), p, "command line")),
  }),
  pipe: (p) => {
    const { text, rest } = quoted(p);
    return { text, cmdline: rest };
  },
  pipeexec: (p) => {
    const { text, rest } = quoted(p);
    return { text, args: words(rest) };
  },
  create: (p): ContextListFields => {
    const name = p.word();
    const lifetime = p.word();
    const raw = p.restRaw();
    return { name, lifetime, actions: raw === "" ? undefined : nestedList(raw) };
  },
  delete: (p) => ({ name: opt(p.word()), _end: p.end() }),
  obsolete: (p) => ({ name: opt(p.word()), _end: p.end() }),
  set: (p): ContextListFields => {
    const name = p.need("context name");
    const lifetime = p.need("lifetime");
    const raw = p.restRaw();
    return { name, lifetime, actions: raw === "" ? undefined : nestedList(raw) };
  },
  alias: (p) => ({ name: p.need("context name"), alias: p.word(), _end: p.end() }),
  unalias: (p) => ({ name: p.word(), _end: p.end() }),
  add: (p) => ({ name: p.need("context name"), text: p.rest() }),
  prepend: (p) => ({ name: p.need("context name"), text: p.rest() }),
  fill: (p) => ({ name: p.need("context name"), text: p.rest() }),
  report: (p) => ({ name: p.need("context name"), cmdline: p.rest() }),
  reportexec: (p) => ({ name: p.need("context name"), args: words(p.rest()) }),
  copy: (p) => ({ name: p.need("context name"), variable: p.variable(), _end: p.end() }),
  empty: (p) => ({
    name: p.need("context name"),
    variable: p.empty ? undefined : p.variable(),
    _end: p.end(),
  }),
  pop: (p) => ({ name: p.need("context name"), variable: p.variable(), _end: p.end() }),
  shift: (p) => ({ name: p.need("context name"), variable: p.variable(), _end: p.end() }),
  trim: (p) => ({
    time: p.need("time"),
    name: p.need("context name"),
    variable: p.empty ? undefined : p.variable(),
    _end: p.end(),
  }),
  exists: varThenName,
  getsize: varThenName,
  getaliases: varThenName,
  getltime: varThenName,
  getctime: varThenName,
  setltime: (p) => ({ name: p.need("context name"), lifetime: p.word(), _end: p.end() }),
  setctime: (p) => ({ time: p.need("time"), name: p.need("context name"), _end: p.end() }),
  event: (p) => {
    const w = p.peekWord();
    const time = w !== undefined && /^\d+$/.test(w) ? p.word() : undefined;
    return { time, text: p.rest() };
  },
  tevent: (p) => ({ time: p.need("time"), text: p.rest() }),
  cevent: (p) => ({ name: p.need("context name"), time: p.need("time"), text: p.rest() }),
  reset: (p) => {
    const w = p.peekWord();
    const offset = w !== undefined && /^[+-]?\d+$/.test(w) ? p.word() : undefined;
    return { offset, text: p.rest() };
  },
  getwpos: (p) => ({ variable: p.variable(), offset: offset(p), text: p.rest() }),
  setwpos: (p) => ({ time: p.need("time"), offset: offset(p), text: p.rest() }),
  assign: (p) => ({ variable: p.variable(), text: p.rest() }),
  assignsq: (p) => ({ variable: p.variable(), text: p.rest() }),
  free: (p) => ({ variable: p.variable(), _end: p.end() }),
  eval: (p) => ({ variable: p.variable(), code: need(p.rest(), p, "code") }),
  call: (p) => ({ variable: p.variable(), ref: p.variable(), params: words(p.rest()) }),
  lcall: (p) => {
    const variable = p.variable();
    const rest = p.restRaw();
    const at = arrowAt(rest);
    if (at < 0) throw new ActionListError("lcall: '->' or ':>' missing");
    const code = rest.slice(at + 2).replace(PERL_TRIM, "");
    if (code === "") throw new ActionListError("lcall: code missing");
    return {
      variable,
      params: words(str(rest.slice(0, at).replace(PERL_TRIM, ""))),
      op: rest.slice(at, at + 2),
      code: stripParens(code),
    };
  },
  rewrite: (p) => ({ lines: p.need("line count"), text: p.rest() }),
  addinput: (p) => ({
    file: p.need("file name"),
    offset: p.word(),
    context: p.word(),
    _end: p.end(),
  }),
  dropinput: (p) => ({ file: p.need("file name"), _end: p.end() }),
  sigemul: (p) => ({ signal: p.need("signal"), _end: p.end() }),
  varset: (p) => ({ variable: p.variable(), entry: p.need("entry name"), _end: p.end() }),
  if: (p): IfFields => {
    const variable = p.variable();
    const then = p.group();
    if (then === undefined) throw new ActionListError("if: action list in parentheses expected");
    let otherwise: string | undefined;
    const w = p.peekWord();
    if (w !== undefined) {
      if (w.toLowerCase() !== "else") throw new ActionListError(`if: unexpected '${w}'`);
      p.word();
      otherwise = p.group();
      if (otherwise === undefined) {
        throw new ActionListError("if: else action list in parentheses expected");
      }
    }
    p.end();
    const thenList = then.replace(PERL_TRIM, "") === "" ? [] : parseActionList(then);
    const elseList = otherwise === undefined || otherwise.replace(PERL_TRIM, "") === ""
      ? []
      : parseActionList(otherwise);
    if (thenList.length === 0 && elseList.length === 0) {
      throw new ActionListError("empty action lists given for if-else");
    }
    return { variable, then: thenList, else: elseList };
  },
  while: (p): WhileFields => {
    const variable = p.variable();
    const body = p.group();
    if (body === undefined) throw new ActionListError("while: action list in parentheses expected");
    p.end();
    const list = body.replace(PERL_TRIM, "") === "" ? [] : parseActionList(body);
    if (list.length === 0) throw new ActionListError("empty action list given for while");
    return { variable, body: list };
  },
  break: (p) => (p.end(), {}),
  continue: (p) => (p.end(), {}),
} satisfies Record<string, Parser>;

/** Every action keyword (lower case): the keys of the parser table. */
export type ActionType = keyof typeof PARSERS;

/** The parameters the parser gives action `K` (absent ones are left out of the object). */
export type ParsedFields<K extends ActionType> = Omit<ReturnType<(typeof PARSERS)[K]>, "_end">;

/** One parsed action of type `K`: its keyword and raw parameters. */
export type ParsedActionOf<K extends ActionType> =
  & { readonly type: K }
  & { readonly [F in keyof ParsedFields<K>]: ParsedFields<K>[F] };

/** One parsed action: a union discriminated by `type`, one member per keyword. */
export type ParsedAction = { [K in ActionType]: ParsedActionOf<K> }[ActionType];

/**
 * A parsed action list (an interface, so that the parser table, whose
 * nested lists have this type, and {@link ParsedAction} may refer to each other).
 */
export interface ParsedActionList {
  /** Number of actions. */
  readonly length: number;
  /** The action at an index. */
  readonly [index: number]: ParsedAction;
  /** The actions in order. */
  [Symbol.iterator](): IterableIterator<ParsedAction>;
}

/** True when `type` is an action keyword. */
export function isActionType(type: string): type is ActionType {
  return Object.hasOwn(PARSERS, type);
}

function varThenName(p: Params): { variable: string; name: string; _end: void } {
  return { variable: p.variable(), name: p.need("context name"), _end: p.end() };
}

function need(v: string | undefined, p: Params, what: string): string {
  if (v === undefined) throw new ActionListError(`${p.action}: ${what} missing`);
  return v;
}

function offset(p: Params): string {
  const w = p.need("offset");
  if (!/^[+-]?\d+$/.test(w)) throw new ActionListError(`${p.action}: invalid offset '${w}'`);
  return w;
}

function hostPort(p: Params): string {
  const w = p.need("host:port");
  if (!/:[^:]+$/.test(w)) throw new ActionListError(`${p.action}: invalid host:port '${w}'`);
  return w;
}

/**
 * The `'string'` of pipe/pipeexec and the command line after it: the
 * string ends at the first quote followed by whitespace or the end.
 */
function quoted(p: Params): { text: string | undefined; rest: string | undefined } {
  const raw = p.restRaw();
  const close = raw.startsWith("'") ? /'(?=[ \t\n\v\f\r]|$)/.exec(raw.slice(1)) : null;
  if (close === null) throw new ActionListError(`${p.action}: string in single quotes expected`);
  const text = str(raw.slice(1, 1 + close.index).replace(PERL_TRIM, ""));
  const rest = raw.slice(2 + close.index).replace(PERL_TRIM, "");
  return { text: text === "" ? undefined : text, rest: rest === "" ? undefined : str(rest) };
}

function arrowAt(s: string): number {
  let depth = 0;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (depth === 0 && (c === "-" || c === ":") && s[i + 1] === ">") return i;
  }
  return -1;
}

function parseAction(text: string): ParsedAction {
  if (text === "") throw new ActionListError("invalid action ''");
  const m = /^([^ \t\n\v\f\r]+)[ \t\n\v\f\r]*([^]*)$/.exec(text)!;
  const type = m[1].toLowerCase();
  if (!isActionType(type)) throw new ActionListError(`invalid action '${text}'`);
  const parser: Parser = PARSERS[type];
  const fields = parser(new Params(type, m[2]));
  const out: Record<string, unknown> = { type };
  for (const [k, v] of Object.entries(fields)) {
    if (v !== undefined && k !== "_end") out[k] = v;
  }
  return out as unknown as ParsedAction;
}
