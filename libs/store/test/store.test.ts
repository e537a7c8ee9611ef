import type { SweepStatus } from '@slab/api';
import type { MetricFrame } from '@slab/proto';
import type { TrialResult } from '@slab/spec';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exportSweep, openStore, type Store, toCsv } from '../src/index';
import { STORE_KINDS, startTestStores, stopTestStores, testStore } from './stores';

beforeAll(startTestStores, 120_000);
afterAll(stopTestStores);

describe.each(STORE_KINDS)('%s store', (kind) => {
  let url: string;
  let store: Store;
  let cleanup: () => void;

  beforeEach(async () => {
    ({ url, cleanup } = await testStore(kind));
    store = await openStore(url);
    await store.createSweep({ id: 'sw1', name: 'demo', specYaml: 'name: demo\n' });
  });

  afterEach(async () => {
    await store.close();
    cleanup();
  });

  function frame(seq: number, steps: number[], trialId = 'sw1-t0000'): MetricFrame {
    return {
      sweepId: 'sw1',
      trialId,
      seq,
      points: steps.map((step) => ({ step, name: 'train_loss', value: 1 / (step + 1), wallTime: 1000 + step })),
    };
  }

  const result = (trialId: string, status: TrialResult['status'], evalLoss: number | null): TrialResult => ({
    trialId,
    status,
    params: 1000,
    data: 5000,
    flops: 3e7,
    final: { eval_loss: evalLoss },
    resumedFromStep: 0,
    steps: 10,
    backend: 'cpu',
    wallSeconds: 1,
    ...(status === 'diverged' ? { reason: 'loss became NaN at step 4' } : {}),
  });

  describe('sweeps', () => {
    it('creates, lists newest first and stores reported status', async () => {
      await store.createSweep({ id: 'sw2', name: 'second', specYaml: 'x' });
      expect((await store.listSweeps()).map((s) => s.id)).toEqual(['sw2', 'sw1']);
      const status: SweepStatus = {
        sweepId: 'sw1',
        name: 'demo',
        phase: 'completed',
        batch: 2,
        trials: { planned: 0, running: 0, completed: 4, diverged: 0, failed: 0 },
        flopsSpent: 1.5e9,
        budget: { trials: 4 },
        stopReason: 'trial budget reached',
      };
      await store.setSweepStatus('sw1', status);
      expect(await store.sweepStatus('sw1')).toEqual(status);
      const row = (await store.getSweep('sw1'))!;
      expect(row).toMatchObject({ status: 'completed', flopsSpent: 1.5e9, stopReason: 'trial budget reached' });
      expect(await store.getSweep('nope')).toBeUndefined();
    });
  });

  describe('metric frames', () => {
    it('stores each (trial, seq) once and acks the highest contiguous seq', async () => {
      expect(await store.lastContiguousSeq('sw1-t0000')).toBe(0);
      expect(await store.appendFrame(frame(1, [0, 1]))).toMatchObject({ stored: true, lastSeq: 1 });
      expect(await store.appendFrame(frame(1, [0, 1]))).toMatchObject({ stored: false, lastSeq: 1, newPoints: [] });
      // out of order: 3 arrives before 2
      expect(await store.appendFrame(frame(3, [4, 5]))).toMatchObject({ stored: true, lastSeq: 1 });
      expect(await store.appendFrame(frame(2, [2, 3]))).toMatchObject({ stored: true, lastSeq: 3 });
      expect(await store.lastContiguousSeq('sw1-t0000')).toBe(3);
      expect((await store.trialMetrics('sw1-t0000')).map((r) => r.step)).toEqual([0, 1, 2, 3, 4, 5]);
    });

    it('stores a re-emitted step of a resumed attempt only once', async () => {
      await store.appendFrame(frame(1, [0, 1, 2]));
      const res = await store.appendFrame(frame(2, [2, 3]));
      expect(res.stored).toBe(true);
      expect(res.newPoints.map((p) => p.step)).toEqual([3]);
      expect(await store.trialMetrics('sw1-t0000', { name: 'train_loss' })).toHaveLength(4);
    });

    it('keeps NaN as null and infinities as numbers; filters by name and afterStep', async () => {
      await store.appendFrame({
        sweepId: 'sw1',
        trialId: 'sw1-t0001',
        seq: 1,
        points: [
          { step: 1, name: 'train_loss', value: Number.NaN, wallTime: 1 },
          { step: 2, name: 'train_loss', value: Infinity, wallTime: 2 },
          { step: 2, name: 'eval_loss', value: 0.5, wallTime: 2 },
        ],
      });
      const rows = await store.trialMetrics('sw1-t0001', { name: 'train_loss' });
      expect(rows.map((r) => r.value)).toEqual([null, Infinity]);
      expect((await store.trialMetrics('sw1-t0001', { afterStep: 1 })).map((r) => `${r.name}@${r.step}`)).toEqual([
        'eval_loss@2',
        'train_loss@2',
      ]);
      expect(await store.sweepMetrics('sw1', 'eval_loss')).toEqual([{ trialId: 'sw1-t0001', step: 2, name: 'eval_loss', value: 0.5, wallTime: 2 }]);
    });

    it('sequences events with frames and moves the trial status forward, never back from terminal', async () => {
      await store.planTrials('sw1', [{ trialId: 'sw1-t0002', config: { width: 32 }, reason: 'grid point 3' }]);
      await store.appendFrame(frame(1, [0], 'sw1-t0002'));
      const ev = await store.appendEvent({
        sweepId: 'sw1',
        trialId: 'sw1-t0002',
        seq: 2,
        status: 'running',
        infoJson: '{"backend":"wasm"}',
        wallTime: 9,
      });
      expect(ev).toMatchObject({ stored: true, lastSeq: 2 });
      expect(await store.getTrial('sw1-t0002')).toMatchObject({ status: 'running', backend: 'wasm', lastSeq: 2, planReason: 'grid point 3' });
      await store.finishTrials('sw1', [result('sw1-t0002', 'completed', 0.4)]);
      await store.appendEvent({ sweepId: 'sw1', trialId: 'sw1-t0002', seq: 3, status: 'running', infoJson: '', wallTime: 10 });
      expect((await store.getTrial('sw1-t0002'))!.status).toBe('completed');
      expect((await store.trialEvents('sw1-t0002')).map((e) => e.status)).toEqual(['running', 'running']);
    });

    it('a retry running after an attempt failed shows running again; a final result stays', async () => {
      await store.planTrials('sw1', [{ trialId: 'sw1-t0003', config: { width: 8 }, reason: 'r' }]);
      const ev = (seq: number, status: string, attempt: number) =>
        store.appendEvent({ sweepId: 'sw1', trialId: 'sw1-t0003', seq, status, infoJson: JSON.stringify({ attempt }), wallTime: seq, attempt });
      await ev(1, 'running', 1);
      await ev(2, 'failed', 1); // a retryable crash: Temporal schedules attempt 2
      expect((await store.getTrial('sw1-t0003'))!.status).toBe('failed');
      await ev(3, 'running', 2);
      expect((await store.getTrial('sw1-t0003'))!.status).toBe('running');
      await store.finishTrials('sw1', [result('sw1-t0003', 'failed', 0.4)]);
      await ev(4, 'running', 2);
      expect((await store.getTrial('sw1-t0003'))!.status).toBe('failed');
    });

    it('creates a trial row for an event that arrives before the plan, and the plan keeps its status', async () => {
      await store.appendEvent({ sweepId: 'sw1', trialId: 'sw1-t0007', seq: 1, status: 'running', infoJson: '', wallTime: 1 });
      await store.planTrials('sw1', [{ trialId: 'sw1-t0007', config: { width: 8 }, reason: 'r' }]);
      expect(await store.getTrial('sw1-t0007')).toMatchObject({ index: 7, status: 'running', config: { width: 8 } });
    });
  });

  describe('durability and export', () => {
    it('survives reopening the same database with nothing stored twice', async () => {
      await store.appendFrame(frame(1, [0, 1]));
      await store.appendFrame(frame(2, [2]));
      await store.close();
      store = await openStore(url);
      expect(await store.lastContiguousSeq('sw1-t0000')).toBe(2);
      expect((await store.appendFrame(frame(2, [2]))).stored).toBe(false);
      expect(await store.trialMetrics('sw1-t0000')).toHaveLength(3);
      expect((await store.getSweep('sw1'))!.name).toBe('demo');
    });

    it('stores fits in order and exports one row per trial as CSV and JSON', async () => {
      await store.addFit('sw1', { law: 'power', params: { a: 1 }, converged: true, nPoints: 3, formula: 'L = 1/N' }, { raw: [1, 2] });
      const second = await store.addFit('sw1', { law: 'power', params: { a: 2 }, converged: true, nPoints: 4, formula: 'L = 2/N' }, null);
      expect((await store.listFits('sw1')).map((f) => f.summary.params.a)).toEqual([1, 2]);
      expect(await store.latestFit('sw1')).toEqual(second);

      await store.planTrials('sw1', [
        { trialId: 'sw1-t0000', config: { width: 16, learningRate: 0.01 }, reason: 'grid' },
        { trialId: 'sw1-t0001', config: { width: 32, learningRate: 0.01 }, reason: 'grid' },
      ]);
      await store.finishTrials('sw1', [result('sw1-t0000', 'completed', 0.5), result('sw1-t0001', 'diverged', null)]);
      expect((await store.getSweep('sw1'))!.counts).toMatchObject({ completed: 1, diverged: 1, total: 2 });
      const csv = (await exportSweep(store, 'sw1', 'csv')).trim().split('\n');
      expect(csv[0]).toBe('trialId,index,status,config.width,config.learningRate,params,data,flops,backend,reason,final.eval_loss');
      expect(csv[1]).toBe('sw1-t0000,0,completed,16,0.01,1000,5000,30000000,cpu,,0.5');
      expect(csv[2]).toBe('sw1-t0001,1,diverged,32,0.01,1000,5000,30000000,cpu,loss became NaN at step 4,');
      const json = JSON.parse(await exportSweep(store, 'sw1', 'json'));
      expect(json[1]).toMatchObject({ trialId: 'sw1-t0001', 'final.eval_loss': null, status: 'diverged' });
      await expect(exportSweep(store, 'sw1', 'xml' as 'csv')).rejects.toThrow(/format: expected "csv" or "json", got "xml"/);
    });

    it('marks the trials the latest fit held out in the export', async () => {
      await store.planTrials('sw1', [
        { trialId: 'sw1-t0000', config: { width: 16 }, reason: 'grid' },
        { trialId: 'sw1-t0001', config: { width: 32 }, reason: 'grid' },
      ]);
      await store.finishTrials('sw1', [result('sw1-t0000', 'completed', 0.5), result('sw1-t0001', 'completed', 0.4)]);
      await store.addFit('sw1', { law: 'power', params: { a: 1 }, converged: true, nPoints: 1, formula: 'L = 1/N', heldOut: ['sw1-t0001'] }, null);
      const csv = (await exportSweep(store, 'sw1', 'csv')).trim().split('\n');
      expect(csv[0].split(',').at(-1)).toBe('heldOut');
      expect(csv.slice(1).map((l) => l.split(',').at(-1))).toEqual(['0', '1']);
      expect(JSON.parse(await exportSweep(store, 'sw1', 'json')).map((r: { heldOut: number }) => r.heldOut)).toEqual([0, 1]);
    });

    it('finds nothing under a key with a NUL byte (a URL may carry one) instead of failing', async () => {
      expect(await store.getSweep('sw1\0')).toBeUndefined();
      expect(await store.sweepStatus('\0')).toBeUndefined();
      expect(await store.getTrial('sw1-t0000\0')).toBeUndefined();
      expect(await store.trialMetrics('\0')).toEqual([]);
      expect(await store.trialMetricsPage('\0', { limit: 10 })).toEqual([]);
      expect(await store.sweepTrialIds('\0')).toEqual([]);
      expect(await store.listFits('\0')).toEqual([]);
      expect(await store.lastContiguousSeq('\0')).toBe(0);
    });

    it('quotes CSV cells that need it', async () => {
      expect(toCsv([{ a: 'x,y', b: 'say "hi"' }, { c: 1 }])).toBe('a,b,c\n"x,y","say ""hi""",\n,,1\n');
    });
  });
});
