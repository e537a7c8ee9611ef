/**
 * The injected-duplicate variant (CURATION.md T4) as real Fashion-MNIST IDX directories the trainer can
 * load through its `dataDir` option: `original` holds `base` seeded training rows, `injected` the same
 * rows followed by exact copies and near copies (pixel noise) of distinct originals. Both reuse the real
 * 10k test split (symlinked), so their errors compare with every other cell of the bench.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeIdx, findFashionMnist, loadFashionMnist, mulberry32, normalSampler, seededSubset } from '@slab/datasets';

export interface DupSet {
  originalDir: string;
  injectedDir: string;
  base: number;
  exactCopies: number;
  nearCopies: number;
  /** Pixel-noise standard deviation of the near copies, in grey levels (0..255). */
  noiseLevels: number;
  /** Rows of the injected split that are copies (base .. base + copies − 1). */
  injectedRows: Set<number>;
}

function writeSplitDir(dir: string, images: Uint8Array, labels: Uint8Array, n: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), encodeIdx([n, 28, 28], images));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), encodeIdx([n], labels));
  const real = findFashionMnist();
  symlinkSync(real.testImages, join(dir, real.testImages.endsWith('.gz') ? 't10k-images-idx3-ubyte.gz' : 't10k-images-idx3-ubyte'));
  symlinkSync(real.testLabels, join(dir, real.testLabels.endsWith('.gz') ? 't10k-labels-idx1-ubyte.gz' : 't10k-labels-idx1-ubyte'));
}

export function writeDupSet(root: string, opts: { base: number; exactCopies: number; nearCopies: number; noiseLevels: number; seed: number }): DupSet {
  const { base, exactCopies, nearCopies, noiseLevels, seed } = opts;
  if (exactCopies + nearCopies > base) throw new Error(`writeDupSet: ${exactCopies + nearCopies} copies need at least as many originals, got base ${base}`);
  const ds = loadFashionMnist();
  const rows = seededSubset(ds.train.n, base, seed);
  const n = base + exactCopies + nearCopies;
  const img = new Uint8Array(n * 784);
  const lab = new Uint8Array(n);
  rows.forEach((r, i) => {
    for (let j = 0; j < 784; j++) img[i * 784 + j] = Math.round(ds.train.images[r * 784 + j] * 255);
    lab[i] = ds.train.labels[r];
  });
  // copy k duplicates original k (distinct originals; the first rows of a seeded subset are already random)
  const normal = normalSampler(mulberry32(seed + 1));
  for (let k = 0; k < exactCopies + nearCopies; k++) {
    const near = k >= exactCopies;
    for (let j = 0; j < 784; j++) {
      const v = img[k * 784 + j] + (near ? normal() * noiseLevels : 0);
      img[(base + k) * 784 + j] = Math.min(255, Math.max(0, Math.round(v)));
    }
    lab[base + k] = lab[k];
  }
  const originalDir = join(root, 'fmnist-original');
  const injectedDir = join(root, 'fmnist-injected');
  writeSplitDir(originalDir, img.subarray(0, base * 784), lab.subarray(0, base), base);
  writeSplitDir(injectedDir, img, lab, n);
  const injectedRows = new Set(Array.from({ length: exactCopies + nearCopies }, (_, k) => base + k));
  return { originalDir, injectedDir, base, exactCopies, nearCopies, noiseLevels, injectedRows };
}
