import { Rng, type CurationData } from '../src';

/**
 * Three well-separated Gaussian blobs in 4-D, 20 points each; the labels of `flipped` are changed to
 * another class, so those rows are the genuinely hard (mislabelled) ones.
 */
export function blobs(seed = 1): { data: CurationData; flipped: number[] } {
  const rng = new Rng(seed);
  const n = 60;
  const dim = 4;
  const centres = [
    [3, 0, 0, 0],
    [0, 3, 0, 0],
    [0, 0, 3, 0],
  ];
  const x = new Float32Array(n * dim);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    for (let j = 0; j < dim; j++) x[i * dim + j] = centres[c][j] + 0.3 * rng.normal();
  }
  const flipped = [5, 22, 40];
  for (const i of flipped) y[i] = (y[i] + 1) % 3;
  return { data: { x, y, n, dim, classes: 3 }, flipped };
}

export function topK(scores: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: scores.length }, (_, i) => i)
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .slice(0, k)
    .sort((a, b) => a - b);
}
