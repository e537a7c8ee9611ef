import type { LawDefinition } from '../types';
import { column, num, range } from './helpers';

/**
 * Chinchilla Approach 3 (Hoffmann et al. 2022): L = E + A/N^alpha + B/D^beta, fitted as
 * log L = LSE(a - alpha log N, b - beta log D, e) with a = log A, b = log B, e = log E (Besiroglu et al. 2024).
 * Optimiser coordinates: [log E, log A, log B, alpha, beta] in the order of `params`.
 */
export const chinchilla: LawDefinition = {
  name: 'chinchilla',
  title: 'Chinchilla parametric loss L(N, D)',
  formula: 'L = E + A / N^alpha + B / D^beta',
  reference: 'Hoffmann et al. 2022 (Approach 3); fitting procedure as replicated by Besiroglu et al. 2024',
  variables: ['N', 'D'],
  domains: { N: 'positive', D: 'positive' },
  params: [
    { name: 'E', description: 'irreducible loss', lower: 0, scale: 'log' },
    { name: 'A', description: 'parameter-term scale', lower: 0, scale: 'log' },
    { name: 'B', description: 'data-term scale', lower: 0, scale: 'log' },
    { name: 'alpha', description: 'parameter exponent', scale: 'linear' },
    { name: 'beta', description: 'data exponent', scale: 'linear' },
  ],
  defaultObjective: 'huber-log',
  starts: {
    // Hoffmann's grid: 5 x 5 x 5 x 6 x 6 = 4500 starts.
    'chinchilla-4500': {
      E: range(-1, 1, 0.5),
      A: range(0, 25, 5),
      B: range(0, 25, 5),
      alpha: range(0, 2, 0.5),
      beta: range(0, 2, 0.5),
    },
    small: { E: [-1, 0, 1], A: [0, 5, 10], B: [0, 5, 10], alpha: [0, 0.5, 1], beta: [0, 0.5, 1] },
  },
  defaultStarts: 'small',
  predict: (p, x) => p.E + p.A / Math.pow(x.N, p.alpha) + p.B / Math.pow(x.D, p.beta),
  format: (p) => `L = ${num(p.E)} + ${num(p.A)}/N^${num(p.alpha)} + ${num(p.B)}/D^${num(p.beta)}`,
  space: 'log',
  features: (x) => [column(x, 'N', true), column(x, 'D', true)],
  evaluate(t, [lN, lD], out, jac) {
    const e = t[0];
    const a = t[1];
    const b = t[2];
    const alpha = t[3];
    const beta = t[4];
    for (let i = 0; i < lN.length; i++) {
      const u1 = a - alpha * lN[i];
      const u2 = b - beta * lD[i];
      let m = u1 > u2 ? u1 : u2;
      if (e > m) m = e;
      const w1 = Math.exp(u1 - m);
      const w2 = Math.exp(u2 - m);
      const w3 = Math.exp(e - m);
      const s = w1 + w2 + w3;
      out[i] = m + Math.log(s);
      if (jac) {
        const k = 5 * i;
        const inv = 1 / s;
        jac[k] = w3 * inv;
        jac[k + 1] = w1 * inv;
        jac[k + 2] = w2 * inv;
        jac[k + 3] = -w1 * inv * lN[i];
        jac[k + 4] = -w2 * inv * lD[i];
      }
    }
  },
  frontier: true,
};

/**
 * Kaplan et al. 2020 joint law L = [(Nc/N)^(alphaN/alphaD) + Dc/D]^alphaD, no irreducible term.
 * log L = alphaD * LSE((alphaN/alphaD)(log Nc - log N), log Dc - log D). Coordinates [log Nc, log Dc, alphaN, alphaD].
 */
export const kaplan: LawDefinition = {
  name: 'kaplan',
  title: 'Kaplan joint law L(N, D)',
  formula: 'L = ((Nc/N)^(alphaN/alphaD) + Dc/D)^alphaD',
  reference: 'Kaplan et al. 2020, "Scaling Laws for Neural Language Models", Eq. 1.5',
  variables: ['N', 'D'],
  domains: { N: 'positive', D: 'positive' },
  params: [
    { name: 'Nc', description: 'parameter scale', lower: 0, scale: 'log' },
    { name: 'Dc', description: 'data scale', lower: 0, scale: 'log' },
    { name: 'alphaN', description: 'parameter exponent', lower: 0, scale: 'linear' },
    { name: 'alphaD', description: 'data exponent', lower: 1e-6, scale: 'linear' },
  ],
  defaultObjective: 'huber-log',
  starts: {
    small: { Nc: [20, 30, 40], Dc: [20, 30, 40], alphaN: [0.05, 0.1, 0.3], alphaD: [0.05, 0.1, 0.3] },
  },
  defaultStarts: 'small',
  predict: (p, x) => Math.pow(Math.pow(p.Nc / x.N, p.alphaN / p.alphaD) + p.Dc / x.D, p.alphaD),
  format: (p) => `L = ((${num(p.Nc)}/N)^(${num(p.alphaN)}/${num(p.alphaD)}) + ${num(p.Dc)}/D)^${num(p.alphaD)}`,
  space: 'log',
  features: (x) => [column(x, 'N', true), column(x, 'D', true)],
  evaluate(t, [lN, lD], out, jac) {
    const [lNc, lDc, aN, aD] = t;
    const r = aN / aD;
    for (let i = 0; i < lN.length; i++) {
      const z = lNc - lN[i];
      const u1 = r * z;
      const u2 = lDc - lD[i];
      const m = u1 > u2 ? u1 : u2;
      const e1 = Math.exp(u1 - m);
      const e2 = Math.exp(u2 - m);
      const s = e1 + e2;
      const S = m + Math.log(s);
      const w1 = e1 / s;
      const w2 = e2 / s;
      out[i] = aD * S;
      if (jac) {
        const k = 4 * i;
        jac[k] = w1 * aN;
        jac[k + 1] = aD * w2;
        jac[k + 2] = w1 * z;
        jac[k + 3] = S - w1 * r * z;
      }
    }
  },
};
