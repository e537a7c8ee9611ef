/**
 * `synthetic-teacher`: a 784-dimensional, 10-class dataset labelled by a fixed random linear
 * teacher (label = argmax of x·W). Shaped like Fashion-MNIST (28×28 "images" in [0, 1]) so every
 * model the trainer knows runs on it, and it needs no package: handy on machines without the data.
 */
import { mulberry32, mixSeed, normalSampler } from './prng';
import type { ClassificationDataset, Split } from './types';

export interface SyntheticTeacherOptions {
  trainSize?: number;
  testSize?: number;
  /** Seed of the teacher and of the samples (default 1). */
  seed?: number;
}

const DIM = 784;
const CLASSES = 10;
const cache = new Map<string, ClassificationDataset>();

export function syntheticTeacherDataset(opts: SyntheticTeacherOptions = {}): ClassificationDataset {
  const trainSize = opts.trainSize ?? 10_000;
  const testSize = opts.testSize ?? 2_000;
  const seed = opts.seed ?? 1;
  for (const [k, v] of Object.entries({ trainSize, testSize })) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${k}: expected a positive integer, got ${v}`);
  }
  const key = `${trainSize}/${testSize}/${seed}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const gauss = normalSampler(mulberry32(mixSeed(seed, 0x7ea)));
  const w = new Float32Array(DIM * CLASSES);
  for (let i = 0; i < w.length; i++) w[i] = gauss();
  const split = (n: number, salt: number): Split => {
    const rng = mulberry32(mixSeed(seed, salt));
    const images = new Float32Array(n * DIM);
    const labels = new Uint8Array(n);
    const logits = new Float64Array(CLASSES);
    for (let r = 0; r < n; r++) {
      logits.fill(0);
      for (let i = 0; i < DIM; i++) {
        const v = rng();
        images[r * DIM + i] = v;
        // Centre inputs for the teacher so no class wins by the mean alone.
        for (let c = 0; c < CLASSES; c++) logits[c] += (v - 0.5) * w[i * CLASSES + c];
      }
      let best = 0;
      for (let c = 1; c < CLASSES; c++) if (logits[c] > logits[best]) best = c;
      labels[r] = best;
    }
    return { images, labels, n };
  };
  const ds: ClassificationDataset = {
    name: 'synthetic-teacher',
    dim: DIM,
    imageSize: 28,
    classes: CLASSES,
    train: split(trainSize, 1),
    test: split(testSize, 2),
  };
  cache.set(key, ds);
  return ds;
}
