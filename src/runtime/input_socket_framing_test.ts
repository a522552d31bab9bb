import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { SyslogFrameSplitter } from "./input_socket_framing.ts";

const enc = new TextEncoder();

/** Octet-counted frame of `msg` (its length in bytes, a space, the message). */
function frame(msg: string): string {
  return `${enc.encode(msg).length} ${msg}`;
}

/** Feeds `text` in pieces cut at `cuts` (byte offsets), then closes; returns the lines. */
function split(
  text: string,
  cuts: number[] = [],
  max = 1000,
): { lines: string[]; s: SyslogFrameSplitter } {
  const s = new SyslogFrameSplitter(max, "latin1");
  const bytes = enc.encode(text);
  const lines: string[] = [];
  const emit = (l: string) => void lines.push(l);
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    s.push(bytes.subarray(at, c), emit);
    at = c;
  }
  s.flush(emit);
  return { lines, s };
}

const A = "<13>1 2026-12-02T10:00:00Z host app 1 - - first";
const B = "<14>Dec  2 10:00:01 host sshd[4242]: second";

Deno.test("SyslogFrameSplitter: octet-counted messages, with and without a newline after them", () => {
  const { lines, s } = split(frame(A) + frame(B) + "\n" + frame(A));
  assertEquals(lines, [A, B, A]);
  assertEquals(s.counted, 3);
});

Deno.test("SyslogFrameSplitter: the same stream cut at every byte gives the same lines", () => {
  const text = frame(A) + B + "\n" + frame(B) + "\n" + "plain line\n" + frame(A);
  const want = [A, B, B, "plain line", A];
  const bytes = enc.encode(text).length;
  for (let c = 1; c < bytes; c++) assertEquals(split(text, [c]).lines, want, `cut at ${c}`);
  assertEquals(split(text, Array.from({ length: bytes - 1 }, (_, i) => i + 1)).lines, want);
});

Deno.test("SyslogFrameSplitter: newline framing for anything that is not LEN SP <", () => {
  const plain = [
    "404 Not Found",
    "2026 12 02 log line",
    "12 x",
    "0 <13>zero length is no length",
    "1234567890 <13>ten digits",
    "12",
    "",
    "<13>no length",
    "7",
  ];
  assertEquals(split(plain.join("\n") + "\n").lines, plain);
  // an unfinished last line is delivered at close, whatever it looked like
  assertEquals(split("123 ").lines, ["123 "]);
  assertEquals(split("123").lines, ["123"]);
});

Deno.test("SyslogFrameSplitter: a counted message holding newlines gives a line per part", () => {
  const msg = "<13>one\ntwo\nthree";
  assertEquals(split(frame(msg) + frame(A)).lines, ["<13>one", "two", "three", A]);
  // a counted message ending in a newline: no empty line after it
  assertEquals(split(frame(A + "\n") + frame(B)).lines, [A, B]);
});

Deno.test("SyslogFrameSplitter: over-long lines are cut, the framing stays in step", () => {
  const long = "<13>" + "x".repeat(66);
  const { lines, s } = split(frame(long) + frame(A) + long + "\n" + frame(B), [], 60);
  assertEquals(lines, [long.slice(0, 60), A, long.slice(0, 60), B]);
  assertEquals(s.cut, 2);
});

Deno.test("SyslogFrameSplitter: a connection closed inside a counted message delivers what came", () => {
  const text = frame(A);
  assertEquals(split(text.slice(0, text.length - 5)).lines, [A.slice(0, A.length - 5)]);
});
