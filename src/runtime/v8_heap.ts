/**
 * V8 heap settings for the agent. On this kind of host V8 lets its young
 * generation grow to 32 MiB semi-spaces; a log correlator allocates a
 * little per line and keeps its state for hours, so smaller ones cost no
 * measurable time and lower the peak RSS. 16 MiB took small.sec 188 ->
 * 160 MB and medium.sec 214 -> 182 MB (../shared/bench at 1M lines,
 * medians of alternated runs); since files are read in 16 KiB blocks,
 * 8 MiB take another 15-25 MB off every ruleset (paired runs: small.sec
 * 139 -> 122 MB, medium.sec 160 -> 143 MB, large.sec 171 -> 151 MB), CPU
 * time ratio 0.88-1.17, median 0.98.
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
  try {
    if (env.get("DENO_V8_FLAGS") !== undefined) return [];
  } catch {
    return []; // no --allow-env: the operator's variable cannot be seen, so none of ours either
  }
  return [`DENO_V8_FLAGS=${AGENT_V8_FLAGS}`, `${MARKER}=1`];
}

/** In the re-executed image: removes the variables the agent added, so children do not inherit them. */
export function forgetHeapSettingsEnv(): void {
  try {
    if (Deno.env.get(MARKER) === undefined) return;
    Deno.env.delete(MARKER);
    Deno.env.delete("DENO_V8_FLAGS");
  } catch {
    // no --allow-env: nothing was added (heapSettingsEnv)
  }
}
