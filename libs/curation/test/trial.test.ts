import { beforeAll, describe, expect, it } from 'vitest';
import { applyCuration, curationForTrial, initCurationBackend, Rng } from '../src';
import { blobs } from './fixtures';

beforeAll(async () => {
  await initCurationBackend('wasm');
});

describe('curationForTrial (sweep dimensions)', () => {
  const { data } = blobs();
  it('defaults to the full set, or random when only a keep is given', () => {
    expect(curationForTrial({}, data, { seed: 1 }).indices.length).toBe(60);
    const r = curationForTrial({ 'curation.keep': 0.5 }, data, { seed: 1 });
    expect(r.report.strategy).toBe('random');
    expect(r.indices.length).toBe(30);
  });
  it('passes strategy, keep and epochs through', () => {
    const r = curationForTrial({ 'curation.strategy': 'random-balanced', 'curation.keep': 0.5, 'curation.epochs': 4 }, data, { seed: 2 });
    expect(r.epochs).toBe(4);
    expect([...r.indices]).toEqual([...applyCuration('random-balanced', 0.5, data, { seed: 2 }).indices]);
  });
  it('names the offending config field', () => {
    expect(() => curationForTrial({ 'curation.strategy': 'keep-best' }, data, { seed: 1 })).toThrow(/^config\["curation.strategy"\]: expected one of full, random/);
    expect(() => curationForTrial({ 'curation.keep': 0 }, data, { seed: 1 })).toThrow(/^config\["curation.keep"\]: expected a fraction in \(0, 1\], got 0/);
    expect(() => curationForTrial({ 'curation.epochs': -2 }, data, { seed: 1 })).toThrow(/^config\["curation.epochs"\]/);
  });
});

describe('semdedup strategy', () => {
  it('removes injected near-copies and keeps the originals', () => {
    const { data } = blobs();
    const rng = new Rng(4);
    const n = 70;
    const x = new Float32Array(n * 4);
    const y = new Uint8Array(n);
    x.set(data.x);
    y.set(data.y);
    for (let c = 0; c < 10; c++) {
      for (let j = 0; j < 4; j++) x[(60 + c) * 4 + j] = data.x[c * 6 * 4 + j] + 1e-4 * rng.normal();
      y[60 + c] = data.y[c * 6];
    }
    const r = applyCuration('semdedup', 1, { ...data, x, y, n }, { seed: 1, eps: 1e-5, dedupClusters: 3 });
    expect(r.report.duplicatesRemoved).toBe(10);
    // from each pair exactly one member survives
    for (let c = 0; c < 10; c++) expect([...r.indices].filter((i) => i === c * 6 || i === 60 + c).length).toBe(1);
  });
});
