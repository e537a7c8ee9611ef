import { describe, expect, it } from 'vitest';
import { mixSeed, mulberry32, seededPermutation, seededSubset } from '../src';

describe('prng', () => {
  it('mulberry32 is deterministic per seed and differs across seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect(c()).not.toBe(xs[0]);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('is roughly uniform', () => {
    const r = mulberry32(7);
    const bins = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) bins[Math.floor(r() * 10)]++;
    for (const b of bins) expect(Math.abs(b - 1000)).toBeLessThan(150);
  });

  it('mixSeed separates nearby inputs', () => {
    expect(mixSeed(1, 2)).not.toBe(mixSeed(2, 1));
    expect(mixSeed(1, 2)).toBe(mixSeed(1, 2));
    expect(mixSeed(0, 2 ** 33)).not.toBe(mixSeed(0, 0));
  });

  it('seededSubset gives distinct in-range indices, stable per seed, prefix-consistent', () => {
    const s = seededSubset(1000, 100, 5);
    expect(new Set(s).size).toBe(100);
    for (const i of s) expect(i).toBeLessThan(1000);
    expect(Array.from(seededSubset(1000, 100, 5))).toEqual(Array.from(s));
    expect(Array.from(seededSubset(1000, 100, 6))).not.toEqual(Array.from(s));
    expect(Array.from(seededSubset(1000, 10, 5))).toEqual(Array.from(s.slice(0, 10)));
  });

  it('seededPermutation is a permutation', () => {
    const p = seededPermutation(500, 3);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  it('rejects bad sizes naming the field', () => {
    expect(() => seededSubset(10, 11, 1)).toThrow(/size: expected at most 10, got 11/);
    expect(() => seededSubset(10, -1, 1)).toThrow(/size: expected a non-negative integer/);
    expect(() => seededSubset(2.5, 1, 1)).toThrow(/n: expected a non-negative integer/);
  });
});
