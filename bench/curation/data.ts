import { loadFashionMnist } from '@slab/datasets';
import { Rng, type CurationData } from '@slab/curation';

/**
 * Fashion-MNIST for the bench: 2×2 average-pooled to 14×14 (196 features, 4× cheaper, still real
 * images), standardised per feature with training-split statistics.
 */
export interface BenchData {
  train: CurationData;
  test: CurationData;
}

function pool2x2(images: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n * 196);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < 14; r++) {
      for (let c = 0; c < 14; c++) {
        const b = i * 784 + r * 2 * 28 + c * 2;
        out[i * 196 + r * 14 + c] = (images[b] + images[b + 1] + images[b + 28] + images[b + 29]) / 4;
      }
    }
  }
  return out;
}

export function loadBenchData(): BenchData {
  const ds = loadFashionMnist();
  const tr = pool2x2(ds.train.images, ds.train.n);
  const te = pool2x2(ds.test.images, ds.test.n);
  const mean = new Float64Array(196);
  const sd = new Float64Array(196);
  for (let i = 0; i < ds.train.n; i++) for (let j = 0; j < 196; j++) mean[j] += tr[i * 196 + j] / ds.train.n;
  for (let i = 0; i < ds.train.n; i++) for (let j = 0; j < 196; j++) sd[j] += (tr[i * 196 + j] - mean[j]) ** 2 / ds.train.n;
  for (let j = 0; j < 196; j++) sd[j] = Math.max(Math.sqrt(sd[j]), 1e-2);
  const norm = (x: Float32Array) => {
    for (let k = 0; k < x.length; k++) x[k] = (x[k] - mean[k % 196]) / sd[k % 196];
    return x;
  };
  return {
    train: { x: norm(tr), y: ds.train.labels, n: ds.train.n, dim: 196, classes: 10 },
    test: { x: norm(te), y: ds.test.labels, n: ds.test.n, dim: 196, classes: 10 },
  };
}

/** The first `n` rows of a fixed seeded permutation of the training split: nested pools. */
export function nestedPool(train: CurationData, n: number, seed = 20240601): Uint32Array {
  return new Rng(seed).permutation(train.n).slice(0, n);
}
