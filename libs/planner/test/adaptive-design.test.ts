import { describe, expect, it } from 'vitest';
import { batchAllowance, GROWTH, lastRung, SEED_SHARE, seedPointCap } from '../src/schedule';
import { sliceSeed } from '../src/seed-design';
import { createRng } from '../src/rng';
import type { Candidate } from '../src/types';

const cand = (N: number, flops: number): Candidate => ({ config: { params: N, data: flops / (6 * N) }, estFlops: flops, unit: [] });
const logN = (c: Candidate) => Math.log(c.config.params!);

describe('schedule', () => {
  it('caps a seed point at its share of the budget and grows each batch with what was committed', () => {
    expect(SEED_SHARE).toBe(1 / 16);
    expect(GROWTH).toBe(1.5);
    expect(seedPointCap(1.6e21, 8)).toBe(1.25e19);
    expect(seedPointCap(undefined, 8)).toBe(Infinity);
    expect(batchAllowance(2e20, 1e22, 1e18)).toBe(3e20);
    expect(batchAllowance(2e20, 1e20, 1e18)).toBe(1e20); // never more than what is left
    expect(batchAllowance(0, 1e22, 4e18)).toBe(4e18); // the floor starts a sweep with nothing committed
    expect(() => batchAllowance(-1, 1, 1)).toThrow(/committed FLOPs must be ≥ 0, got -1/);
  });
  it('marks the last rung: the batch whose allowance is everything left', () => {
    expect(lastRung(batchAllowance(2e20, 1e20, 1e18), 1e20)).toBe(true);
    expect(lastRung(batchAllowance(2e20, 1e22, 1e18), 1e22)).toBe(false);
    expect(lastRung(batchAllowance(0, 3e18, 4e18), 3e18)).toBe(true); // the floor alone exceeds what is left
  });
});

describe('slice seed', () => {
  // Three bands of 6 runs each under a cap of 100: (33.3, 100], (11.1, 33.3], (3.7, 11.1]; plus runs above the cap.
  const pool: Candidate[] = [];
  for (const [flops, base] of [[90, 1], [30, 10], [10, 100]] as const) for (let k = 0; k < 6; k++) pool.push(cand(base * 2 ** k, flops));
  pool.push(cand(7, 500), cand(8, 900));

  it('draws perSlice runs from the rank strata of each band, from the dearest affordable band down', () => {
    const out = sliceSeed(pool, [], { cap: 100, slices: 2, perSlice: 3, ratio: 3 }, createRng(1), logN);
    expect(out.map((c) => c.estFlops)).toEqual([90, 90, 90, 30, 30, 30]);
    // Strata of 6 sorted runs in 3 parts: ranks {0,1}, {2,3}, {4,5}; one from each, in N order.
    const ranks = out.map((c) => Math.log2(c.config.params! / (c.estFlops === 90 ? 1 : 10)));
    expect(ranks.slice(0, 3).map((r) => Math.floor(r / 2))).toEqual([0, 1, 2]);
    expect(ranks.slice(3).map((r) => Math.floor(r / 2))).toEqual([0, 1, 2]);
    expect(sliceSeed(pool, [], { cap: 100, slices: 2, perSlice: 3, ratio: 3 }, createRng(1), logN)).toEqual(out);
  });
  it('hangs the bands from the dearest affordable run and counts planned runs against a band', () => {
    // Cap 40: the dearest affordable run costs 30, so the bands are (10, 30] and (3.3, 10].
    const out = sliceSeed(pool, [], { cap: 40, slices: 2, perSlice: 2, ratio: 3 }, createRng(2), logN);
    expect(out.map((c) => c.estFlops)).toEqual([30, 30, 10, 10]);
    // Two runs of the top band already planned: only the lower band is drawn from, bands unchanged.
    const planned = pool.filter((c) => c.estFlops === 30).slice(0, 2);
    const rest = pool.filter((c) => !planned.includes(c));
    const next = sliceSeed(rest, planned, { cap: 40, slices: 2, perSlice: 2, ratio: 3 }, createRng(2), logN);
    expect(next.map((c) => c.estFlops)).toEqual([10, 10]);
  });
  it('returns nothing when nothing is affordable and rejects bad options', () => {
    expect(sliceSeed(pool, [], { cap: 1, slices: 2, perSlice: 2, ratio: 3 }, createRng(1), logN)).toEqual([]);
    expect(() => sliceSeed(pool, [], { cap: 100, slices: 2, perSlice: 2, ratio: 1 }, createRng(1), logN)).toThrow(/band ratio must be > 1, got 1/);
    expect(() => sliceSeed(pool, [], { cap: 100, slices: 2, perSlice: 0, ratio: 3 }, createRng(1), logN)).toThrow(/perSlice must be ≥ 1, got 0/);
  });
});
