/** Helpers the planner and the workflow share: grid enumeration and stable trial ids. */
import type { SweepSpec, TrialConfig } from './types';
import { DIMENSION_NAMES } from './validate';

/**
 * Cartesian product of every dimension given as `values`, in canonical dimension order
 * (width, params, data, learningRate, seed, curation.*) with the last varying fastest and
 * values in the order written. Range dimensions are skipped (planners sample them).
 */
export function enumerateGrid(spec: SweepSpec): TrialConfig[] {
  let configs: Record<string, number | string | boolean>[] = [{}];
  for (const name of DIMENSION_NAMES) {
    const dim = spec.dimensions[name];
    if (!dim || !('values' in dim)) continue;
    const next: Record<string, number | string | boolean>[] = [];
    for (const c of configs) for (const v of dim.values) next.push({ ...c, [name]: v });
    configs = next;
  }
  return configs as TrialConfig[];
}

/** `${sweepId}-t0007`: stable, sortable trial ids. */
export function trialId(sweepId: string, index: number): string {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`trialId: index must be a non-negative integer, got ${index}`);
  return `${sweepId}-t${String(index).padStart(4, '0')}`;
}
