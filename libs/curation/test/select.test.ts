import { describe, expect, it } from 'vitest';
import { classBalanced, classQuotas, rankEasyToHard, selectByScore, selectCoverage, selectRandom } from '../src';
import { CurationInputError } from '../src';

const scores = [0.5, 0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 0.0];

describe('score policies', () => {
  it('ranks easy → hard with index tie-break', () => {
    expect([...rankEasyToHard([2, 1, 2, 0, 1])]).toEqual([3, 1, 4, 0, 2]);
  });
  it('keeps the easiest / hardest exactly', () => {
    expect([...selectByScore(scores, 3, 'easy')]).toEqual([1, 5, 9]);
    expect([...selectByScore(scores, 3, 'hard')]).toEqual([2, 4, 6]);
  });
  it('keep-hard with an offset skips the very hardest first', () => {
    // offset 0.2 of 10 → skip the 2 hardest (2: 0.9, 6: 0.8), then take the next 3 (4, 8, 0)
    expect([...selectByScore(scores, 3, 'hard', { offset: 0.2 })]).toEqual([0, 4, 8]);
  });
  it('random is seeded and a subset of the right size', () => {
    const a = selectRandom(100, 10, 7);
    expect([...a]).toEqual([...selectRandom(100, 10, 7)]);
    expect([...a]).not.toEqual([...selectRandom(100, 10, 8)]);
    expect(new Set(a).size).toBe(10);
  });
  it('rejects a count larger than the pool, naming the field', () => {
    expect(() => selectByScore(scores, 11, 'easy')).toThrow(/count: expected an integer in \[0, 10\], got 11/);
    expect(() => selectByScore(scores, 1, 'hard', { offset: 2 })).toThrow(CurationInputError);
  });
});

describe('class balance', () => {
  const y = Uint8Array.from([0, 0, 0, 0, 0, 0, 1, 1, 1, 2]);
  it('gives proportional quotas by largest remainder', () => {
    // 5 of 10: exact 3, 1.5, 0.5 → floors 3,1,0 + one extra to class 1 (remainder .5 tie → lower id)
    expect([...classQuotas(y, 3, 5)]).toEqual([3, 2, 0]);
    expect([...classQuotas(y, 3, 10)]).toEqual([6, 3, 1]);
  });
  it('keeps the hardest per class', () => {
    const s = [1, 2, 3, 4, 5, 6, 3, 1, 2, 9];
    const kept = classBalanced(y, 3, 5, (g, q) => selectByScore(s, q, 'hard', { among: g }));
    // class 0 hardest 3 of idx 0..5 → 3,4,5; class 1 hardest 2 of 6,7,8 → 6,8
    expect([...kept]).toEqual([3, 4, 5, 6, 8]);
  });
});

describe('coverage-centric selection (CCS)', () => {
  it('drops the hardest beta and samples across strata', () => {
    const s = Array.from({ length: 100 }, (_, i) => i); // uniform scores 0..99
    const kept = selectCoverage(s, 10, { seed: 1, beta: 0.1, bins: 10 });
    expect(kept.length).toBe(10);
    expect(Math.max(...kept)).toBeLessThan(90); // hardest 10% gone
    // 90 points in 10 equal-width bins of 9 → exactly one kept per bin
    const perBin = new Array(10).fill(0);
    for (const i of kept) perBin[Math.min(9, Math.floor((i / 89) * 10))]++;
    expect(perBin).toEqual(new Array(10).fill(1));
  });
  it('gives small strata all they have and spreads the rest', () => {
    // 2 points in a low bin, 20 in a high bin; budget 10 over 2 bins → 2 + 8
    const s = [0, 0.01, ...Array.from({ length: 20 }, (_, i) => 10 + i * 0.01)];
    const kept = selectCoverage(s, 10, { seed: 3, beta: 0, bins: 2 });
    expect([...kept].filter((i) => i < 2)).toEqual([0, 1]);
    expect(kept.length).toBe(10);
  });
});
