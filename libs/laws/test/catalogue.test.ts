import { describe, expect, it } from 'vitest';
import { getLaw, listLaws, minimize } from '../src/index';

describe('law catalogue', () => {
  it('lists the required laws with formulas, variables and documented params', () => {
    const names = listLaws().map((l) => l.name);
    for (const n of ['power-law', 'power-law-plus-constant', 'kaplan', 'chinchilla', 'overtraining', 'data-constrained', 'lr-annealing', 'downstream-error', 'bnsl', 'data-filtering', 'pruned-data']) {
      expect(names).toContain(n);
    }
    expect(getLaw('chinchilla').variables).toEqual(['N', 'D']);
    expect(getLaw('power-law').variables).toEqual(['x']);
    for (const l of listLaws()) {
      expect(l.formula.length).toBeGreaterThan(5);
      for (const p of l.params) expect(p.description.length).toBeGreaterThan(2);
    }
  });

  it('names the unknown law and the known ones', () => {
    expect(() => getLaw('chinchila')).toThrow(/unknown law "chinchila".*chinchilla.*bnsl/);
  });

  // The fast evaluator (with analytic Jacobian) must agree with predict() and with central differences.
  const points: Record<string, Record<string, number>> = {
    'power-law': { x: 300 }, 'power-law-plus-constant': { x: 300 }, kaplan: { N: 3e8, D: 6e9 }, chinchilla: { N: 3e8, D: 6e9 },
    overtraining: { C: 1e20, M: 40 }, 'data-constrained': { N: 2e9, D: 2e11, U: 4e10 }, 'lr-annealing': { S1: 2, S2: 0.1 },
    'downstream-error': { L: 2.5 }, bnsl: { x: 600 }, 'data-filtering': { n: 5e6, S: 1e6 }, 'pruned-data': { x: 2e4 },
  };
  const thetas: Record<string, number[]> = {
    'power-law': [2, 0.3], 'power-law-plus-constant': [0.5, 3, 0.4], kaplan: [31, 30, 0.076, 0.103], chinchilla: [0.6, 6.2, 7.6, 0.35, 0.37],
    overtraining: [0.6, 5, 6, 0.12], 'data-constrained': [0.6, 6.2, 7.3, 0.35, 0.35, 2.7, 1.7], 'lr-annealing': [2.6, 0.43, 0.41, 0.55],
    'downstream-error': [0.9, 1, -0.5], bnsl: [0.41, 0.82, 0.055, 5.66, 6.42, -2.83], 'data-filtering': [0, -0.2, 1, 0.1], 'pruned-data': [-1, 2, 0.3, 10],
  };
  for (const law of listLaws()) {
    it(`${law.name}: evaluate() matches predict() and its Jacobian matches finite differences`, () => {
      const x = [points[law.name]];
      const t = Float64Array.from(thetas[law.name]);
      const feats = law.features(x);
      const out = new Float64Array(1);
      const jac = new Float64Array(t.length);
      law.evaluate(t, feats, out, jac);
      const params: Record<string, number> = {};
      law.params.forEach((p, j) => (params[p.name] = p.scale === 'log' ? Math.exp(t[j]) : t[j]));
      const direct = law.predict(params, x[0]);
      expect(law.space === 'log' ? Math.exp(out[0]) : out[0]).toBeCloseTo(direct, 8);
      for (let j = 0; j < t.length; j++) {
        const h = 1e-5 * Math.max(1, Math.abs(t[j]));
        const up = Float64Array.from(t);
        const dn = Float64Array.from(t);
        up[j] += h;
        dn[j] -= h;
        const o1 = new Float64Array(1);
        const o2 = new Float64Array(1);
        law.evaluate(up, feats, o1, null);
        law.evaluate(dn, feats, o2, null);
        const fd = (o1[0] - o2[0]) / (2 * h);
        expect(Math.abs(jac[j] - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
      }
    });
  }
});

describe('bounded L-BFGS', () => {
  const rosen = (x: Float64Array, g: Float64Array) => {
    const [a, b] = x;
    g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
    g[1] = 200 * (b - a * a);
    return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
  };
  it('finds the Rosenbrock minimum from a far start', () => {
    const r = minimize(rosen, [-1.2, 1], { gtol: 1e-10 });
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
    expect(r.stop).not.toBe('max-iterations');
  });
  it('stops on an active bound with zero projected gradient', () => {
    const r = minimize(rosen, [-1.2, 0.2], { lower: Float64Array.from([-2, -2]), upper: Float64Array.from([0.5, 2]) });
    expect(r.x[0]).toBe(0.5);
    expect(r.x[1]).toBeCloseTo(0.25, 6);
    expect(r.gradNorm).toBeLessThan(1e-6);
  });
});
