/**
 * Fashion-MNIST from Debian's `dataset-fashion-mnist` package (/usr/share/datasets/fashion-mnist,
 * gzipped IDX files). Loaded once per process and per directory: every trial in a worker shares it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIdx } from './idx';
import type { ClassificationDataset, Split } from './types';

export const FASHION_MNIST_DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';

const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export type FashionMnistFiles = Record<keyof typeof FILES, string>;

/**
 * Locates the four IDX files (plain or .gz). Order: explicit `dir`, then SLAB_FASHION_MNIST_DIR,
 * then the Debian package's directory. Throws naming the package and the install command.
 */
export function findFashionMnist(dir?: string): FashionMnistFiles {
  const root = dir ?? process.env.SLAB_FASHION_MNIST_DIR ?? FASHION_MNIST_DEFAULT_DIR;
  const found: Partial<FashionMnistFiles> = {};
  const missing: string[] = [];
  for (const [key, base] of Object.entries(FILES) as [keyof typeof FILES, string][]) {
    const hit = [join(root, base), join(root, `${base}.gz`)].find((p) => existsSync(p));
    if (hit) found[key] = hit;
    else missing.push(`${base}[.gz]`);
  }
  if (missing.length > 0) {
    throw new Error(
      `Fashion-MNIST not found in ${root} (missing ${missing.join(', ')}). ` +
        `Install Debian's dataset-fashion-mnist package (apt-get install dataset-fashion-mnist) ` +
        `or point SLAB_FASHION_MNIST_DIR at a directory holding the IDX files.`,
    );
  }
  return found as FashionMnistFiles;
}

function loadSplit(imagesPath: string, labelsPath: string): Split {
  const img = parseIdx(readFileSync(imagesPath), 3, imagesPath);
  const lab = parseIdx(readFileSync(labelsPath), 1, labelsPath);
  const [n, rows, cols] = img.dims;
  if (rows !== 28 || cols !== 28) {
    throw new Error(`${imagesPath}: images are ${rows}×${cols}: expected 28×28`);
  }
  if (lab.dims[0] !== n) {
    throw new Error(`${labelsPath}: ${lab.dims[0]} labels for ${n} images in ${imagesPath}`);
  }
  for (let i = 0; i < n; i++) {
    if (lab.data[i] > 9) throw new Error(`${labelsPath}: label ${lab.data[i]} at ${i}: expected 0..9`);
  }
  const images = new Float32Array(img.data.length);
  for (let i = 0; i < images.length; i++) images[i] = img.data[i] / 255;
  return { images, labels: Uint8Array.from(lab.data), n };
}

const cache = new Map<string, ClassificationDataset>();

/** Loads (and caches per process) both splits, pixels scaled to [0, 1]. */
export function loadFashionMnist(dir?: string): ClassificationDataset {
  const files = findFashionMnist(dir);
  const key = files.trainImages;
  const hit = cache.get(key);
  if (hit) return hit;
  const ds: ClassificationDataset = {
    name: 'fashion-mnist',
    dim: 784,
    imageSize: 28,
    classes: 10,
    train: loadSplit(files.trainImages, files.trainLabels),
    test: loadSplit(files.testImages, files.testLabels),
  };
  cache.set(key, ds);
  return ds;
}
