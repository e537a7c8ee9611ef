import { describe, expect, it } from 'vitest';
import { SampleOrder } from '../src';

describe('SampleOrder', () => {
  it('is a pure function of (seed, step): a fresh sampler agrees with a sequential one', () => {
    const a = new SampleOrder(7, 1000, 30);
    const seq = [0, 1, 2, 3, 4, 5, 6, 7].map((s) => Array.from(a.batch(s, 8, 64)));
    const b = new SampleOrder(7, 1000, 30);
    expect(Array.from(b.batch(6, 8, 64))).toEqual(seq[6]);
    expect(Array.from(b.batch(2, 8, 64))).toEqual(seq[2]);
  });

  it('walks epochs over a pool: each epoch covers it once, reshuffled', () => {
    const o = new SampleOrder(1, 1000, 10);
    const e0 = Array.from({ length: 10 }, (_, i) => o.at(i));
    const e1 = Array.from({ length: 10 }, (_, i) => o.at(10 + i));
    expect(new Set(e0).size).toBe(10);
    expect([...e1].sort((x, y) => x - y)).toEqual([...e0].sort((x, y) => x - y));
    expect(e1).not.toEqual(e0);
  });

  it('without a pool, sees fresh samples until the split is used up', () => {
    const o = new SampleOrder(2, 500);
    const first = Array.from({ length: 500 }, (_, i) => o.at(i));
    expect(new Set(first).size).toBe(500);
    expect(new Set(Array.from({ length: 500 }, (_, i) => o.at(500 + i))).size).toBe(500);
  });

  it('cuts the last batch to the data budget', () => {
    expect(new SampleOrder(1, 100).batch(2, 8, 20).length).toBe(4);
  });

  it('depends on the seed', () => {
    expect(Array.from(new SampleOrder(1, 1000).batch(0, 8, 8))).not.toEqual(Array.from(new SampleOrder(2, 1000).batch(0, 8, 8)));
  });
});
