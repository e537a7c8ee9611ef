/**
 * The compute-optimal frontier of a Chinchilla law L = E + A/N^alpha + B/D^beta under C = 6·N·D:
 * minimising L at fixed C gives N*(C) = G·(C/6)^a, D*(C) = (C/6)/N*(C), with
 * G = (alpha·A / (beta·B))^(1/(alpha+beta)) and a = beta/(alpha+beta).
 * Uncertainty comes from the bootstrap parameter samples (5%–95% quantiles).
 */
import type { FitView, Params } from './fit';

const NEEDED = ['E', 'A', 'B', 'alpha', 'beta'] as const;

export interface FrontierPoint {
  C: number;
  N: number;
  D: number;
  /** 90% band over bootstrap samples, when there are enough of them. */
  nBand?: [number, number];
  dBand?: [number, number];
}

export interface Frontier {
  points: FrontierPoint[];
  /** N* ∝ C^a. */
  a: { value: number; lo?: number; hi?: number };
  /** D* ∝ C^b, b = 1 - a. */
  b: { value: number; lo?: number; hi?: number };
  samples: number;
}

/** True for a Chinchilla fit with every parameter the frontier needs. */
export function hasFrontier(fit: FitView): boolean {
  return fit.law === 'chinchilla' && !fit.skipped && NEEDED.every((k) => Number.isFinite(fit.params[k]));
}

export function optimalN(p: Params, C: number): number {
  const s = p.alpha + p.beta;
  const G = ((p.alpha * p.A) / (p.beta * p.B)) ** (1 / s);
  return G * (C / 6) ** (p.beta / s);
}

export function optimalD(p: Params, C: number): number {
  return C / 6 / optimalN(p, C);
}

function quantile(sorted: number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

function band(values: number[]): [number, number] | undefined {
  const v = values.filter((x) => Number.isFinite(x) && x > 0).sort((x, y) => x - y);
  return v.length >= 5 ? [quantile(v, 0.05), quantile(v, 0.95)] : undefined;
}

/** N*(C) and D*(C) on the given compute grid, with bands and the allocation exponents. */
export function frontier(fit: FitView, computes: number[]): Frontier {
  const samples = fit.samples.filter((s) => NEEDED.every((k) => Number.isFinite(s[k])));
  const enough = samples.length >= 5;
  const points = computes.map((C) => ({
    C,
    N: optimalN(fit.params, C),
    D: optimalD(fit.params, C),
    ...(enough ? { nBand: band(samples.map((s) => optimalN(s, C))), dBand: band(samples.map((s) => optimalD(s, C))) } : {}),
  }));
  const exponent = (f: (p: Params) => number) => {
    const iv = enough ? band(samples.map(f)) : undefined;
    return { value: f(fit.params), ...(iv ? { lo: iv[0], hi: iv[1] } : {}) };
  };
  return {
    points,
    a: exponent((p) => p.beta / (p.alpha + p.beta)),
    b: exponent((p) => p.alpha / (p.alpha + p.beta)),
    samples: enough ? samples.length : 0,
  };
}
