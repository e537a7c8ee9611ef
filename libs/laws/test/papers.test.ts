/**
 * Each law against its paper: the paper's published parameters, evaluated at the paper's published points,
 * give the paper's printed numbers. Laws whose papers print no such numbers are listed in NO_PRINTED_POINTS
 * (and the catalogue check below makes a new law choose one or the other).
 */
import { describe, expect, it } from 'vitest';
import { computeOptimalFrontier, fitLaw, getLaw, listLaws, type FitReport } from '../src/index';
import { bnslData, chinchillaData, lrAnnealingData } from './data';

const CHECKED = ['chinchilla', 'kaplan', 'data-constrained', 'overtraining', 'lr-annealing', 'bnsl'];
/** Forms without published constants at published points (Hestness, Henighan per modality, Goyal, Sorscher, Gadre Eq. 5). */
const NO_PRINTED_POINTS = ['power-law', 'power-law-plus-constant', 'downstream-error', 'data-filtering', 'pruned-data'];

/** A report holding given parameters, to use the library's derived answers (frontier) on published values. */
function at(law: string, params: Record<string, number>): FitReport {
  return { ...fitLaw({ x: [{ N: 1e8, D: 1e9 }, { N: 2e8, D: 3e9 }, { N: 4e8, D: 9e9 }, { N: 8e8, D: 2e10 }, { N: 2e9, D: 5e10 }, { N: 4e9, D: 8e10 }], y: [3.5, 3.2, 3, 2.8, 2.6, 2.5] }, { law, starts: [params] }), params };
}

describe('laws against their papers', () => {
  it('every law in the catalogue is checked here or listed as having no printed points', () => {
    for (const l of listLaws()) expect([...CHECKED, ...NO_PRINTED_POINTS]).toContain(l.name);
  });

  it('chinchilla: Hoffmann et al. 2022 Approach 3 (TeX values) gives a = 0.46, b = 0.54 (their Table 2)', () => {
    const f = computeOptimalFrontier(at('chinchilla', { E: 1.6934, A: 406.4, B: 410.72, alpha: 0.33917, beta: 0.28491 }), 5.76e23);
    expect(f.a).toBeCloseTo(0.46, 2);
    expect(f.b).toBeCloseTo(0.54, 2);
  });

  it('chinchilla: Besiroglu et al. 2024 parameters give a = 0.513 and about 20 tokens per parameter at Chinchilla compute', () => {
    const f = computeOptimalFrontier(at('chinchilla', { E: 1.817, A: 482.01, B: 2085.43, alpha: 0.3478, beta: 0.3658 }), 5.76e23);
    expect(f.a).toBeCloseTo(0.513, 3);
    expect(f.tokensPerParam).toBeGreaterThan(15);
    expect(f.tokensPerParam).toBeLessThan(25);
  });

  it('chinchilla: the Huber-sum optimum evaluated on the 240 runs gives the objective 0.00101827', () => {
    const r = fitLaw(chinchillaData(), { law: 'chinchilla', dropHighest: 5, starts: [{ E: 1.817218, A: 477.8258, B: 2143.417, alpha: 0.3473105, beta: 0.3671724 }], maxIterations: 1 });
    expect(r.objective).toBeCloseTo(0.00101827, 8);
  });

  it('kaplan: Kaplan et al. 2020 Table 2 constants; D = 5e3 N^0.74 keeps the overfitting penalty near 2% (their Eq. 4.4)', () => {
    const law = getLaw('kaplan');
    const p = { Nc: 6.4e13, Dc: 1.8e13, alphaN: 0.076, alphaD: 0.103 };
    for (const N of [1e8, 1e9, 1e10]) {
      const D = 5e3 * N ** 0.74;
      const penalty = law.predict(p, { N, D }) / (p.Nc / N) ** p.alphaN - 1;
      expect(penalty).toBeGreaterThan(0.015);
      expect(penalty).toBeLessThan(0.025);
      // D -> infinity recovers L(N) = (Nc/N)^alphaN.
      expect(law.predict(p, { N, D: 1e40 })).toBeCloseTo((p.Nc / N) ** p.alphaN, 9);
    }
  });

  it('data-constrained: Muennighoff et al. 2023 constants; repeated data saturates at U (1 + R_D*), 4 epochs are nearly fresh', () => {
    const law = getLaw('data-constrained');
    const p = { A: Math.exp(6.255414), B: Math.exp(7.3049974), E: Math.exp(0.6254804), alpha: 0.3526596, beta: 0.3526596, RD: 15.387756, RN: 5.309743 };
    expect(p.E).toBeCloseTo(1.869, 3);
    // N below the optimal size for the unique data, so the parameter term is the same in every comparison.
    const N = 1e8;
    const U = 1e10;
    // Effective data D' at 1e6 epochs equals U (1 + R_D*) = 16.39 U: same loss as that many fresh tokens.
    expect(law.predict(p, { N, D: 1e6 * U, U })).toBeCloseTo(law.predict(p, { N, D: U * (1 + p.RD), U: 1e30 }), 6);
    // Four epochs of U lose < 0.5% of loss against 4U fresh tokens (their "up to 4 epochs ... negligible").
    const rel = law.predict(p, { N, D: 4 * U, U }) / law.predict(p, { N, D: 4 * U, U: 4 * U }) - 1;
    expect(rel).toBeGreaterThan(0);
    expect(rel).toBeLessThan(0.005);
    expect(law.predict(p, { N, D: 2e9, U: 1e11 })).toBeCloseTo(law.predict(p, { N, D: 2e9, U: 2e9 }), 12);
  });

  it('overtraining: Gadre et al. 2024 L(C, M) equals E + A N^-2eta + B D^-2eta under C = 6ND, M = D/N (their Eq. 4)', () => {
    const law = getLaw('overtraining');
    const p = { E: 1.9, a: 150, b: 300, eta: 0.14 };
    const N = 1.4e9;
    const D = 8.96e11;
    // a M^eta C^-eta = a 6^-eta N^-2eta; b M^-eta C^-eta = b 6^-eta D^-2eta.
    const nd = p.E + p.a * 6 ** -p.eta * N ** (-2 * p.eta) + p.b * 6 ** -p.eta * D ** (-2 * p.eta);
    expect(law.predict(p, { C: 6 * N * D, M: D / N })).toBeCloseTo(nd, 12);
    expect(nd).toBeCloseTo(2.3259, 4);
  });

  it('lr-annealing: the reference fit of Tissue et al.\'s example curves gives R^2 = 0.99963 on the 40 points', () => {
    const d = lrAnnealingData();
    const r = fitLaw(d, { law: 'lr-annealing', starts: [{ L0: 2.628, A: 0.4297, C: 0.4108, alpha: 0.55 }], maxIterations: 1 });
    const law = getLaw('lr-annealing');
    const p = { L0: 2.628, A: 0.4297, C: 0.4108, alpha: 0.55 };
    const mean = d.y.reduce((s, v) => s + v, 0) / d.y.length;
    const ssr = d.y.reduce((s, v, i) => s + (v - law.predict(p, d.x[i])) ** 2, 0);
    const sst = d.y.reduce((s, v) => s + (v - mean) ** 2, 0);
    expect(1 - ssr / sst).toBeCloseTo(0.99963, 4);
    expect(r.nPoints).toBe(40);
  });

  it('bnsl: Caballero et al. 2023 parameters for 4-digit addition give train RMSLE 0.000598 and extrapolation RMSLE 0.0109', () => {
    const law = getLaw('bnsl');
    const p = { a: 0.41389, b: 2.27727, c0: 0.05508, c1: 5.6629, d1: 612.58, f1: 0.05919 };
    const { fit, extrapolate } = bnslData();
    const rmsle = (d: { x: Record<string, number>[]; y: number[] }) =>
      Math.sqrt(d.y.reduce((s, v, i) => s + (Math.log(law.predict(p, d.x[i])) - Math.log(v)) ** 2, 0) / d.y.length);
    expect(rmsle(fit)).toBeCloseTo(0.000598, 4);
    expect(rmsle(extrapolate)).toBeCloseTo(0.0109, 3);
  });
});
