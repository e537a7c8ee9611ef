/**
 * The persistence interface. The gateway is its only writer. Two implementations: SQLite
 * (sqlite.ts, the embedded default, one file) and PostgreSQL (postgres.ts, a shared database for
 * many machines); open either with `openStore(url)` (open.ts). Every method is asynchronous; a
 * write has committed when its promise resolves, so an Ack sent after it is true.
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
  createSweep(input: { id: string; name: string; specYaml: string }): Promise<SweepRow>;
  getSweep(id: string): Promise<SweepRow | undefined>;
  /** Newest first. */
  listSweeps(): Promise<SweepRow[]>;
  /** Last status reported by the workflow (undefined before the first report). */
  sweepStatus(id: string): Promise<SweepStatus | undefined>;
  setSweepStatus(id: string, status: SweepStatus): Promise<void>;
  setSweepPhase(id: string, phase: SweepPhase, stopReason?: string): Promise<void>;

  /** Records planned trials; a trial already known keeps its status and metrics. */
  planTrials(sweepId: string, trials: PlannedTrial[]): Promise<void>;
  finishTrials(sweepId: string, results: TrialResult[]): Promise<void>;
  listTrials(sweepId: string): Promise<TrialRow[]>;
  getTrial(trialId: string): Promise<TrialRow | undefined>;

  /**
   * A writer opens a trial: binds it to its sweep (first open) and fences it to `attempt` (a lower
   * attempt than one already seen is refused; a higher one takes the trial over and drops the frames
   * above the contiguous mark, which no one was ever acked for). Returns the highest contiguous seq.
   * @throws IngestRefused unknown-sweep | foreign-trial | superseded
   */
  openTrial(open: OpenTrial): Promise<number>;
  /**
   * Idempotent on (trialId, seq): the same content again is a no-op, other content under a stored seq
   * is refused. Points are idempotent on (trialId, name, step). Same binding and fencing as openTrial.
   * @throws IngestRefused unknown-sweep | foreign-trial | superseded | seq-conflict
   */
  appendFrame(frame: MetricFrame): Promise<IngestResult>;
  /** As appendFrame; also moves the trial's status forward. */
  appendEvent(event: TrialEvent): Promise<IngestResult>;
  lastContiguousSeq(trialId: string): Promise<number>;
  trialMetrics(trialId: string, opts?: { name?: string; afterStep?: number }): Promise<TrialMetricRow[]>;
  /** At most `limit` rows of one trial after `after`, ordered by (name, step): bounded memory for big trials. */
  trialMetricsPage(trialId: string, opts: { name?: string; afterStep?: number; after?: MetricCursor; limit: number }): Promise<TrialMetricRow[]>;
  /** Ids of a sweep's trials in id order (the order sweepMetrics uses). */
  sweepTrialIds(sweepId: string): Promise<string[]>;
  sweepMetrics(sweepId: string, name?: string): Promise<SweepMetricRow[]>;
  trialEvents(trialId: string): Promise<TrialEventRow[]>;

  addFit(sweepId: string, summary: FitSummary, report: unknown): Promise<FitRow>;
  /** Oldest first. */
  listFits(sweepId: string): Promise<FitRow[]>;
  latestFit(sweepId: string): Promise<FitRow | undefined>;

  /** One flat row per trial: config, params, data, flops, status, final metrics. */
  exportRows(sweepId: string): Promise<ExportRow[]>;
  close(): Promise<void>;
}
