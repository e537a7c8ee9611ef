/**
 * A trainer's side of the gateway's websocket for console tests: hello, open, then sequenced
 * protobuf metric and event frames, each resolving when the gateway has acked (stored) it.
 */
import WebSocket from 'ws';
import { decodeServerFrame, encodeClientFrame, type ClientFrame, type MetricPoint } from '@slab/proto';

/** A trainer's side of the websocket: hello, then sequenced frames, resolving on each trial's ack. */
export class Trainer {
  private readonly acked = new Map<string, number>();
  private readonly waiters: (() => void)[] = [];
  private readonly seq = new Map<string, number>();
  private constructor(
    private readonly ws: WebSocket,
    private readonly sweep: string,
  ) {
    ws.on('message', (data: Buffer) => {
      const frame = decodeServerFrame(new Uint8Array(data));
      if (frame.kind === 'ack') this.acked.set(frame.ack.trialId, frame.ack.seq);
      if (frame.kind === 'error') throw new Error(`gateway error: ${frame.error.message}`);
      this.waiters.splice(0).forEach((w) => w());
    });
  }

  static async connect(url: string, sweep: string, token: string): Promise<Trainer> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
    const t = new Trainer(ws, sweep);
    t.send({ kind: 'hello', hello: { token, workerId: 'e2e-worker' } });
    return t;
  }

  private send(frame: ClientFrame): void {
    this.ws.send(encodeClientFrame(frame));
  }

  private async until(ok: () => boolean): Promise<void> {
    while (!ok()) await new Promise<void>((r) => this.waiters.push(r));
  }

  async open(trial: string): Promise<void> {
    this.send({ kind: 'open', open: { sweepId: this.sweep, trialId: trial } });
    await this.until(() => this.acked.has(trial));
    this.seq.set(trial, this.acked.get(trial)!);
  }

  async metrics(trial: string, points: MetricPoint[]): Promise<void> {
    const seq = this.seq.get(trial)! + 1;
    this.seq.set(trial, seq);
    this.send({ kind: 'metrics', metrics: { sweepId: this.sweep, trialId: trial, seq, points } });
    await this.until(() => (this.acked.get(trial) ?? 0) >= seq);
  }

  async event(trial: string, status: string, info: Record<string, unknown>): Promise<void> {
    const seq = this.seq.get(trial)! + 1;
    this.seq.set(trial, seq);
    this.send({ kind: 'event', event: { sweepId: this.sweep, trialId: trial, seq, status, infoJson: JSON.stringify(info), wallTime: Date.now() / 1000 } });
    await this.until(() => (this.acked.get(trial) ?? 0) >= seq);
  }

  close(): void {
    this.ws.close();
  }
}
