/**
 * REST shapes of the gateway (docs/api.md). Plain JSON: timestamps are ISO strings, and metric
 * values that are not finite (NaN, ±inf) travel as `null` because JSON has no such numbers.
 */
import type { SpecIssue, SweepSpec, TrialConfig } from '@slab/spec';
// Type-only import of the agreed activity contracts (erased at run time); the contracts tag rule
// does not know about type-only edges, see the report to the lead.
import type { FitSummary, SweepPhase, SweepStatus } from '@slab/orchestration';

export type { SpecIssue, SweepSpec, TrialConfig, FitSummary, SweepPhase, SweepStatus };
// A study's answer (GET /api/sweeps/:id/study) is @slab/studies' StudyAnswer, served as stored.
export type { StudyAnswer, StudyResult } from '@slab/studies';

/** A trial's lifecycle as stored: planned by the workflow, running on a worker, then a TrialStatus. */
export type TrialRowStatus = 'planned' | 'running' | 'completed' | 'diverged' | 'failed' | 'stopped';

export type SweepCounts = Record<TrialRowStatus, number> & { total: number };

export interface SweepRow {
  id: string;
  name: string;
  specYaml: string;
  status: SweepPhase;
  createdAt: string;
  updatedAt: string;
  stopReason?: string;
  /** A completed sweep whose last fit produced no law: why (see SweepStatus.fitFailed). */
  fitFailed?: string;
  flopsSpent: number;
  counts: SweepCounts;
}

export interface TrialRow {
  id: string;
  sweepId: string;
  index: number;
  config: TrialConfig;
  status: TrialRowStatus;
  /** Why a trial diverged or failed. */
  reason?: string;
  /** Why the planner chose this point (additive to docs/api.md). */
  planReason?: string;
  params?: number;
  data?: number;
  flops?: number;
  final?: Record<string, number | null>;
  backend?: string;
  /** Highest contiguous metric-frame sequence number stored. */
  lastSeq: number;
  /** The Temporal attempt that last opened the trial, when it is a retry (> 1): its worker died or it failed. */
  attempt?: number;
  createdAt: string;
  updatedAt: string;
}

export interface FitRow {
  id: number;
  sweepId: string;
  createdAt: string;
  summary: FitSummary;
  report: unknown;
}

export interface SweepDetail {
  sweep: SweepRow;
  status: SweepStatus;
  fit?: FitRow;
}

export interface SweepMetricRow {
  trialId: string;
  step: number;
  name: string;
  /** null: the value was NaN or ±inf. */
  value: number | null;
  /** Unix seconds. */
  wallTime: number;
}

export interface TrialMetricRow {
  seq: number;
  step: number;
  name: string;
  value: number | null;
  wallTime: number;
}

/** One stored trial event (GET /api/sweeps/:id/events): `running` per attempt, then how it ended. */
export interface SweepEventRow {
  trialId: string;
  /** The event's sequence number in the trial's stream (shared with its metric frames). */
  seq: number;
  /** `running`, `completed`, `diverged`, `failed`, `stopped`. */
  status: string;
  /** What the worker said: attempt, backend, worker; at the end params, data, flops, steps, wallSeconds, final, reason or error. */
  info: Record<string, unknown>;
  /** Unix seconds. */
  wallTime: number;
}

/** The newest checkpoint the gateway holds for an unfinished trial (GET …/checkpoint/info). */
export interface CheckpointInfo {
  step: number;
  attempt: number;
  bytes: number;
}

export interface CreatedSweep {
  id: string;
  name: string;
}

/** `cancel` cuts running trials short; `stop` lets them finish and starts no new ones. */
export type ControlAction = 'pause' | 'resume' | 'cancel' | 'stop';
export type ExportFormat = 'csv' | 'json';

/** One exported row per trial: flat columns (`config.width`, `final.eval_loss`, ...). */
export type ExportRow = Record<string, string | number | null>;

/** Error body of every failed request. */
export interface ErrorBody {
  error: string;
  issues?: SpecIssue[];
}

/**
 * Payload of a LiveUpdate `sweepJson` (JSON text): the sweep row and its status after a change.
 * A LiveUpdate `fitJson` carries a FitRow.
 */
export interface LiveSweep {
  sweep: SweepRow;
  status: SweepStatus;
}

/**
 * What the gateway needs from the orchestrator. The Temporal-backed implementation lives with
 * the orchestration code; the gateway only depends on this interface.
 */
export interface SweepControl {
  start(sweepId: string, spec: SweepSpec): Promise<void>;
  signal(sweepId: string, name: ControlAction): Promise<void>;
  status(sweepId: string): Promise<SweepStatus | undefined>;
}
