/**
 * What the compare view puts side by side: which sweeps the address names, each law's loss along
 * its own compute-optimal frontier (so Chinchilla laws fitted to different grids share one axis,
 * compute C), and each parameter's interval at the view's level.
 */
import { centralInterval, type FitView, type Params } from './fit';
import { hasFrontier, optimalD, optimalN } from './frontier';

/**
 * Sweep ids from `#/compare?ids=a,b,c`: trimmed, empty entries and repeats dropped, order kept.
 */
export function compareIds(hash: string): string[] {
  const query = hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '';
  const raw = new URLSearchParams(query).get('ids') ?? '';
  return [...new Set(raw.split(',').map((s) => s.trim()).filter(Boolean))];
}

/** The compare address for these sweeps. */
export const compareHash = (ids: string[]) => `#/compare?ids=${ids.map(encodeURIComponent).join(',')}`;

/** L at the compute-optimal allocation: L(N*(C), D*(C)) for Chinchilla parameters (Hoffmann et al. 2022, eq. 4). */
export function optimalLoss(p: Params, C: number): number {
  return p.E + p.A / optimalN(p, C) ** p.alpha + p.B / optimalD(p, C) ** p.beta;
}

export interface LossPoint {
  C: number;
  loss: number;
  /** Central `level` band over the bootstrap samples (each at its own optimum), when there are ≥ 5. */
  band?: [number, number];
}

/** The law's loss along its compute-optimal frontier on the compute grid; undefined for a law without one. */
export function frontierLoss(fit: FitView, computes: number[], level: number): LossPoint[] | undefined {
  if (!hasFrontier(fit)) return undefined;
  const samples = fit.samples.filter((s) => ['E', 'A', 'B', 'alpha', 'beta'].every((k) => Number.isFinite(s[k])));
  return computes.map((C) => ({
    C,
    loss: optimalLoss(fit.params, C),
    ...(samples.length >= 5 ? { band: centralInterval(samples.map((s) => optimalLoss(s, C)), level) } : {}),
  }));
}

/**
 * Each parameter's interval at `level`: central quantiles of the bootstrap samples when there are
 * ≥ 5, else the stored interval (whose coverage is the report's; `level` then says so).
 */
export function paramIntervals(fit: FitView, level: number): Record<string, { lo: number; hi: number; level: number }> {
  const out: Record<string, { lo: number; hi: number; level: number }> = {};
  for (const k of Object.keys(fit.params)) {
    const iv = fit.samples.length >= 5 ? centralInterval(fit.samples.map((s) => s[k]), level) : undefined;
    if (iv) out[k] = { lo: iv[0], hi: iv[1], level };
    else if (fit.intervals[k]) out[k] = { lo: fit.intervals[k][0], hi: fit.intervals[k][1], level: fit.fittedLevel };
  }
  return out;
}
