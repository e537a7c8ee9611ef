import type { LawDefinition } from '../types';
import { column, num, range } from './helpers';

/**
 * Gadre et al. 2024 over-training law in compute C and token multiplier M = D/N:
 * L = E + (a M^eta + b M^-eta) C^-eta (a shared exponent eta). LSE form over the three positive terms.
 */
export const overtraining: LawDefinition = {
  name: 'overtraining',
  title: 'Over-training law L(C, M)',
  formula: 'L = E + (a * M^eta + b * M^-eta) * C^-eta',
  reference: 'Gadre et al. 2024, "Language models scale reliably with over-training and on downstream tasks"',
  variables: ['C', 'M'],
  domains: { C: 'positive', M: 'positive' },
  params: [
    { name: 'E', description: 'irreducible loss', lower: 0, scale: 'log' },
    { name: 'a', description: 'scale of the M^eta term', lower: 0, scale: 'log' },
    { name: 'b', description: 'scale of the M^-eta term', lower: 0, scale: 'log' },
    { name: 'eta', description: 'shared exponent', scale: 'linear' },
  ],
  defaultObjective: 'huber-log',
  starts: { small: { E: [-1, 0, 1], a: range(0, 20, 5), b: range(0, 20, 5), eta: [0.05, 0.1, 0.2, 0.4] } },
  defaultStarts: 'small',
  predict: (p, x) => p.E + (p.a * Math.pow(x.M, p.eta) + p.b * Math.pow(x.M, -p.eta)) * Math.pow(x.C, -p.eta),
  format: (p) => `L = ${num(p.E)} + (${num(p.a)}*M^${num(p.eta)} + ${num(p.b)}*M^${num(-p.eta)}) * C^${num(-p.eta)}`,
  space: 'log',
  features: (x) => [column(x, 'C', true), column(x, 'M', true)],
  evaluate(t, [lC, lM], out, jac) {
    const [e, la, lb, eta] = t;
    for (let i = 0; i < lC.length; i++) {
      const u1 = la + eta * (lM[i] - lC[i]);
      const u2 = lb - eta * (lM[i] + lC[i]);
      const m = Math.max(u1, u2, e);
      const w1 = Math.exp(u1 - m);
      const w2 = Math.exp(u2 - m);
      const w3 = Math.exp(e - m);
      const s = w1 + w2 + w3;
      out[i] = m + Math.log(s);
      if (jac) {
        const k = 4 * i;
        jac[k] = w3 / s;
        jac[k + 1] = w1 / s;
        jac[k + 2] = w2 / s;
        jac[k + 3] = (w1 * (lM[i] - lC[i]) - w2 * (lM[i] + lC[i])) / s;
      }
    }
  },
};

/** Gadre et al. 2024 loss -> downstream error: Err = epsilon - k exp(-gamma L). */
export const downstreamError: LawDefinition = {
  name: 'downstream-error',
  title: 'Loss to downstream error',
  formula: 'Err = epsilon - k * exp(-gamma * L)',
  reference: 'Gadre et al. 2024, Eq. 5',
  variables: ['L'],
  domains: { L: 'real' },
  params: [
    { name: 'epsilon', description: 'error of a random-chance model (L -> inf)', scale: 'linear' },
    { name: 'k', description: 'scale', lower: 0, scale: 'log' },
    { name: 'gamma', description: 'rate in L', lower: 0, scale: 'log' },
  ],
  defaultObjective: 'mse',
  starts: { small: { epsilon: [0.5, 0.75, 1], k: [-2, 0, 2, 4], gamma: [-2, -1, 0, 1] } },
  defaultStarts: 'small',
  predict: (p, x) => p.epsilon - p.k * Math.exp(-p.gamma * x.L),
  format: (p) => `Err = ${num(p.epsilon)} - ${num(p.k)} * exp(-${num(p.gamma)} * L)`,
  space: 'linear',
  features: (x) => [column(x, 'L')],
  evaluate(t, [L], out, jac) {
    const eps = t[0];
    const k = Math.exp(t[1]);
    const g = Math.exp(t[2]);
    for (let i = 0; i < L.length; i++) {
      const ex = Math.exp(-g * L[i]);
      out[i] = eps - k * ex;
      if (jac) {
        jac[3 * i] = 1;
        jac[3 * i + 1] = -k * ex;
        jac[3 * i + 2] = k * ex * L[i] * g;
      }
    }
  },
};
