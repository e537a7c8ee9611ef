/**
 * `task.options.labelNoise`: a fixed, seeded fraction of the training rows gets a wrong label (a
 * uniformly drawn other class). The flipped rows do not depend on the trial's seed, so every trial of
 * a sweep sees the same noisy split — a web-scale-like pool where quality filtering has something to
 * remove (Goyal et al.'s setting). The test split stays clean.
 */
import { mixSeed, seededPermutation, seededSubset, type ClassificationDataset } from '@slab/datasets';

const NOISE_STREAM = 0x4015e;

/** Training rows whose label is flipped at `fraction` (ascending). */
export function noisyRows(trainSize: number, fraction: number): Uint32Array {
  const count = Math.round(fraction * trainSize);
  return seededSubset(trainSize, count, mixSeed(NOISE_STREAM, trainSize)).slice().sort();
}

/** A copy of `ds` with the labels of `noisyRows` replaced by another class (images shared, not copied). */
export function withLabelNoise(ds: ClassificationDataset, fraction: number): ClassificationDataset {
  const labels = ds.train.labels.slice();
  const rows = noisyRows(ds.train.n, fraction);
  // Offset in [1, classes): a deterministic wrong class per row.
  const offsets = seededPermutation(rows.length, mixSeed(NOISE_STREAM, 1));
  rows.forEach((r, i) => (labels[r] = (labels[r] + 1 + (offsets[i] % (ds.classes - 1))) % ds.classes));
  return { ...ds, name: `${ds.name}+labelNoise(${fraction})`, train: { ...ds.train, labels } };
}
