/**
 * Test driver for InputManager in a process of its own (so that its
 * standard input is a real pipe or file). Usage:
 *
 *     deno run -A tests/helpers/input_driver.ts '<json>'
 *
 * where json holds `specs` (InputSpec[]) and `options` (InputOptions without
 * the logger). Prints one JSON object a line: {"line","src","ctx"} per input
 * line, {"log","msg"} per log message, and {"end":true} when input ended
 * (waitForData returned false). Stops after a line "QUIT" or `maxSeconds`.
 *
 * @module
 */
import { InputManager, type InputOptions, type InputSpec } from "../../src/runtime/inputs.ts";
import type { Logger } from "../../src/runtime/logger.ts";

const enc = new TextEncoder();
function emit(obj: unknown): void {
  Deno.stdout.writeSync(enc.encode(JSON.stringify(obj) + "\n"));
}

const config = JSON.parse(Deno.args[0]) as {
  specs: InputSpec[];
  options: Omit<InputOptions, "logger">;
  maxSeconds?: number;
};
const logger: Logger = { log: (level, msg) => emit({ log: level, msg }) };
const inputs = new InputManager(config.specs, { ...config.options, logger });
await inputs.start();
const stopAt = performance.now() + (config.maxSeconds ?? 20) * 1000;
loop: for (;;) {
  let l;
  while ((l = inputs.nextLine()) !== null) {
    emit({ line: l.text, src: l.source, ctx: l.context ?? null });
    if (l.text === "QUIT") break loop;
  }
  if (performance.now() > stopAt) break;
  if (!await inputs.waitForData(50)) {
    emit({ end: true });
    break;
  }
}
await inputs.close();
Deno.exit(0);
