import { optEnum } from '../errors';
import { CurationInputError, requireInt, requireNumber } from '../errors';
import { kmeans, normalizeRows } from '../kmeans';
import { Rng } from '../rng';

export interface DedupResult {
  /** Kept indices, ascending. */
  kept: Uint32Array;
  /** Removed indices, ascending. */
  removed: Uint32Array;
  /** For each removed index, the kept-or-earlier index it duplicates. */
  duplicateOf: Map<number, number>;
  flops: number;
}

function finish(n: number, duplicateOf: Map<number, number>, flops: number): DedupResult {
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (!duplicateOf.has(i)) kept.push(i);
  const removed = Uint32Array.from([...duplicateOf.keys()]).sort();
  return { kept: Uint32Array.from(kept), removed, duplicateOf, flops };
}

/**
 * Exact duplicates: rows with bit-identical features (FNV-1a hash, confirmed element by element).
 * The first occurrence is kept. Labels are ignored: a copy with a different label is still a copy.
 */
export function dedupExact(x: Float32Array, n: number, dim: number): DedupResult {
  if (x.length !== n * dim) throw new CurationInputError('x', `length n·dim = ${n * dim}`, x);
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const seen = new Map<number, number[]>();
  const duplicateOf = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    let h = 0x811c9dc5;
    for (let j = 0; j < dim; j++) h = Math.imul(h ^ bits[i * dim + j], 0x01000193) >>> 0;
    const bucket = seen.get(h);
    const match = bucket?.find((k) => rowsEqual(bits, k, i, dim));
    if (match !== undefined) duplicateOf.set(i, match);
    else if (bucket) bucket.push(i);
    else seen.set(h, [i]);
  }
  return finish(n, duplicateOf, n * dim);
}

function rowsEqual(bits: Uint32Array, a: number, b: number, dim: number): boolean {
  for (let j = 0; j < dim; j++) if (bits[a * dim + j] !== bits[b * dim + j]) return false;
  return true;
}

export interface SemDedupOptions {
  /** An item is a duplicate when its cosine similarity to an earlier-ranked item exceeds 1 − eps. */
  eps: number;
  /** Number of spherical k-means clusters (pairwise comparisons happen only inside a cluster). */
  k: number;
  seed: number;
  /**
   * Which member of a duplicate group survives: 'hard' (farthest from the centroid, SemDeDup's
   * default), 'easy' (closest), 'random'.
   */
  keep?: 'hard' | 'easy' | 'random';
  maxIter?: number;
}

/**
 * SemDeDup (Abbas et al. 2023): unit-normalise embeddings, cluster with k-means, rank each cluster's
 * members (by `keep`), and remove every item whose max cosine similarity to any earlier-ranked member of
 * its cluster exceeds 1 − eps (as in the reference code, earlier items count even if they were removed).
 * Cost O(n²/k · dim) instead of O(n² · dim).
 */
export function semDedup(emb: Float32Array, n: number, dim: number, opts: SemDedupOptions): DedupResult {
  if (emb.length !== n * dim) throw new CurationInputError('embeddings', `length n·dim = ${n * dim}`, emb);
  const eps = requireNumber('eps', opts.eps, 0, 2);
  const k = requireInt('k', opts.k, 1, n);
  const which = optEnum({ keep: opts.keep }, 'keep', 'hard', ['hard', 'easy', 'random'] as const);
  const u = normalizeRows(emb, n, dim);
  const km = kmeans(u, n, dim, k, { seed: opts.seed, maxIter: opts.maxIter ?? 100 });
  const members: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) members[km.assign[i]].push(i);
  const rng = new Rng(opts.seed + 1);
  const duplicateOf = new Map<number, number>();
  let flops = km.flops;
  for (const m of members) {
    if (which === 'random') rng.shuffle(m);
    // 'hard' = descending distance to centroid first; ties by index for determinism
    else m.sort((a, b) => (which === 'hard' ? km.dist2[b] - km.dist2[a] : km.dist2[a] - km.dist2[b]) || a - b);
    for (let r = 1; r < m.length; r++) {
      let bestSim = -Infinity;
      let bestJ = -1;
      for (let q = 0; q < r; q++) {
        let s = 0;
        for (let j = 0; j < dim; j++) s += u[m[r] * dim + j] * u[m[q] * dim + j];
        if (s > bestSim) {
          bestSim = s;
          bestJ = m[q];
        }
      }
      flops += 2 * r * dim;
      if (bestSim > 1 - eps) duplicateOf.set(m[r], bestJ);
    }
  }
  return finish(n, duplicateOf, flops);
}
