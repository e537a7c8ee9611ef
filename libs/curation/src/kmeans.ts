import { CurationInputError, requireInt } from './errors';
import { Rng } from './rng';

export interface KMeansResult {
  /** k × dim centroids, row-major. */
  centroids: Float64Array;
  /** Cluster of each point. */
  assign: Uint32Array;
  /** Squared Euclidean distance of each point to its centroid. */
  dist2: Float64Array;
  iterations: number;
  flops: number;
}

/**
 * Lloyd's k-means with seeded k-means++ initialisation (Arthur & Vassilvitskii). Stops when no
 * assignment changes or after `maxIter` iterations. Ties go to the lower cluster index and empty
 * clusters keep their previous centroid, so the result depends only on (points, k, seed).
 */
export function kmeans(
  points: Float32Array,
  n: number,
  dim: number,
  k: number,
  opts: { seed: number; maxIter?: number },
): KMeansResult {
  requireInt('k', k, 1, n);
  if (points.length !== n * dim) throw new CurationInputError('points', `length n·dim = ${n * dim}`, points);
  const maxIter = opts.maxIter ?? 100;
  const rng = new Rng(opts.seed);
  const C = new Float64Array(k * dim);
  const d2 = new Float64Array(n).fill(Infinity);
  let flops = 0;
  // k-means++: first centre uniform, next ones with probability ∝ squared distance to the nearest centre
  let pick = rng.int(n);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < dim; j++) C[c * dim + j] = points[pick * dim + j];
    let total = 0;
    for (let i = 0; i < n; i++) {
      const d = sqDist(points, i, C, c, dim);
      if (d < d2[i]) d2[i] = d;
      total += d2[i];
    }
    flops += 3 * n * dim;
    if (c + 1 === k) break;
    if (total === 0) {
      pick = rng.int(n); // all points coincide with centres: any point will do
      continue;
    }
    let r = rng.next() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      r -= d2[i];
      if (r < 0) {
        pick = i;
        break;
      }
    }
  }
  const assign = new Uint32Array(n);
  const dist2 = new Float64Array(n);
  let iterations = 0;
  for (let it = 0; it < maxIter; it++) {
    iterations++;
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bd = Infinity;
      for (let c = 0; c < k; c++) {
        const d = sqDist(points, i, C, c, dim);
        if (d < bd) {
          bd = d;
          best = c;
        }
      }
      if (it === 0 || assign[i] !== best) changed++;
      assign[i] = best;
      dist2[i] = bd;
    }
    flops += 3 * n * k * dim;
    if (changed === 0 && it > 0) break;
    const sums = new Float64Array(k * dim);
    const counts = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      counts[assign[i]]++;
      for (let j = 0; j < dim; j++) sums[assign[i] * dim + j] += points[i * dim + j];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue;
      for (let j = 0; j < dim; j++) C[c * dim + j] = sums[c * dim + j] / counts[c];
    }
    flops += n * dim;
  }
  return { centroids: C, assign, dist2, iterations, flops };
}

function sqDist(p: Float32Array, i: number, C: Float64Array, c: number, dim: number): number {
  let s = 0;
  const a = i * dim;
  const b = c * dim;
  for (let j = 0; j < dim; j++) {
    const d = p[a + j] - C[b + j];
    s += d * d;
  }
  return s;
}

/** Rows scaled to unit L2 norm (zero rows stay zero): cosine geometry for spherical clustering. */
export function normalizeRows(x: Float32Array, n: number, dim: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += x[i * dim + j] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < dim; j++) out[i * dim + j] = x[i * dim + j] * inv;
  }
  return out;
}
