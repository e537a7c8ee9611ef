import type { LawDefinition } from '../types';
import { column, linspace, num } from './helpers';

/** Optimal parameter count for U tokens on the Chinchilla frontier: (alpha A / (beta B))^(1/alpha) U^(beta/alpha). */
function nOptForTokens(p: Record<string, number>, U: number): number {
  return Math.pow((p.alpha * p.A) / (p.beta * p.B), 1 / p.alpha) * Math.pow(U, p.beta / p.alpha);
}

/**
 * Muennighoff et al. 2023, Eq. 5 with their definitions (section 3.1): U_D is the unique tokens *seen*, so a run
 * of less than one epoch over a pool of U tokens has seen min(D, U) of them; R_D = D / U_D - 1 repeated epochs.
 */
function dataConstrainedAt(p: Record<string, number>, N: number, D: number, U: number): number {
  const UD = Math.min(D, U);
  const RD = Math.max(D / UD - 1, 0);
  const UN = Math.min(N, nOptForTokens(p, UD));
  const RN = Math.max(N / UN - 1, 0);
  const Dp = UD + UD * p.RD * (1 - Math.exp(-RD / p.RD));
  const Np = UN + UN * p.RN * (1 - Math.exp(-RN / p.RN));
  return p.E + p.A / Math.pow(Np, p.alpha) + p.B / Math.pow(Dp, p.beta);
}

const DC_NAMES = ['E', 'A', 'B', 'alpha', 'beta', 'RD', 'RN'];

/**
 * L and its gradient in the optimiser coordinates [log E, log A, log B, alpha, beta, log RD, log RN] (into g).
 * When the optimal size for the unique data, N_opt(U_D), is below N, U_N = N_opt depends on A, B, alpha, beta:
 * d ln N_opt / d(log A) = 1/alpha, d(log B) = -1/alpha, d alpha = (1 - ln(alpha A / (beta B)) - beta ln U_D)/alpha^2,
 * d beta = ln U_D / alpha - 1/(alpha beta); and dN'/dU_N = 1 + RN (1 - e_N) - e_N N / U_N.
 */
function dataConstrainedGrad(p: Record<string, number>, N: number, D: number, U: number, g: Float64Array): number {
  const UD = Math.min(D, U);
  const lnUD = Math.log(UD);
  const RDv = Math.max(D / UD - 1, 0);
  const nOpt = nOptForTokens(p, UD);
  const opt = nOpt < N;
  const UN = opt ? nOpt : N;
  const RNv = Math.max(N / UN - 1, 0);
  const eD = Math.exp(-RDv / p.RD);
  const eN = Math.exp(-RNv / p.RN);
  const Dp = UD * (1 + p.RD * (1 - eD));
  const Np = UN * (1 + p.RN * (1 - eN));
  const TN = p.A * Math.pow(Np, -p.alpha);
  const TD = p.B * Math.pow(Dp, -p.beta);
  const dTNdNp = (-p.alpha * TN) / Np;
  g[0] = p.E;
  g[1] = TN;
  g[2] = TD;
  g[3] = -TN * Math.log(Np);
  g[4] = -TD * Math.log(Dp);
  g[5] = ((-p.beta * TD) / Dp) * UD * (p.RD * (1 - eD) - RDv * eD);
  g[6] = dTNdNp * UN * (p.RN * (1 - eN) - RNv * eN);
  if (opt) {
    const via = dTNdNp * (1 + p.RN * (1 - eN) - (eN * N) / UN) * UN;
    g[1] += via / p.alpha;
    g[2] -= via / p.alpha;
    g[3] += (via * (1 - Math.log((p.alpha * p.A) / (p.beta * p.B)) - p.beta * lnUD)) / (p.alpha * p.alpha);
    g[4] += via * (lnUD / p.alpha - 1 / (p.alpha * p.beta));
  }
  return p.E + TN + TD;
}

/**
 * Muennighoff et al. 2023 data-constrained law. Repeated tokens and excess parameters decay with
 * half-lives R_D* ln 2 and R_N* ln 2. R_D, R_N are clamped at 0. The Jacobian is analytic and piecewise
 * (min() in U_N); Muennighoff's second stage fixes E, A, B, alpha, beta (FitOptions.fixed).
 */
export const dataConstrained: LawDefinition = {
  name: 'data-constrained',
  title: 'Data-constrained law with repetition (N, D, unique tokens U)',
  formula: "L = E + A/N'^alpha + B/D'^beta, U_D = min(D, U), D' = U_D(1 + RD(1 - exp(-(D/U_D-1)/RD))), N' = U_N(1 + RN(1 - exp(-(N/U_N-1)/RN)))",
  reference: 'Muennighoff et al. 2023, "Scaling Data-Constrained Language Models", Eq. 5',
  variables: ['N', 'D', 'U'],
  domains: { N: 'positive', D: 'positive', U: 'positive' },
  params: [
    { name: 'E', description: 'irreducible loss', lower: 0, scale: 'log' },
    { name: 'A', description: 'parameter-term scale', lower: 0, scale: 'log' },
    { name: 'B', description: 'data-term scale', lower: 0, scale: 'log' },
    { name: 'alpha', description: 'parameter exponent', lower: 0, scale: 'linear' },
    { name: 'beta', description: 'data exponent', lower: 0, scale: 'linear' },
    { name: 'RD', description: 'repetition decay constant R_D* (epochs)', lower: 0, scale: 'log' },
    { name: 'RN', description: 'excess-parameter decay constant R_N*', lower: 0, scale: 'log' },
  ],
  defaultObjective: 'huber-log',
  starts: {
    // Muennighoff's published stage-1 values with a 4 x 4 grid over R_D*, R_N* (stage 2).
    small: {
      E: [Math.log(1.869)], A: [Math.log(520.4)], B: [Math.log(1487.6)], alpha: [0.3527], beta: [0.3527],
      RD: linspace(1, 20, 4).map(Math.log), RN: linspace(1, 20, 4).map(Math.log),
    },
  },
  defaultStarts: 'small',
  predict: (p, x) => dataConstrainedAt(p, x.N, x.D, x.U),
  format: (p) => `L = ${num(p.E)} + ${num(p.A)}/N'^${num(p.alpha)} + ${num(p.B)}/D'^${num(p.beta)} (RD*=${num(p.RD)}, RN*=${num(p.RN)})`,
  space: 'log',
  features: (x) => [column(x, 'N'), column(x, 'D'), column(x, 'U')],
  evaluate(t, [N, D, U], out, jac) {
    const p: Record<string, number> = {};
    DC_NAMES.forEach((n, j) => (p[n] = j === 3 || j === 4 ? t[j] : Math.exp(t[j])));
    const g = new Float64Array(7);
    for (let i = 0; i < N.length; i++) {
      const L = dataConstrainedGrad(p, N[i], D[i], U[i], g);
      out[i] = Math.log(L);
      if (jac) for (let j = 0; j < 7; j++) jac[7 * i + j] = g[j] / L;
    }
  },
};

/**
 * Effective samples under repetition with half-life tau (epochs): sum_k s_k 2^(-k/tau) over K = floor(n/S)
 * full epochs of S samples and a last partial one of r = n - K S, and its derivative in tau. Closed forms of
 * the geometric sums (w = 2^(-1/tau)), so the cost does not grow with the number of epochs:
 * sum_{k<K} w^k = (1 - w^K)/(1 - w), sum_{k<K} k w^k = w (1 - K w^(K-1) + (K-1) w^K)/(1 - w)^2.
 */
function effectiveSamples(n: number, S: number, tau: number): [number, number] {
  const K = Math.floor(n / S);
  const r = n - K * S;
  const c = Math.LN2 / tau;
  const w = Math.exp(-c);
  const wK = Math.exp(-c * K);
  const oneMinusW = -Math.expm1(-c);
  const eff = S * (-Math.expm1(-c * K) / oneMinusW) + r * wK;
  const sumKW = K === 0 ? 0 : (w * (1 - K * Math.exp(-c * (K - 1)) + (K - 1) * wK)) / (oneMinusW * oneMinusW);
  const dTau = (c / tau) * (S * sumKW + r * K * wK);
  return [eff, dTau];
}

/**
 * Goyal et al. 2024 data-filtering law, effective-data form: y = d + a (n_eff/1e5)^b, where a sample seen in
 * epoch k is worth (1/2)^(k/tau) of a fresh one. n = samples seen, S = unique samples in the (filtered) pool.
 * Coordinates [log a, b, log tau, d].
 */
export const dataFiltering: LawDefinition = {
  name: 'data-filtering',
  title: 'Data-filtering law with repetition half-life',
  formula: 'y = d + a * (n_eff/1e5)^b, n_eff = sum_k samples_k * (1/2)^(k/tau)',
  reference: 'Goyal et al. 2024, "Scaling Laws for Data Filtering" (func_effective_data form)',
  variables: ['n', 'S'],
  domains: { n: 'positive', S: 'positive' },
  params: [
    { name: 'a', description: 'scale', lower: 0, scale: 'log' },
    { name: 'b', description: 'utility exponent (< 0)', upper: 0, scale: 'linear' },
    { name: 'tau', description: 'repetition half-life in epochs', lower: 0, scale: 'log' },
    { name: 'd', description: 'irreducible error', lower: 0, scale: 'linear' },
  ],
  defaultObjective: 'mse',
  starts: { small: { a: [-2, 0, 2], b: [-0.05, -0.2, -0.5], tau: [0, 1, 2], d: [0, 0.1] } },
  defaultStarts: 'small',
  predict: (p, x) => p.d + p.a * Math.pow(effectiveSamples(x.n, x.S, p.tau)[0] / 1e5, p.b),
  format: (p) => `y = ${num(p.d)} + ${num(p.a)}*(n_eff/1e5)^${num(p.b)} (tau=${num(p.tau)} epochs)`,
  space: 'linear',
  features: (x) => [column(x, 'n'), column(x, 'S')],
  evaluate(t, [n, S], out, jac) {
    const a = Math.exp(t[0]);
    const b = t[1];
    const tau = Math.exp(t[2]);
    const d = t[3];
    for (let i = 0; i < n.length; i++) {
      const [eff, dTau] = effectiveSamples(n[i], S[i], tau);
      const ne = eff / 1e5;
      const pw = Math.pow(ne, b);
      out[i] = d + a * pw;
      if (jac) {
        const k = 4 * i;
        jac[k] = a * pw;
        jac[k + 1] = a * pw * Math.log(ne);
        jac[k + 2] = a * b * Math.pow(ne, b - 1) * (dTau / 1e5) * tau;
        jac[k + 3] = 1;
      }
    }
  },
};
