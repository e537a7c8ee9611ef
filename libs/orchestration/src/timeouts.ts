/**
 * Timeouts of the fitLaws activity. The activity heartbeats (its fit runs off the event loop), so a
 * dead orchestrator or a completion lost in a Temporal crash costs at most FIT_HEARTBEAT_TIMEOUT_MS;
 * the start-to-close timeout only bounds a fit that runs away, so it is sized to the fit's work.
 */
import type { SweepSpec } from '@slab/spec';

/** Missed heartbeats for this long retry the fit (generous: a loaded 2-core machine delays timers). */
export const FIT_HEARTBEAT_TIMEOUT_MS = 30_000;

/** Point estimates, screening and storing the report, whatever the bootstrap. */
const FIT_BASE_MS = 5 * 60_000;
/** One bootstrap refit of one metric, with a wide margin over what a loaded small machine takes (~2 ms for 12 runs). */
const PER_RESAMPLE_MS = 10;
const FIT_MAX_MS = 2 * 60 * 60_000;

/**
 * Start-to-close timeout of one fitLaws attempt in ms: 5 minutes plus 10 ms per bootstrap refit
 * (resamples × metrics fitted side by side), at most 2 hours. A 50,000-resample bootstrap gets 13 min 20 s.
 */
export function fitLawsTimeoutMs(spec: Pick<SweepSpec, 'law'>): number {
  const refits = Math.max(0, spec.law.bootstrap) * Math.max(1, spec.law.metrics?.length ?? 1);
  return Math.min(FIT_MAX_MS, FIT_BASE_MS + refits * PER_RESAMPLE_MS);
}
