/**
 * The compute-optimal frontier of a Chinchilla law L = E + A/N^alpha + B/D^beta under C = 6·N·D:
 * minimising L at fixed C gives N*(C) = G·(C/6)^a, D*(C) = (C/6)/N*(C), with
 * G = (alpha·A / (beta·B))^(1/(alpha+beta)) and a = beta/(alpha+beta).
 * Uncertainty comes from the bootstrap parameter samples (central quantiles at the view's level).
 */
import { centralInterval, type FitView, type Params } from './fit';

const NEEDED = ['E', 'A', 'B', 'alpha', 'beta'] as const;

export interface FrontierPoint {
  C: number;
  N: number;
  D: number;
  /** Central band over bootstrap samples at the requested level, when there are enough of them. */
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

/** N*(C) and D*(C) on the given compute grid, with central `level` bands and the allocation exponents. */
export function frontier(fit: FitView, computes: number[], level = 0.95): Frontier {
  const band = (values: number[]) => centralInterval(values.filter((x) => x > 0), level);
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
