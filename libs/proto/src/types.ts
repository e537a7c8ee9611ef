/**
 * Plain TypeScript shapes of the messages in proto/metrics.proto. Oneofs become discriminated
 * unions whose `kind` is the oneof case name. uint64 fields are JS numbers (safe integers).
 */

export interface MetricPoint {
  step: number;
  name: string;
  /** NaN / ±Infinity allowed: divergence is data. */
  value: number;
  /** Unix seconds. */
  wallTime: number;
}

export interface MetricFrame {
  sweepId: string;
  trialId: string;
  /** 1, 2, 3, ... per trial. */
  seq: number;
  points: MetricPoint[];
  /** Fencing token: the attempt that wrote the frame (absent or 0: unfenced). See OpenTrial. */
  attempt?: number;
}

export interface TrialEvent {
  sweepId: string;
  trialId: string;
  seq: number;
  /** running | completed | diverged | failed | ... */
  status: string;
  /** JSON object text (backend, params, flops, final metrics, ...); may be empty. */
  infoJson: string;
  wallTime: number;
  /** Fencing token, as in MetricFrame. */
  attempt?: number;
}

export interface Hello {
  token: string;
  workerId: string;
}

export interface OpenTrial {
  sweepId: string;
  trialId: string;
  /**
   * Fencing token: the runTrial activity's attempt number (1, 2, ...; absent or 0: unfenced). Once
   * an attempt has opened a trial, the gateway refuses opens and frames of lower attempts.
   */
  attempt?: number;
}

export interface Subscribe {
  /** Empty: every sweep. */
  sweepId: string;
}

export type ClientFrame =
  | { kind: 'hello'; hello: Hello }
  | { kind: 'metrics'; metrics: MetricFrame }
  | { kind: 'event'; event: TrialEvent }
  | { kind: 'subscribe'; subscribe: Subscribe }
  | { kind: 'open'; open: OpenTrial };

export interface Ack {
  trialId: string;
  /** Highest contiguous sequence number stored for the trial (0: none yet). */
  seq: number;
}

export type LiveUpdate = { sweepId: string } & (
  | { kind: 'metrics'; metrics: MetricFrame }
  | { kind: 'event'; event: TrialEvent }
  | { kind: 'fitJson'; fitJson: string }
  | { kind: 'sweepJson'; sweepJson: string }
);

/** Why the gateway did not store a frame (ServerFrame.error.code). */
export type ErrorCode =
  /** A newer attempt of the trial has opened it; this attempt's frames are never stored. */
  | 'superseded'
  /** The trial belongs to another sweep. */
  | 'foreign-trial'
  /** No sweep with that id exists. */
  | 'unknown-sweep'
  /** This (trial, seq) is already stored with different content. */
  | 'seq-conflict'
  /** The frame could not be decoded or is invalid; the message names the field. */
  | 'invalid-frame'
  /** The store failed to write; the frame may be sent again later. */
  | 'store-failed'
  /** Bad or missing credentials. */
  | 'unauthenticated'
  /** The peer sent frames faster than allowed. */
  | 'rate-limited'
  /** A per-connection bound (subscriptions, ...) was reached. */
  | 'too-many';

export interface ServerError {
  message: string;
  /** The trial the refusal is about, when there is one. */
  trialId?: string;
  /** The attempt of the refused frame (with trialId; absent: 0). */
  attempt?: number;
  code?: ErrorCode;
}

export type ServerFrame =
  | { kind: 'ack'; ack: Ack }
  | { kind: 'update'; update: LiveUpdate }
  | { kind: 'error'; error: ServerError };
