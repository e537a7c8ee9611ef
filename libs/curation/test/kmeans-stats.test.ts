import { describe, expect, it } from 'vitest';
import { kmeans, pcaEmbedding, ranks, spearman, initCurationBackend } from '../src';

describe('k-means (seeded k-means++)', () => {
  it('finds the obvious clusters and their exact centroids', () => {
    const p = Float32Array.from([0, 0, 0, 1, 10, 10, 10, 11, 20, 0, 20, 2]);
    const r = kmeans(p, 6, 2, 3, { seed: 3 });
    expect(r.assign[0]).toBe(r.assign[1]);
    expect(r.assign[2]).toBe(r.assign[3]);
    expect(r.assign[4]).toBe(r.assign[5]);
    expect(new Set(r.assign).size).toBe(3);
    const c = r.assign[4];
    expect([r.centroids[c * 2], r.centroids[c * 2 + 1]]).toEqual([20, 1]);
    expect([...r.dist2]).toEqual([0.25, 0.25, 0.25, 0.25, 1, 1]);
  });
  it('is deterministic per seed', () => {
    const p = Float32Array.from({ length: 200 }, (_, i) => Math.sin(i * 1.7) * 5);
    const a = kmeans(p, 100, 2, 5, { seed: 9 });
    expect([...a.assign]).toEqual([...kmeans(p, 100, 2, 5, { seed: 9 }).assign]);
  });
  it('names a bad k', () => {
    expect(() => kmeans(new Float32Array(4), 2, 2, 3, { seed: 1 })).toThrow(/^k: expected an integer in \[1, 2\], got 3/);
  });
});

describe('ranks and Spearman', () => {
  it('averages tied ranks', () => {
    expect([...ranks([10, 20, 20, 5])]).toEqual([1, 2.5, 2.5, 0]);
  });
  it('is ±1 for monotone relations and 0-ish for none', () => {
    expect(spearman([1, 2, 3, 4], [1, 4, 9, 16])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [8, 4, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 2, 3, 4, 5], [2, 1, 3, 5, 4])).toBeCloseTo(0.8, 12);
  });
});

describe('PCA embedding', () => {
  it('recovers the dominant direction of elongated data', async () => {
    await initCurationBackend('wasm');
    // points spread along (1, 1, 0) with small noise in other directions
    const n = 50;
    const x = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      const t = i - 25;
      x.set([t + 0.01 * Math.sin(i), t - 0.01 * Math.cos(i), 0.02 * Math.sin(3 * i)], i * 3);
    }
    const e = pcaEmbedding(x, n, 3, 1, 4);
    // first component is ±(t·√2): |correlation with t| = 1
    expect(Math.abs(spearman(e.x, Array.from({ length: n }, (_, i) => i)))).toBeCloseTo(1, 6);
    expect(e.flops).toBe(5 * 2 * n * 3 * 1);
  });
});
