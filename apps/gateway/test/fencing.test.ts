// An ack means stored, and only the right writer writes: a trial is bound to its sweep and fenced
// to the newest attempt that opened it; a refused frame gets Error{code, trialId} and no ack.
import { type AddressInfo, createServer, type Server, Socket } from 'node:net';
import type { ServerFrame } from '@slab/proto';
import { MetricEmitter } from '@slab/worker-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../src/index';
import { Peer, points, quiet, tempDir, TOKEN } from './helpers';

let tmp: ReturnType<typeof tempDir>;
let gw: Gateway;
const closers: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  tmp = tempDir();
  gw = await startGateway({ dbPath: tmp.dbPath, token: TOKEN, port: 0, log: quiet });
  await gw.store.createSweep({ id: 'sw1', name: 'one', specYaml: 'name: one' });
  await gw.store.createSweep({ id: 'sw2', name: 'two', specYaml: 'name: two' });
});

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await gw.close();
  tmp.cleanup();
});

async function trainer(): Promise<Peer> {
  const peer = await Peer.connect(gw.wsUrl);
  peer.send({ kind: 'hello', hello: { token: TOKEN, workerId: 'w' } });
  closers.push(() => peer.close());
  return peer;
}

function expectRefusal(frame: ServerFrame, code: string, message: RegExp): void {
  if (frame.kind !== 'error') throw new Error(`expected an error frame, got ${JSON.stringify(frame)}`);
  expect(frame.error.code).toBe(code);
  expect(frame.error.message).toMatch(message);
}

const T = 'sw1-t0000';

describe('a trial is bound to its sweep', () => {
  it('refuses a frame naming another sweep for a bound trial, and a sweep that does not exist', async () => {
    const peer = await trainer();
    peer.send({ kind: 'open', open: { sweepId: 'sw1', trialId: T, attempt: 1 } });
    expect(await peer.nextAck()).toEqual({ trialId: T, seq: 0 });
    peer.send({ kind: 'metrics', metrics: { sweepId: 'sw2', trialId: T, seq: 1, points: points([0]), attempt: 1 } });
    expectRefusal(await peer.next(), 'foreign-trial', /^metrics\.sweepId: trial "sw1-t0000" belongs to sweep "sw1", not "sw2"$/);
    peer.send({ kind: 'open', open: { sweepId: 'sw2', trialId: T, attempt: 2 } });
    expectRefusal(await peer.next(), 'foreign-trial', /^open\.sweepId: /);
    peer.send({ kind: 'event', event: { sweepId: 'nope', trialId: 'nope-t0000', seq: 1, status: 'running', infoJson: '', wallTime: 1 } });
    expectRefusal(await peer.next(), 'unknown-sweep', /^event\.sweepId: expected an existing sweep, got "nope"$/);
    // nothing of it was stored, and the foreign open did not take the trial over
    expect(await gw.store.trialMetrics(T)).toEqual([]);
    expect((await gw.store.getTrial(T))?.sweepId).toBe('sw1');
    expect(await gw.store.getTrial('nope-t0000')).toBeUndefined();
    peer.send({ kind: 'metrics', metrics: { sweepId: 'sw1', trialId: T, seq: 1, points: points([0]), attempt: 1 } });
    expect(await peer.nextAck()).toEqual({ trialId: T, seq: 1 });
  });
});

describe('the same seq with other content', () => {
  it('is refused as a conflict, never acked, and the stored frame stays', async () => {
    const peer = await trainer();
    peer.send({ kind: 'metrics', metrics: { sweepId: 'sw1', trialId: T, seq: 1, points: points([0, 1]) } });
    expect(await peer.nextAck()).toEqual({ trialId: T, seq: 1 });
    peer.send({ kind: 'metrics', metrics: { sweepId: 'sw1', trialId: T, seq: 1, points: points([0, 1]) } }); // a resend
    expect(await peer.nextAck()).toEqual({ trialId: T, seq: 1 });
    peer.send({ kind: 'metrics', metrics: { sweepId: 'sw1', trialId: T, seq: 1, points: points([7]) } });
    expectRefusal(await peer.next(), 'seq-conflict', /^metrics\.seq: seq 1 of trial "sw1-t0000" is already stored with different content$/);
    expect((await gw.store.trialMetrics(T)).map((r) => r.step)).toEqual([0, 1]);
  });
});

describe('attempt fencing', () => {
  it('refuses an older attempt once a newer one opened the trial, and drops its unacked tail', async () => {
    const old = await trainer();
    old.send({ kind: 'open', open: { sweepId: 'sw1', trialId: T, attempt: 1 } });
    await old.nextAck();
    old.send({ kind: 'metrics', metrics: { sweepId: 'sw1', trialId: T, seq: 1, points: points([0]), attempt: 1 } });
    expect((await old.nextAck()).seq).toBe(1);
    // seq 3 without 2: stored but never acked (the ack stays at 1)
    old.send({ kind: 'metrics', metrics: { sweepId: 'sw1', trialId: T, seq: 3, points: points([50]), attempt: 1 } });
    expect((await old.nextAck()).seq).toBe(1);

    const retry = await trainer();
    retry.send({ kind: 'open', open: { sweepId: 'sw1', trialId: T, attempt: 2 } });
    expect(await retry.nextAck()).toEqual({ trialId: T, seq: 1 });
    // the old attempt's unacked seq 3 is gone, so the retry's own seq 2 and 3 are new, not conflicts
    expect((await gw.store.trialMetrics(T)).map((r) => r.step)).toEqual([0]);
    retry.send({ kind: 'metrics', metrics: { sweepId: 'sw1', trialId: T, seq: 2, points: points([1]), attempt: 2 } });
    expect((await retry.nextAck()).seq).toBe(2);
    retry.send({ kind: 'metrics', metrics: { sweepId: 'sw1', trialId: T, seq: 3, points: points([2]), attempt: 2 } });
    expect((await retry.nextAck()).seq).toBe(3);

    old.send({ kind: 'metrics', metrics: { sweepId: 'sw1', trialId: T, seq: 4, points: points([99]), attempt: 1 } });
    const refused = await old.next();
    expectRefusal(refused, 'superseded', /^metrics\.attempt: attempt 1 of trial "sw1-t0000" was superseded by attempt 2; its frames are not stored$/);
    expect(refused.kind === 'error' && [refused.error.trialId, refused.error.attempt]).toEqual([T, 1]);
    old.send({ kind: 'event', event: { sweepId: 'sw1', trialId: T, seq: 4, status: 'completed', infoJson: '', wallTime: 1, attempt: 1 } });
    expectRefusal(await old.next(), 'superseded', /^event\.attempt: /);
    old.send({ kind: 'open', open: { sweepId: 'sw1', trialId: T } }); // unfenced writers are older than any attempt
    expectRefusal(await old.next(), 'superseded', /^open\.attempt: attempt 0 /);

    expect((await gw.store.trialMetrics(T)).map((r) => r.step)).toEqual([0, 1, 2]);
    expect(await gw.store.getTrial(T)).toMatchObject({ status: 'planned', lastSeq: 3 });
  });
});

/**
 * A TCP relay between an emitter and the gateway that can hold the emitter's bytes: a stalled
 * worker (long GC pause, network partition) whose frames arrive later.
 */
async function stallableRelay(target: number): Promise<{ url: string; hold(): void; release(): void; server: Server }> {
  let held = false;
  const queued: { to: Socket; data: Buffer }[] = [];
  const server = createServer((client) => {
    const upstream = new Socket().connect(target, '127.0.0.1');
    client.on('data', (data: Buffer) => (held ? queued.push({ to: upstream, data }) : upstream.write(data)));
    upstream.on('data', (data: Buffer) => client.write(data));
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    server,
    hold: () => (held = true),
    release: () => {
      held = false;
      for (const { to, data } of queued.splice(0)) to.write(data);
    },
  };
}

describe('a zombie attempt', () => {
  it('comes back after its retry: its frames are refused, never acked, and every acked point is stored', async () => {
    const port = Number(new URL(gw.url).port);
    const relay = await stallableRelay(port);
    closers.push(() => new Promise<void>((r) => relay.server.close(() => r())));
    const logs: string[] = [];
    const make = (url: string, workerId: string) => {
      const e = new MetricEmitter({ url, token: TOKEN, workerId, batchMs: 5, maxBatch: 10, minBackoffMs: 20, maxBackoffMs: 100, ackTimeoutMs: 60_000, log: (m) => logs.push(m) });
      closers.push(() => e.close());
      return e;
    };
    const emitFrom = (s: { point(step: number, name: string, value: number): void }, from: number, to: number, value: number) => {
      for (let step = from; step < to; step++) s.point(step, 'train_loss', value);
    };

    // attempt 1 streams 100 steps, all acked
    const zombie = make(relay.url, 'worker-a').openTrial('sw1', T, 1);
    emitFrom(zombie, 0, 100, 1);
    await zombie.flush(10_000);
    // then it stalls: its next 100 steps are written to a socket that delivers nothing for now
    relay.hold();
    emitFrom(zombie, 100, 200, 1);
    const zombieFlush = zombie.flush(20_000).then(
      () => 'acked',
      (err: Error) => err.message,
    );
    await new Promise((r) => setTimeout(r, 100));

    // Temporal retries the trial on another worker: attempt 2 resumes from step 100 and finishes
    const retry = make(gw.wsUrl, 'worker-b').openTrial('sw1', T, 2);
    emitFrom(retry, 100, 250, 2);
    retry.event('completed', { attempt: 2 });
    await retry.flush(10_000);
    const acked = await gw.store.lastContiguousSeq(T);

    // the zombie comes back: every one of its held frames is refused, none is acked
    relay.release();
    expect(await zombieFlush).toMatch(/attempt 1 of trial "sw1-t0000" was superseded by attempt 2/);
    expect(zombie.refusal?.code).toBe('superseded');
    expect(await gw.store.lastContiguousSeq(T)).toBe(acked);

    const rows = await gw.store.trialMetrics(T);
    expect(rows).toHaveLength(250); // steps 0..249, each once
    expect(rows.filter((r) => r.step < 100).every((r) => r.value === 1)).toBe(true);
    expect(rows.filter((r) => r.step >= 100).every((r) => r.value === 2)).toBe(true);
    expect((await gw.store.getTrial(T))?.status).toBe('completed');
    // the zombie's later events cannot move the trial either
    zombie.event('failed', { attempt: 1 });
    expect((await gw.store.getTrial(T))?.status).toBe('completed');
  }, 30_000);
});
