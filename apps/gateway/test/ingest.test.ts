import type { LiveSweep } from '@slab/api';
import type { ServerFrame } from '@slab/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../src/index';
import { Peer, points, quiet, tempDir, TOKEN } from './helpers';

let tmp: ReturnType<typeof tempDir>;
let gw: Gateway;

beforeEach(async () => {
  tmp = tempDir();
  gw = await startGateway({ dbPath: tmp.dbPath, token: TOKEN, port: 0, log: quiet });
  await gw.store.createSweep({ id: 'sw1', name: 'demo', specYaml: 'name: demo' });
});

afterEach(async () => {
  await gw.close();
  tmp.cleanup();
});

async function trainer(): Promise<Peer> {
  const peer = await Peer.connect(gw.wsUrl);
  peer.send({ kind: 'hello', hello: { token: TOKEN, workerId: 'w1' } });
  return peer;
}

const metrics = (seq: number, steps: number[], trialId = 'sw1-t0000') =>
  ({ kind: 'metrics', metrics: { sweepId: 'sw1', trialId, seq, points: points(steps) } }) as const;

describe('websocket ingest', () => {
  it('acks OpenTrial with the stored seq, dedupes and acks the highest contiguous seq', async () => {
    const peer = await trainer();
    peer.send({ kind: 'open', open: { sweepId: 'sw1', trialId: 'sw1-t0000' } });
    expect(await peer.nextAck()).toEqual({ trialId: 'sw1-t0000', seq: 0 });
    peer.send(metrics(1, [0, 1]));
    expect((await peer.nextAck()).seq).toBe(1);
    peer.send(metrics(1, [0, 1])); // duplicate
    expect((await peer.nextAck()).seq).toBe(1);
    peer.send(metrics(3, [4, 5])); // gap: 2 is missing
    expect((await peer.nextAck()).seq).toBe(1);
    peer.send(metrics(2, [2, 3])); // gap fills
    expect((await peer.nextAck()).seq).toBe(3);
    peer.send({ kind: 'event', event: { sweepId: 'sw1', trialId: 'sw1-t0000', seq: 4, status: 'running', infoJson: '{"backend":"cpu"}', wallTime: 1 } });
    expect((await peer.nextAck()).seq).toBe(4);
    expect((await gw.store.trialMetrics('sw1-t0000')).map((r) => r.step)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await gw.store.getTrial('sw1-t0000')).toMatchObject({ status: 'running', backend: 'cpu', lastSeq: 4 });

    // a second connection (a restarted worker) learns where the trial stands
    const again = await trainer();
    again.send({ kind: 'open', open: { sweepId: 'sw1', trialId: 'sw1-t0000' } });
    expect(await again.nextAck()).toEqual({ trialId: 'sw1-t0000', seq: 4 });
    peer.close();
    again.close();
  });

  it('rejects a bad token with an Error frame and closes the socket', async () => {
    const peer = await Peer.connect(gw.wsUrl);
    peer.send({ kind: 'hello', hello: { token: 'wrong', workerId: 'w1' } });
    const frame = await peer.next();
    expect(frame).toEqual({ kind: 'error', error: { message: 'hello.token: token is not valid', code: 'unauthenticated' } });
    expect((await peer.closed).code).toBe(1008);
  });

  it('refuses metric frames before Hello', async () => {
    const peer = await Peer.connect(gw.wsUrl);
    peer.send(metrics(1, [0]));
    const frame = await peer.next();
    expect(frame.kind === 'error' && frame.error.message).toMatch(/metrics: send Hello with a valid token first/);
    await peer.closed;
    expect(await gw.store.lastContiguousSeq('sw1-t0000')).toBe(0);
  });

  it('answers malformed frames with an Error frame and keeps serving', async () => {
    const peer = await trainer();
    peer.sendRaw(Uint8Array.from([0x12, 0x40, 0x0a])); // truncated MetricFrame
    const e1 = await peer.next();
    expect(e1.kind === 'error' && e1.error.message).toMatch(/truncated/);
    peer.sendRaw('{"json": "is not protobuf"}');
    const e2 = await peer.next();
    expect(e2.kind === 'error' && e2.error.message).toMatch(/expected binary protobuf/);
    // seq 0 is rejected by the decoder with the field named
    peer.sendRaw(Uint8Array.from([0x12, 0x0a, 0x0a, 0x01, 0x73, 0x12, 0x01, 0x74, 0x22, 0x02, 0x12, 0x00]));
    const e3 = await peer.next();
    expect(e3.kind === 'error' && e3.error.message).toMatch(/ClientFrame\.metrics\.seq: expected an integer >= 1, got 0/);
    // the same connection still works
    peer.send(metrics(1, [0]));
    expect(await peer.nextAck()).toEqual({ trialId: 'sw1-t0000', seq: 1 });
    const health = await fetch(`${gw.url}/healthz`);
    expect(await health.json()).toEqual({ ok: true });
    peer.close();
  });

  it('fans stored frames, events, fits and status out to subscribers of that sweep only', async () => {
    await gw.store.createSweep({ id: 'sw-other', name: 'o', specYaml: 'x' });
    const console1 = await Peer.connect(gw.wsUrl);
    console1.send({ kind: 'subscribe', subscribe: { sweepId: 'sw1' } });
    const other = await Peer.connect(gw.wsUrl);
    other.send({ kind: 'subscribe', subscribe: { sweepId: 'sw-other' } });
    const all = await Peer.connect(gw.wsUrl);
    all.send({ kind: 'subscribe', subscribe: { sweepId: '' } });
    // Each subscriber first gets the current state of what it asked for (also our sync point).
    const s1 = await console1.next();
    expect(s1.kind === 'update' && s1.update.kind === 'sweepJson' && (JSON.parse(s1.update.sweepJson) as LiveSweep).sweep.id).toBe('sw1');
    expect((await other.next()).kind).toBe('update');
    const snapAll = [await all.next(), await all.next()].map((f) => (f.kind === 'update' ? f.update.sweepId : ''));
    expect(snapAll.sort()).toEqual(['sw-other', 'sw1']);

    const peer = await trainer();
    peer.send(metrics(1, [0, 1]));
    await peer.nextAck();
    peer.send(metrics(1, [0, 1])); // duplicate: not fanned out again
    await peer.nextAck();
    peer.send(metrics(2, [1, 2])); // step 1 already stored: only step 2 goes out
    await peer.nextAck();

    const u1 = (await console1.next()) as Extract<ServerFrame, { kind: 'update' }>;
    expect(u1.update.kind === 'metrics' && u1.update.metrics.points.map((p) => p.step)).toEqual([0, 1]);
    const u2 = (await console1.next()) as Extract<ServerFrame, { kind: 'update' }>;
    expect(u2.update.kind === 'metrics' && u2.update.metrics.points.map((p) => p.step)).toEqual([2]);
    const a1 = await all.next();
    expect(a1.kind === 'update' && a1.update.sweepId).toBe('sw1');

    const report = {
      status: {
        sweepId: 'sw1', name: 'demo', phase: 'running', batch: 1,
        trials: { planned: 1, running: 1, completed: 0, diverged: 0, failed: 0 }, flopsSpent: 10, budget: {},
      },
      fit: { summary: { law: 'power', params: { a: 1 }, converged: true, nPoints: 3, formula: 'L = 1/N' }, report: {} },
    };
    const res = await fetch(`${gw.url}/api/sweeps/sw1/report`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(report),
    });
    expect(res.status).toBe(204);
    const u3 = await console1.next();
    expect(u3.kind === 'update' && u3.update.kind).toBe('fitJson');
    const u4 = await console1.next();
    if (u4.kind !== 'update' || u4.update.kind !== 'sweepJson') throw new Error(`unexpected ${JSON.stringify(u4)}`);
    const live = JSON.parse(u4.update.sweepJson) as LiveSweep;
    expect(live.status.phase).toBe('running');
    expect(live.sweep.flopsSpent).toBe(10);

    // the other sweep's subscriber got nothing of sw1: its next frame is the one for sw-other
    peer.send({ kind: 'metrics', metrics: { sweepId: 'sw-other', trialId: 'sw-other-t0000', seq: 1, points: points([9]) } });
    await peer.nextAck();
    const o1 = await other.next();
    expect(o1.kind === 'update' && o1.update.kind === 'metrics' && o1.update.metrics.points[0].step).toBe(9);
    for (const p of [console1, other, all, peer]) p.close();
  });
});
