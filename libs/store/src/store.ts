/**
 * The persistence interface. The gateway is its only writer. SQLite (sqlite.ts) is the embedded
 * default; the interface is small and synchronous-free of driver types so a Postgres
 * implementation can sit behind it later.
 */
import type {
  ExportRow,
  FitRow,
  SweepMetricRow,
  SweepPhase,
  SweepRow,
  SweepStatus,
  TrialConfig,
  TrialMetricRow,
  TrialRow,
} from '@slab/api';
import type { FitSummary } from '@slab/orchestration';
import type { MetricFrame, MetricPoint, TrialEvent } from '@slab/proto';
import type { TrialResult } from '@slab/spec';

export interface PlannedTrial {
  trialId: string;
  config: TrialConfig;
  reason: string;
}

/** Outcome of storing one sequenced frame or event. */
export interface IngestResult {
  /** false: this (trial, seq) was already stored and nothing changed. */
  stored: boolean;
  /** Highest contiguous seq stored for the trial after this write. */
  lastSeq: number;
  /** Points of a metric frame that were new (a resumed attempt may re-emit steps already stored). */
  newPoints: MetricPoint[];
}

export interface TrialEventRow {
  seq: number;
  status: string;
  info: Record<string, unknown>;
  wallTime: number;
}

export interface Store {
  createSweep(input: { id: string; name: string; specYaml: string }): SweepRow;
  getSweep(id: string): SweepRow | undefined;
  /** Newest first. */
  listSweeps(): SweepRow[];
  /** Last status reported by the workflow (undefined before the first report). */
  sweepStatus(id: string): SweepStatus | undefined;
  setSweepStatus(id: string, status: SweepStatus): void;
  setSweepPhase(id: string, phase: SweepPhase, stopReason?: string): void;

  /** Records planned trials; a trial already known keeps its status and metrics. */
  planTrials(sweepId: string, trials: PlannedTrial[]): void;
  finishTrials(sweepId: string, results: TrialResult[]): void;
  listTrials(sweepId: string): TrialRow[];
  getTrial(trialId: string): TrialRow | undefined;

  /** Idempotent on (trialId, seq); points idempotent on (trialId, name, step). */
  appendFrame(frame: MetricFrame): IngestResult;
  /** Idempotent on (trialId, seq); also moves the trial's status forward. */
  appendEvent(event: TrialEvent): IngestResult;
  lastContiguousSeq(trialId: string): number;
  trialMetrics(trialId: string, opts?: { name?: string; afterStep?: number }): TrialMetricRow[];
  sweepMetrics(sweepId: string, name?: string): SweepMetricRow[];
  trialEvents(trialId: string): TrialEventRow[];

  addFit(sweepId: string, summary: FitSummary, report: unknown): FitRow;
  /** Oldest first. */
  listFits(sweepId: string): FitRow[];
  latestFit(sweepId: string): FitRow | undefined;

  /** One flat row per trial: config, params, data, flops, status, final metrics. */
  exportRows(sweepId: string): ExportRow[];
  close(): void;
}
