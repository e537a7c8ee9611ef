import { describe, expect, it } from 'vitest';
import { applyCuration, applyPool, disjointTiers, InMemoryScoreCache, poolStream } from '../src';
import { blobs } from './fixtures';

describe('quality pools (curation.pools)', () => {
  it('makes tiers disjoint in order', () => {
    expect(disjointTiers([[3, 1], [1, 2, 3, 4], [4, 0]]).map((t) => [...t])).toEqual([[3, 1], [2, 4], [0]]);
  });

  it('tiers are the strategies’ selections minus earlier tiers; scores are computed once', () => {
    const { data } = blobs();
    const opts = { seed: 2, dataset: 'blobs', cache: new InMemoryScoreCache(), scorer: { epochs: 2, seeds: 1, hidden: 0 } };
    const top = applyCuration('el2n-keep-easy', 0.25, data, { seed: 2, scorer: opts.scorer }).indices;
    const wide = applyCuration('el2n-keep-easy', 0.5, data, { seed: 2, scorer: opts.scorer }).indices;
    const pool = applyPool({ tiers: [{ strategy: 'el2n-keep-easy', keep: 0.25 }, { strategy: 'el2n-keep-easy', keep: 0.5 }] }, data, opts);
    expect([...pool.tiers[0]]).toEqual([...top]);
    expect(pool.tiers[0].length).toBe(15);
    expect([...pool.tiers[1]]).toEqual([...wide].filter((i) => !top.includes(i)));
    expect(pool.tiers[1].length).toBe(15);
    expect(pool.reports.map((r) => r.cacheHit)).toEqual([false, true]);
    // A tier fully covered by an earlier one is an error naming it.
    expect(() => applyPool({ tiers: [{ strategy: 'full', keep: 1 }, { strategy: 'random', keep: 0.5 }] }, data, opts)).toThrow(
      /pool\.tiers\[1\]: expected a tier with rows that no earlier tier took/,
    );
  });

  it('streams whole shuffled passes: a 4-row tier over 10 samples is seen 3,3,2,2 times', () => {
    const s = poolStream([Uint32Array.from([10, 11, 12, 13])], 10, 1, 7);
    expect(s.plan.epochs).toEqual([2.5]);
    const count = new Map<number, number>();
    for (const r of s.rows) count.set(r, (count.get(r) ?? 0) + 1);
    expect([...count.keys()].sort()).toEqual([10, 11, 12, 13]);
    expect([...count.values()].sort()).toEqual([2, 2, 3, 3]);
    // First pass covers every row once before any repeats.
    expect([...s.rows.subarray(0, 4)].sort()).toEqual([10, 11, 12, 13]);
    expect([...poolStream([Uint32Array.from([10, 11, 12, 13])], 10, 1, 7).rows]).toEqual([...s.rows]);
  });

  it('mixes tiers by temperature with exact per-tier counts', () => {
    const small = Uint32Array.from({ length: 10 }, (_, i) => i);
    const large = Uint32Array.from({ length: 90 }, (_, i) => 100 + i);
    const s = poolStream([small, large], 200, 2, 1); // weights √10, √90 → p = 0.25 / 0.75
    expect(s.plan.samples).toEqual([50, 150]);
    expect(s.plan.epochs).toEqual([5, 150 / 90]);
    expect(s.rows.filter((r) => r < 100).length).toBe(50);
    expect(() => poolStream([small], 0, 1, 1)).toThrow(/total/);
  });
});
