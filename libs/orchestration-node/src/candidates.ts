/**
 * The finite candidate set of a replay sweep: the measured runs of the spec's table that lie inside
 * the spec's `params` and `data` dimensions. With these as candidates the planner buys real runs
 * (exact matches) instead of snapping continuous points to their nearest run, which could buy the
 * same run twice under two names and charge FLOPs the run never cost.
 */
import { dropHighest, loadRunTable, resolveTable, type ReplayRun } from '@slab/worker-replay';
import type { NumericDimension, SweepSpec, TrialConfig } from '@slab/spec';

/** Relative slack on range bounds, so a bound written with fewer digits than the table still admits its run. */
const BOUND_SLACK = 1e-9;

function inside(dim: NumericDimension | undefined, v: number): boolean {
  if (!dim) return true;
  if ('values' in dim) return dim.values.some((x) => Math.abs(x / v - 1) < 1e-6);
  return v >= dim.min * (1 - BOUND_SLACK) && v <= dim.max * (1 + BOUND_SLACK);
}

/** Reads the table as the replay plugin does (same path resolution, same `dropHighest`). */
export function replayRuns(spec: SweepSpec, cwd = process.cwd()): ReplayRun[] {
  const o = spec.task.options ?? {};
  if (typeof o.table !== 'string' || o.table === '')
    throw new Error(`task.options.table: expected the path of the replay run table (CSV), got ${JSON.stringify(o.table)}`);
  const k = o.dropHighest ?? 0;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 0)
    throw new Error(`task.options.dropHighest: expected a non-negative integer, got ${JSON.stringify(k)}`);
  return dropHighest(loadRunTable(resolveTable(o.table, cwd)), k);
}

/**
 * Candidates for planNext: `undefined` when the spec's plugin is not `replay` (the planner then
 * draws from the spec's space), else one `{ params, data }` config per table run inside the space,
 * in table order. Throws, naming the field, when the spec cannot address runs or no run fits.
 */
export function replayCandidates(spec: SweepSpec, cwd = process.cwd()): TrialConfig[] | undefined {
  if (spec.task.plugin !== 'replay') return undefined;
  const { params, data } = spec.dimensions;
  if (!params || !data)
    throw new Error(`dimensions: the replay plugin selects runs by params and data; expected both dimensions, got ${Object.keys(spec.dimensions).join(', ') || 'none'}`);
  const runs = replayRuns(spec, cwd);
  const out = runs.filter((r) => inside(params, r.N) && inside(data, r.D)).map((r): TrialConfig => ({ params: r.N, data: r.D }));
  if (out.length === 0)
    throw new Error(`dimensions.params/dimensions.data: none of the ${runs.length} runs of ${String(spec.task.options?.table)} lies inside the space`);
  return out;
}
