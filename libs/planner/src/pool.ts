/** Shared planning steps: what is already planned, budget left, and greedy filling of a batch. */
import { enumerateGrid, type TrialConfig } from '@slab/spec';
import { configKey, estFlops, toCandidate } from './space';
import type { Candidate, PlannedPoint, PlannerHooks, PlannerInput, StrategyContext } from './types';

export function plannedKeys(input: PlannerInput): Set<string> {
  return new Set(input.planned.map(configKey));
}

/**
 * FLOPs not yet committed. Trials planned but without a result are in flight; since the workflow
 * plans between batches, the last `planned.length - results.length` planned configs are those.
 */
export function flopsLeft(input: PlannerInput, hooks: PlannerHooks): number {
  const cap = input.spec.budget.flops;
  if (cap === undefined) return Infinity;
  const inFlight = input.planned.slice(input.results.length).reduce((s, c) => s + estFlops(input.spec, c, hooks), 0);
  return cap - input.flopsSpent - inFlight;
}

/** The finite candidate set, when there is one: given candidates, or the grid of `values` dimensions. */
export function finitePool(input: PlannerInput, hooks: PlannerHooks): Candidate[] | undefined {
  const { spec } = input;
  let configs: TrialConfig[] | undefined = input.candidates;
  if (!configs) {
    const allValues = Object.values(spec.dimensions).every((d) => d && 'values' in d);
    if (allValues) configs = enumerateGrid(spec);
  }
  if (!configs) return undefined;
  const seen = plannedKeys(input);
  const out: Candidate[] = [];
  for (const c of configs) {
    const k = configKey(c);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(toCandidate(spec, c, hooks));
  }
  return out;
}

/** Greedily takes candidates in the given order while they fit the slots and the FLOPs left. */
export function fill(
  ordered: Iterable<Candidate>,
  ctx: StrategyContext,
  reason: (c: Candidate, i: number) => string,
): { points: PlannedPoint[]; skippedForBudget: number } {
  const points: PlannedPoint[] = [];
  let left = ctx.flopsLeft;
  let skippedForBudget = 0;
  for (const c of ordered) {
    if (points.length >= ctx.slots) break;
    if (c.estFlops > left) {
      skippedForBudget++;
      continue;
    }
    points.push({ config: c.config, estFlops: c.estFlops, reason: reason(c, points.length) });
    left -= c.estFlops;
  }
  return { points, skippedForBudget };
}

export const fmt = (x: number): string => (Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-2 && x !== 0) ? x.toExponential(2) : String(+x.toPrecision(3)));

/** The stop message when a batch came out empty. */
export function emptyReason(ctx: StrategyContext, skippedForBudget: number, exhausted: string): string {
  if (skippedForBudget > 0)
    return `FLOP budget exhausted: ${fmt(ctx.flopsLeft)} FLOPs left, every remaining candidate costs more`;
  return exhausted;
}

/** FLOPs committed so far: spent, plus the estimate of the planned trials still in flight. */
export function committedFlops(input: PlannerInput, hooks: PlannerHooks): number {
  return input.flopsSpent + input.planned.slice(input.results.length).reduce((s, c) => s + estFlops(input.spec, c, hooks), 0);
}
