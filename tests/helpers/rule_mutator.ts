/**
 * Mutated rule files for robustness runs: a seeded PRNG (mulberry32) picks
 * a base rule file and applies a few mutations: truncation, byte flips,
 * duplicated and dropped lines, huge values, deep nesting, enormous and
 * pathological regexes, invalid UTF-8, NUL bytes. The same seed always
 * gives the same bytes.
 *
 * @module
 */

/** A deterministic PRNG (mulberry32). */
export class Prng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** One of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** Rule files the mutations start from (all rule types, actions, contexts, code). */
export const BASE_RULES: readonly string[] = [
  `type=Single
ptype=RegExp
pattern=sshd\\[(\\d+)\\]: Failed password for (\\S+) from ([\\d.]+)
desc=failed login for $2 from $3
action=write - $2 $3; create FAILED_$2 60; event LOGIN_FAIL $2
`,
  `type=SingleWithThreshold
ptype=SubStr
pattern=error
desc=errors
action=write - too many errors
window=60
thresh=3
`,
  `type=Pair
ptype=RegExp
pattern=start (\\w+)
desc=start $1
action=none
ptype2=RegExp
pattern2=end $1
desc2=end %1
action2=write - done $1
window=30
`,
  `type=EventGroup2
ptype=RegExp
pattern=a(\\d)
ptype2=SubStr
pattern2=b
desc=group
action=write - group
window=10
`,
  `type=Calendar
time=* * * * *
desc=tick
action=write - tick; set TICK 10
`,
  `type=Suppress
ptype=RegExp2
pattern=^x\\n(y+)$
context=!QUIET && ( A || B ) && [C]
desc=suppress
`,
  `type=SingleWithScript
ptype=SubStr
pattern=run
script=/bin/true
desc=script
action=write - ok
action2=write - failed
`,
  `type=Single
ptype=PerlFunc2
pattern=(l1, l2) => l1.includes("x") ? [l2] : false
context=$1 -> ( (v) => v.length > 1 ) && SSH :> ( (e) => true )
desc=code $1
action=lcall %o $1 -> ( (s) => s.toUpperCase() ); eval %p ( 1 + 2 ); write - %o %p
`,
  `rem=options
type=Options
joincfset=a b
procallin=no

label=L1
type=Jump
ptype=TValue
pattern=TRUE
cfset=a
continue=GoTo L1
`,
  `type=SingleWith2Thresholds
ptype=NRegExp
pattern=ok
desc=not ok
action=write - up
window=60
thresh=2
desc2=down
action2=write - down
window2=30
thresh2=0
`,
];

const HUGE = [
  "4294967296",
  "100000000",
  "99999999999999999999",
  "-1",
  "1e308",
  "0",
  "NaN",
  "18446744073709551616",
];

const PATHOLOGICAL = [
  "(a+)+$",
  "(x+x+)+y",
  "^(\\w+\\s?)*$",
  "(a|aa)*b",
  "((a*)*)*c",
  "(.*a){20}",
  "(?:(?:(?:(?:a*)*)*)*)*z",
  "\\1(a)",
  "(?<n>a)\\k<n>+",
  "[[:alpha:]]+{2,}",
];

function nest(depth: number, open: string, close: string, inner: string): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

/** The mutations, each turning bytes into bytes. */
const MUTATIONS: ((b: Uint8Array, r: Prng) => Uint8Array)[] = [
  // truncate
  (b, r) => b.slice(0, r.int(b.length + 1)),
  // flip bytes
  (b, r) => {
    const c = b.slice();
    for (let k = 0, n = 1 + r.int(8); k < n && c.length > 0; k++) {
      c[r.int(c.length)] ^= 1 << r.int(8);
    }
    return c;
  },
  // duplicate / drop / swap lines
  (b, r) => {
    const lines = latin1(b).split("\n");
    const i = r.int(lines.length);
    const op = r.int(3);
    if (op === 0) lines.splice(i, 0, lines[r.int(lines.length)]);
    else if (op === 1) lines.splice(i, 1);
    else {
      const j = r.int(lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
    }
    return bytes(lines.join("\n"));
  },
  // huge values for numeric keywords and line counts
  (b, r) =>
    bytes(
      latin1(b).replace(
        /^(window2?|thresh2?|ptype2?)=(\w*?)(\d*)$/m,
        (_m, k, base) => `${k}=${base}${r.pick(HUGE)}`,
      ),
    ),
  // huge line count in a ptype
  (b, r) => bytes(latin1(b).replace(/^ptype=([A-Za-z]+)\d*$/m, `ptype=$1${r.pick(HUGE)}`)),
  // deep nesting in contexts and action lists
  (b, r) => {
    const d = [10, 200, 5000][r.int(3)];
    const t = latin1(b).replace(/^desc=(.*)$/m, (m) => `${m}\ncontext=${nest(d, "(", ")", "A")}`);
    return bytes(r.int(2) ? t : t.replace(/^action=(.*)$/m, `action=${nest(d, "(", ")", "none")}`));
  },
  // an enormous regex or value
  (b, r) => {
    const n = [1000, 60000, 300000][r.int(3)];
    const big = r.int(2) ? "x".repeat(n) : "(a|b)".repeat(n / 5);
    return bytes(latin1(b).replace(/^pattern=(.*)$/m, `pattern=(login )|(${big})`));
  },
  // a pathological regex
  (b, r) => bytes(latin1(b).replace(/^pattern=(.*)$/m, `pattern=${r.pick(PATHOLOGICAL)}`)),
  // invalid UTF-8 and NUL bytes
  (b, r) => {
    const c = Array.from(b);
    for (let k = 0, n = 1 + r.int(5); k < n; k++) {
      c.splice(r.int(c.length + 1), 0, r.pick([0x00, 0xff, 0xc3, 0xe2, 0x80, 0xfe]));
    }
    return new Uint8Array(c);
  },
  // an odd line: not keyword=value, an unknown keyword, a continuation at the end
  (b, r) => bytes(latin1(b) + r.pick(["pro\n", "foo=bar\n", "desc=x \\", "=\n", "type=\n"])),
];

function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 8192) {
    s += String.fromCharCode(...b.subarray(i, i + 8192));
  }
  return s;
}

function bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** The mutated rule file for `seed`, from `bases` (default {@link BASE_RULES}). */
export function mutatedRuleFile(seed: number, bases: readonly string[] = BASE_RULES): Uint8Array {
  const r = new Prng(seed);
  let b = bytes(r.pick(bases));
  for (let k = 0, n = 1 + r.int(3); k < n; k++) b = r.pick(MUTATIONS)(b, r);
  return b;
}

/** Input lines fed to a mutated rule file's run. */
export const MUTATION_INPUT = [
  "sshd[42]: Failed password for root from 10.0.0.1",
  "start job1",
  "error x",
  "a1",
  "b",
  "x",
  "yy",
  "run",
  "end job1",
  "a".repeat(30) + "!",
  "x".repeat(3000),
];
