import { describe, expect, it } from 'vitest';
import { computeForLoss, computeOptimalFrontier, fitLaw, formatLaw, leaveLargestOut, predict, predictInterval } from '../src/index';
import { bnslData, chinchillaData, lrAnnealingData } from './data';

const HOFFMANN = { E: 1.6934, A: 406.4, B: 410.72, alpha: 0.33917084, beta: 0.2849083 };

describe('Chinchilla (240 points, 5 highest-loss dropped)', () => {
  const data = chinchillaData();
  const report = fitLaw(data, { law: 'chinchilla', starts: 'small', dropHighest: 5, bootstrap: 200, seed: 7 });

  it('reaches the Huber-sum optimum and the replication parameters', () => {
    expect(report.nPoints).toBe(240);
    expect(report.dropped?.indices.length).toBe(5);
    expect(report.converged).toBe(true);
    expect(Math.abs(report.objective - 0.00101827)).toBeLessThan(5e-9); // all 6 printed digits
    const ref = { A: 477.8, B: 2143, E: 1.8172, alpha: 0.3473, beta: 0.3672 };
    for (const [k, v] of Object.entries(ref)) expect(Math.abs(report.params[k] / v - 1)).toBeLessThan(0.005);
    expect(report.startsInBestBasin).toBeGreaterThan(10);
  });

  it('bootstrap intervals overlap the replication intervals and give a = 0.513 +- 0.02', () => {
    const besiroglu: Record<string, [number, number]> = { A: [285.2, 743.6], B: [1042.4, 5810.3], E: [1.769, 1.871], alpha: [0.317, 0.373], beta: [0.331, 0.415] };
    for (const [k, [lo, hi]] of Object.entries(besiroglu)) {
      const [a, b] = report.bootstrap!.intervals[k];
      expect(a).toBeLessThan(hi);
      expect(b).toBeGreaterThan(lo);
      expect(b - a).toBeGreaterThan(0.2 * (hi - lo)); // honest width, not Hoffmann's 0.001
    }
    const f = computeOptimalFrontier(report, 5.76e23);
    expect(Math.abs(f.a - 0.513)).toBeLessThan(0.02);
    expect(f.aInterval![1] - f.aInterval![0]).toBeGreaterThan(0.03);
    expect(f.tokensPerParam).toBeGreaterThan(12);
    expect(f.tokensPerParam).toBeLessThan(30);
    expect(6 * f.N * f.D).toBeCloseTo(5.76e23, -18);
  });

  it('inverts the frontier: computeForLoss(loss at C) returns C', () => {
    const f = computeOptimalFrontier(report, 1e22);
    const back = computeForLoss(report, f.loss);
    expect(back.C! / 1e22).toBeCloseTo(1, 6);
    expect(() => computeForLoss(report, report.params.E * 0.99)).toThrow(/not reached/);
  });

  it('predicts with an interval that contains the point estimate', () => {
    const p = predictInterval(report, { N: 7e10, D: 1.4e12 });
    expect(p.value).toBeCloseTo(predict(report, { N: 7e10, D: 1.4e12 }), 12);
    expect(p.lo).toBeLessThan(p.value);
    expect(p.hi).toBeGreaterThan(p.value);
    expect(formatLaw(report)).toMatch(/^L = 1\.8172\d* \+ 477\.8\d*\/N\^0\.34731\d*/);
  });

  it('catches the loss-scale pitfall: a mean-scaled objective with scipy tolerances is not reported as converged', () => {
    const pit = fitLaw(data, { law: 'chinchilla', starts: [HOFFMANN], dropHighest: 5, scale: 'mean', ftol: 2.220446049250313e-9, ftolFloor: 1, gtol: 1e-5 });
    expect(pit.iterations).toBeLessThan(10);
    expect(Math.abs(pit.params.beta - 0.2849)).toBeLessThan(0.002); // stuck at Hoffmann's values
    expect(pit.converged).toBe(false);
    expect(pit.diagnostics.join(' ')).toMatch(/NOT CONVERGED/);
    const ok = fitLaw(data, { law: 'chinchilla', starts: [HOFFMANN], dropHighest: 5 });
    expect(ok.converged).toBe(true);
    expect(ok.params.beta).toBeCloseTo(0.3672, 3);
  });

  it('leave-largest-out extrapolation error is small', () => {
    const h = leaveLargestOut({ x: data.x.slice(5), y: data.y.slice(5) }, 'C', 20, { law: 'chinchilla', starts: 'small' });
    expect(h.heldOut.length).toBe(20);
    expect(h.meanAbsRelError).toBeLessThan(0.03);
  });
});

describe('BNSL 4-digit addition', () => {
  it('fits 14 points and extrapolates the 3 held out with RMSLE <= 0.011', () => {
    const { fit, extrapolate } = bnslData();
    const r = fitLaw(fit, { law: 'bnsl', screen: 20 });
    expect(r.converged).toBe(true);
    expect(r.rmsle).toBeLessThan(0.0007);
    const pred = extrapolate.x.map((x) => predict(r, x));
    const rmsle = Math.sqrt(pred.reduce((s, p, i) => s + (Math.log(p) - Math.log(extrapolate.y[i])) ** 2, 0) / pred.length);
    expect(rmsle).toBeLessThanOrEqual(0.011);
    expect(r.params.d1).toBeCloseTo(612.58, 0);
  });
});

describe('LR annealing (Tissue et al.)', () => {
  it('fits the 40 points of both schedules with R^2 >= 0.9996', () => {
    const r = fitLaw(lrAnnealingData(), { law: 'lr-annealing' });
    expect(r.converged).toBe(true);
    expect(r.r2).toBeGreaterThanOrEqual(0.9996);
    expect(r.params.L0).toBeCloseTo(2.6278, 3);
    expect(r.params.alpha).toBeCloseTo(0.5499, 3);
  });
});
