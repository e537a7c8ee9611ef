import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SweepStatus } from '@slab/api';
import type { MetricFrame } from '@slab/proto';
import type { TrialResult } from '@slab/spec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportSweep, openStore, type Store, toCsv } from '../src/index';

let dir: string;
let dbPath: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'slab-store-'));
  dbPath = join(dir, 'slab.db');
  store = openStore(dbPath);
  store.createSweep({ id: 'sw1', name: 'demo', specYaml: 'name: demo\n' });
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
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
  it('creates, lists newest first and stores reported status', () => {
    store.createSweep({ id: 'sw2', name: 'second', specYaml: 'x' });
    expect(store.listSweeps().map((s) => s.id)).toEqual(['sw2', 'sw1']);
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
    store.setSweepStatus('sw1', status);
    expect(store.sweepStatus('sw1')).toEqual(status);
    const row = store.getSweep('sw1')!;
    expect(row).toMatchObject({ status: 'completed', flopsSpent: 1.5e9, stopReason: 'trial budget reached' });
    expect(store.getSweep('nope')).toBeUndefined();
  });
});

describe('metric frames', () => {
  it('stores each (trial, seq) once and acks the highest contiguous seq', () => {
    expect(store.lastContiguousSeq('sw1-t0000')).toBe(0);
    expect(store.appendFrame(frame(1, [0, 1]))).toMatchObject({ stored: true, lastSeq: 1 });
    expect(store.appendFrame(frame(1, [0, 1]))).toMatchObject({ stored: false, lastSeq: 1, newPoints: [] });
    // out of order: 3 arrives before 2
    expect(store.appendFrame(frame(3, [4, 5]))).toMatchObject({ stored: true, lastSeq: 1 });
    expect(store.appendFrame(frame(2, [2, 3]))).toMatchObject({ stored: true, lastSeq: 3 });
    expect(store.lastContiguousSeq('sw1-t0000')).toBe(3);
    expect(store.trialMetrics('sw1-t0000').map((r) => r.step)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('stores a re-emitted step of a resumed attempt only once', () => {
    store.appendFrame(frame(1, [0, 1, 2]));
    const res = store.appendFrame(frame(2, [2, 3]));
    expect(res.stored).toBe(true);
    expect(res.newPoints.map((p) => p.step)).toEqual([3]);
    expect(store.trialMetrics('sw1-t0000', { name: 'train_loss' })).toHaveLength(4);
  });

  it('keeps NaN as null and infinities as numbers; filters by name and afterStep', () => {
    store.appendFrame({
      sweepId: 'sw1',
      trialId: 'sw1-t0001',
      seq: 1,
      points: [
        { step: 1, name: 'train_loss', value: Number.NaN, wallTime: 1 },
        { step: 2, name: 'train_loss', value: Infinity, wallTime: 2 },
        { step: 2, name: 'eval_loss', value: 0.5, wallTime: 2 },
      ],
    });
    const rows = store.trialMetrics('sw1-t0001', { name: 'train_loss' });
    expect(rows.map((r) => r.value)).toEqual([null, Infinity]);
    expect(store.trialMetrics('sw1-t0001', { afterStep: 1 }).map((r) => `${r.name}@${r.step}`)).toEqual([
      'eval_loss@2',
      'train_loss@2',
    ]);
    expect(store.sweepMetrics('sw1', 'eval_loss')).toEqual([{ trialId: 'sw1-t0001', step: 2, name: 'eval_loss', value: 0.5, wallTime: 2 }]);
  });

  it('sequences events with frames and moves the trial status forward, never back from terminal', () => {
    store.planTrials('sw1', [{ trialId: 'sw1-t0002', config: { width: 32 }, reason: 'grid point 3' }]);
    store.appendFrame(frame(1, [0], 'sw1-t0002'));
    const ev = store.appendEvent({
      sweepId: 'sw1',
      trialId: 'sw1-t0002',
      seq: 2,
      status: 'running',
      infoJson: '{"backend":"wasm"}',
      wallTime: 9,
    });
    expect(ev).toMatchObject({ stored: true, lastSeq: 2 });
    expect(store.getTrial('sw1-t0002')).toMatchObject({ status: 'running', backend: 'wasm', lastSeq: 2, planReason: 'grid point 3' });
    store.finishTrials('sw1', [result('sw1-t0002', 'completed', 0.4)]);
    store.appendEvent({ sweepId: 'sw1', trialId: 'sw1-t0002', seq: 3, status: 'running', infoJson: '', wallTime: 10 });
    expect(store.getTrial('sw1-t0002')!.status).toBe('completed');
    expect(store.trialEvents('sw1-t0002').map((e) => e.status)).toEqual(['running', 'running']);
  });

  it('creates a trial row for an event that arrives before the plan, and the plan keeps its status', () => {
    store.appendEvent({ sweepId: 'sw1', trialId: 'sw1-t0007', seq: 1, status: 'running', infoJson: '', wallTime: 1 });
    store.planTrials('sw1', [{ trialId: 'sw1-t0007', config: { width: 8 }, reason: 'r' }]);
    expect(store.getTrial('sw1-t0007')).toMatchObject({ index: 7, status: 'running', config: { width: 8 } });
  });
});

describe('durability and export', () => {
  it('survives reopening the same file (WAL) with nothing stored twice', () => {
    store.appendFrame(frame(1, [0, 1]));
    store.appendFrame(frame(2, [2]));
    store.close();
    store = openStore(dbPath);
    expect(store.lastContiguousSeq('sw1-t0000')).toBe(2);
    expect(store.appendFrame(frame(2, [2])).stored).toBe(false);
    expect(store.trialMetrics('sw1-t0000')).toHaveLength(3);
    expect(store.getSweep('sw1')!.name).toBe('demo');
  });

  it('stores fits in order and exports one row per trial as CSV and JSON', () => {
    store.addFit('sw1', { law: 'power', params: { a: 1 }, converged: true, nPoints: 3, formula: 'L = 1/N' }, { raw: [1, 2] });
    const second = store.addFit('sw1', { law: 'power', params: { a: 2 }, converged: true, nPoints: 4, formula: 'L = 2/N' }, null);
    expect(store.listFits('sw1').map((f) => f.summary.params.a)).toEqual([1, 2]);
    expect(store.latestFit('sw1')).toEqual(second);

    store.planTrials('sw1', [
      { trialId: 'sw1-t0000', config: { width: 16, learningRate: 0.01 }, reason: 'grid' },
      { trialId: 'sw1-t0001', config: { width: 32, learningRate: 0.01 }, reason: 'grid' },
    ]);
    store.finishTrials('sw1', [result('sw1-t0000', 'completed', 0.5), result('sw1-t0001', 'diverged', null)]);
    expect(store.getSweep('sw1')!.counts).toMatchObject({ completed: 1, diverged: 1, total: 2 });
    const csv = exportSweep(store, 'sw1', 'csv').trim().split('\n');
    expect(csv[0]).toBe('trialId,index,status,config.width,config.learningRate,params,data,flops,backend,reason,final.eval_loss');
    expect(csv[1]).toBe('sw1-t0000,0,completed,16,0.01,1000,5000,30000000,cpu,,0.5');
    expect(csv[2]).toBe('sw1-t0001,1,diverged,32,0.01,1000,5000,30000000,cpu,loss became NaN at step 4,');
    const json = JSON.parse(exportSweep(store, 'sw1', 'json'));
    expect(json[1]).toMatchObject({ trialId: 'sw1-t0001', 'final.eval_loss': null, status: 'diverged' });
    expect(() => exportSweep(store, 'sw1', 'xml' as 'csv')).toThrow(/format: expected "csv" or "json", got "xml"/);
  });

  it('marks the trials the latest fit held out in the export', () => {
    store.planTrials('sw1', [
      { trialId: 'sw1-t0000', config: { width: 16 }, reason: 'grid' },
      { trialId: 'sw1-t0001', config: { width: 32 }, reason: 'grid' },
    ]);
    store.finishTrials('sw1', [result('sw1-t0000', 'completed', 0.5), result('sw1-t0001', 'completed', 0.4)]);
    store.addFit('sw1', { law: 'power', params: { a: 1 }, converged: true, nPoints: 1, formula: 'L = 1/N', heldOut: ['sw1-t0001'] }, null);
    const csv = exportSweep(store, 'sw1', 'csv').trim().split('\n');
    expect(csv[0].split(',').at(-1)).toBe('heldOut');
    expect(csv.slice(1).map((l) => l.split(',').at(-1))).toEqual(['0', '1']);
    expect(JSON.parse(exportSweep(store, 'sw1', 'json')).map((r: { heldOut: number }) => r.heldOut)).toEqual([0, 1]);
  });

  it('quotes CSV cells that need it', () => {
    expect(toCsv([{ a: 'x,y', b: 'say "hi"' }, { c: 1 }])).toBe('a,b,c\n"x,y","say ""hi""",\n,,1\n');
  });
});
