import { beforeAll, describe, expect, it } from 'vitest';
import { applyCuration, InMemoryScoreCache, initCurationBackend, listStrategies, scoreKeyString } from '../src';
import { blobs } from './fixtures';

beforeAll(async () => {
  await initCurationBackend('wasm');
});

const scorer = { epochs: 3, seeds: 2, hidden: 8, lr: 0.02, batchSize: 10 };

describe('applyCuration', () => {
  const { data, flipped } = blobs();
  it('lists every strategy it accepts', () => {
    const all = listStrategies();
    expect(all).toEqual(expect.arrayContaining(['random', 'el2n-keep-hard', 'el2n-keep-easy', 'forgetting-keep-hard', 'ssp-keep-hard', 'dedup']));
    for (const s of all) expect(() => applyCuration(s, 0.5, data, { seed: 1, scorer: { ...scorer, epochs: 1, seeds: 1 } })).not.toThrow();
  });
  it('keeps round(keep · n) and reports per-class counts', () => {
    const r = applyCuration('random', 0.25, data, { seed: 2 });
    expect(r.indices.length).toBe(15);
    expect(r.report).toMatchObject({ strategy: 'random', total: 60, kept: 15, scoringFlops: 0, cacheHit: false });
    expect(r.report.classes.reduce((a, b) => a + b, 0)).toBe(15);
  });
  it('random-balanced keeps the class mix exactly', () => {
    // class sizes after the label flips are 21 / 18 / 21 → half is 10.5 / 9 / 10.5 → largest remainder
    expect(applyCuration('random-balanced', 0.5, data, { seed: 2 }).report.classes).toEqual([11, 9, 10]);
  });
  it('el2n-keep-easy drops the mislabelled rows, el2n-keep-hard keeps them', () => {
    const easy = applyCuration('el2n-keep-easy', 0.5, data, { seed: 3, scorer });
    const hard = applyCuration('el2n-keep-hard', 0.5, data, { seed: 3, scorer });
    for (const i of flipped) {
      expect([...easy.indices]).not.toContain(i);
      expect([...hard.indices]).toContain(i);
    }
    expect(easy.report.scoringFlops).toBeGreaterThan(0);
    // the two ends are complementary at keep = 0.5
    expect(new Set([...easy.indices, ...hard.indices]).size).toBe(60);
  });
  it('offset skips the mislabelled hard tail', () => {
    const r = applyCuration('el2n-keep-hard', 0.3, data, { seed: 3, scorer, offset: 0.05 });
    for (const i of flipped) expect([...r.indices]).not.toContain(i);
  });
  it('is pure: same inputs and seed → same selection', () => {
    const a = applyCuration('ssp-keep-hard', 0.4, data, { seed: 8 });
    expect([...a.indices]).toEqual([...applyCuration('ssp-keep-hard', 0.4, data, { seed: 8 }).indices]);
  });
  it('caches scores by (dataset, scorer, settings, seed)', () => {
    const cache = new InMemoryScoreCache();
    const a = applyCuration('el2n-keep-hard', 0.5, data, { seed: 3, scorer, cache, dataset: 'blobs' });
    const b = applyCuration('el2n-keep-easy', 0.3, data, { seed: 3, scorer, cache, dataset: 'blobs' });
    expect(a.report.cacheHit).toBe(false);
    expect(b.report.cacheHit).toBe(true);
    expect(b.report.scoringFlops).toBe(a.report.scoringFlops);
    expect(cache.size).toBe(1);
    applyCuration('el2n-keep-hard', 0.5, data, { seed: 3, scorer: { ...scorer, epochs: 4 }, cache, dataset: 'blobs' });
    expect(cache.size).toBe(2);
  });
  it('dedup removes injected exact copies first', () => {
    const x = new Float32Array(70 * 4);
    x.set(data.x);
    const y = new Uint8Array(70);
    y.set(data.y);
    for (let c = 0; c < 10; c++) {
      x.set(data.x.subarray(c * 4, c * 4 + 4), (60 + c) * 4);
      y[60 + c] = data.y[c];
    }
    const r = applyCuration('dedup', 1, { ...data, x, y, n: 70 }, { seed: 1 });
    expect(r.report.duplicatesRemoved).toBe(10);
    expect([...r.indices]).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });
  it('names bad strategy and keep', () => {
    expect(() => applyCuration('el2n-keep-middle', 0.5, data, { seed: 1 })).toThrow(/^strategy: expected one of listStrategies\(\)/);
    expect(() => applyCuration('random', 1.5, data, { seed: 1 })).toThrow(/^keep: expected a fraction in \(0, 1\], got 1.5/);
  });
  it('cache keys ignore option order', () => {
    const k = (settings: Record<string, unknown>) => scoreKeyString({ dataset: 'd', scorer: 's', settings, seed: 1 });
    expect(k({ a: 1, b: 2 })).toBe(k({ b: 2, a: 1 }));
    expect(k({ a: 1 })).not.toBe(k({ a: 2 }));
  });
});
