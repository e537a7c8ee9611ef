/**
 * The trainer-plugin contract. A plugin trains (or answers) one trial; the worker SDK wraps it in
 * the `runTrial` Temporal activity, which supplies heartbeats, checkpoint resume, cancellation and
 * the metric emitter. Plugins never talk to Temporal or the gateway themselves.
 */
import type { TrialProgress, TrialRequest, TrialResult } from '@slab/spec';

export type { TrialProgress, TrialRequest, TrialResult, TrialStatus } from '@slab/spec';

export interface TrialContext {
  request: TrialRequest;
  /** Progress from the previous attempt's last heartbeat, if this attempt is a retry. */
  resume?: TrialProgress;
  /** Record a metric point; the SDK batches, sequences and streams it. */
  emit(step: number, name: string, value: number): void;
  /** Report progress; call after each checkpoint and every few steps. Cheap to call often. */
  progress(p: TrialProgress): void;
  /** Aborted when Temporal cancels the activity, the worker shuts down, or a newer attempt took the trial over. */
  signal: AbortSignal;
  /**
   * Directory for this trial's checkpoints (shared by attempts on the same machine). A checkpoint
   * written inside it (the file or directory `progress({ checkpointUri })` names) is also uploaded to
   * the gateway when the worker has one, and fetched into this directory by an attempt on another node.
   */
  checkpointDir: string;
  log(message: string): void;
  /** Attempt number: 1, then 2, 3, ... for retries (set by the runTrial activity). */
  attempt?: number;
}

export interface TrainerPlugin {
  /** Name used in specs (`task.plugin`). */
  readonly name: string;
  /** Called once per worker process before the first trial (pick a backend, load data). */
  init?(): Promise<{ backend: string }>;
  /** The backend a trial of this request runs on, when it is not `init`'s (a worker hosting several plugins). */
  backendFor?(request: TrialRequest): string | undefined;
  /** Train one trial. Divergence is a result (`status: 'diverged'`), not a thrown error. */
  run(ctx: TrialContext): Promise<TrialResult>;
  /** Validate a request before training; throw `InvalidTrialError` for input that can never work. */
  validate?(request: TrialRequest): void;
}

/** Input that can never succeed (unknown dataset, bad width): failed non-retryably by the SDK. */
export class InvalidTrialError extends Error {
  override readonly name = 'InvalidTrialError';
}
