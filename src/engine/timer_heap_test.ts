/** TimerHeap: deadline order, ties in insertion order, lazy entries, one entry an item. */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { type Scheduled, TimerHeap } from "./timer_heap.ts";

interface Item extends Scheduled {
  name: string;
}

const item = (name: string): Item => ({ name, heapTime: -1, heapIndex: -1 });
const names = (items: Item[]) => items.map((i) => i.name);

Deno.test("due hands back what is due, earliest first, ties in scheduling order", () => {
  const h = new TimerHeap<Item>();
  const [a, b, c, d] = ["a", "b", "c", "d"].map(item);
  h.schedule(c, 30);
  h.schedule(a, 10);
  h.schedule(d, 20);
  h.schedule(b, 10);
  assertEquals(h.peekTime(), 10);
  assertEquals(names(h.due(9)), []);
  assertEquals(names(h.due(20)), ["a", "b", "d"]);
  assertEquals([a.heapTime, b.heapTime, c.heapTime], [-1, -1, 30]);
  assertEquals(h.size, 1);
  assertEquals(names(h.due(100)), ["c"]);
  assertEquals(h.peekTime(), Infinity);
});

Deno.test("an item keeps its earlier entry; moved earlier, the old entry is skipped", () => {
  const h = new TimerHeap<Item>();
  const a = item("a");
  h.schedule(a, 10);
  h.schedule(a, 50); // later: the entry at 10 stays, the owner re-checks then
  assertEquals(h.size, 1);
  h.schedule(a, 5); // earlier: its one entry moves
  assertEquals(h.size, 1);
  assertEquals(names(h.due(5)), ["a"]);
  assertEquals(names(h.due(10)), []);
  assertEquals(h.size, 0);
});

Deno.test("a removed item is gone at once and never handed back; the rest keep their order", () => {
  const h = new TimerHeap<Item>();
  const items = Array.from({ length: 300 }, (_, i) => item(String(i)));
  items.forEach((it, i) => h.schedule(it, (i * 7919) % 97));
  const removed = items.filter((_, i) => i % 3 === 0);
  for (const it of removed) h.remove(it);
  h.remove(removed[0]); // twice: nothing happens
  assertEquals(h.size, 200);
  assertEquals(removed.every((it) => it.heapIndex === -1 && it.heapTime === -1), true);
  const kept = items.filter((_, i) => i % 3 !== 0);
  const expected = kept
    .map((it) => ({ it, t: (Number(it.name) * 7919) % 97 }))
    .sort((x, y) => x.t - y.t || Number(x.it.name) - Number(y.it.name))
    .map((x) => x.it.name);
  assertEquals(names(h.due(1000)), expected);
});

Deno.test("many items come out sorted", () => {
  const h = new TimerHeap<Item>();
  const times = Array.from({ length: 200 }, (_, i) => (i * 7919) % 101);
  times.forEach((t, i) => h.schedule(item(`${t}:${i}`), t));
  const out = h.due(1000).map((i) => Number(i.name.split(":")[0]));
  assertEquals(out, [...times].sort((x, y) => x - y));
});
