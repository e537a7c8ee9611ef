import { describe, expect, it } from 'vitest';
import { groupOptimum, hyperparameterStudy, predictHyperparameters, surfaceMinimum } from '../src/hyperparameters';
import { BATCHES, bStar, etaStar, grid } from './synthetic-scaling';

describe('hyperparameter laws (Step Law, Li et al. 2025)', () => {
  it('locates the minimum of a quadratic surface, and refuses a saddle', () => {
    // L = 1 + (u − 1)² + 2(v + 0.5)²  ⇒  c = [1 + 1 + 0.5, −2, 2, 1, 2, 0]
    expect(surfaceMinimum([2.5, -2, 2, 1, 2, 0])).toMatchObject({ u: expect.closeTo(1, 12), v: expect.closeTo(-0.5, 12), loss: expect.closeTo(1, 12) });
    expect(surfaceMinimum([0, 0, 0, 1, -1, 0])).toBeNull();
  });

  it('recovers each (N, D) optimum between grid points, with an interval that covers it', () => {
    const N = 2e4;
    const D = 1e5;
    const g = groupOptimum(grid([N], [D], 0.004), { bootstrap: 200 });
    expect(g.problem).toBeUndefined();
    // The truth (η* ≈ 0.0126, B* ≈ 6.32) sits between grid values; the argmin cannot hit it.
    expect(g.learningRate!.value / etaStar(N, D)).toBeCloseTo(1, 1);
    expect(g.batchSize!.value / bStar(D)).toBeCloseTo(1, 1);
    expect(BATCHES).not.toContain(g.batchSize!.value);
    // d ln η* / d ln B along the valley: −c5/(2 c3) = −0.02/(2·0.08).
    expect(g.lrBatchSlope!).toBeCloseTo(-0.125, 1);
    // 95% intervals: over 40 noise draws the truth falls inside most of them (a binomial 95% would give ≥ 34).
    let covered = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const r = groupOptimum(grid([N], [D], 0.004, seed), { bootstrap: 200, seed });
      const inside = (e: { lo: number; hi: number }, t: number) => e.lo < t && t < e.hi;
      if (inside(r.learningRate!, etaStar(N, D)) && inside(r.batchSize!, bStar(D))) covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(30);
    expect(covered).toBeLessThan(40 + 1);
  });

  it('fits η*(N, D) and B*(D) with intervals covering the true exponents, and predicts', () => {
    const s = hyperparameterStudy(grid([1e4, 4e4], [5e4, 2e5], 0.004), { bootstrap: 200 });
    expect(s.groups).toHaveLength(4);
    const lr = s.learningRate!;
    const b = s.batchSize!;
    expect(lr.exponents.N.value).toBeCloseTo(-0.5, 1);
    expect(lr.exponents.D.value).toBeCloseTo(0.25, 1);
    expect(b.exponents.D.value).toBeCloseTo(0.5, 1);
    for (const [e, truth] of [[lr.exponents.N, -0.5], [lr.exponents.D, 0.25], [b.exponents.D, 0.5]] as const) {
      expect(e.lo).toBeLessThan(e.value);
      expect(e.hi).toBeGreaterThan(e.value);
      expect(Math.abs(e.value - truth)).toBeLessThan(5 * (e.hi - e.lo) + 1e-3);
    }
    const p = predictHyperparameters(s, 1e5, 1e6);
    expect(p.learningRate.value / etaStar(1e5, 1e6)).toBeCloseTo(1, 1);
    expect(p.batchSize!.value / bStar(1e6)).toBeCloseTo(1, 1);
    expect(p.learningRate.lo).toBeLessThan(p.learningRate.value);
    expect(p.learningRate.hi).toBeGreaterThan(p.learningRate.value);
  });

  it('says so when the grid does not bracket the optimum, and never predicts without a law', () => {
    // The bowl's minimum sits at 8·η* ≈ 0.1, beyond the largest swept LR (0.048).
    const runs = grid([2e4], [1e5], 0);
    const g = groupOptimum(runs.map((r) => ({ ...r, loss: 2 + 0.08 * Math.log(r.learningRate / (8 * etaStar(2e4, 1e5))) ** 2 + 0.05 * Math.log(r.batchSize / bStar(1e5)) ** 2 })));
    expect(g.insideLr).toBe(false);
    expect(g.problem).toMatch(/outside the swept LRs/);
    const monotone = groupOptimum(runs.map((r) => ({ ...r, loss: 3 - 0.1 * Math.log(r.learningRate) + 0.01 * Math.log(r.batchSize) })));
    expect(monotone.learningRate).toBeNull();
    expect(monotone.problem).toMatch(/not convex in ln η/);
    // B* far below the smallest batch (2): no batch optimum, but η* at B = 2 along the valley
    // u*(v) = ln η* − (c5/2c3)(v − ln B*), here c5/2c3 = 0.02/0.16.
    const smallB = groupOptimum(runs.map((r) => {
      const du = Math.log(r.learningRate / etaStar(2e4, 1e5));
      const dv = Math.log(r.batchSize / 0.25);
      return { ...r, loss: 2 + 0.08 * du * du + 0.05 * dv * dv + 0.02 * du * dv };
    }));
    expect(smallB.batchSize).toBeNull();
    expect(smallB.lrAtBatch).toBe(2);
    expect(smallB.problem).toMatch(/no batch optimum; η\* is the best LR at B = 2/);
    expect(Math.log(smallB.learningRate!.value)).toBeCloseTo(Math.log(etaStar(2e4, 1e5)) - 0.125 * Math.log(2 / 0.25), 6);
    const one = hyperparameterStudy(grid([2e4], [1e5], 0.001));
    expect(one.learningRate).toBeNull();
    expect(one.notes.join(' ')).toMatch(/needs ≥ 4 \(N, D\) optima/);
    expect(() => predictHyperparameters(one, 1e5, 1e6)).toThrow(/no hyperparameter law/);
  });

  it('leaves diverged runs out of the surface and names a bad input', () => {
    const runs = grid([2e4], [1e5], 0.002);
    runs[0] = { ...runs[0], loss: null };
    const g = groupOptimum(runs);
    expect(g.runs).toBe(20);
    expect(g.finished).toBe(19);
    expect(g.fitted).toBe(15); // the best 75%
    // Runs far off the optimum leave the quadratic (a run with too few steps): the surface is fitted near the best.
    const far = grid([2e4], [1e5], 0.002).map((r) => (r.learningRate === 0.003 && r.batchSize >= 8 ? { ...r, loss: (r.loss as number) + 1.5 } : r));
    const near = groupOptimum(far);
    expect(near.learningRate!.value / etaStar(2e4, 1e5)).toBeCloseTo(1, 1);
    expect(near.batchSize!.value / bStar(1e5)).toBeCloseTo(1, 1);
    const all = groupOptimum(far, { keep: 1 });
    expect(Math.abs(Math.log(all.learningRate!.value / etaStar(2e4, 1e5)))).toBeGreaterThan(Math.abs(Math.log(near.learningRate!.value / etaStar(2e4, 1e5))));
    expect(() => hyperparameterStudy([{ params: 1e4, data: 0, learningRate: 1e-3, batchSize: 4, loss: 3 }])).toThrow(/runs\[0\]\.data must be a positive number, got 0/);
  });
});
