/**
 * The actions that create events and change the input buffer (ACTIONS):
 * event (after an optional delay), tevent (after a delay), cevent (with
 * an internal context) and rewrite (replaces the last lines of the input
 * buffer). A multi-line text gives one event per line, split as Perl's
 * split(/\n/).
 *
 * @module
 */
import { PERL_TRIM } from "../../lang/blanks.ts";
import { perlSplitLines } from "../split_lines.ts";
import { type ActionHandlers, type Frame, param } from "./frame.ts";

/** The delay of tevent/cevent: whole seconds; anything else is logged as SEC does and skipped. */
function eventDelay(f: Frame, text: string): number | undefined {
  const t = text.replace(PERL_TRIM, ""); // ASCII blanks only, as Perl's \s on bytes
  if (/^\d+$/.test(t)) return parseInt(t, 10);
  f.engine.logger.log(3, `Invalid time specification '${text}' for creating events`);
  return undefined;
}

/** The action types of the event actions. */
export type EventActionType = "event" | "tevent" | "cevent" | "rewrite";

/** event, tevent, cevent and rewrite. */
export function eventActions(): Pick<ActionHandlers, EventActionType> {
  return {
    event: (f, a) => {
      const delay = parseInt(param(f, a.time, "0"), 10) || 0;
      for (const line of perlSplitLines(param(f, a.text, f.list.desc))) {
        f.engine.queueDelayedEvent(delay, line);
      }
    },
    tevent: (f, a) => {
      const delay = eventDelay(f, param(f, a.time, "0"));
      if (delay === undefined) return;
      for (const line of perlSplitLines(param(f, a.text, f.list.desc))) {
        f.engine.queueDelayedEvent(delay, line);
      }
    },
    cevent: (f, a) => {
      const ctxName = param(f, a.name);
      const delay = eventDelay(f, param(f, a.time, "0"));
      if (delay === undefined) return;
      for (const line of perlSplitLines(param(f, a.text, f.list.desc))) {
        f.engine.queueDelayedEvent(delay, line, ctxName);
      }
    },
    rewrite: (f, a) => {
      const lnum = param(f, a.lines, "1").replace(PERL_TRIM, "");
      if (!/^\d+$/.test(lnum)) return; // SEC: must be an unsigned integer
      f.engine.rewriteBuffer(parseInt(lnum, 10), param(f, a.text, f.list.desc));
    },
  };
}
