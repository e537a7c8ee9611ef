/**
 * The finite candidate set of a replay sweep: the measured runs of the spec's table that lie inside
 * the spec's `params` and `data` dimensions. With these as candidates the planner buys real runs
 * (exact matches) instead of snapping continuous points to their nearest run, which could buy the
 * same run twice under two names and charge FLOPs the run never cost.
 */
import { dropHighest, loadRunTable, resolveTable, type ReplayRun } from '@slab/laws/run-table';
import type { NumericDimension, SweepSpec, TrialConfig } from '@slab/spec';

/** Relative slack on range bounds, so a bound written with fewer digits than the table still admits its run. */
const BOUND_SLACK = 1e-9;

function inside(dim: NumericDimension | undefined, v: number): boolean {
  if (!dim) return true;
  if ('values' in dim) return dim.values.some((x) => Math.abs(x / v - 1) < 1e-6);
  return v >= dim.min * (1 - BOUND_SLACK) && v <= dim.max * (1 + BOUND_SLACK);
}

const sci = (x: number) => x.toExponential(2);

/** Nearest table run to (N, D) in log space. */
function nearest(runs: ReplayRun[], N: number, D: number): ReplayRun {
  let best = runs[0];
  let bestD = Infinity;
  for (const r of runs) {
    const d = Math.hypot(Math.log(r.N / N), Math.log(r.D / D));
    if (d < bestD) [best, bestD] = [r, d];
  }
  return best;
}

/**
 * Why no run can be bought, with advice: a replay sweep buys measured runs, so listed sizes must be
 * the table's own; the nearest runs of the first few grid points show what to write instead.
 */
export function noRunInside(spec: SweepSpec, runs: ReplayRun[]): string {
  const { params, data } = spec.dimensions;
  const table = String(spec.task.options?.table);
  const head = `dimensions.params/dimensions.data: no run of ${table} (${runs.length} runs) lies at these sizes`;
  if (runs.length === 0 || !params || !data) return head;
  if ('values' in params && 'values' in data) {
    const points = params.values.flatMap((N) => data.values.map((D) => [N, D] as const)).slice(0, 3);
    const near = points.map(([N, D]) => {
      const r = nearest(runs, N, D);
      return `N=${sci(N)} D=${sci(D)} → nearest run N=${sci(r.N)} D=${sci(r.D)}`;
    });
    return `${head}: a replay sweep buys measured runs, so listed values must be the table's own (N, D); nearest runs: ${near.join('; ')}. List those values, or give { min, max } ranges to buy every run inside them`;
  }
  const ns = runs.map((r) => r.N);
  const ds = runs.map((r) => r.D);
  return `${head}: the table spans N ${sci(Math.min(...ns))}–${sci(Math.max(...ns))} and D ${sci(Math.min(...ds))}–${sci(Math.max(...ds))}; widen the ranges to include runs`;
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
  if (out.length === 0) throw new Error(noRunInside(spec, runs));
  // Each seed replays the run with its own noise (the plugin honours the seed dimension).
  const seeds = spec.dimensions.seed?.values;
  return seeds ? out.flatMap((c) => seeds.map((seed) => ({ ...c, seed }))) : out;
}
