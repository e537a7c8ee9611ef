/**
 * The emitter against a scripted websocket peer that speaks the gateway protocol but decides
 * itself when to ack and when to drop the connection. (The full emitter ↔ real gateway path,
 * including a gateway restart, is tested in apps/gateway/test/restart.test.ts.)
 */
import type { AddressInfo } from 'node:net';
import { type ClientFrame, decodeClientFrame, encodeServerFrame } from '@slab/proto';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { MetricEmitter } from '../src/emitter';

type Received = { conn: number; frame: ClientFrame };

class ScriptedGateway {
  readonly wss: WebSocketServer;
  readonly received: Received[] = [];
  /** Authorization header of each upgrade. */
  readonly upgradeAuth: (string | undefined)[] = [];
  private conns = 0;
  private listeners: (() => void)[] = [];
  /** What OpenTrial is answered with (the "stored" seq). */
  openAck = 0;
  autoAck = true;
  current: WebSocket | undefined;

  constructor() {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    this.wss.on('connection', (ws, req) => {
      this.upgradeAuth.push(req.headers.authorization);
      const conn = ++this.conns;
      this.current = ws;
      ws.on('message', (data: Buffer) => {
        const frame = decodeClientFrame(data);
        this.received.push({ conn, frame });
        if (frame.kind === 'open') this.ack(ws, frame.open.trialId, this.openAck);
        if (this.autoAck && frame.kind === 'metrics') this.ack(ws, frame.metrics.trialId, frame.metrics.seq);
        if (this.autoAck && frame.kind === 'event') this.ack(ws, frame.event.trialId, frame.event.seq);
        this.listeners.splice(0).forEach((l) => l());
      });
    });
  }

  async ready(): Promise<string> {
    await new Promise<void>((r) => (this.wss.address() ? r() : this.wss.once('listening', () => r())));
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
  }

  ack(ws: WebSocket, trialId: string, seq: number): void {
    ws.send(encodeServerFrame({ kind: 'ack', ack: { trialId, seq } }));
  }

  /** Resolves once `pred` holds over the frames received so far. */
  until(pred: (r: Received[]) => boolean): Promise<void> {
    if (pred(this.received)) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => (pred(this.received) ? resolve() : this.listeners.push(check));
      this.listeners.push(check);
    });
  }

  frames(kind: ClientFrame['kind']): Received[] {
    return this.received.filter((r) => r.frame.kind === kind);
  }

  close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    return new Promise((r) => this.wss.close(() => r()));
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(opts: { batchMs?: number; maxBatch?: number; ackTimeoutMs?: number } = {}) {
  const gw = new ScriptedGateway();
  const url = await gw.ready();
  const logs: string[] = [];
  const emitter = new MetricEmitter({ url, token: 't', workerId: 'w', batchMs: opts.batchMs ?? 5, maxBatch: opts.maxBatch ?? 10, minBackoffMs: 10, maxBackoffMs: 50, ackTimeoutMs: opts.ackTimeoutMs, log: (m) => logs.push(m) });
  cleanups.push(() => gw.close(), () => emitter.close());
  return { gw, emitter, logs };
}

const seqs = (rs: Received[]) => rs.map((r) => (r.frame.kind === 'metrics' ? r.frame.metrics.seq : r.frame.kind === 'event' ? r.frame.event.seq : -1));

describe('MetricEmitter', () => {
  it('says hello, opens the trial and numbers frames from the acked seq + 1', async () => {
    const { gw, emitter } = await setup();
    gw.openAck = 41; // an earlier attempt already stored 41 frames
    const stream = emitter.openTrial('s', 's-t0000');
    for (let i = 0; i < 25; i++) stream.point(i, 'train_loss', i);
    await stream.flush(5000);
    expect(gw.received[0].frame).toEqual({ kind: 'hello', hello: { token: 't', workerId: 'w' } });
    expect(gw.received[1].frame).toEqual({ kind: 'open', open: { sweepId: 's', trialId: 's-t0000' } });
    expect(seqs(gw.frames('metrics'))).toEqual([42, 43, 44]);
    const sizes = gw.frames('metrics').map((r) => (r.frame.kind === 'metrics' ? r.frame.metrics.points.length : 0));
    expect(sizes).toEqual([10, 10, 5]); // maxBatch, then the batchMs timer sends the rest
  });

  it('keeps NaN values and orders an event after the points emitted before it', async () => {
    const { gw, emitter } = await setup();
    const stream = emitter.openTrial('s', 's-t0001');
    stream.point(1, 'train_loss', Number.NaN);
    stream.event('diverged', { atStep: 1 });
    await stream.flush(5000);
    const [m, e] = gw.received.filter((r) => r.frame.kind === 'metrics' || r.frame.kind === 'event').map((r) => r.frame);
    expect(m.kind === 'metrics' && Number.isNaN(m.metrics.points[0].value)).toBe(true);
    expect(e).toMatchObject({ kind: 'event', event: { seq: 2, status: 'diverged', infoJson: '{"atStep":1}' } });
  });

  it('never throws on bad input: drops it and reports it through log', async () => {
    const { gw, emitter, logs } = await setup();
    const stream = emitter.openTrial('s', 's-t0002');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => {
      stream.point(-1, 'x', 1);
      stream.point(1.5, 'x', 1);
      stream.point(1, '', 1);
      stream.point(1, 'x', 'nope' as unknown as number);
      stream.event('', {});
      stream.event('running', circular);
      stream.point(2, 'x', 3);
    }).not.toThrow();
    await stream.flush(5000);
    expect(logs.filter((l) => l.includes('dropped'))).toHaveLength(5);
    const event = gw.frames('event')[0].frame;
    expect(event.kind === 'event' && JSON.parse(event.event.infoJson).error).toMatch(/not serialisable/);
    const m = gw.frames('metrics')[0].frame;
    expect(m.kind === 'metrics' && m.metrics.points.map((p) => p.step)).toEqual([2]);
  });

  it('resends every unacked frame after the connection drops, then carries on numbering', async () => {
    const { gw, emitter } = await setup({ maxBatch: 5 });
    gw.autoAck = false;
    const stream = emitter.openTrial('s', 's-t0003');
    for (let i = 0; i < 15; i++) stream.point(i, 'l', i); // frames 1, 2, 3
    await gw.until((r) => r.filter((x) => x.frame.kind === 'metrics').length === 3);
    // Frame 1 was stored before the drop; the gateway says so when the trial is reopened.
    gw.openAck = 1;
    gw.autoAck = true;
    gw.current!.terminate(); // connection drops
    for (let i = 15; i < 20; i++) stream.point(i, 'l', i); // frame 4, emitted while down
    await stream.flush(5000);
    const second = gw.received.filter((r) => r.conn === 2);
    expect(second.map((r) => r.frame.kind)).toEqual(['hello', 'open', 'metrics', 'metrics', 'metrics']);
    expect(seqs(second.slice(2))).toEqual([2, 3, 4]);
    const steps = second.slice(2).map((r) => (r.frame.kind === 'metrics' ? r.frame.metrics.points[0].step : -1));
    expect(steps).toEqual([5, 10, 15]); // the same frames, unchanged
  });

  it('drops a connection that stops acking and resends over a new one', async () => {
    const { gw, emitter, logs } = await setup({ ackTimeoutMs: 60 });
    gw.autoAck = false; // e.g. the gateway could not store the frame, or the peer is gone
    const stream = emitter.openTrial('s', 's-t0005');
    stream.point(0, 'l', 1);
    await gw.until((r) => r.some((x) => x.frame.kind === 'metrics'));
    gw.autoAck = true;
    await stream.flush(5000);
    expect(gw.received.filter((r) => r.frame.kind === 'metrics').map((r) => r.conn)).toEqual([1, 2]);
    expect(logs.some((l) => /no ack for s-t0005/.test(l))).toBe(true);
  });

  it('flush rejects when nothing is acked in time, and close rejects pending flushes', async () => {
    const { gw, emitter } = await setup();
    gw.autoAck = false;
    const stream = emitter.openTrial('s', 's-t0004');
    stream.point(0, 'l', 1);
    await expect(stream.flush(50)).rejects.toThrow(/1 frame\(s\) of trial s-t0004 not acked after 50 ms/);
    const pending = expect(stream.flush(5000)).rejects.toThrow(/emitter closed/);
    await emitter.close();
    await pending;
  });

  it('authenticates at the upgrade and carries the attempt on OpenTrial and every frame', async () => {
    const { gw, emitter } = await setup();
    const stream = emitter.openTrial('s', 's-t0006', 3);
    stream.point(0, 'l', 1);
    stream.event('running', {});
    await stream.flush(5000);
    expect(gw.upgradeAuth).toEqual(['Bearer t']);
    expect(gw.frames('open')[0].frame).toEqual({ kind: 'open', open: { sweepId: 's', trialId: 's-t0006', attempt: 3 } });
    const attempts = gw.received.filter((r) => r.frame.kind === 'metrics' || r.frame.kind === 'event').map((r) => (r.frame.kind === 'metrics' ? r.frame.metrics.attempt : r.frame.kind === 'event' ? r.frame.event.attempt : -1));
    expect(attempts).toEqual([3, 3]);
  });

  it('stops a stream the gateway refuses for good: drops its frames, rejects flush, keeps other attempts', async () => {
    const { gw, emitter, logs } = await setup();
    gw.autoAck = false;
    const old = emitter.openTrial('s', 's-t0007', 1);
    old.point(0, 'l', 1);
    await gw.until((r) => r.some((x) => x.frame.kind === 'metrics'));
    const flushed = old.flush(5000).then(() => 'acked', (e: Error) => e.message);
    const refusal = (attempt: number) =>
      encodeServerFrame({ kind: 'error', error: { message: `metrics.attempt: attempt ${attempt} was superseded by attempt 2`, code: 'superseded', trialId: 's-t0007', attempt } });
    gw.current!.send(refusal(1));
    expect(await flushed).toBe('metrics.attempt: attempt 1 was superseded by attempt 2');
    expect(old.refusal).toEqual({ code: 'superseded', message: 'metrics.attempt: attempt 1 was superseded by attempt 2' });
    expect(old.unacked).toBe(0);
    old.point(1, 'l', 1); // ignored: nothing more is sent for a refused stream
    expect(logs.some((l) => /s-t0007 attempt 1: metrics\.attempt: .*unacked metrics are dropped/.test(l))).toBe(true);

    // a newer attempt in the same process is unaffected by late refusals of the old one
    gw.autoAck = true;
    const retry = emitter.openTrial('s', 's-t0007', 2);
    expect(retry).not.toBe(old);
    gw.current!.send(refusal(1));
    retry.point(1, 'l', 2);
    await retry.flush(5000);
    expect(retry.refusal).toBeUndefined();
    // an attempt older than the current one gets a stream that is refused from the start
    const stale = emitter.openTrial('s', 's-t0007', 1);
    expect(stale.refusal?.code).toBe('superseded');
    await expect(stale.flush(100)).rejects.toThrow(/attempt 1 of trial "s-t0007" was superseded by attempt 2/);
  });

  it('releases a finished stream once everything is acked, never one with frames still unacked', async () => {
    const { gw, emitter } = await setup({ maxBatch: 5 });
    gw.autoAck = false;
    const stream = emitter.openTrial('s', 's-t0009', 1);
    for (let i = 0; i < 10; i++) stream.point(i, 'l', i);
    await gw.until((r) => r.filter((x) => x.frame.kind === 'metrics').length === 2);
    expect(stream.unacked).toBeGreaterThan(0);
    expect(emitter.release(stream)).toBe(false);
    expect(emitter.openTrials).toBe(1);
    gw.autoAck = true;
    gw.current!.terminate(); // the frames are resent over a new connection and acked there
    await stream.flush(5000);
    // A stale handle of another attempt is not the held stream: nothing is released.
    expect(emitter.release(emitter.openTrial('s', 's-t0009', 0))).toBe(false);
    expect(emitter.release(stream)).toBe(true);
    expect(emitter.openTrials).toBe(0);
  });

  it('validates its options', () => {
    expect(() => new MetricEmitter({ url: '', token: 't', workerId: 'w' })).toThrow('MetricEmitter: url: expected a non-empty string');
    expect(() => new MetricEmitter({ url: 'ws://127.0.0.1:1/ws', token: 't', workerId: 'w', maxBatch: 0 })).toThrow(
      'MetricEmitter: maxBatch: expected a positive number, got 0',
    );
  });
});
