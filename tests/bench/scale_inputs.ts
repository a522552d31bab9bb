/**
 * Inputs of the scale benchmark (tests/bench/scale.ts), all deterministic:
 *
 * - **rules curve:** a ruleset of N rules built from ../shared/bench/large.sec
 *   (213 rules) for a central log server of {@link TENANTS} sites. Copy 0 is
 *   large.sec itself (site 0); copy k renames every program name and Cisco
 *   facility its patterns name (`sshd` -> `sshd3`, `%LINK-3-UPDOWN` ->
 *   `%LINK3-3-UPDOWN`), every context, event and varmap name
 *   (`SSH_BRUTE_$3` -> `SSH_BRUTE_S3_$3`) and its labels, so it handles site
 *   k's programs and keeps its own state. N rules = the whole copies 0, 1, ...
 *   and a prefix of the next (its missing GoTo labels appended). The log is
 *   gen-log's, with each line given to a site by a hash of its host and
 *   renamed the same way: copy k sees site k's lines as copy 0 sees site 0's.
 * - **state curve:** N SingleWithThreshold operations and N contexts, one per
 *   key, never closing, then a fixed number of lines that hit them.
 * - **pairs curve:** N open Pair operations, one per key, then a fixed number
 *   of lines that do not start a pair (each one is a candidate for every open
 *   pattern2 in SEC).
 *
 * Every log starts with `SCALE-MARKER start`; state and pairs logs have
 * `SCALE-MARKER filled` after the fill lines; every log ends with
 * `SCALE-MARKER end`. {@link MARKER_RULE} (last in every ruleset) writes them
 * to out.log, where the runner sees when each phase began and ended.
 *
 * @module
 */

/** Sites in the rules curve's log: enough copies for 1,000 rules of large.sec. */
export const TENANTS = 5;

/** The rule that writes the phase markers to out.log; last in every ruleset. */
export const MARKER_RULE = `
type=Single
ptype=RegExp
pattern=^SCALE-MARKER (\\S+)$
desc=marker $1
action=write out.log %s
`;

/** Program names renamed per site (as words): those of gen-log's lines and of large.sec's rules. */
const PROGRAMS = (
  "sshd su sudo login useradd adduser usermod gpasswd passwd kernel CRON cron systemd " +
  "postfix nginx named dovecot containerd snmpd dhclient chronyd smartd mysqld dockerd " +
  "openvpn dhcpd vsftpd haproxy rsyslogd Keepalived_vrrp clamd mdadm zed postgres slapd " +
  "smbd asterisk nagios snort fail2ban amavis elasticsearch ASA"
).split(" ");

/** A word renamer for site k: every dictionary word gets the suffix k (identity for k = 0). */
export function wordRenamer(words: string[]): (text: string, k: number) => string {
  const sorted = [...new Set(words)].sort((a, b) => b.length - a.length);
  // a backslash escape (\s, \d, ...) before a word counts as a word boundary in a pattern
  const re = new RegExp(
    `(?<=^|[^A-Za-z0-9_]|\\\\[A-Za-z])(${sorted.join("|")})(?![A-Za-z0-9_])`,
    "g",
  );
  return (text, k) => k === 0 ? text : text.replace(re, (w) => `${w}${k}`);
}

/** The words renamed per site: {@link PROGRAMS} and the Cisco facilities large.sec's patterns name. */
export function siteWords(rules: string): string[] {
  const words = [...PROGRAMS];
  for (const m of rules.matchAll(/(?:%|%\(\?:|\|)([A-Z][A-Z0-9_]*)-(?:SP-)?\d/g)) words.push(m[1]);
  return words;
}

/** One item of a rule file: a rule (its lines) or a standalone label. */
type Item = { kind: "rule"; lines: string[] } | { kind: "label"; name: string };

/** Splits a rule file into rules and labels (blocks separated by blank lines; comments dropped). */
export function parseItems(text: string): Item[] {
  const items: Item[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
    if (lines.length === 0) continue;
    if (lines.length === 1 && lines[0].startsWith("label=")) {
      items.push({ kind: "label", name: lines[0].slice(6).trim() });
    } else if (lines[0].startsWith("type=")) {
      items.push({ kind: "rule", lines });
    } else throw new Error(`unexpected block in the rule file: ${lines[0]}`);
  }
  return items;
}

/** Context, event and varmap names of the rules (name prefixes such as `SSH_BRUTE_`). */
export function stateNames(items: Item[]): string[] {
  const names = new Set<string>();
  const prefix = (tok: string) => /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_?/.exec(tok)?.[0];
  for (const it of items) {
    if (it.kind !== "rule") continue;
    for (const line of it.lines) {
      const kv = /^(\w+)=(.*)$/.exec(line);
      const key = kv === null ? "action" : kv[1];
      const value = kv === null ? line : kv[2];
      if (key === "varmap") names.add(value.trim());
      if (key === "context") {
        for (const tok of value.split(/[\s[\]!&|()]+/)) {
          const p = prefix(tok);
          if (p !== undefined && p.length > 1) names.add(p);
        }
      }
      if (/^action2?$/.test(key)) {
        const verb =
          /\b(?:create|delete|add|set|alias|unalias|shift|pop|getsize|exists|fill|report|copy|empty|obsolete|prepend|event)\s+(\S+)/g;
        for (const m of value.matchAll(verb)) {
          const p = prefix(m[1]);
          if (p !== undefined && p.length > 1) names.add(p);
        }
        for (const m of line.matchAll(/(?<![\w%$])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_(?=[$%])/g)) {
          names.add(m[0]);
        }
      }
    }
  }
  return [...names].sort((a, b) => b.length - a.length);
}

/** A renamer of state names for site k: `SSH_BRUTE_` -> `SSH_BRUTE_S3_`, `FW` -> `FW_S3`. */
function nameRenamer(names: string[]): (text: string, k: number) => string {
  const open = names.filter((n) => n.endsWith("_"));
  const closed = names.filter((n) => !n.endsWith("_"));
  const reOpen = new RegExp(`(?<![A-Za-z0-9_])(?:${open.join("|")})`, "g");
  const reClosed = new RegExp(`(?<![A-Za-z0-9_])(?:${closed.join("|")})(?![A-Za-z0-9_])`, "g");
  return (text, k) =>
    k === 0
      ? text
      : text.replace(reOpen, (n) => `${n}S${k}_`).replace(reClosed, (n) => `${n}_S${k}`);
}

/** Builds rulesets of N rules from a base rule file, as described in the module doc. */
export class RuleReplicator {
  readonly items: Item[];
  readonly ruleCount: number;
  readonly renameWords: (text: string, k: number) => string;
  readonly renameNames: (text: string, k: number) => string;

  /** Parses the base rule file (large.sec). */
  constructor(base: string) {
    this.items = parseItems(base);
    this.ruleCount = this.items.filter((i) => i.kind === "rule").length;
    this.renameWords = wordRenamer(siteWords(base));
    this.renameNames = nameRenamer(stateNames(this.items));
  }

  /** Copy k's first `rules` rules (and the labels among them), as rule file text. */
  copy(k: number, rules: number): string {
    const out: string[] = [];
    const labels = new Set<string>();
    const targets = new Set<string>();
    const label = (name: string) => k === 0 ? name : `${name}_c${k}`;
    let n = 0;
    for (const it of this.items) {
      if (it.kind === "label") {
        if (n >= rules) break;
        labels.add(it.name);
        out.push(`label=${label(it.name)}`, "");
        continue;
      }
      if (n++ >= rules) break;
      let key = "";
      for (const line of it.lines) {
        const m = /^(\w+)=(.*)$/.exec(line);
        if (m !== null) key = m[1];
        let v = m === null ? line : m[2];
        const goto = /^GoTo\s+(\S+)/.exec(v);
        if (/^continue2?$/.test(key) && goto !== null) {
          targets.add(goto[1]);
          v = `GoTo ${label(goto[1])}`;
        } else if (!/^(?:type|ptype2?|continue2?|window2?|thresh2?)$/.test(key)) {
          if (/^(?:pattern2?|desc2?)$/.test(key)) v = this.renameWords(v, k);
          v = this.renameNames(v, k);
        }
        out.push(m === null ? v : `${key}=${v}`);
      }
      out.push("");
    }
    for (const t of targets) if (!labels.has(t)) out.push(`label=${label(t)}`, "");
    return out.join("\n");
  }

  /** A ruleset of `rules` rules (whole copies, then a prefix of the next), and the marker rule. */
  ruleset(rules: number): string {
    const parts = [`# scale benchmark: ${rules} rules from ${this.ruleCount}-rule copies\n`];
    for (let k = 0; rules > 0; k++) {
      parts.push(this.copy(k, Math.min(rules, this.ruleCount)));
      rules -= this.ruleCount;
    }
    parts.push(MARKER_RULE);
    return parts.join("\n");
  }
}

/** FNV-1a, 32 bits. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * The site of a syslog line: a hash of its host field, modulo {@link TENANTS}. The salt
 * `site76:` spreads gen-log's 54 hosts evenly: 18.6 to 21.6 % of 200k lines per site.
 */
export function siteOf(line: string): number {
  const m = /^\S+ +\d+ \S+ (\S+) /.exec(line);
  return m === null ? 0 : fnv1a(`site76:${m[1]}`) % TENANTS;
}

/** The rules curve's log: each line renamed for its site, between the start and end markers. */
export function siteLog(base: string[], rename: (text: string, k: number) => string): string {
  const out = ["SCALE-MARKER start"];
  for (const line of base) out.push(rename(line, siteOf(line)));
  out.push("SCALE-MARKER end", "");
  return out.join("\n");
}

/** Key i of a state or pairs log: distinct for distinct i < 2^32, in scrambled order. */
export function key(i: number): string {
  return (Math.imul(i + 1, 0x9e3779b1) >>> 0).toString(16).padStart(8, "0");
}

const STAMP = "Dec  2 10:00:00";

/** The state curve's rules: a threshold operation and a context per key, probes of the contexts. */
export const STATE_RULES = `
type=SingleWithThreshold
ptype=RegExp
pattern=app\\[\\d+\\]: session (\\S+) opened
continue=TakeNext
desc=session $1 busy
action=write out.log %s
window=86400
thresh=1000000000

type=Single
ptype=RegExp
pattern=app\\[\\d+\\]: session (\\S+) opened
context=!SESSION_$1
desc=remember session $1
action=create SESSION_$1 86400

type=Single
ptype=RegExp
pattern=app\\[\\d+\\]: probe (\\S+)
context=SESSION_$1
desc=probe of open session $1
action=write out.log %s
${MARKER_RULE}`;

/**
 * The state curve's log: `n` fill lines, each opening one key's operation and context, then
 * `m` steady lines: 4 in 10 open an existing key again (its operation counts, its context is
 * tested), 2 in 10 probe a key's context (half of them keys never opened), 4 in 10 match no rule.
 */
export function stateLog(n: number, m: number): string {
  const out = ["SCALE-MARKER start"];
  for (let i = 0; i < n; i++) {
    out.push(`${STAMP} host${i % 97} app[${i % 30000}]: session ${key(i)} opened`);
  }
  out.push("SCALE-MARKER filled");
  for (let j = 0; j < m; j++) {
    const i = Math.imul(j, 2654435761) >>> 0;
    const h = `${STAMP} host${j % 97} app[${j % 30000}]:`;
    switch (j % 10) {
      case 0:
      case 3:
      case 6:
      case 8:
        out.push(`${h} session ${key(i % n)} opened`);
        break;
      case 1:
        out.push(`${h} probe ${key(i % n)}`);
        break;
      case 5:
        out.push(`${h} probe ${key(n + (i % n))}`);
        break;
      default:
        out.push(`${h} request ${key(i % n)} served in ${j % 997} ms`);
    }
  }
  out.push("SCALE-MARKER end", "");
  return out.join("\n");
}

/** The pairs curve's rules: one Pair operation per connection key, closed by its own close line. */
export const PAIR_RULES = `
type=Pair
ptype=RegExp
pattern=app\\[\\d+\\]: conn (\\S+) open
desc=connection $1
action=none
ptype2=RegExp
pattern2=app\\[\\d+\\]: conn $1 closed
desc2=connection %1 closed
action2=write out.log %s
window=86400
${MARKER_RULE}`;

/**
 * The pairs curve's log: `n` lines opening a Pair operation each, then `m` steady lines:
 * 1 in 100 closes one of the first n/2 keys (in order, while there are any), the others are
 * traffic lines of open keys that start or close nothing.
 */
export function pairLog(n: number, m: number): string {
  const out = ["SCALE-MARKER start"];
  for (let i = 0; i < n; i++) {
    out.push(`${STAMP} gw${i % 31} app[${i % 30000}]: conn ${key(i)} open`);
  }
  out.push("SCALE-MARKER filled");
  let closed = 0;
  for (let j = 0; j < m; j++) {
    const h = `${STAMP} gw${j % 31} app[${j % 30000}]:`;
    if (j % 100 === 99 && closed < n / 2) out.push(`${h} conn ${key(closed++)} closed`);
    else out.push(`${h} conn ${key((Math.imul(j, 2654435761) >>> 0) % n)} sent ${j % 4093} bytes`);
  }
  out.push("SCALE-MARKER end", "");
  return out.join("\n");
}
