/**
 * The context store (contexts.ts): names and aliases, re-creation, the
 * event store, and expiry in whole seconds as SEC's time(2): a context
 * created at second C with lifetime L is expired at the first check where
 * now - C > L.
 */
import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { ContextStore } from "./contexts.ts";

const names = (cs: { names: string[] }[]) => cs.map((c) => c.names.join("|"));

Deno.test("expiry: not at created + lifetime, at the second after; infinite lifetime never", () => {
  const s = new ContextStore();
  s.create("A", 100, 10, "actionA");
  s.create("FOREVER", 100, 0, undefined);
  assertEquals(s.nextExpiry() <= 111, true);
  assertEquals(names(s.expired(110)), []);
  const due = s.expired(111);
  assertEquals(names(due), ["A"]);
  assertEquals(due[0].action, "actionA");
  // the store reports, the caller deletes (after running the action list)
  s.remove(due[0]);
  assertEquals([s.has("A"), s.has("FOREVER")], [false, true]);
  assertEquals(names(s.expired(1_000_000)), []);
});

Deno.test("re-creating a context restarts its lifetime, replaces its action and empties its store", () => {
  const s = new ContextStore();
  const c = s.create("C", 100, 10, "old");
  c.add(["e1", "e2"], 101);
  const again = s.create("C", 105, 10, "new");
  assert(again === c, "the same context object");
  assertEquals([again.events, again.action, again.created], [[], "new", 105]);
  assertEquals(names(s.expired(111)), [], "the old deadline no longer counts");
  assertEquals(names(s.expired(116)), ["C"]);
});

Deno.test("a lifetime set later moves the deadline once rescheduled (set action)", () => {
  const s = new ContextStore();
  const c = s.create("C", 100, 10, undefined);
  c.created = 108; // `set C 10`: the lifetime starts again now
  s.reschedule(c);
  assertEquals(names(s.expired(111)), []);
  assertEquals(names(s.expired(119)), ["C"]);
});

Deno.test("expired contexts come in deadline order, then creation order; deleted ones never", () => {
  const s = new ContextStore();
  s.create("late", 100, 30, undefined);
  s.create("b", 100, 10, undefined);
  s.create("a", 100, 10, undefined);
  s.create("early", 100, 5, undefined);
  s.create("gone", 100, 5, undefined);
  s.delete("gone");
  assertEquals(names(s.expired(200)), ["early", "b", "a", "late"]);
});

Deno.test("aliases: one context under several names; the last name dropped deletes it", () => {
  const s = new ContextStore();
  const c = s.create("main", 100, 0, undefined);
  assertEquals(s.alias("main", "other"), true);
  assertEquals(s.alias("missing", "x"), false);
  assert(s.get("other") === c);
  assertEquals([s.nameCount, s.contexts().length], [2, 1]);
  s.unalias("main");
  assertEquals([s.has("main"), s.has("other"), c.deleted], [false, true, false]);
  s.unalias("other");
  assertEquals([s.has("other"), c.deleted, s.nameCount], [false, true, 0]);
  // an alias that named another context moves over; delete removes every name
  const d = s.create("d", 100, 0, undefined);
  s.create("e", 100, 0, undefined);
  s.alias("d", "e");
  assert(s.get("e") === d);
  s.delete("e");
  assertEquals([...s.names()], []);
});

Deno.test("the event store keeps order and times; prepend puts lines first", () => {
  const s = new ContextStore();
  const c = s.create("C", 100, 0, undefined);
  c.add(["b", "c"], 101);
  c.prepend(["a"], 102);
  assertEquals([c.events, c.eventTimes], [["a", "b", "c"], [102, 101, 101]]);
  c.clear();
  assertEquals([c.events, c.eventTimes], [[], []]);
  // creation order for listings, each context once whatever its aliases
  s.create("Z", 100, 0, undefined);
  s.alias("Z", "Y");
  assertEquals(names(s.contexts()), ["C", "Z|Y"]);
});
