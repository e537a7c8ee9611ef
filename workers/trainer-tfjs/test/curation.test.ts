/**
 * Curation as a sweep dimension, on real Fashion-MNIST: the trainer keeps exactly the rows
 * `applyCuration` picks, charges scoring FLOPs once (memory and file cache), and still resumes exactly.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyCuration } from '@slab/curation';
import { loadFashionMnist, syntheticTeacherDataset } from '@slab/datasets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidatePool, createTfjsPlugin, curatePool, planTrial, SampleOrder, trainTrial, WorkerScoreCache } from '../src';
import { datasetFingerprint } from '../src/curation';
import { fakeContext, lastOf, removeContextDirs, request } from './fakeContext';

const quiet = (): void => undefined;
const cacheDir = mkdtempSync(join(tmpdir(), 'slab-scores-'));
const plugin = createTfjsPlugin({ log: quiet, scoreCacheDir: cacheDir });
const ds = loadFashionMnist();
const scorer = { seeds: 2, epochs: 2, hidden: 16 };
// keep 0.5 of a 512-row candidate pool → 256 kept rows, cycled for 2 passes (D = 512).
const curatedReq = (trialId: string, over: { strategy?: string; seed?: number } = {}) =>
  request({
    trialId,
    config: { width: 16, data: 512, seed: over.seed ?? 3, 'curation.strategy': over.strategy ?? 'el2n-keep-hard', 'curation.keep': 0.5 },
    options: { batchSize: 64, evalSize: 300, poolSize: 512, scorer },
    logEvery: 1,
    evalEvery: 4,
    checkpointEvery: 4,
  });

beforeAll(async () => {
  await plugin.init?.();
});
afterAll(() => {
  removeContextDirs();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('curation in the tfjs trainer', () => {
  it('keeps exactly the rows applyCuration selects, and training walks only those', () => {
    const plan = planTrial(curatedReq('x'));
    const cur = curatePool(plan, ds, new WorkerScoreCache(), 'x');
    const candidates = candidatePool(plan, ds.train.n, 512);
    const x = new Float32Array(512 * 784);
    const y = new Uint8Array(512);
    candidates.forEach((r, i) => {
      x.set(ds.train.images.subarray(r * 784, (r + 1) * 784), i * 784);
      y[i] = ds.train.labels[r];
    });
    const direct = applyCuration('el2n-keep-hard', 0.5, { x, y, n: 512, dim: 784, classes: 10 }, { seed: 3, scorer });
    expect(direct.indices.length).toBe(256);
    expect(Array.from(cur.keptInPool)).toEqual(Array.from(direct.indices));
    const keptRows = Array.from(direct.indices, (i) => candidates[i]).sort((a, b) => a - b);
    // Both passes of the sampler cover the kept rows exactly once each.
    const order = new SampleOrder(plan.seed, cur.pool);
    for (const pass of [0, 1]) {
      const seen = Array.from({ length: 256 }, (_, i) => order.at(pass * 256 + i)).sort((a, b) => a - b);
      expect(seen).toEqual(keptRows);
    }
    expect(cur.report.scoringFlops).toBeGreaterThan(0);
    expect(cur.chargedFlops).toBe(cur.report.scoringFlops);
    // Keep-easy picks a different half of the same candidates.
    const easy = curatePool(planTrial(curatedReq('x', { strategy: 'el2n-keep-easy' })), ds, new WorkerScoreCache(), 'x');
    expect(new Set([...easy.keptInPool, ...cur.keptInPool]).size).toBe(512);
  });

  it('charges scoring FLOPs to the trial that computed them: memory hit, file hit, own retry', async () => {
    const first = fakeContext(curatedReq('sw1-t0001'));
    const a = await plugin.run(first);
    expect(a.status).toBe('completed');
    expect(a.final.curation_kept).toBe(256);
    expect(a.final.curation_passes).toBe(2);
    expect(a.final.scoring_cache_hit).toBe(0);
    const flops = a.final.scoring_flops as number;
    expect(flops).toBeGreaterThan(0);
    expect(first.series('scoring_flops')).toEqual([{ step: 0, name: 'scoring_flops', value: flops }]);
    expect(a.flops).toBe((6 * (784 * 16 + 16 * 16 + 160) - 2 * 784 * 16) * 512); // training only
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.scores'))).toHaveLength(1);

    // Another trial on the same pool (keep-easy shares the EL2N scores): a hit, nothing charged.
    const other = await plugin.run(fakeContext(curatedReq('sw1-t0002', { strategy: 'el2n-keep-easy' })));
    expect(other.final.scoring_cache_hit).toBe(1);
    expect(other.final.scoring_flops).toBe(0);

    // A fresh worker process (new plugin, same cache dir) reads the file: same scores, same training.
    const fresh = createTfjsPlugin({ log: quiet, scoreCacheDir: cacheDir });
    const b = await fresh.run(fakeContext(curatedReq('sw1-t0003')));
    expect(b.final).toEqual({ ...a.final, scoring_flops: 0, scoring_cache_hit: 1 });
    // A retry of the first trial is still charged its own scoring once (its earlier attempt's result was lost).
    const retry = await fresh.run(fakeContext(curatedReq('sw1-t0001')));
    expect(retry.final.scoring_flops).toBe(flops);
    expect(retry.final.scoring_cache_hit).toBe(1);
  });

  it('resumes exactly with curation on', async () => {
    const req = curatedReq('sw1-t0009', { seed: 5 });
    const full = fakeContext(req);
    const a = await plugin.run(full);
    const first = fakeContext(req, {
      onProgress: (p, c) => {
        if (p.step >= 4 && p.checkpointUri) c.controller.abort();
      },
    });
    const r1 = await plugin.run(first);
    expect(r1.status).toBe('stopped');
    const second = fakeContext(req, { resume: lastOf(first.progressLog), checkpointDir: first.checkpointDir });
    const r2 = await plugin.run(second);
    expect(r2.resumedFromStep).toBe(4);
    expect(second.series('scoring_flops')).toEqual([]);
    const after = (c: typeof full, name: string) => c.series(name).filter((p) => p.step > 4).map((p) => [p.step, p.value]);
    expect(after(second, 'train_loss')).toEqual(after(full, 'train_loss'));
    expect(after(second, 'eval_loss')).toEqual(after(full, 'eval_loss'));
    // Same metrics; the resumed attempt found its own scores in the cache and still reports their cost.
    expect(r2.final).toEqual({ ...a.final, scoring_cache_hit: 1 });
    expect(r2.final.scoring_flops).toBeGreaterThan(0);
  });

  it('the plugin trains on curatePool’s selection (same losses as trainTrial given it directly)', async () => {
    const req = curatedReq('sw1-t0010', { seed: 7 });
    const viaPlugin = fakeContext(req);
    await plugin.run(viaPlugin);
    const plan = planTrial(req);
    const direct = fakeContext(req);
    await trainTrial(direct, plan, ds, 'direct', curatePool(plan, ds, new WorkerScoreCache(), req.trialId));
    expect(direct.series('train_loss')).toEqual(viaPlugin.series('train_loss'));
    // ... and a different strategy really trains on different rows.
    const easy = fakeContext(curatedReq('sw1-t0011', { seed: 7, strategy: 'el2n-keep-easy' }));
    await plugin.run(easy);
    expect(easy.series('train_loss')).not.toEqual(viaPlugin.series('train_loss'));
  });
});

describe('score-cache identity of the training data', () => {
  it('changes when the files change, not when the same data is loaded again', () => {
    const a = syntheticTeacherDataset({ trainSize: 500, testSize: 50, seed: 1 });
    const b = syntheticTeacherDataset({ trainSize: 500, testSize: 50, seed: 1 });
    expect(datasetFingerprint(a)).toBe(datasetFingerprint(b));
    const relabelled = { ...b, train: { ...b.train, labels: Uint8Array.from(b.train.labels, (l, i) => (i === 7 ? (l + 1) % 10 : l)) } };
    expect(datasetFingerprint(relabelled)).not.toBe(datasetFingerprint(a));
  });
});
