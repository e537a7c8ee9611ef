/**
 * Behaviour of the fitter a researcher relies on: identifiability verdicts, bounded cost (screening, time
 * budget, progress), exact outlier rules, duplicate rows, weights, fixed parameters, formatting, and the
 * answers derived from a fit (intervals for every answer, law chaining, IsoFLOP analysis).
 */
import { describe, expect, it } from 'vitest';
import {
  chainPredict, computeForLoss, fitLaw, getLaw, intervalWarning, isoflopAnalysis, mulberry32, predictInterval,
} from '../src/index';
import { bnslData } from './data';

const gauss = (rng: () => number) => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());

describe('identifiability', () => {
  it('a law with a term the data cannot see: D never varies, so B and beta are not determined', () => {
    const law = getLaw('chinchilla');
    const truth = { E: 1.8, A: 400, B: 2000, alpha: 0.34, beta: 0.36 };
    const rng = mulberry32(3);
    const x = [1e7, 3e7, 1e8, 3e8, 1e9, 3e9, 1e10].flatMap((N) => [{ N, D: 2e10 }, { N: N * 1.5, D: 2e10 }]);
    const y = x.map((p) => law.predict(truth, p) * (1 + 0.003 * gauss(rng)));
    const r = fitLaw({ x, y }, { law: 'chinchilla', bootstrap: 60, seed: 2 });
    expect(r.converged).toBe(true);
    expect(r.identifiability.verdict).toBe('partly-identified');
    expect(r.identifiability.undetermined).toEqual(expect.arrayContaining(['B']));
    expect(r.identifiability.parameters.alpha.determined).toBe(true);
    expect(r.diagnostics.find((d) => d.startsWith('NOT IDENTIFIED:'))).toMatch(/B \(/);
    expect(predictInterval(r, { N: 1e11, D: 2e11 }).warning).toMatch(/^interval not trustworthy: it rests on parameters the data do not determine \(.*B/);
  });

  it('without a bootstrap, distant minima within 1e-3 of the best objective flag a flat valley', () => {
    const law = getLaw('chinchilla');
    const truth = { E: 1.8, A: 400, B: 2000, alpha: 0.34, beta: 0.36 };
    const rng = mulberry32(3);
    const x = [1e7, 3e7, 1e8, 3e8, 1e9, 3e9, 1e10].flatMap((N) => [{ N, D: 2e10 }, { N: N * 1.5, D: 2e10 }]);
    const y = x.map((p) => law.predict(truth, p) * (1 + 0.003 * Math.sin(rng() * 10)));
    const r = fitLaw({ x, y }, { law: 'chinchilla' });
    expect(r.converged).toBe(true);
    expect(r.identifiability.nearEqualBasins).toBeGreaterThan(0);
    expect(r.identifiability.undetermined).toEqual(expect.arrayContaining(['B', 'beta']));
    expect(r.identifiability.parameters.B.reasons[0]).toMatch(/^minima within 0\.001 of the best objective put it anywhere in \[/);
    expect(r.diagnostics).toContain(`${r.identifiability.nearEqualBasins} other distinct minima within a relative 0.001 of the best objective: the objective is flat along a valley`);
  });

  it('a parameter driven to 0 is not determined; the rest of a clean fit is', () => {
    const x = [1, 2, 4, 8, 16, 32, 64, 128].map((v) => ({ x: v * 1000 }));
    const y = x.map((p) => 5 * p.x ** -0.3);
    const r = fitLaw({ x, y }, { law: 'power-law-plus-constant' });
    expect(r.identifiability.undetermined).toEqual(['E']);
    expect(r.identifiability.parameters.E.reasons[0]).toBe('went to 0');
    expect(r.identifiability.parameters.alpha.determined).toBe(true);
  });

  it('a well-posed fit is "identified" and its predictions carry no warning', () => {
    const rng = mulberry32(5);
    const x = Array.from({ length: 30 }, (_, i) => ({ x: 10 * 1.3 ** i }));
    const y = x.map((p) => (2 + 50 * p.x ** -0.5) * (1 + 0.002 * gauss(rng)));
    const r = fitLaw({ x, y }, { law: 'power-law-plus-constant', bootstrap: 60 });
    expect(r.identifiability.verdict).toBe('identified');
    expect(r.identifiability.parameters.E.decades).toBeLessThan(0.1);
    expect(intervalWarning(r)).toBeUndefined();
    expect(predictInterval(r, { x: 1e5 }).warning).toBeUndefined();
  });
});

describe('duplicate rows, outlier rule, weights, fixed parameters', () => {
  const base = { x: [10, 20, 40, 80, 160, 320].map((v) => ({ x: v })), y: [3, 2.7, 2.5, 2.36, 2.27, 2.2] };

  it('duplicate rows are reported and resampled as one run', () => {
    const d = { x: [...base.x, base.x[2], base.x[2], base.x[4]], y: [...base.y, base.y[2], base.y[2], base.y[4]] };
    const r = fitLaw(d, { law: 'power-law-plus-constant', bootstrap: 20 });
    expect(r.duplicateRows).toBe(3);
    expect(r.bootstrap!.distinctRuns).toBe(6);
    expect(r.diagnostics).toContain('3 rows repeat another row exactly (same inputs and value): fitted as given, resampled as one run; 6 distinct runs');
  });

  it('--drop-highest k drops exactly k rows when the k-th largest value is tied', () => {
    const d = { x: base.x, y: [3, 3, 3, 2.36, 2.27, 2.2] };
    const r = fitLaw(d, { law: 'power-law', dropHighest: 2 });
    expect(r.dropped!.indices).toEqual([0, 1]);
    expect(r.nPoints).toBe(4);
    expect(r.dropped!.rule).toBe('drop the 2 highest y (y >= 3; 3 rows tie at y = 3, the earliest dropped)');
  });

  it('a weight of 0 is the same fit as leaving the row out; weights are validated', () => {
    const bad = { x: [...base.x, { x: 640 }], y: [...base.y, 9] };
    const w = fitLaw({ ...bad, w: [1, 1, 1, 1, 1, 1, 0] }, { law: 'power-law-plus-constant' });
    const without = fitLaw(base, { law: 'power-law-plus-constant' });
    for (const k of ['E', 'A', 'alpha']) expect(w.params[k]).toBeCloseTo(without.params[k], 6);
    expect(() => fitLaw({ ...base, w: [1, 1, -1, 1, 1, 1] }, { law: 'power-law' })).toThrow('fitLaw: data.w[2] must be a finite number >= 0, got -1');
  });

  it('fixed parameters stay at their values and are not judged', () => {
    const r = fitLaw(base, { law: 'power-law-plus-constant', fixed: { E: 2 } });
    expect(r.params.E).toBe(2);
    expect(r.identifiability.parameters.E.reasons).toEqual(['held fixed']);
  });

  it('a negative exponent prints as x^0.5, never x^--0.5', () => {
    const law = getLaw('power-law');
    expect(law.format({ A: 2, alpha: -0.5 })).toBe('y = 2 * x^0.5');
    expect(law.format({ A: 2, alpha: 0.5 })).toBe('y = 2 * x^-0.5');
    expect(getLaw('lr-annealing').format({ L0: 2, A: 1, C: 0.5, alpha: -0.2 })).not.toContain('--');
  });
});

describe('bounded fit cost', () => {
  it('a large start grid is screened: every start evaluated, the best 20 distinct ones optimised', () => {
    const progress: number[] = [];
    const r = fitLaw(bnslData().fit, { law: 'bnsl', onProgress: (done) => progress.push(done) });
    expect(r.screenedStarts).toBe(163840);
    expect(r.starts).toBe(20);
    expect(progress).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(r.rmsle).toBeLessThan(0.0007);
    expect(r.diagnostics[0]).toBe('screened 163840 starts by objective, optimised the best 20 distinct ones');
  });

  it('a time budget stops further starts and says how many were skipped', () => {
    const r = fitLaw(bnslData().fit, { law: 'bnsl', screen: 50, timeBudgetMs: 1e-9 });
    expect(r.starts).toBe(1);
    expect(r.startsSkippedForTime).toBe(49);
    expect(r.diagnostics.join('\n')).toContain('time budget of 1e-9 ms reached: 49 of 50 starts not optimised');
    expect(() => fitLaw(bnslData().fit, { law: 'bnsl', timeBudgetMs: -1 })).toThrow('options.timeBudgetMs must be a positive number of milliseconds');
  });
});

describe('answers derived from a fit', () => {
  const rng = mulberry32(11);
  const xs = Array.from({ length: 25 }, (_, i) => ({ x: 100 * 1.4 ** i }));
  const report = fitLaw({ x: xs, y: xs.map((p) => (1.5 + 30 * p.x ** -0.4) * (1 + 0.003 * gauss(rng))) }, { law: 'power-law-plus-constant', bootstrap: 100 });

  it('computeForLoss gives an interval for x, and says when samples never reach the loss', () => {
    const l = computeForLoss(report, 1.6);
    expect(l.x!).toBeGreaterThan(0);
    expect(l.intervals!.x[0]).toBeLessThan(l.x!);
    expect(l.intervals!.x[1]).toBeGreaterThan(l.x!);
    const near = computeForLoss(report, report.params.E * 1.0005);
    expect(near.unreachable ?? 0).toBeGreaterThan(0);
  });

  it('chains a loss law into a downstream-error law, widening the interval with both fits\' uncertainty', () => {
    const law = getLaw('downstream-error');
    const rng2 = mulberry32(4);
    const L = Array.from({ length: 12 }, (_, i) => 1.6 + 0.15 * i);
    const err = fitLaw({ x: L.map((v) => ({ L: v })), y: L.map((v) => law.predict({ epsilon: 0.9, k: 20, gamma: 2 }, { L: v }) + 0.005 * gauss(rng2)) }, { law: 'downstream-error', bootstrap: 100 });
    const c = chainPredict(report, err, { x: 1e5 });
    expect(c.intermediate).toBeCloseTo(getLaw('power-law-plus-constant').predict(report.params, { x: 1e5 }), 12);
    expect(c.value).toBeCloseTo(law.predict(err.params, { L: c.intermediate }), 12);
    expect(c.pairs).toBe(100);
    const errOnly = predictInterval(err, { L: c.intermediate });
    expect(c.hi - c.lo).toBeGreaterThan(errOnly.hi - errOnly.lo);
    expect(() => chainPredict(report, err, { N: 1 })).toThrow('chainPredict: x is missing x needed by power-law-plus-constant');
  });

  it('IsoFLOP analysis recovers the compute-optimal exponent a = beta / (alpha + beta) (approaches 1 and 2)', () => {
    const truth = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 };
    const law = getLaw('chinchilla');
    const rng3 = mulberry32(9);
    const runs = [1e18, 1e19, 1e20, 1e21].flatMap((C) => {
      const nOpt = Math.pow((truth.alpha * truth.A) / (truth.beta * truth.B), 1 / (truth.alpha + truth.beta)) * Math.pow(C / 6, truth.beta / (truth.alpha + truth.beta));
      return [-0.6, -0.4, -0.2, 0, 0.2, 0.4, 0.6].map((s) => {
        const N = nOpt * 10 ** s;
        return { N, C, loss: law.predict(truth, { N, D: C / (6 * N) }) * (1 + 0.001 * gauss(rng3)) };
      });
    });
    const r = isoflopAnalysis(runs, { bootstrap: 200 });
    expect(r.budgets).toHaveLength(4);
    const a = 0.28 / 0.62;
    expect(Math.abs(r.approach2!.nStar.exponent - a)).toBeLessThan(0.02);
    expect(Math.abs(r.approach2!.dStar.exponent - (1 - a))).toBeLessThan(0.02);
    expect(r.approach2!.nStar.exponentInterval![0]).toBeLessThan(r.approach2!.nStar.exponent);
    expect(Math.abs(r.approach1!.nStar.exponent - a)).toBeLessThan(0.1);
    for (const b of r.budgets) expect(b.nStarInterval![0]).toBeLessThan(b.nStar!);
    expect(() => isoflopAnalysis(runs.slice(0, 2))).toThrow(/no compute budget has runs of 3 or more model sizes/);
  });
});
