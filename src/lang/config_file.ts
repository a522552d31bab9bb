/**
 * Reading SEC configuration files into raw rule definitions.
 *
 * This module knows the file syntax only (CONFIGURATION FILES in the
 * manual): keyword=value lines, backslash continuation, comment and blank
 * lines that end a rule, and label lines. What the keywords mean is the
 * business of the rule compiler.
 *
 * Reproduced quirks of SEC (recorded in the conformance cases):
 * - a line ending in a backslash (trailing whitespace allowed) is glued to
 *   the next raw line, whose indentation is kept; the next line is taken
 *   as it is, even when it is empty or a comment;
 * - a continued line at end of file is dropped;
 * - a line that is not `keyword=value` (no "=", empty value, a keyword
 *   that is not alphanumeric) is skipped with an error, while the rest of
 *   the rule still loads;
 * - a later duplicate keyword replaces the earlier value (`rem` and
 *   `label` excepted).
 *
 * @module
 */

/** One keyword=value field of a rule, with the line it starts on. */
export interface RawField {
  /** The value, with surrounding whitespace removed. */
  value: string;
  /** 1-based line number where the field starts. */
  line: number;
}

/** A rule definition as written in the file, before interpretation. */
export interface RawRule {
  /** Configuration file name. */
  file: string;
  /** 1-based line number of the rule's first field. */
  line: number;
  /** Fields by keyword (case-sensitive keyword; last occurrence wins). */
  fields: Map<string, RawField>;
  /** Keywords in order of appearance (duplicates included), for diagnostics. */
  order: string[];
}

/** A label line: `label=<name>`. It points to the next rule defined after it. */
export interface RawLabel {
  /** The label name (case-sensitive, may contain spaces). */
  name: string;
  /** 1-based line number of the label. */
  line: number;
  /** Number of rule blocks (valid or not) that started before this label. */
  blocksBefore: number;
  /** True when the label line appears inside a rule block (it then points to that rule). */
  insideBlock: boolean;
}

/** A problem found while reading the file; the line is skipped, loading goes on. */
export interface ConfigDiagnostic {
  /** Configuration file name. */
  file: string;
  /** 1-based line number. */
  line: number;
  /** Human-readable reason. */
  message: string;
  /** Only a warning: SEC's --testonly does not fail on it (a continuation cut by the end of file). */
  warning?: boolean;
}

/** The result of reading one configuration file. */
export interface RawConfig {
  /** Rule blocks in file order. */
  rules: RawRule[];
  /** Label lines in file order. */
  labels: RawLabel[];
  /** Lines that were skipped, with reasons. */
  diagnostics: ConfigDiagnostic[];
}

// Perl's \s on bytes: ASCII whitespace only (JavaScript's \s and trim() also take NBSP and more)
const FIELD_RE = /^([A-Za-z0-9]+)[ \t\n\v\f\r]*=[ \t\n\v\f\r]*(.*?)[ \t\n\v\f\r]*$/s;
const CONTINUATION_RE = /\\[ \t\n\v\f\r]*$/;
const perlTrim = (s: string) => s.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, "");

/**
 * Splits configuration file text (a byte string) into raw rule blocks and
 * labels. Never throws: malformed lines become diagnostics.
 */
export function readConfigText(file: string, text: string): RawConfig {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const rules: RawRule[] = [];
  const labels: RawLabel[] = [];
  const diagnostics: ConfigDiagnostic[] = [];
  let current: RawRule | null = null;

  let i = 0;
  while (i < lines.length) {
    const startLine = i + 1;
    let logical = lines[i];
    i++;
    let dropped = false;
    while (CONTINUATION_RE.test(logical)) {
      if (i >= lines.length) {
        dropped = true;
        break;
      }
      logical = logical.replace(CONTINUATION_RE, "") + lines[i];
      i++;
    }
    if (dropped) {
      diagnostics.push({
        file,
        line: startLine,
        message: "line continued with a backslash at end of file is ignored",
        warning: true,
      });
      break;
    }
    const trimmed = perlTrim(logical);
    if (trimmed === "" || trimmed.startsWith("#")) {
      current = null;
      continue;
    }
    const m = FIELD_RE.exec(trimmed);
    if (m === null || m[2] === "") {
      diagnostics.push({
        file,
        line: startLine,
        message: `invalid line '${trimmed}' (expected keyword=value with a non-empty value)`,
      });
      continue;
    }
    const keyword = m[1];
    const value = m[2];
    if (keyword === "label") {
      labels.push({
        name: value,
        line: startLine,
        blocksBefore: current === null ? rules.length : rules.length - 1,
        insideBlock: current !== null,
      });
      continue;
    }
    if (current === null) {
      current = { file, line: startLine, fields: new Map(), order: [] };
      rules.push(current);
    }
    current.order.push(keyword);
    current.fields.set(keyword, { value, line: startLine });
  }
  return { rules, labels, diagnostics };
}
