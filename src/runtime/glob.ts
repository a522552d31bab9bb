/**
 * File name expansion as SEC does it for `--conf` and `--input`: Perl's
 * `glob()` (File::Glob in csh mode). Observed behaviour of that function,
 * reproduced here:
 *
 * - the pattern is split into words at whitespace; `"..."` and `'...'` group
 *   a word containing spaces (the quotes are removed, wildcards inside still
 *   work); an unbalanced quote is an ordinary character;
 * - `\x` makes `x` literal (and the backslash disappears);
 * - braces are expanded first: `x{1,{2,3}}` gives x1 x2 x3, `{}` is literal,
 *   an unmatched `{` cuts the word there;
 * - `~` and `~/...` become $HOME, `~user/...` that user's home directory
 *   (from /etc/passwd; unknown users are left as they are);
 * - a word without wildcards (`*`, `?`, `[...]`) is returned as it is, whether
 *   such a file exists or not; a word with wildcards gives the existing paths
 *   that match it, possibly none;
 * - `*`, `?` and classes never match a leading `.` of a name; `[!...]` negates,
 *   `[^...]` does not (`^` is an ordinary member); a `]` first in a class is a
 *   member; a `[` without a closing `]` is literal;
 * - the matches of each word are sorted alphabetically ignoring case (ties in
 *   code order); the words' results follow one another in pattern order.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { readdirSync, readFileSync, statSync } from "node:fs";

/** A string's UTF-8 bytes as a byte string (one code unit per byte): globbing works on bytes. */
function toBytes(s: string): string {
  return Buffer.from(s, "utf8").toString("latin1");
}

/** A byte string back to a normal string. */
function fromBytes(s: string): string {
  return Buffer.from(s, "latin1").toString("utf8");
}

/** Directory relative patterns are expanded in, as a byte string ending in "/" ("": the cwd). */
let root = "";

/** A byte-string path as something node:fs accepts (a relative one taken from `root`). */
function fsPath(s: string): Buffer {
  return Buffer.from(s.startsWith("/") ? s : root + s, "latin1");
}

/**
 * Expands `pattern` to file names the way Perl's `glob()` does (see module
 * doc). Relative patterns are expanded in `cwd` (default: the current
 * directory); the names stay relative as written.
 */
export function expandGlob(pattern: string, cwd?: string): string[] {
  root = cwd === undefined || cwd === "" ? "" : toBytes(cwd.endsWith("/") ? cwd : cwd + "/");
  try {
    return expandWords(pattern);
  } finally {
    root = "";
  }
}

function expandWords(pattern: string): string[] {
  const out: string[] = [];
  for (const word of splitWords(pattern)) {
    for (const expanded of expandBraces(word)) {
      const withHome = expandTilde(expanded);
      if (!hasMagic(withHome)) {
        out.push(unescape(withHome));
        continue;
      }
      out.push(...matchPath(toBytes(withHome)).sort(compareNames).map(fromBytes));
    }
  }
  return out;
}

/** Splits a pattern into words at whitespace, honouring quotes and backslashes. */
function splitWords(pattern: string): string[] {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (ch === "\\" && i + 1 < pattern.length) {
      cur += pattern.slice(i, i + 2);
      i += 2;
    } else if (ch === '"' || ch === "'") {
      const end = pattern.indexOf(ch, i + 1);
      if (end < 0) {
        cur += ch;
        i++;
      } else {
        cur += pattern.slice(i + 1, end);
        i = end + 1;
      }
    } else {
      cur += ch;
      i++;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** Index of the `}` closing the `{` at `open`, or -1; skips escapes and nested braces. */
function closingBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === "\\") {
      i++;
    } else if (s[i] === "{") {
      depth++;
    } else if (s[i] === "}") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Expands the first (outermost) brace group of `word`, recursively. */
function expandBraces(word: string): string[] {
  for (let i = 0; i < word.length; i++) {
    if (word[i] === "\\") {
      i++;
      continue;
    }
    if (word[i] !== "{") continue;
    if (word[i + 1] === "}") {
      i++; // "{}" is literal
      continue;
    }
    const close = closingBrace(word, i);
    if (close < 0) return [word.slice(0, i)];
    const prefix = word.slice(0, i);
    const suffix = word.slice(close + 1);
    const alternatives: string[] = [];
    let depth = 0;
    let start = i + 1;
    for (let j = i + 1; j < close; j++) {
      if (word[j] === "\\") j++;
      else if (word[j] === "{") depth++;
      else if (word[j] === "}") depth--;
      else if (word[j] === "," && depth === 0) {
        alternatives.push(word.slice(start, j));
        start = j + 1;
      }
    }
    alternatives.push(word.slice(start, close));
    return alternatives.flatMap((alt) => expandBraces(prefix + alt + suffix));
  }
  return [word];
}

/** Replaces a leading `~` or `~user` with the home directory. */
function expandTilde(word: string): string {
  if (!word.startsWith("~")) return word;
  const slash = word.indexOf("/");
  const user = word.slice(1, slash < 0 ? word.length : slash);
  const rest = slash < 0 ? "" : word.slice(slash);
  let home: string | undefined;
  if (user === "") {
    home = Deno.env.get("HOME");
  } else {
    try {
      for (const line of readFileSync("/etc/passwd", "latin1").split("\n")) {
        const f = line.split(":");
        if (f[0] === user && f.length >= 6) home = f[5];
      }
    } catch {
      home = undefined;
    }
  }
  return home === undefined ? word : escapeMagic(home) + rest;
}

/** Backslash-escapes the glob metacharacters of a literal string. */
function escapeMagic(s: string): string {
  return s.replace(/[\\*?[\]{}]/g, "\\$&");
}

/** Removes glob backslash escapes. */
function unescape(s: string): string {
  return s.replace(/\\(.)/gs, "$1");
}

/** Index just past the `]` closing the class opened at `open`, or -1 when unclosed. */
function classEnd(s: string, open: number): number {
  let i = open + 1;
  if (s[i] === "!") i++;
  if (s[i] === "]") i++;
  for (; i < s.length; i++) {
    if (s[i] === "]") return i + 1;
    if (s[i] === "/") return -1;
  }
  return -1;
}

/** True when `s` has an unescaped `*`, `?` or complete `[...]` class. */
function hasMagic(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === "\\") i++;
    else if (ch === "*" || ch === "?") return true;
    else if (ch === "[" && classEnd(s, i) > 0) return true;
  }
  return false;
}

/** Escapes a character for use inside a JS regex. */
function reChar(ch: string): string {
  return /[\\^$.*+?()[\]{}|\/-]/.test(ch) ? "\\" + ch : ch;
}

/** Translates one path segment pattern into an anchored regex. */
function segmentRegex(seg: string): RegExp {
  let re = seg.startsWith(".") || seg.startsWith("\\.") ? "" : "(?!\\.)";
  for (let i = 0; i < seg.length; i++) {
    const ch = seg[i];
    if (ch === "\\" && i + 1 < seg.length) {
      re += reChar(seg[++i]);
    } else if (ch === "*") {
      re += ".*";
    } else if (ch === "?") {
      re += ".";
    } else if (ch === "[" && classEnd(seg, i) > 0) {
      const end = classEnd(seg, i);
      let body = seg.slice(i + 1, end - 1);
      let negate = false;
      if (body.startsWith("!")) {
        negate = true;
        body = body.slice(1);
      }
      let cls = "";
      for (let j = 0; j < body.length; j++) {
        if (body[j + 1] === "-" && j + 2 < body.length) {
          cls += reChar(body[j]) + "-" + reChar(body[j + 2]);
          j += 2;
        } else {
          cls += reChar(body[j]);
        }
      }
      re += negate ? `[^${cls}]` : `[${cls}]`;
      i = end - 1;
    } else {
      re += reChar(ch);
    }
  }
  try {
    return new RegExp(`^${re}$`, "s");
  } catch {
    return /(?!)/; // e.g. a reversed range like [z-a]: matches nothing
  }
}

/** True when something exists at `path` (following symlinks). */
function exists(path: string): boolean {
  try {
    statSync(fsPath(path));
    return true;
  } catch {
    return false;
  }
}

/** True when `path` is a directory. */
function isDir(path: string): boolean {
  try {
    return statSync(fsPath(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Existing paths matching a pattern with wildcards, segment by segment. */
function matchPath(pattern: string): string[] {
  const absolute = pattern.startsWith("/");
  const segments = pattern.split("/");
  if (absolute) segments.shift();
  const trailingSlash = segments.length > 1 && segments[segments.length - 1] === "";
  if (trailingSlash) segments.pop();
  let paths: string[] = [absolute ? "/" : ""];
  for (const seg of segments) {
    const next: string[] = [];
    const join = (base: string, name: string) =>
      base === "" ? name : base.endsWith("/") ? base + name : `${base}/${name}`;
    if (!hasMagic(seg)) {
      for (const base of paths) next.push(join(base, unescape(seg)));
    } else {
      const re = segmentRegex(seg);
      for (const base of paths) {
        let names: string[];
        try {
          names = readdirSync(fsPath(base === "" ? "." : base), { encoding: "buffer" })
            .map((n) => n.toString("latin1"));
        } catch {
          continue;
        }
        if (seg.startsWith(".") || seg.startsWith("\\.")) names.push(".", "..");
        for (const name of names) if (re.test(name)) next.push(join(base, name));
      }
    }
    paths = next;
  }
  if (trailingSlash) return paths.filter(isDir).map((p) => p + "/");
  return paths.filter(exists);
}

/** Sort key of a byte string: ASCII (lower-cased when `fold`) above all other bytes (signed chars). */
function sortKey(name: string, fold: boolean): number[] {
  const t = fold ? name.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : name;
  return Array.from(t, (c) => {
    const b = c.charCodeAt(0);
    return b < 0x80 ? b + 0x80 : b - 0x80;
  });
}

/** Perl's GLOB_ALPHASORT order: bytewise ignoring ASCII case (signed chars), ties bytewise. */
function compareNames(a: string, b: string): number {
  for (const fold of [true, false]) {
    const ka = sortKey(a, fold);
    const kb = sortKey(b, fold);
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
      if (ka[i] !== kb[i]) return ka[i] - kb[i];
    }
    if (ka.length !== kb.length) return ka.length - kb.length;
  }
  return 0;
}
