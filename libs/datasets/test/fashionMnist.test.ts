import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeIdx, findFashionMnist, loadFashionMnist } from '../src';

describe('Fashion-MNIST', () => {
  const saved = process.env.SLAB_FASHION_MNIST_DIR;
  const dirs: string[] = [];
  const tempDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'fm-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    if (saved === undefined) delete process.env.SLAB_FASHION_MNIST_DIR;
    else process.env.SLAB_FASHION_MNIST_DIR = saved;
  });

  it('names the package and the apt command when missing', () => {
    const empty = tempDir();
    expect(() => findFashionMnist(empty)).toThrow(/dataset-fashion-mnist.*apt-get install dataset-fashion-mnist/);
  });

  it('honours SLAB_FASHION_MNIST_DIR and checks labels against images', () => {
    const dir = tempDir();
    const img = encodeIdx([2, 28, 28], new Uint8Array(2 * 784).fill(255));
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), img);
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), img);
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), encodeIdx([2], Uint8Array.from([3, 9])));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx([3], Uint8Array.from([1, 2, 3])));
    process.env.SLAB_FASHION_MNIST_DIR = dir;
    expect(findFashionMnist().trainImages).toBe(join(dir, 'train-images-idx3-ubyte'));
    expect(() => loadFashionMnist()).toThrow(/3 labels for 2 images/);
  });

  it('loads the real package: 60k/10k, pixels in [0,1], labels 0..9, cached', () => {
    const ds = loadFashionMnist();
    expect(ds.train.n).toBe(60_000);
    expect(ds.test.n).toBe(10_000);
    expect(ds.train.images.length).toBe(60_000 * 784);
    let max = 0;
    for (let i = 0; i < 784 * 100; i++) max = Math.max(max, ds.train.images[i]);
    expect(max).toBe(1);
    const counts = new Array(10).fill(0);
    for (const l of ds.test.labels) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(1000)); // the test split is balanced
    expect(loadFashionMnist()).toBe(ds);
  });
});
