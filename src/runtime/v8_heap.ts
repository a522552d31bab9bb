/**
 * V8 heap settings for the agent. V8's young generation grows to two
 * 16 MiB semi-spaces by default; a log correlator allocates a little per
 * line and keeps its state for hours, so smaller semi-spaces cost no
 * measurable time and lower the peak RSS (../shared/bench at 1M lines:
 * small.sec 188 -> 153 MB, large.sec 233 -> 209 MB, CPU time within the
 * run-to-run spread).
 *
 * V8 reads its flags once, at start-up, from `DENO_V8_FLAGS`; the agent
 * re-executes itself first thing anyway (sigusr1_guard.ts), so the
 * settings are handed to that image. An operator's own `DENO_V8_FLAGS`
 * wins; the variable is taken out of the environment again before any
 * child process starts, so programs run by actions never see ours.
 *
 * @module
 */

/** The flags the agent runs with unless DENO_V8_FLAGS is set. */
export const AGENT_V8_FLAGS = "--max-semi-space-size=8";

/** Marks that DENO_V8_FLAGS was set by the agent (not by the operator). */
const MARKER = "SEC_TS_V8_FLAGS";

/** The environment entries to add for the re-executed image (none when the operator set flags). */
export function heapSettingsEnv(env: { get(name: string): string | undefined }): string[] {
  if (env.get("DENO_V8_FLAGS") !== undefined) return [];
  return [`DENO_V8_FLAGS=${AGENT_V8_FLAGS}`, `${MARKER}=1`];
}

/** In the re-executed image: removes the variables the agent added, so children do not inherit them. */
export function forgetHeapSettingsEnv(): void {
  if (Deno.env.get(MARKER) === undefined) return;
  Deno.env.delete(MARKER);
  Deno.env.delete("DENO_V8_FLAGS");
}
