/**
 * Byte strings. SEC (Perl) reads input and rule files as bytes, without an
 * encoding layer. We represent such data as "byte strings": JavaScript
 * strings whose every code unit is one byte (0-255), i.e. latin1-decoded.
 * A regex `.` then matches one byte, and bytes that are not valid UTF-8
 * round-trip unchanged. With the `--utf8` option, real UTF-8 decoding is
 * used instead (character semantics).
 *
 * @module
 */
import { Buffer } from "node:buffer";

/** How bytes are turned into strings and back. */
export type TextMode = "bytes" | "utf8";

/** Decodes bytes into a string in the given mode (latin1 for byte strings). */
export function decodeBytes(data: Uint8Array, mode: TextMode = "bytes"): string {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return buf.toString(mode === "bytes" ? "latin1" : "utf8");
}

/** Encodes a string into bytes in the given mode (latin1 for byte strings). */
export function encodeString(text: string, mode: TextMode = "bytes"): Uint8Array {
  if (mode === "utf8") return UTF8.encode(text);
  // latin1: the low byte of each code unit (a plain loop beats Buffer's here)
  const n = text.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = text.charCodeAt(i);
  return out;
}

const UTF8 = new TextEncoder();
