/**
 * @slab/planner: pure, seeded next-batch selection. `planNext` never reads the clock, Math.random or
 * I/O, so a decision can be reproduced from its input (it runs in the planBatch activity).
 */
import { adaptiveStrategy } from './strategies/adaptive';
import { gridStrategy } from './strategies/grid';
import { randomStrategy } from './strategies/random';
import { sobolStrategy } from './strategies/sobol';
import { flopsLeft } from './pool';
import type { PlannerHooks, PlannerInput, PlannerOutput, Strategy } from './types';
import type { PlannerKind } from '@slab/spec';

export type { Candidate, PlannedPoint, PlannerHooks, PlannerInput, PlannerOutput, RunningTrial, Strategy, StrategyContext } from './types';
export { predictFinal, type CurvePoint, type FinalPrediction, type PredictOptions } from './partial';
export { assimilate, taper, type InFlight } from './assimilate';
export { configKey, estFlops, lawInputs, lawVariables, paramsOf } from './space';
export { sobolPoints } from './sobol';
export { createRng, mixSeed } from './rng';
export { readFit, type FitView } from './forms';

export const STRATEGIES: Record<PlannerKind, Strategy> = {
  grid: gridStrategy,
  random: randomStrategy,
  sobol: sobolStrategy,
  adaptive: adaptiveStrategy,
};

/** The next batch under the spec's planner and budget, each point with its reason; `stop` says why planning ended. */
export function planNext(input: PlannerInput, hooks: PlannerHooks = {}): PlannerOutput {
  const { spec } = input;
  const cap = spec.budget.trials;
  if (cap !== undefined && input.trialsStarted >= cap)
    return { points: [], stop: `trial cap reached: ${input.trialsStarted} of ${cap} trials started` };
  const left = flopsLeft(input, hooks);
  if (left <= 0) return { points: [], stop: `FLOP budget exhausted: ${input.flopsSpent.toExponential(2)} of ${spec.budget.flops!.toExponential(2)} FLOPs spent or committed` };
  const slots = Math.min(spec.planner.batchSize, cap === undefined ? Infinity : cap - input.trialsStarted);
  return STRATEGIES[spec.planner.kind].choose({ input, hooks, slots, flopsLeft: left });
}
