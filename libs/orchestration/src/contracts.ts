/**
 * Contracts between the sweep workflow and its activities. Workflow-sandbox safe: types only,
 * plain JSON shapes (no Map/Set/Date/class instances).
 */
import type { PlannedPoint, PlannerInput } from '@slab/planner';
import type { SweepSpec, TrialConfig, TrialRequest, TrialResult } from '@slab/spec';

export type { PlannedPoint };

/** Task queue of the orchestrator worker (planBatch, fitLaws, reportSweep). */
export const ORCHESTRATOR_QUEUE = 'slab-orchestrator';

/** What the workflow sends planBatch: the planner's input (the activity adds replay candidates). */
export interface PlanBatchInput extends Omit<PlannerInput, 'candidates' | 'running'> {
  sweepId: string;
  /**
   * Finished trials the gateway's store already holds (reported, acknowledged): the activity loads
   * them from there and `results` carries only the rest, so inputs stay small in long sweeps.
   */
  storedResults?: number;
}

export interface PlanBatchOutput {
  points: PlannedPoint[];
  /** Set when the planner decides the sweep should stop (budget, tolerance reached, nothing useful left). */
  stop?: string;
}

export interface FitLawsInput {
  sweepId: string;
  spec: SweepSpec;
  /** Finished trials not yet acknowledged by the store; the other `storedResults` are loaded from it. */
  results: TrialResult[];
  storedResults?: number;
  /** Planned configs by trial index, for law variables that come from the config (e.g. `curation.keep`). */
  planned?: TrialConfig[];
  /** Index of the batch just finished (0-based): stamps the study answer computed beside the fit. */
  batch?: number;
}

/** Compact summary kept in workflow state; the full fit report is stored by the gateway. */
export interface FitSummary {
  law: string;
  params: Record<string, number>;
  converged: boolean;
  nPoints: number;
  /** One-line human form, e.g. `L = 1.82 + 478/N^0.347 + 2143/D^0.367`. */
  formula: string;
  /** Target prediction with its interval, when the spec names a target. */
  target?: { value: number; lo: number; hi: number; label: string; /** Why the interval should not be trusted. */ warning?: string };
  /** Held-out mean absolute relative error, when the spec has a holdout rule. */
  holdoutError?: number;
  /**
   * Training FLOPs of every run finished when this fit was made (the sum of their counted FLOPs,
   * held-out and diverged runs included; data-scoring FLOPs excluded): the x of a fit-history chart.
   */
  trainingFlops?: number;
  /** Trial ids the holdout rule kept out of the fit (scored only by holdoutError), so readers can mark them. */
  heldOut?: string[];
  /**
   * What the planner needs from the fit, plain JSON and bounded in size (at most a few hundred
   * bootstrap parameter samples): it travels through workflow history. Bulky output stays in the store.
   */
  detail?: unknown;
  /** Id of the full fit report (every bootstrap sample, residuals, ...) in the gateway's store. */
  reportId?: number;
  /** Set instead of params when too few usable points exist yet. */
  skipped?: string;
  /** The fitter's warnings (parameter at a bound or gone to 0, fragile optimum, bootstrap refits that failed). */
  diagnostics?: string[];
  /**
   * Which parameters the data determine (@slab/laws identifiability): an `unidentified` or
   * `partly-identified` fit names the parameters that must not be read as findings.
   */
  identifiability?: { verdict: 'identified' | 'partly-identified' | 'unidentified'; undetermined: string[]; degenerateResamples?: number };
  /**
   * Sweeps that vary a curation dimension not mapped to a law variable get one fit per group
   * (e.g. per strategy × kept fraction); the top-level fields then describe the group named here,
   * the best at the target (lowest predicted loss), or the first group when there is no target.
   */
  group?: string;
  groups?: FitGroup[];
}

export interface FitGroup {
  /** e.g. `curation.strategy=el2n-keep-hard curation.keep=0.5`. */
  key: string;
  values: Record<string, string | number>;
  summary: FitSummary;
}

export type SweepPhase = 'planning' | 'running' | 'fitting' | 'paused' | 'completed' | 'cancelled' | 'failed';

export interface SweepStatus {
  sweepId: string;
  name: string;
  phase: SweepPhase;
  batch: number;
  trials: { planned: number; running: number; completed: number; diverged: number; failed: number };
  /** Training plus data-scoring FLOPs: what the budget is charged. */
  flopsSpent: number;
  /** The data-scoring part of flopsSpent (curation scores), shown separately. */
  scoringFlops?: number;
  budget: { flops?: number; trials?: number };
  lastFit?: FitSummary;
  stopReason?: string;
  /**
   * Set on a `completed` sweep whose last fit produced no law (every fit failed or was skipped):
   * the reason. A sweep that ran its trials but cannot answer its question is not a success.
   */
  fitFailed?: string;
  /**
   * Set by the control (not the workflow) while a trial has been scheduled for a while and no worker
   * took it: "waiting for a worker on queue cpu (2 trials)". Cleared as soon as a worker starts it.
   */
  waiting?: string;
}

/** Written to the gateway by the reportSweep activity whenever the workflow's status changes. */
export interface SweepReport {
  status: SweepStatus;
  /** Trials planned since the last report (the gateway records them as `planned`). */
  newTrials?: { trialId: string; config: TrialConfig; reason: string }[];
  /** Trials finished since the last report. */
  finished?: TrialResult[];
  /**
   * A new fit. When `summary.reportId` is set the fitLaws activity already stored the full report
   * through the gateway; otherwise (a fit that failed before it could be stored) `report` is stored.
   */
  fit?: { summary: FitSummary; report?: unknown };
}

export interface SweepWorkflowInput {
  sweepId: string;
  spec: SweepSpec;
  /** Compact state carried across continue-as-new. */
  carried?: SweepCarriedState;
  /** Continue-as-new when history length passes this (tests lower it). */
  historyLimit?: number;
}

export interface SweepCarriedState {
  /**
   * Finished trials whose report the gateway has not acknowledged yet. Once stored they leave the
   * state (`stored` counts them), so continue-as-new carries O(unreported), not O(trials).
   */
  results: TrialResult[];
  /** Finished trials the store holds (absent in states carried from before results were dropped). */
  stored?: number;
  /** Finished trials by status, all of them (absent in older states: counted from `results`). */
  counts?: { completed: number; diverged: number; failed: number; stopped: number };
  planned: TrialConfig[];
  nextTrialIndex: number;
  batch: number;
  /** Training plus scoring FLOPs. */
  flopsSpent: number;
  /** Scoring part of flopsSpent (absent in states carried from before it was counted). */
  scoringFlops?: number;
  paused: boolean;
  lastFit?: FitSummary;
}

export interface OrchestratorActivities {
  planBatch(input: PlanBatchInput): Promise<PlanBatchOutput>;
  /** Fits, stores the full report through the gateway, and returns its summary only (never the samples). */
  fitLaws(input: FitLawsInput): Promise<{ summary: FitSummary }>;
  reportSweep(sweepId: string, report: SweepReport): Promise<void>;
}

export interface TrainerActivities {
  runTrial(request: TrialRequest): Promise<TrialResult>;
}
