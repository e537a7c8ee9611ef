/**
 * Quality pools (`curation.pools`) on real Fashion-MNIST: the trial trains on exactly its pool's rows,
 * cycled in whole passes (repetition accounting in `final`), mixes tiers by temperature, resumes
 * exactly; label noise flips a fixed seeded set of training labels.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyCuration, planPools } from '@slab/curation';
import { loadFashionMnist } from '@slab/datasets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidatePool, createTfjsPlugin, curatePools, noisyRows, planTrial, WorkerScoreCache, withLabelNoise } from '../src';
import { fakeContext, lastOf, removeContextDirs, request } from './fakeContext';

const quiet = (): void => undefined;
const cacheDir = mkdtempSync(join(tmpdir(), 'slab-pools-'));
const plugin = createTfjsPlugin({ log: quiet, scoreCacheDir: cacheDir });
const ds = loadFashionMnist();
const scorer = { seeds: 1, epochs: 2, hidden: 16 };
const pools = {
  top25: { strategy: 'el2n-keep-easy', keep: 0.25 },
  mix: { tiers: [{ strategy: 'el2n-keep-easy', keep: 0.25 }, { strategy: 'full' }], temperature: 2 },
  all: { strategy: 'full' },
};
// 256 candidate rows: top25 = the 64 easiest by EL2N; data 320 = 5 passes over it.
const poolReq = (trialId: string, pool: string, over: { data?: number; options?: Record<string, unknown> } = {}) =>
  request({
    trialId,
    config: { width: 16, data: over.data ?? 320, seed: 3, 'curation.pools': pool },
    options: { batchSize: 64, evalSize: 300, poolSize: 256, scorer, pools, ...over.options },
    logEvery: 1,
    evalEvery: 2,
    checkpointEvery: 2,
  });

beforeAll(async () => {
  await plugin.init?.();
});
afterAll(() => {
  removeContextDirs();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('curation.pools in the tfjs trainer', () => {
  it('rejects contradictory or unknown pools, naming the field', () => {
    const bad = (config: Record<string, unknown>, options: Record<string, unknown> = {}) => () =>
      planTrial(request({ config: { 'curation.pools': 'top25', ...config }, options: { pools, ...options } }));
    expect(bad({ 'curation.keep': 0.5 })).toThrow('config.curation.pools: expected no config.curation.keep alongside it');
    expect(bad({ 'curation.pools': 'top5' })).toThrow('config.curation.pools: expected one of task.options.pools (top25, mix, all), got "top5"');
    expect(bad({}, { pools: { top25: { strategy: 'el2n-keep-easy', keep: 2 } } })).toThrow(
      'task.options.pools.top25.keep: expected a number in (0, 1], got 2',
    );
    expect(bad({}, { pools: { top25: { strategy: 'el2n-keep-nice' } } })).toThrow(
      /task\.options\.pools\.top25\.tiers\[0\]\.strategy: expected one of full, random/,
    );
    expect(bad({}, { pools: undefined })).toThrow(/task\.options\.pools: expected a non-empty mapping/);
    expect(bad({}, { labelNoise: 1 })).toThrow('task.options.labelNoise: expected a fraction in [0, 1), got 1');
    // The candidate universe does not depend on data: the whole split without poolSize.
    expect(planTrial(request({ config: { 'curation.pools': 'all' }, options: { pools } })).pools?.candidates).toBe(60_000);
  });

  it('a single-tier pool is the strategy’s selection, each row seen exactly data / size times', () => {
    const plan = planTrial(poolReq('x', 'top25'));
    const cur = curatePools(plan, ds, new WorkerScoreCache(), 'x');
    const candidates = candidatePool(plan, ds.train.n, 256);
    const x = new Float32Array(256 * 784);
    const y = new Uint8Array(256);
    candidates.forEach((r, i) => {
      x.set(ds.train.images.subarray(r * 784, (r + 1) * 784), i * 784);
      y[i] = ds.train.labels[r];
    });
    const direct = applyCuration('el2n-keep-easy', 0.25, { x, y, n: 256, dim: 784, classes: 10 }, { seed: 3, scorer });
    const rows = Array.from(direct.indices, (i) => candidates[i]).sort((a, b) => a - b);
    expect(rows).toHaveLength(64);
    expect(cur.stream).toHaveLength(320);
    const counts = new Map<number, number>();
    for (const r of cur.stream!) counts.set(r, (counts.get(r) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual(rows);
    expect(new Set(counts.values())).toEqual(new Set([5]));
    expect(cur.final).toEqual({
      scoring_flops: cur.report.scoringFlops,
      scoring_cache_hit: 0,
      curation_candidates: 256,
      curation_kept: 64,
      curation_passes: 5,
    });
    expect(cur.report.scoringFlops).toBeGreaterThan(0);
  });

  it('tiers are disjoint and mixed by temperature with per-tier passes', () => {
    const plan = planTrial(poolReq('y', 'mix', { data: 640 }));
    const cache = new WorkerScoreCache();
    const cur = curatePools(plan, ds, cache, 'y');
    // Tier 0: 64 easiest; tier 1: the other 192. τ = 2: p ∝ √64 : √192 = 1 : √3.
    const mix = planPools([{ name: 'a', size: 64 }, { name: 'b', size: 192 }], 640, 2);
    expect(cur.final).toMatchObject({
      curation_kept: 256,
      curation_passes: 2.5,
      curation_tier0_rows: 64,
      curation_tier1_rows: 192,
      curation_tier0_passes: mix.epochs[0],
      curation_tier1_passes: mix.epochs[1],
    });
    const top = new Set(curatePools(planTrial(poolReq('y', 'top25')), ds, cache, 'y').pool);
    expect(cur.stream!.filter((r) => top.has(r)).length).toBe(mix.samples[0]);
    // Both tiers share the EL2N scores: computed once, charged once (the second lookup is this trial's own).
    expect(cur.chargedFlops).toBe(cur.report.scoringFlops);
  });

  it('trains on the pool, reports the repetition, and resumes exactly', async () => {
    const req = poolReq('sw2-t0001', 'top25');
    const full = fakeContext(req);
    const a = await plugin.run(full);
    expect(a.status).toBe('completed');
    expect(a.final).toMatchObject({ curation_kept: 64, curation_passes: 5, scoring_cache_hit: 0 });
    const first = fakeContext(req, {
      onProgress: (p, c) => {
        if (p.step >= 2 && p.checkpointUri) c.controller.abort();
      },
    });
    expect((await plugin.run(first)).status).toBe('stopped');
    const second = fakeContext(req, { resume: lastOf(first.progressLog), checkpointDir: first.checkpointDir });
    const b = await plugin.run(second);
    expect(b.resumedFromStep).toBe(2);
    const after = (c: typeof full, name: string) => c.series(name).filter((p) => p.step > 2).map((p) => [p.step, p.value]);
    expect(after(second, 'train_loss')).toEqual(after(full, 'train_loss'));
    expect(after(second, 'eval_loss')).toEqual(after(full, 'eval_loss'));
    expect(b.final).toEqual({ ...a.final, scoring_cache_hit: 1 });
    // Another pool of the same candidates trains on other rows, and finds the scores cached.
    const all = fakeContext(poolReq('sw2-t0002', 'all'));
    const c = await plugin.run(all);
    expect(c.final).toMatchObject({ curation_kept: 256, curation_passes: 1.25, scoring_flops: 0 });
    expect(all.series('train_loss')).not.toEqual(full.series('train_loss'));
  });

  it('label noise flips a fixed seeded set of training labels to other classes', () => {
    const rows = noisyRows(ds.train.n, 0.2);
    expect(rows).toHaveLength(12_000);
    const noisy = withLabelNoise(ds, 0.2);
    const flipped = new Set(rows);
    let differ = 0;
    for (let i = 0; i < ds.train.n; i++) {
      if (noisy.train.labels[i] !== ds.train.labels[i]) {
        differ++;
        expect(flipped.has(i)).toBe(true);
      }
    }
    expect(differ).toBe(12_000);
    expect(noisy.test.labels).toBe(ds.test.labels);
    expect([...withLabelNoise(ds, 0.2).train.labels]).toEqual([...noisy.train.labels]);
  });
});
