import Database from 'better-sqlite3';
import pg from 'pg';
import { testsUsePostgres } from '@slab/store/testing';
import { MetricEmitter } from '@slab/worker-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../src/index';
import { quiet, tempDir, TOKEN } from './helpers';

let tmp: ReturnType<typeof tempDir>;
let gw: Gateway;
const emitters: MetricEmitter[] = [];

function emitter(): MetricEmitter {
  const e = new MetricEmitter({ url: gw.wsUrl, token: TOKEN, workerId: 'w1', batchMs: 5, maxBatch: 20, minBackoffMs: 20, maxBackoffMs: 200, log: quiet });
  emitters.push(e);
  return e;
}

const FRAMES = 'SELECT COUNT(*) AS n, MAX(seq) AS m FROM frames WHERE trial_id = $1';
const POINTS = 'SELECT COUNT(*) AS n, COUNT(DISTINCT step) AS d FROM points WHERE trial_id = $1';

/** Frames and points as stored, read straight from the database (SQLite file or Postgres). */
async function stored(trialId: string): Promise<{ frames: number; maxSeq: number; points: number; distinctSteps: number }> {
  if (testsUsePostgres()) {
    const c = new pg.Client({ connectionString: tmp.dbPath });
    await c.connect();
    try {
      const f = (await c.query(FRAMES, [trialId])).rows[0] as { n: string; m: string };
      const p = (await c.query(POINTS, [trialId])).rows[0] as { n: string; d: string };
      return { frames: Number(f.n), maxSeq: Number(f.m), points: Number(p.n), distinctSteps: Number(p.d) };
    } finally {
      await c.end();
    }
  }
  const db = new Database(tmp.dbPath, { readonly: true });
  try {
    const f = db.prepare(FRAMES.replace('$1', '?')).get(trialId) as { n: number; m: number };
    const p = db.prepare(POINTS.replace('$1', '?')).get(trialId) as { n: number; d: number };
    return { frames: f.n, maxSeq: f.m, points: p.n, distinctSteps: p.d };
  } finally {
    db.close();
  }
}

beforeEach(async () => {
  tmp = tempDir();
  gw = await startGateway({ dbPath: tmp.dbPath, token: TOKEN, log: quiet });
  await gw.store.createSweep({ id: 'sw1', name: 'demo', specYaml: 'name: demo' });
});

afterEach(async () => {
  await Promise.all(emitters.splice(0).map((e) => e.close()));
  await gw.close();
  tmp.cleanup();
});

const emit = (s: { point(step: number, name: string, value: number): void }, from: number, to: number) => {
  for (let step = from; step < to; step++) s.point(step, 'train_loss', 1 / (step + 1));
};

describe('emitter ↔ gateway', () => {
  it('loses no frame and stores none twice when the gateway is killed mid-stream and restarted on the same db and port', async () => {
    const stream = emitter().openTrial('sw1', 'sw1-t0000');
    emit(stream, 0, 500);
    await stream.flush(10_000);
    expect(await gw.store.lastContiguousSeq('sw1-t0000')).toBe(25);

    emit(stream, 500, 1000); // 25 frames handed to the socket...
    const port = Number(new URL(gw.url).port);
    await gw.close(); // ...and the gateway dies under them
    expect(stream.unacked).toBeGreaterThan(0);
    emit(stream, 1000, 1500); // the trainer keeps going while the gateway is down
    stream.event('completed', { steps: 1500 });

    gw = await startGateway({ dbPath: tmp.dbPath, token: TOKEN, port, log: quiet });
    await stream.flush(20_000);

    const s = await stored('sw1-t0000');
    expect(s.points).toBe(1500);
    expect(s.distinctSteps).toBe(1500);
    expect(s.frames).toBe(s.maxSeq); // 1..maxSeq, no gap
    expect(await gw.store.lastContiguousSeq('sw1-t0000')).toBe(s.maxSeq);
    expect(s.maxSeq).toBe(76); // 75 metric frames of 20 points + 1 event
    expect((await gw.store.trialEvents('sw1-t0000')).map((e) => [e.seq, e.status])).toEqual([[76, 'completed']]);
  });

  it('a restarted worker numbers on from the stored seq; re-emitted steps are stored once', async () => {
    const first = emitter().openTrial('sw1', 'sw1-t0001');
    first.event('running', { backend: 'cpu' });
    emit(first, 0, 100);
    await first.flush(10_000);
    await emitters[0].close();
    const before = await stored('sw1-t0001');
    expect(before).toMatchObject({ frames: 6, maxSeq: 6, points: 100 });

    // attempt 2 resumes from a checkpoint at step 80 and re-emits 80..99
    const second = emitter().openTrial('sw1', 'sw1-t0001');
    emit(second, 80, 140);
    await second.flush(10_000);
    const after = await stored('sw1-t0001');
    expect(after.maxSeq).toBe(9);
    expect(after.frames).toBe(9);
    expect(after.points).toBe(140);
    expect(await gw.store.getTrial('sw1-t0001')).toMatchObject({ status: 'running', backend: 'cpu', lastSeq: 9 });
  });

  it('streams a trial opened before the gateway exists, once it comes up', async () => {
    const port = Number(new URL(gw.url).port);
    await gw.close();
    const e = new MetricEmitter({ url: `ws://127.0.0.1:${port}/ws`, token: TOKEN, workerId: 'w2', batchMs: 5, minBackoffMs: 20, maxBackoffMs: 100, log: quiet });
    emitters.push(e);
    const stream = e.openTrial('sw1', 'sw1-t0002');
    emit(stream, 0, 10);
    gw = await startGateway({ dbPath: tmp.dbPath, token: TOKEN, port, log: quiet });
    await stream.flush(10_000);
    expect(await stored('sw1-t0002')).toMatchObject({ frames: 1, points: 10 });
  });
});
