import type { SweepSpec, TrialConfig, TrialResult } from '@slab/spec';
import type { CurvePoint } from './partial';

/** Everything a planning decision may depend on (plain JSON; same shape as PlanBatchInput minus sweepId). */
export interface PlannerInput {
  spec: SweepSpec;
  batchIndex: number;
  /** Results so far, in completion order. */
  results: TrialResult[];
  /** Configs already planned (including running ones); never planned twice. */
  planned: TrialConfig[];
  /** Latest fit: a FitReport from @slab/laws as JSON (params, law, bootstrap.samples, rmsle). */
  fit?: unknown;
  flopsSpent: number;
  trialsStarted: number;
  /**
   * Optional finite candidate set (e.g. the runs of a replay table). When absent, candidates come
   * from the spec: the grid of `values` dimensions, or space-filling points of range dimensions.
   */
  candidates?: TrialConfig[];
  /**
   * Optional partial curves of trials in flight (planned, no result yet). The adaptive planner
   * always counts an in-flight trial as a coming observation; with a curve it also uses the
   * trial's predicted final loss (planning only, never fitted: see README.md "Partial curves").
   */
  running?: RunningTrial[];
}

export interface RunningTrial {
  config: TrialConfig;
  /** Eval-metric points streamed so far (the law's metric). */
  curve: CurvePoint[];
  /** Steps the trial will run in all. */
  totalSteps: number;
}

export interface PlannedPoint {
  config: TrialConfig;
  /** Why this point, in words. */
  reason: string;
  /** 6·N·D estimate of the trial's training FLOPs. */
  estFlops: number;
}

export interface PlannerOutput {
  points: PlannedPoint[];
  /** Set when the sweep should stop; says why in words. */
  stop?: string;
}

/** Non-JSON helpers a host may pass (the trainer plugin knows its width→params map). */
export interface PlannerHooks {
  paramsForWidth?: (width: number, spec: SweepSpec) => number;
}

/** One strategy: pick up to `slots` points from `pool` (already de-duplicated, costed and within budget). */
export interface Strategy {
  readonly kind: string;
  choose(ctx: StrategyContext): PlannerOutput;
}

export interface Candidate {
  config: TrialConfig;
  estFlops: number;
  /** Position in [0,1]^d over the spec's dimensions (log scale where the dimension is log). */
  unit: number[];
}

export interface StrategyContext {
  input: PlannerInput;
  hooks: PlannerHooks;
  /** How many points this batch may still hold (batch size, trial cap). */
  slots: number;
  /** FLOPs left after spent and in-flight work; Infinity without a FLOP budget. */
  flopsLeft: number;
}
