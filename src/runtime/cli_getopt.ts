/**
 * A command-line scanner behaving like Perl's Getopt::Long in the
 * configuration SEC uses (checked against SEC 2.9.4):
 *
 * - options start with `--` or `-` (`-conf=x` = `--conf=x`); `-` alone is
 *   an argument, `--` ends the options (what follows is left over, unchecked);
 * - names are case-insensitive and may be abbreviated to any unique prefix;
 *   a prefix shared by several options is ambiguous (aliases of one option
 *   do not make it ambiguous);
 * - a value is given as `--opt=value` or as the next argument, which is
 *   taken whatever it looks like (`--conf --notail` reads a file "--notail");
 * - negatable switches accept `--noX` and `--no-X`; a switch given a value
 *   is an error;
 * - integers are `[-+]?digits`, reals `[-+]?` digits with an optional
 *   fraction and exponent (`.5` yes, `5.` no), "extended" numbers are
 *   decimal, `0x` hex, `0b` binary or `0` octal; `_` may separate digits;
 * - arguments that are not options are reported ("Unknown argument").
 *
 * Problems do not stop the scan: each produces one message (the text
 * Getopt::Long prints) and the offending option is skipped.
 *
 * @module
 */

/** How an option takes its value. */
export type OptionKind =
  /** On/off switch with `--noX` / `--no-X` negations. */
  | "switch"
  /** Flag without negation and without value (`--help`). */
  | "flag"
  /** Mandatory string value. */
  | "string"
  /** Mandatory integer value. */
  | "int"
  /** Mandatory real number value. */
  | "real"
  /** Mandatory integer value in decimal, 0x hex, 0b binary or 0 octal. */
  | "ext"
  /** Flag with an optional value given only as `--opt=value`. */
  | "optional";

/** One option: its names (the first is the canonical one) and kind. */
export interface OptionDef {
  /** Names without dashes, lower case; `names[0]` is the canonical name. */
  names: string[];
  /** How the value is taken. */
  kind: OptionKind;
}

/** One successfully scanned occurrence of an option. */
export interface Occurrence {
  /** The option's definition. */
  def: OptionDef;
  /**
   * The value: a boolean for switches and flags (false for a negation),
   * a string for string options, a number for numeric ones, and for
   * "optional" the string after `=` or `true` when there was none.
   */
  value: boolean | string | number;
}

/** What a scan produced. */
export interface ScanResult {
  /** The accepted options, in command-line order. */
  occurrences: Occurrence[];
  /** One message per problem, in order (Getopt::Long's wording). */
  errors: string[];
  /** Arguments after `--`. */
  rest: string[];
}

const INT_RE = /^[-+]?[0-9][0-9_]*$/;
const REAL_RE = /^[-+]?(?=[0-9.])[0-9_]*(\.[0-9_]+)?([eE][-+]?[0-9_]+)?$/;
const EXT_RE = /^(?:[-+]?[1-9][0-9_]*|0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[0-7_]*)$/;

/** Converts an "extended" number (decimal, 0x, 0b, 0-octal) to its value. */
export function parseExtendedNumber(text: string): number {
  const t = text.replace(/_/g, "");
  if (/^0[xX]/.test(t)) return parseInt(t.slice(2), 16);
  if (/^0[bB]/.test(t)) return parseInt(t.slice(2), 2);
  if (/^0[0-7]*$/.test(t)) return parseInt(t, 8);
  return parseInt(t, 10);
}

/** Every name an option answers to, each with the option and whether it negates. */
function nameTable(defs: OptionDef[]): Map<string, { def: OptionDef; negated: boolean }> {
  const table = new Map<string, { def: OptionDef; negated: boolean }>();
  for (const def of defs) {
    for (const name of def.names) {
      table.set(name, { def, negated: false });
      if (def.kind === "switch") {
        table.set("no" + name, { def, negated: true });
        table.set("no-" + name, { def, negated: true });
      }
    }
  }
  return table;
}

/** Scans `args` against the option definitions (see the module doc). */
export function scanOptions(args: string[], defs: OptionDef[]): ScanResult {
  const table = nameTable(defs);
  const names = [...table.keys()].sort();
  const occurrences: Occurrence[] = [];
  const errors: string[] = [];
  let i = 0;
  while (i < args.length) {
    const arg = args[i++];
    if (arg === "--") return { occurrences, errors, rest: args.slice(i) };
    if (!arg.startsWith("-") || arg === "-") {
      errors.push(`Unknown argument: ${arg}`);
      continue;
    }
    const body = arg.startsWith("--") ? arg.slice(2) : arg.slice(1);
    const eq = body.indexOf("=", 1); // "--=x" is an option named "=x"
    const typed = (eq < 0 ? body : body.slice(0, eq)).toLowerCase();
    const inline = eq < 0 ? undefined : body.slice(eq + 1);

    let name = typed;
    let entry = table.get(typed);
    if (!entry) {
      const hits = names.filter((n) => n.startsWith(typed));
      const distinct = new Set(hits.map((h) => table.get(h)!.def));
      if (hits.length === 0 || typed === "") {
        errors.push(`Unknown option: ${typed}`);
        continue;
      }
      if (distinct.size > 1) {
        errors.push(`Option ${typed} is ambiguous (${hits.join(", ")})`);
        continue;
      }
      name = hits[0];
      entry = table.get(name)!;
    }
    const { def, negated } = entry;

    if (def.kind === "switch" || def.kind === "flag") {
      if (inline !== undefined) {
        errors.push(`Option ${name} does not take an argument`);
        continue;
      }
      occurrences.push({ def, value: !negated });
      continue;
    }
    if (def.kind === "optional") {
      occurrences.push({ def, value: inline === undefined || inline === "" ? true : inline });
      continue;
    }

    let value: string;
    if (inline !== undefined) {
      if (inline === "") {
        errors.push(`Option ${name} requires an argument`);
        continue;
      }
      value = inline;
    } else if (i < args.length) {
      value = args[i++];
    } else {
      errors.push(`Option ${name} requires an argument`);
      continue;
    }

    if (def.kind === "string") {
      occurrences.push({ def, value });
    } else if (def.kind === "int") {
      if (!INT_RE.test(value)) {
        errors.push(`Value "${value}" invalid for option ${name} (number expected)`);
        continue;
      }
      occurrences.push({ def, value: parseInt(value.replace(/_/g, ""), 10) });
    } else if (def.kind === "real") {
      if (!REAL_RE.test(value)) {
        errors.push(`Value "${value}" invalid for option ${name} (real number expected)`);
        continue;
      }
      occurrences.push({ def, value: parseFloat(value.replace(/_/g, "")) });
    } else {
      if (!EXT_RE.test(value)) {
        errors.push(`Value "${value}" invalid for option ${name} (extended number expected)`);
        continue;
      }
      occurrences.push({ def, value: parseExtendedNumber(value) });
    }
  }
  return { occurrences, errors, rest: [] };
}
