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
import type { MetricFrame, MetricPoint, OpenTrial, TrialEvent } from '@slab/proto';
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

/** Why a frame was refused; `code` is the wire's ServerFrame.error.code. */
export type RefusalCode = 'unknown-sweep' | 'foreign-trial' | 'superseded' | 'seq-conflict';

/**
 * Thrown by openTrial / appendFrame / appendEvent when a frame must not be stored (nothing of it
 * is). The message names the field and what was expected.
 */
export class IngestRefused extends Error {
  override readonly name = 'IngestRefused';
  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly trialId: string,
    /** The attempt of the refused frame. */
    readonly attempt: number,
  ) {
    super(message);
  }
}

/** Keyset cursor of a trial's metric rows, which are ordered by (name, step). */
export interface MetricCursor {
  name: string;
  step: number;
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

  /**
   * A writer opens a trial: binds it to its sweep (first open) and fences it to `attempt` (a lower
   * attempt than one already seen is refused; a higher one takes the trial over and drops the frames
   * above the contiguous mark, which no one was ever acked for). Returns the highest contiguous seq.
   * @throws IngestRefused unknown-sweep | foreign-trial | superseded
   */
  openTrial(open: OpenTrial): number;
  /**
   * Idempotent on (trialId, seq): the same content again is a no-op, other content under a stored seq
   * is refused. Points are idempotent on (trialId, name, step). Same binding and fencing as openTrial.
   * @throws IngestRefused unknown-sweep | foreign-trial | superseded | seq-conflict
   */
  appendFrame(frame: MetricFrame): IngestResult;
  /** As appendFrame; also moves the trial's status forward. */
  appendEvent(event: TrialEvent): IngestResult;
  lastContiguousSeq(trialId: string): number;
  trialMetrics(trialId: string, opts?: { name?: string; afterStep?: number }): TrialMetricRow[];
  /** At most `limit` rows of one trial after `after`, ordered by (name, step): bounded memory for big trials. */
  trialMetricsPage(trialId: string, opts: { name?: string; afterStep?: number; after?: MetricCursor; limit: number }): TrialMetricRow[];
  /** Ids of a sweep's trials in id order (the order sweepMetrics uses). */
  sweepTrialIds(sweepId: string): string[];
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
