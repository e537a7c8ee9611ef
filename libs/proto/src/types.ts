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
}

export interface Hello {
  token: string;
  workerId: string;
}

export interface OpenTrial {
  sweepId: string;
  trialId: string;
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

export type ServerFrame =
  | { kind: 'ack'; ack: Ack }
  | { kind: 'update'; update: LiveUpdate }
  | { kind: 'error'; error: { message: string } };
