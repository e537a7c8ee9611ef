import { describe, expect, it } from 'vitest';
import { dedupExact, semDedup } from '../src';

describe('exact dedup', () => {
  it('keeps the first occurrence of each identical row', () => {
    const x = Float32Array.from([1, 2, 3, 4, 1, 2, 5, 6, 3, 4, 1, 2]);
    const r = dedupExact(x, 6, 2);
    expect([...r.kept]).toEqual([0, 1, 3]);
    expect([...r.removed]).toEqual([2, 4, 5]);
    expect(r.duplicateOf.get(4)).toBe(1);
    expect(r.duplicateOf.get(5)).toBe(0);
  });
  it('does not treat -0 and 0 or nearby values as identical', () => {
    const x = Float32Array.from([0, 1, -0, 1, 1e-7, 1]);
    expect([...dedupExact(x, 3, 2).kept]).toEqual([0, 1, 2]);
  });
});

describe('SemDeDup', () => {
  // two tight groups of near-copies and one loner
  const x = Float32Array.from([
    1, 0, 0, /**/ 0.999, 0.01, 0, /**/ 0.998, 0, 0.02, // group A (0,1,2)
    0, 1, 0, /**/ 0.01, 1, 0.001, // group B (3,4)
    0, 0, 1, // loner 5
  ]);
  it('removes near-duplicates within clusters, keeping the one farthest from the centroid', () => {
    const r = semDedup(x, 6, 3, { eps: 0.01, k: 3, seed: 1 });
    expect(r.kept.length).toBe(3);
    expect(r.removed.length).toBe(3);
    // one survivor per group, the loner survives
    expect([...r.kept].filter((i) => i <= 2).length).toBe(1);
    expect([...r.kept].filter((i) => i === 3 || i === 4).length).toBe(1);
    expect([...r.kept]).toContain(5);
  });
  it('keeps everything at a threshold tighter than any pair', () => {
    expect(semDedup(x, 6, 3, { eps: 1e-9, k: 2, seed: 1 }).removed.length).toBe(0);
  });
  it('keep=easy keeps a different member than keep=hard', () => {
    const hard = semDedup(x, 6, 3, { eps: 0.01, k: 3, seed: 1, keep: 'hard' }).kept;
    const easy = semDedup(x, 6, 3, { eps: 0.01, k: 3, seed: 1, keep: 'easy' }).kept;
    expect([...hard]).not.toEqual([...easy]);
  });
  it('names a bad eps', () => {
    expect(() => semDedup(x, 6, 3, { eps: -1, k: 2, seed: 1 })).toThrow(/^eps: expected a number in \[0, 2\], got -1/);
  });
});
