import { describe, expect, it } from 'vitest';
import { DynamicPruner, planPools, poolSchedule, scalarizationWeights } from '../src';

describe('temperature-sampled pools with repetition accounting', () => {
  const pools = [
    { name: 'clean', size: 100 },
    { name: 'noisy', size: 900 },
  ];
  it('τ = 1 samples proportionally, τ → ∞ uniformly', () => {
    expect(planPools(pools, 2000, 1).probabilities).toEqual([0.1, 0.9]);
    const hot = planPools(pools, 2000, 1e9).probabilities;
    expect(hot[0]).toBeCloseTo(0.5, 6);
  });
  it('counts samples, epochs and unique examples per pool', () => {
    // τ = 2: weights 10 and 30 → p = 0.25 / 0.75
    const plan = planPools(pools, 2000, 2);
    expect(plan.probabilities).toEqual([0.25, 0.75]);
    expect(plan.samples).toEqual([500, 1500]);
    expect(plan.epochs).toEqual([5, 1500 / 900]);
    expect(plan.unique).toEqual([100, 900]);
  });
  it('schedule draws exactly the planned counts, in whole shuffled passes', () => {
    const plan = planPools(pools, 2000, 2);
    const s = poolSchedule(pools, plan, 5);
    const seen = new Uint32Array(100);
    let clean = 0;
    for (let t = 0; t < s.pool.length; t++) {
      if (s.pool[t] === 0) {
        clean++;
        seen[s.index[t]]++;
      }
    }
    expect(clean).toBe(500);
    expect([...new Set(seen)]).toEqual([5]); // every clean example exactly 5 times
  });
  it('scalarization weights are p(τ)/p(1)', () => {
    expect(scalarizationWeights(pools, 2)).toEqual([2.5, 0.75 / 0.9]);
  });
  it('names bad pool sizes', () => {
    expect(() => planPools([{ name: 'a', size: 0 }], 10, 1)).toThrow(/pools\[0\]\.size: expected an integer/);
  });
});

describe('DynamicPruner (InfoBatch)', () => {
  const losses = [0.1, 0.2, 3, 0.05, 4, 0.3, 0.15, 5]; // mean 1.6: 5 well-learned (0,1,3,5,6)
  it('never drops above-mean examples and reweights kept well-learned ones', () => {
    const p = new DynamicPruner({ n: 8, pruneRatio: 0.5, totalEpochs: 8, seed: 3 });
    const sel = p.select(0, losses);
    for (const hard of [2, 4, 7]) expect([...sel.indices]).toContain(hard);
    sel.indices.forEach((i, r) => expect(sel.weights[r]).toBe([2, 4, 7].includes(i) ? 1 : 2));
    expect(sel.indices.length).toBeLessThan(8);
  });
  it('is seeded per epoch and deterministic', () => {
    const a = new DynamicPruner({ n: 8, pruneRatio: 0.5, totalEpochs: 8, seed: 3 });
    const b = new DynamicPruner({ n: 8, pruneRatio: 0.5, totalEpochs: 8, seed: 3 });
    expect([...a.select(2, losses).indices]).toEqual([...b.select(2, losses).indices]);
  });
  it('anneals: uses everything in the last (1 − δ) of epochs', () => {
    const p = new DynamicPruner({ n: 8, pruneRatio: 0.9, totalEpochs: 8, delta: 0.75, seed: 1 });
    expect(p.select(6, losses).indices.length).toBe(8);
    expect([...p.select(7, losses).weights]).toEqual(new Array(8).fill(1));
  });
  it('saves about prune_ratio of the well-learned visits on a large pool', () => {
    const n = 10000;
    const l = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 0 : 2)); // half well-learned
    const p = new DynamicPruner({ n, pruneRatio: 0.6, totalEpochs: 10, delta: 1, seed: 9 });
    p.select(0, l);
    expect(p.savedFraction()).toBeGreaterThan(0.28);
    expect(p.savedFraction()).toBeLessThan(0.32);
  });
  it('names bad losses', () => {
    const p = new DynamicPruner({ n: 2, pruneRatio: 0.5, totalEpochs: 2, seed: 1 });
    expect(() => p.select(0, [1])).toThrow(/losses: expected an array of length n = 2/);
  });
});
