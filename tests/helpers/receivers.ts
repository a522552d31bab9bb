/**
 * Test helpers for what sec-ts sends out: a Unix datagram socket that
 * collects what arrives (a stand-in for /dev/log), and a poll-until.
 *
 * @module
 */

const dec = new TextDecoder();

/** A Unix datagram socket at `path` collecting what arrives. */
export function datagramReceiver(path: string): { got: string[]; close: () => void } {
  const conn = Deno.listenDatagram({ path, transport: "unixpacket" });
  const got: string[] = [];
  (async () => {
    try {
      for await (const [data] of conn) got.push(dec.decode(data));
    } catch {
      // closed
    }
  })();
  return { got, close: () => conn.close() };
}

/** Waits until `cond()` holds, polling every 20 ms; throws after `ms`. */
export async function until(cond: () => boolean, ms = 15000, what = "condition"): Promise<void> {
  const stop = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > stop) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
