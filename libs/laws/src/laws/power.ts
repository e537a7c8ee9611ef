import type { LawDefinition } from '../types';
import { column, num, range } from './helpers';

/** y = A x^-alpha (Hestness et al. 2017). Fitted in log space, where it is linear. */
export const powerLaw: LawDefinition = {
  name: 'power-law',
  title: 'Power law in one variable',
  formula: 'y = A * x^(-alpha)',
  reference: 'Hestness et al. 2017, "Deep Learning Scaling is Predictable, Empirically"',
  variables: ['x'],
  domains: { x: 'positive' },
  params: [
    { name: 'A', description: 'scale (y at x = 1)', lower: 0, scale: 'log' },
    { name: 'alpha', description: 'decay exponent', scale: 'linear' },
  ],
  defaultObjective: 'huber-log',
  starts: {
    small: { A: range(-5, 10, 5), alpha: [0, 0.5, 1] },
  },
  defaultStarts: 'small',
  predict: (p, x) => p.A * Math.pow(x.x, -p.alpha),
  format: (p) => `y = ${num(p.A)} * x^${num(-p.alpha)}`,
  space: 'log',
  features: (x) => [column(x, 'x', true)],
  evaluate(t, [lx], out, jac) {
    for (let i = 0; i < lx.length; i++) {
      out[i] = t[0] - t[1] * lx[i];
      if (jac) {
        jac[2 * i] = 1;
        jac[2 * i + 1] = -lx[i];
      }
    }
  },
};

/**
 * y = E + A x^-alpha (Henighan et al. 2020): irreducible loss plus reducible power law. Log-sum-exp form
 * log y = LSE(log A - alpha log x, log E) keeps E, A > 0 and stays stable when one term dominates.
 */
export const powerLawPlusConstant: LawDefinition = {
  name: 'power-law-plus-constant',
  title: 'Power law plus constant in one variable',
  formula: 'y = E + A * x^(-alpha)',
  reference: 'Henighan et al. 2020, "Scaling Laws for Autoregressive Generative Modeling"',
  variables: ['x'],
  domains: { x: 'positive' },
  params: [
    { name: 'E', description: 'irreducible value (limit as x -> inf)', lower: 0, scale: 'log' },
    { name: 'A', description: 'reducible scale', lower: 0, scale: 'log' },
    { name: 'alpha', description: 'decay exponent', scale: 'linear' },
  ],
  defaultObjective: 'huber-log',
  starts: {
    small: { E: [-1, -0.5, 0, 0.5, 1], A: range(0, 20, 5), alpha: [0, 0.25, 0.5, 1, 1.5] },
  },
  defaultStarts: 'small',
  predict: (p, x) => p.E + p.A * Math.pow(x.x, -p.alpha),
  format: (p) => `y = ${num(p.E)} + ${num(p.A)} * x^${num(-p.alpha)}`,
  space: 'log',
  features: (x) => [column(x, 'x', true)],
  evaluate(t, [lx], out, jac) {
    const [e, a, alpha] = t;
    for (let i = 0; i < lx.length; i++) {
      const u = a - alpha * lx[i];
      const m = u > e ? u : e;
      const w1 = Math.exp(u - m);
      const w2 = Math.exp(e - m);
      const s = w1 + w2;
      out[i] = m + Math.log(s);
      if (jac) {
        jac[3 * i] = w2 / s;
        jac[3 * i + 1] = w1 / s;
        jac[3 * i + 2] = (-w1 / s) * lx[i];
      }
    }
  },
};
