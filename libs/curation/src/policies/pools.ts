import { CurationInputError, requireInt, requireNumber } from '../errors';
import { Rng } from '../rng';

/** A quality tier: a named set of example indices (e.g. buckets of a quality score). */
export interface Pool {
  name: string;
  size: number;
}

export interface PoolPlan {
  /** Sampling probability of each pool, p(i; τ) ∝ size_i^(1/τ). */
  probabilities: number[];
  /** Samples drawn from each pool over the run (largest-remainder rounding of p_i · total). */
  samples: number[];
  /** Epochs (passes) over each pool = samples_i / size_i: the repetition each pool incurs. */
  epochs: number[];
  /** Unique examples seen per pool = min(size, samples). */
  unique: number[];
}

/**
 * Temperature sampling across pools (Li et al. 2025): p(i; τ) ∝ |D_i|^(1/τ); τ = 1 is proportional to
 * size, τ → ∞ uniform. Returns the repetition accounting for a run of `totalSamples`.
 */
export function planPools(pools: Pool[], totalSamples: number, temperature: number): PoolPlan {
  if (!Array.isArray(pools) || pools.length === 0) throw new CurationInputError('pools', 'a non-empty array', pools);
  pools.forEach((p, i) => requireInt(`pools[${i}].size`, p.size, 1));
  requireInt('totalSamples', totalSamples, 0);
  const tau = requireNumber('temperature', temperature, 1e-6, Number.MAX_VALUE);
  const w = pools.map((p) => Math.pow(p.size, 1 / tau));
  const z = w.reduce((a, b) => a + b, 0);
  const probabilities = w.map((v) => v / z);
  const exact = probabilities.map((p) => p * totalSamples);
  const samples = exact.map(Math.floor);
  let left = totalSamples - samples.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let j = 0; left > 0; j++, left--) samples[order[j % order.length].i]++;
  return {
    probabilities,
    samples,
    epochs: samples.map((s, i) => s / pools[i].size),
    unique: samples.map((s, i) => Math.min(s, pools[i].size)),
  };
}

/**
 * Deterministic sample stream for a plan: pool j contributes samples[j] draws, each pool is read in
 * shuffled passes without replacement (a fresh shuffle per pass, so repetition = whole epochs), and the
 * pools are interleaved by a seeded draw proportional to their remaining counts. Returns
 * (pool, index-within-pool) pairs.
 */
export function poolSchedule(pools: Pool[], plan: PoolPlan, seed: number): { pool: Uint16Array; index: Uint32Array } {
  const rng = new Rng(seed);
  const total = plan.samples.reduce((a, b) => a + b, 0);
  const pool = new Uint16Array(total);
  const index = new Uint32Array(total);
  const remaining = [...plan.samples];
  const cursors: { perm: Uint32Array; pos: number }[] = pools.map(() => ({ perm: new Uint32Array(0), pos: 0 }));
  let left = total;
  for (let t = 0; t < total; t++) {
    let r = rng.int(left);
    let j = 0;
    while (r >= remaining[j]) r -= remaining[j++];
    const cur = cursors[j];
    if (cur.pos >= cur.perm.length) {
      cur.perm = rng.permutation(pools[j].size);
      cur.pos = 0;
    }
    pool[t] = j;
    index[t] = cur.perm[cur.pos++];
    remaining[j]--;
    left--;
  }
  return { pool, index };
}

/**
 * Scalarization weights w_i = p(i; τ) / p(i; 1): the loss reweighting equivalent to temperature
 * sampling under full-batch GD (Li et al., Thm 1), with higher gradient variance under SGD.
 */
export function scalarizationWeights(pools: Pool[], temperature: number): number[] {
  const hot = planPools(pools, 0, temperature).probabilities;
  const prop = planPools(pools, 0, 1).probabilities;
  return hot.map((p, i) => p / prop[i]);
}
