import { ensureBackend, tf } from './backend';
import { requireInt } from './errors';
import { Rng } from './rng';

export interface Embedding {
  /** n × dim row-major. */
  x: Float32Array;
  dim: number;
  flops: number;
}

/**
 * Label-free embedding: projection of the centred inputs onto their top `components` principal
 * directions, found by seeded randomized subspace iteration (Halko et al.; 2 power iterations).
 * Stands in for a self-supervised encoder when none is available; pass precomputed embeddings to
 * the scorers instead when you have a better one.
 */
export function pcaEmbedding(x: Float32Array, n: number, dim: number, components: number, seed: number): Embedding {
  const m = requireInt('components', components, 1, dim);
  ensureBackend();
  const rng = new Rng(seed);
  const omega = new Float32Array(dim * m);
  for (let i = 0; i < omega.length; i++) omega[i] = rng.normal();
  const power = 2;
  const out = tf.tidy(() => {
    const X = tf.tensor2d(x, [n, dim]);
    const Xc = X.sub(X.mean(0)) as tf.Tensor2D;
    let Q = orthonormalize(tf.tensor2d(omega, [dim, m]));
    for (let it = 0; it < power; it++) Q = orthonormalize(Xc.transpose().matMul(Xc.matMul(Q)) as tf.Tensor2D);
    return Xc.matMul(Q);
  });
  const emb = out.dataSync() as Float32Array;
  out.dispose();
  return { x: new Float32Array(emb), dim: m, flops: (2 * power + 1) * 2 * n * dim * m };
}

/** Modified Gram–Schmidt on the columns of a dim × m matrix (m is small). */
function orthonormalize(a: tf.Tensor2D): tf.Tensor2D {
  const [d, m] = a.shape;
  const v = Float64Array.from(a.dataSync());
  for (let c = 0; c < m; c++) {
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let r = 0; r < d; r++) dot += v[r * m + c] * v[r * m + p];
      for (let r = 0; r < d; r++) v[r * m + c] -= dot * v[r * m + p];
    }
    let norm = 0;
    for (let r = 0; r < d; r++) norm += v[r * m + c] ** 2;
    const inv = norm > 1e-12 ? 1 / Math.sqrt(norm) : 0;
    for (let r = 0; r < d; r++) v[r * m + c] *= inv;
  }
  return tf.tensor2d(Float32Array.from(v), [d, m]);
}
