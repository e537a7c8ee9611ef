/**
 * Quality pools for the `curation.pools` dimension (Goyal et al.): a pool is one or more quality tiers
 * of the candidate rows, each the selection of a curation strategy; tiers are made disjoint in order,
 * mixed by temperature sampling, and the run's samples are drawn from them in whole shuffled passes,
 * so a small pool is repeated (epochs per tier) while a large one stays fresh.
 */
import type { PoolSpec } from '@slab/spec';
import { applyCuration, type CurationOptions, type CurationReport } from './apply';
import { CurationInputError, requireInt } from './errors';
import { planPools, poolSchedule, type PoolPlan } from './policies/pools';
import type { CurationData } from './types';

export interface AppliedPool {
  /** Rows of each tier (indices into the data, ascending), disjoint: a tier lost rows an earlier one took. */
  tiers: Uint32Array[];
  /** The strategy's own report per tier (before the disjointness step). */
  reports: CurationReport[];
}

/**
 * Removes from each set the rows an earlier set already holds, keeping order. Empty results are kept
 * (the caller decides whether an empty tier is an error).
 */
export function disjointTiers(sets: ArrayLike<number>[]): Uint32Array[] {
  const taken = new Set<number>();
  return sets.map((s) => {
    const out: number[] = [];
    for (let i = 0; i < s.length; i++) {
      if (!taken.has(s[i])) out.push(s[i]);
    }
    for (const r of out) taken.add(r);
    return Uint32Array.from(out);
  });
}

/**
 * Selects every tier of `pool` from `data` with `applyCuration` (one call per tier; tiers sharing a
 * scorer share its cache entry when `opts.cache` is set) and makes them disjoint. Throws
 * CurationInputError naming `pool.tiers[i]` when a tier ends up empty.
 */
export function applyPool(pool: PoolSpec, data: CurationData, opts: CurationOptions): AppliedPool {
  if (!pool || !Array.isArray(pool.tiers) || pool.tiers.length === 0) {
    throw new CurationInputError('pool.tiers', 'a non-empty list of { strategy, keep }', pool?.tiers);
  }
  const results = pool.tiers.map((t) => applyCuration(t.strategy, t.keep, data, opts));
  const tiers = disjointTiers(results.map((r) => r.indices));
  tiers.forEach((t, i) => {
    if (t.length === 0) {
      throw new CurationInputError(`pool.tiers[${i}]`, 'a tier with rows that no earlier tier took (order tiers from small to large)', pool.tiers[i]);
    }
  });
  return { tiers, reports: results.map((r) => r.report) };
}

export interface PoolStream {
  /** Row (index into the data) of each of the run's samples, in training order. */
  rows: Uint32Array;
  /** Repetition accounting per tier: samples, epochs (passes) and unique rows seen. */
  plan: PoolPlan;
}

/**
 * The training stream of `total` samples over the tiers: temperature sampling across tiers
 * (p ∝ size^(1/temperature)), each tier read in whole seeded shuffled passes. Pure given the inputs.
 */
export function poolStream(tiers: Uint32Array[], total: number, temperature: number, seed: number): PoolStream {
  requireInt('total', total, 1);
  const pools = tiers.map((t, i) => ({ name: `tier${i}`, size: t.length }));
  const plan = planPools(pools, total, temperature);
  const s = poolSchedule(pools, plan, seed);
  const rows = new Uint32Array(total);
  for (let t = 0; t < total; t++) rows[t] = tiers[s.pool[t]][s.index[t]];
  return { rows, plan };
}
