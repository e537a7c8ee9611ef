import type { LawDefinition } from '../types';
import { column, num, range, sigmoid, softplus } from './helpers';

/** The authors' brute-force reparametrisation b = 1.25^p - 1 + 1e-8, in log coordinates. */
const logReparam = (p: number) => Math.log(Math.pow(1.25, p) - 1 + 1e-8);

/**
 * Broken neural scaling law with one break (Caballero et al. 2023):
 * y = a + b x^-c0 (1 + (x/d1)^(1/f1))^(-c1 f1). Evaluated through softplus so a sharp break (small f1) does not
 * overflow. Coordinates: [a, log b, c0, c1, log d1, log f1] (f1 > 0 always).
 */
export const bnsl: LawDefinition = {
  name: 'bnsl',
  title: 'Broken neural scaling law (1 break)',
  formula: 'y = a + b * x^(-c0) * (1 + (x/d1)^(1/f1))^(-c1*f1)',
  reference: 'Caballero et al. 2023, "Broken Neural Scaling Laws", Eq. 1 with n = 1',
  variables: ['x'],
  domains: { x: 'positive' },
  params: [
    { name: 'a', description: 'limit value', lower: 0, scale: 'linear' },
    { name: 'b', description: 'scale of the first segment', lower: 0, scale: 'log' },
    { name: 'c0', description: 'slope of the first segment', scale: 'linear' },
    { name: 'c1', description: 'change of slope after the break', scale: 'linear' },
    { name: 'd1', description: 'break location', lower: 0, scale: 'log' },
    { name: 'f1', description: 'break sharpness (smaller is sharper)', lower: 0, scale: 'log' },
  ],
  defaultObjective: 'mse-log1p',
  starts: {
    // The authors' scipy.optimize.brute grid (163,840 points); f1 = 0 is replaced by 0.05 since f1 must be > 0.
    'bnsl-brute': {
      a: range(0, 0.9, 0.1),
      b: range(0, 37.5, 2.5).map(logReparam),
      c0: [0, 0.25, 0.5, 0.75],
      c1: [0, 0.25, 0.5, 0.75],
      d1: range(0, 37.5, 2.5).map(logReparam),
      f1: [0.05, 0.25, 0.5, 0.75].map(Math.log),
    },
  },
  defaultStarts: 'bnsl-brute',
  predict(p, x) {
    const z = (Math.log(x.x) - Math.log(p.d1)) / p.f1;
    return p.a + p.b * Math.pow(x.x, -p.c0) * Math.exp(-p.c1 * p.f1 * softplus(z));
  },
  format: (p) => `y = ${num(p.a)} + ${num(p.b)}*x^${num(-p.c0)} * (1 + (x/${num(p.d1)})^(1/${num(p.f1)}))^(${num(-p.c1)}*${num(p.f1)})`,
  space: 'linear',
  features: (x) => [column(x, 'x', true)],
  evaluate(t, [lx], out, jac) {
    const a = t[0];
    const lb = t[1];
    const c0 = t[2];
    const c1 = t[3];
    const ld = t[4];
    const f = Math.exp(t[5]);
    for (let i = 0; i < lx.length; i++) {
      const z = (lx[i] - ld) / f;
      const sp = softplus(z);
      const g = Math.exp(lb - c0 * lx[i] - c1 * f * sp);
      out[i] = a + g;
      if (jac) {
        const k = 6 * i;
        const sg = sigmoid(z);
        jac[k] = 1;
        jac[k + 1] = g;
        jac[k + 2] = -lx[i] * g;
        jac[k + 3] = -f * sp * g;
        jac[k + 4] = g * c1 * sg;
        jac[k + 5] = g * f * c1 * (sg * z - sp);
      }
    }
  },
};

/**
 * Pruned-data scaling (after Sorscher et al. 2022): a power law that can turn exponential,
 * y = E + A x^-alpha exp(-x/x0). x0 -> inf recovers the power law; alpha = 0 is pure exponential decay,
 * the regime good pruning metrics reach. Coordinates [log E, log A, alpha, log x0].
 */
export const prunedData: LawDefinition = {
  name: 'pruned-data',
  title: 'Pruned-data scaling (power law with exponential cut-off)',
  formula: 'y = E + A * x^(-alpha) * exp(-x/x0)',
  reference: 'Sorscher et al. 2022, "Beyond neural scaling laws" (form for curation work; no published constants)',
  variables: ['x'],
  domains: { x: 'positive' },
  params: [
    { name: 'E', description: 'irreducible error', lower: 0, scale: 'log' },
    { name: 'A', description: 'scale', lower: 0, scale: 'log' },
    { name: 'alpha', description: 'power-law exponent', scale: 'linear' },
    { name: 'x0', description: 'scale of the exponential cut-off', lower: 0, scale: 'log' },
  ],
  defaultObjective: 'huber-log',
  starts: { small: { E: [-3, -1, 0], A: [0, 5, 10], alpha: [0, 0.25, 0.5, 1], x0: [5, 10, 15, 20, 30] } },
  defaultStarts: 'small',
  predict: (p, x) => p.E + p.A * Math.pow(x.x, -p.alpha) * Math.exp(-x.x / p.x0),
  format: (p) => `y = ${num(p.E)} + ${num(p.A)}*x^${num(-p.alpha)}*exp(-x/${num(p.x0)})`,
  space: 'log',
  features: (x) => [column(x, 'x', true)],
  evaluate(t, [lx], out, jac) {
    const [e, a, alpha, lx0] = t;
    for (let i = 0; i < lx.length; i++) {
      const r = Math.exp(lx[i] - lx0);
      const u = a - alpha * lx[i] - r;
      const m = u > e ? u : e;
      const w1 = Math.exp(u - m);
      const w2 = Math.exp(e - m);
      const s = w1 + w2;
      out[i] = m + Math.log(s);
      if (jac) {
        const k = 4 * i;
        jac[k] = w2 / s;
        jac[k + 1] = w1 / s;
        jac[k + 2] = (-w1 / s) * lx[i];
        jac[k + 3] = (w1 / s) * r;
      }
    }
  },
};
