/**
 * Sends newline-terminated datagrams "F<seq> <padding>" at a steady rate:
 *
 *     deno run -A --unstable-net tests/helpers/udp_flood.ts <port> <rate> <seconds>
 *
 * Prints the number of datagrams sent.
 *
 * @module
 */
const [portArg, rateArg, secondsArg] = Deno.args;
const port = Number(portArg);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const sock = (Deno as unknown as {
  listenDatagram(o: { transport: "udp"; hostname: string; port: number }): {
    send(p: Uint8Array, a: { transport: "udp"; hostname: string; port: number }): Promise<number>;
    close(): void;
  };
}).listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
const to = { transport: "udp" as const, hostname: "127.0.0.1", port };
const enc = new TextEncoder();
const pad = "p".repeat(60);
const start = performance.now();
const total = Math.floor(rate * seconds);
let sent = 0;
while (sent < total) {
  const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
  const batch: Promise<number>[] = [];
  while (sent < due) {
    sent++;
    batch.push(sock.send(enc.encode(`F${sent} ${pad}\n`), to));
    if (batch.length >= 256) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
  if (sent < due + 1) await new Promise((r) => setTimeout(r, 1));
}
sock.close();
console.log(`${sent} ${((performance.now() - start) / 1000).toFixed(2)}`);
