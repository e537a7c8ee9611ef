/**
 * Limits of the running system that a well-formed spec must also respect, checked at validate time
 * so that a sweep which cannot run is refused before anything starts (not hours later, by Temporal):
 *
 * - `trial.maxAttempts` ≤ 2^31 − 1: Temporal's RetryPolicy.maximumAttempts is an int32.
 * - the grid (the product of the sizes of `values` dimensions, when every dimension is a list)
 *   has at most MAX_GRID_POINTS points: each planning step enumerates it.
 * - the plan payload: every planned trial's config rides in the sweep workflow's state, its
 *   continue-as-new input and the planBatch/fitLaws inputs, and Temporal refuses a payload over
 *   2 MiB (its default blob size limit); the configs may take at most MAX_PLAN_BYTES of that.
 *
 * Works on the raw document (like the law checks), so these issues show beside any others.
 */
import type { IssueList } from './issues';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Largest value of a Temporal int32 field (RetryPolicy.maximumAttempts). */
export const TEMPORAL_INT32_MAX = 2_147_483_647;
/** Grid points a sweep may enumerate (product of its `values` dimensions' sizes). */
export const MAX_GRID_POINTS = 100_000;
/** Bytes of planned trial configs (as JSON) a sweep may carry: half of Temporal's 2 MiB payload limit. */
export const MAX_PLAN_BYTES = 1024 * 1024;

const count = (n: number): string => n.toLocaleString('en-US');

/** Sizes of the `values` dimensions; undefined when some dimension is a range (sampled, not enumerated). */
function valueDimensions(dims: Obj): { name: string; size: number }[] | undefined {
  const out: { name: string; size: number }[] = [];
  for (const [name, dim] of Object.entries(dims)) {
    if (!isObj(dim) || !Array.isArray(dim.values)) return undefined;
    out.push({ name, size: dim.values.length });
  }
  return out;
}

/** Bytes of one trial config as JSON, `{"name":value,...}`, taking each dimension's longest value. */
function configBytes(dims: Obj): number {
  let bytes = 1; // the braces, less the comma the last entry does not have
  for (const [name, dim] of Object.entries(dims)) {
    const values = isObj(dim) && Array.isArray(dim.values) ? dim.values : undefined;
    // A range is sampled: a float prints in up to ~22 characters.
    const longest = values ? Math.max(1, ...values.map((v) => JSON.stringify(v)?.length ?? 1)) : 22;
    bytes += name.length + 4 + longest;
  }
  return bytes;
}

export function checkSystemLimits(root: Obj, issues: IssueList): void {
  const trial = isObj(root.trial) ? root.trial : {};
  if (typeof trial.maxAttempts === 'number' && Number.isInteger(trial.maxAttempts) && trial.maxAttempts > TEMPORAL_INT32_MAX) {
    issues.add(['trial', 'maxAttempts'], `expected at most ${count(TEMPORAL_INT32_MAX)} (Temporal keeps attempts in an int32), got ${count(trial.maxAttempts)}`);
  }

  const dims = isObj(root.dimensions) ? root.dimensions : undefined;
  if (!dims || Object.keys(dims).length === 0) return;
  const grid = valueDimensions(dims);
  let points: number | undefined;
  if (grid) {
    points = grid.reduce((p, d) => p * d.size, 1);
    if (points > MAX_GRID_POINTS) {
      const product = grid.filter((d) => d.size > 1).map((d) => `${d.name} (${count(d.size)})`).join(' × ');
      issues.add(['dimensions'], `expected a grid of at most ${count(MAX_GRID_POINTS)} points, got ${product} = ${count(points)} (every planning step enumerates the grid); sample it with planner random or sobol and budget.trials instead`);
      return;
    }
  }

  // Trials the sweep may plan: the grid, or fewer when budget.trials says so; unknown without either.
  const budget = isObj(root.budget) ? root.budget : {};
  const budgetTrials = typeof budget.trials === 'number' && Number.isInteger(budget.trials) && budget.trials > 0 ? budget.trials : undefined;
  const trials = points !== undefined ? Math.min(points, budgetTrials ?? Infinity) : budgetTrials;
  if (trials === undefined) return;
  const bytes = configBytes(dims);
  if (trials * bytes > MAX_PLAN_BYTES) {
    const most = Math.floor(MAX_PLAN_BYTES / bytes);
    const path = budgetTrials !== undefined && budgetTrials === trials ? ['budget', 'trials'] : ['dimensions'];
    issues.add(path, `expected at most ${count(most)} trials, got ${count(trials)}: each planned trial's config (about ${bytes} bytes) rides in the sweep workflow's state, and ${count(trials)} of them (${count(trials * bytes)} bytes) exceed the ${count(MAX_PLAN_BYTES)} bytes kept for them under Temporal's 2 MiB payload limit`);
  }
}
