/** PairIndex: the operations it offers are exactly those whose literal the event holds, in order. */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { compilePattern, type Pattern } from "../../lang/patterns.ts";
import { PairIndex } from "./pair_index.ts";

interface Op {
  seq: number;
  ended: boolean;
  pattern2: Pattern;
  literal: string | undefined;
}

const op = (seq: number, source: string, kind: "RegExp" | "SubStr" = "RegExp"): Op => {
  const pattern2 = compilePattern(kind, 1, source, undefined);
  return { seq, ended: false, pattern2, literal: pattern2.literal };
};

Deno.test("PairIndex offers the operations whose pattern2 literal is in the event, in creation order", () => {
  let x = 5;
  const rand = (n: number) => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) % n;
  const hosts = ["web1", "web12", "db", "a", "xx su[1"];
  const ops: Op[] = [];
  const index = new PairIndex<Op>("]: closed");
  for (let i = 0; i < 400; i++) {
    const h = hosts[rand(hosts.length)];
    const pid = rand(50);
    // some pattern2 have no literal holding the common one: they are always offered
    const source = i % 37 === 0
      ? `\\d+ su`
      : i % 41 === 0
      ? `${h} su[${pid}]: closed`
      : `${h.replace(/[^\w]/g, "\\$&")} su\\[${pid}\\]: closed`;
    const o = op(i, source, i % 41 === 0 ? "SubStr" : "RegExp");
    ops.push(o);
    index.add(o);
  }
  for (const o of ops) if (rand(5) === 0) o.ended = true;
  for (let k = 0; k < 500; k++) {
    let subject = "";
    for (let n = rand(3); n >= 0; n--) {
      subject += `${hosts[rand(hosts.length)]} su[${rand(50)}]: closed${rand(2) ? " x " : ""}`;
    }
    const got = index.candidates(subject);
    for (let i = 1; i < got.length; i++) assertEquals(got[i - 1].seq < got[i].seq, true);
    assertEquals(got.every((o) => !o.ended), true);
    // every live operation whose literal is in the event is offered
    const must = ops.filter((o) =>
      !o.ended && o.literal !== undefined && subject.includes(o.literal)
    );
    const offered = new Set(got);
    assertEquals(must.filter((o) => !offered.has(o)).map((o) => o.pattern2.source), []);
    // and nothing else but those without a literal holding the common one
    const extra = got.filter((o) => !must.includes(o));
    assertEquals(
      extra.every((o) => o.literal === undefined || !o.literal.includes("]: closed")),
      true,
    );
  }
});

Deno.test("PairIndex drops ended operations once they outnumber the live ones", () => {
  const index = new PairIndex<Op>(" closed");
  const ops = Array.from({ length: 300 }, (_, i) => op(i, `h${i} closed`));
  for (const o of ops) index.add(o);
  for (const o of ops.slice(0, 250)) o.ended = true;
  index.compact(50);
  assertEquals(index.entries, 50);
  assertEquals(index.candidates("h260 closed h7 closed").map((o) => o.seq), [260]);
});
