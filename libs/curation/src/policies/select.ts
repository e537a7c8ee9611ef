import { CurationInputError, requireInt, requireNumber } from '../errors';
import { Rng } from '../rng';
import type { KeepEnd } from '../types';

/**
 * Static selection policies. All return the kept indices sorted ascending; ties in score are broken by
 * the lower index, so a selection depends only on (scores, count, seed).
 */

/** Indices ordered easy → hard (score ascending, then index ascending). */
export function rankEasyToHard(scores: ArrayLike<number>, among?: ArrayLike<number>): Uint32Array {
  const idx = among ? Uint32Array.from(among) : Uint32Array.from({ length: scores.length }, (_, i) => i);
  return idx.sort((a, b) => scores[a] - scores[b] || a - b);
}

function sorted(a: ArrayLike<number>): Uint32Array {
  return Uint32Array.from(a).sort();
}

function checkCount(count: number, n: number): number {
  return requireInt('count', count, 0, n);
}

/**
 * Keep the `count` easiest (lowest-score) or hardest examples. `offset` (fraction of the pool, hard
 * end only) skips the very hardest first — those are mostly mislabelled (Paul et al.'s window).
 */
export function selectByScore(
  scores: ArrayLike<number>,
  count: number,
  end: KeepEnd,
  opts: { offset?: number; among?: ArrayLike<number> } = {},
): Uint32Array {
  const order = rankEasyToHard(scores, opts.among);
  checkCount(count, order.length);
  if (end === 'easy') return sorted(order.subarray(0, count));
  if (end !== 'hard') throw new CurationInputError('end', "'easy' or 'hard'", end);
  const skip = Math.min(Math.round(requireNumber('offset', opts.offset ?? 0, 0, 1) * order.length), order.length - count);
  return sorted(order.subarray(order.length - skip - count, order.length - skip));
}

/** Uniformly random subset of `count` from 0..n-1 (or from `among`). */
export function selectRandom(n: number, count: number, seed: number, among?: ArrayLike<number>): Uint32Array {
  const pool = among ? Uint32Array.from(among) : Uint32Array.from({ length: n }, (_, i) => i);
  checkCount(count, pool.length);
  return sorted(new Rng(seed).shuffle(pool).subarray(0, count));
}

/**
 * Per-class quotas proportional to class sizes (largest remainder, ties to the lower class id), so
 * pruning keeps the class mix. Sorscher et al. found class balance essential at high pruning.
 */
export function classQuotas(y: Uint8Array, classes: number, count: number): Int32Array {
  checkCount(count, y.length);
  const sizes = new Int32Array(classes);
  for (let i = 0; i < y.length; i++) sizes[y[i]]++;
  const q = new Int32Array(classes);
  const rem: { c: number; r: number }[] = [];
  let used = 0;
  for (let c = 0; c < classes; c++) {
    const exact = (count * sizes[c]) / y.length;
    q[c] = Math.floor(exact);
    used += q[c];
    rem.push({ c, r: exact - q[c] });
  }
  rem.sort((a, b) => b.r - a.r || a.c - b.c);
  for (let i = 0; used < count; i++) {
    const c = rem[i % classes].c;
    if (q[c] < sizes[c]) {
      q[c]++;
      used++;
    }
  }
  return q;
}

/** Indices of each class, ascending. */
export function byClass(y: Uint8Array, classes: number): Uint32Array[] {
  const lists: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < y.length; i++) lists[y[i]].push(i);
  return lists.map((l) => Uint32Array.from(l));
}

/** Class-balanced variant of any per-pool policy: apply `pick` inside each class with its quota. */
export function classBalanced(
  y: Uint8Array,
  classes: number,
  count: number,
  pick: (among: Uint32Array, quota: number, cls: number) => Uint32Array,
): Uint32Array {
  const quotas = classQuotas(y, classes, count);
  const groups = byClass(y, classes);
  const out: number[] = [];
  groups.forEach((g, c) => out.push(...pick(g, quotas[c], c)));
  return sorted(out);
}

/**
 * Coverage-centric selection (CCS, Zheng et al. 2023) for high pruning rates: drop the hardest `beta`
 * fraction, split the remaining score range into `bins` equal-width strata, then fill the budget from
 * the smallest stratum up, giving each stratum an equal share of what is left (a stratum smaller than
 * its share is taken whole), sampling uniformly within a stratum.
 */
export function selectCoverage(
  scores: ArrayLike<number>,
  count: number,
  opts: { seed: number; beta?: number; bins?: number; among?: ArrayLike<number> },
): Uint32Array {
  const beta = requireNumber('beta', opts.beta ?? 0.1, 0, 1);
  const bins = requireInt('bins', opts.bins ?? 50, 1, 1 << 20);
  const order = rankEasyToHard(scores, opts.among);
  checkCount(count, order.length);
  const keepN = Math.max(count, order.length - Math.round(beta * order.length));
  const pool = order.subarray(0, keepN);
  if (pool.length === 0 || count === 0) return new Uint32Array(0);
  const lo = scores[pool[0]];
  const hi = scores[pool[pool.length - 1]];
  const strata: number[][] = Array.from({ length: bins }, () => []);
  for (const i of pool) {
    const b = hi > lo ? Math.min(bins - 1, Math.floor(((scores[i] - lo) / (hi - lo)) * bins)) : 0;
    strata[b].push(i);
  }
  const live = strata.map((s, b) => ({ s, b })).filter((e) => e.s.length > 0);
  live.sort((a, b) => a.s.length - b.s.length || a.b - b.b);
  const rng = new Rng(opts.seed);
  const out: number[] = [];
  let budget = count;
  live.forEach((e, j) => {
    const share = Math.min(e.s.length, Math.floor(budget / (live.length - j)));
    const arr = Uint32Array.from(e.s);
    out.push(...rng.shuffle(arr).subarray(0, share));
    budget -= share;
  });
  // floor() can leave a few slots when the last strata are small; fill from the largest remaining
  if (budget > 0) {
    const taken = new Set(out);
    const rest = Uint32Array.from(pool.filter((i) => !taken.has(i)));
    out.push(...rng.shuffle(rest).subarray(0, budget));
  }
  return sorted(out);
}
