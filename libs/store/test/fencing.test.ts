import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { MetricFrame } from '@slab/proto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IngestRefused, openStore, type Store } from '../src/index';
import { MIGRATIONS } from '../src/migrations';
import { STORE_KINDS, startTestStores, stopTestStores, testStore } from './stores';

beforeAll(startTestStores, 120_000);
afterAll(stopTestStores);

const frame = (seq: number, steps: number[], extra: Partial<MetricFrame> = {}): MetricFrame => ({
  sweepId: 'sw1',
  trialId: 'sw1-t0000',
  seq,
  points: steps.map((step) => ({ step, name: 'loss', value: step, wallTime: 1 })),
  ...extra,
});

async function refusal(fn: () => Promise<unknown>): Promise<IngestRefused> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof IngestRefused) return err;
    throw err;
  }
  throw new Error('expected IngestRefused');
}

describe.each(STORE_KINDS)('%s store: trial binding and attempt fencing', (kind) => {
  let store: Store;
  let cleanup: () => void;

  beforeEach(async () => {
    const at = await testStore(kind);
    cleanup = at.cleanup;
    store = await openStore(at.url);
    await store.createSweep({ id: 'sw1', name: 'one', specYaml: 'x' });
    await store.createSweep({ id: 'sw2', name: 'two', specYaml: 'x' });
  });

  afterEach(async () => {
    await store.close();
    cleanup();
  });

  it('binds a trial to the sweep that first wrote it; unknown sweeps are refused', async () => {
    expect(await store.openTrial({ sweepId: 'sw1', trialId: 'sw1-t0000', attempt: 1 })).toBe(0);
    const foreign = await refusal(() => store.appendFrame(frame(1, [0], { sweepId: 'sw2', attempt: 1 })));
    expect([foreign.code, foreign.trialId, foreign.attempt, foreign.message]).toEqual([
      'foreign-trial',
      'sw1-t0000',
      1,
      'metrics.sweepId: trial "sw1-t0000" belongs to sweep "sw1", not "sw2"',
    ]);
    const unknown = await refusal(() => store.appendEvent({ sweepId: 'gone', trialId: 'gone-t0', seq: 1, status: 'running', infoJson: '', wallTime: 1 }));
    expect([unknown.code, unknown.message]).toEqual(['unknown-sweep', 'event.sweepId: expected an existing sweep, got "gone"']);
    expect(await store.getTrial('gone-t0')).toBeUndefined();
  });

  it('refuses lower attempts, and a higher one drops the never-acked tail', async () => {
    await store.appendFrame(frame(1, [0, 1], { attempt: 1 }));
    await store.appendFrame(frame(3, [9], { attempt: 1 })); // gap at 2: stored, not acked
    expect(await store.lastContiguousSeq('sw1-t0000')).toBe(1);
    expect(await store.openTrial({ sweepId: 'sw1', trialId: 'sw1-t0000', attempt: 2 })).toBe(1);
    expect((await store.trialMetrics('sw1-t0000')).map((r) => r.step)).toEqual([0, 1]);
    expect((await store.appendFrame(frame(2, [2], { attempt: 2 }))).lastSeq).toBe(2);
    expect((await store.appendFrame(frame(3, [3], { attempt: 2 }))).lastSeq).toBe(3); // not a conflict with the dropped seq 3
    const late = await refusal(() => store.appendFrame(frame(4, [4], { attempt: 1 })));
    expect([late.code, late.message]).toEqual(['superseded', 'metrics.attempt: attempt 1 of trial "sw1-t0000" was superseded by attempt 2; its frames are not stored']);
    expect((await refusal(() => store.openTrial({ sweepId: 'sw1', trialId: 'sw1-t0000' }))).code).toBe('superseded');
    expect((await store.trialMetrics('sw1-t0000')).map((r) => r.step)).toEqual([0, 1, 2, 3]);
  });

  it('acks a resend of a stored seq again but refuses other content under it', async () => {
    await store.appendFrame(frame(1, [0]));
    expect(await store.appendFrame(frame(1, [0]))).toMatchObject({ stored: false, lastSeq: 1 });
    const conflict = await refusal(() => store.appendFrame(frame(1, [5])));
    expect([conflict.code, conflict.message]).toEqual(['seq-conflict', 'metrics.seq: seq 1 of trial "sw1-t0000" is already stored with different content']);
    const asEvent = await refusal(() => store.appendEvent({ sweepId: 'sw1', trialId: 'sw1-t0000', seq: 1, status: 'running', infoJson: '', wallTime: 1 }));
    expect(asEvent.code).toBe('seq-conflict');
    // NaN and +inf are different content
    await store.appendFrame(frame(2, [], { points: [{ step: 7, name: 'loss', value: NaN, wallTime: 1 }] }));
    expect((await refusal(() => store.appendFrame(frame(2, [], { points: [{ step: 7, name: 'loss', value: Infinity, wallTime: 1 }] })))).code).toBe('seq-conflict');
  });

  it('pages a trial\'s metrics in (name, step) order', async () => {
    await store.appendFrame(frame(1, [0, 1, 2, 3, 4]));
    await store.appendFrame(frame(2, [], { points: [0, 1, 2].map((step) => ({ step, name: 'acc', value: step, wallTime: 1 })) }));
    const seen: string[] = [];
    let after: { name: string; step: number } | undefined;
    for (;;) {
      const page = await store.trialMetricsPage('sw1-t0000', { after, limit: 3 });
      if (page.length === 0) break;
      seen.push(...page.map((r) => `${r.name}${r.step}`));
      after = { name: page[page.length - 1].name, step: page[page.length - 1].step };
    }
    expect(seen).toEqual(['acc0', 'acc1', 'acc2', 'loss0', 'loss1', 'loss2', 'loss3', 'loss4']);
    expect((await store.trialMetricsPage('sw1-t0000', { name: 'loss', afterStep: 2, limit: 10 })).map((r) => r.step)).toEqual([3, 4]);
    expect(await store.sweepTrialIds('sw1')).toEqual(['sw1-t0000']);
  });
});

describe('SQLite migration 2', () => {
  it('gives trials that only had frames a row bound to their sweep, at attempt 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slab-store-fence-'));
    const path = join(dir, 'old.db');
    const db = new Database(path);
    db.exec(MIGRATIONS[0]);
    db.pragma('user_version = 1');
    db.prepare(`INSERT INTO sweeps (id, name, spec_yaml, phase, created_at, updated_at) VALUES ('old', 'old', 'x', 'running', 't', 't')`).run();
    db.prepare(`INSERT INTO frames (trial_id, seq, sweep_id, kind, received_at) VALUES ('old-t0', 1, 'old', 'metrics', 't')`).run();
    db.prepare(`INSERT INTO trial_seq (trial_id, last_seq) VALUES ('old-t0', 1)`).run();
    db.close();
    const migrated = await openStore(path);
    try {
      expect(await migrated.getTrial('old-t0')).toMatchObject({ sweepId: 'old', lastSeq: 1 });
      // frames stored before digests existed are resends, not conflicts
      expect(await migrated.appendFrame({ sweepId: 'old', trialId: 'old-t0', seq: 1, points: [{ step: 0, name: 'l', value: 1, wallTime: 1 }] })).toMatchObject({ stored: false, lastSeq: 1 });
      expect((await refusal(() => migrated.appendFrame({ sweepId: 'sw1', trialId: 'old-t0', seq: 2, points: [{ step: 1, name: 'l', value: 1, wallTime: 1 }] }))).code).toBe('foreign-trial');
    } finally {
      await migrated.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
