/** Answers derived from a FitReport: predictions with intervals, the compute-optimal frontier, compute for a loss. */
import { getLaw } from './laws/index';
import { percentileInterval } from './stats';
import type { FitReport } from './types';

export function predict(report: FitReport, x: Record<string, number>): number {
  return getLaw(report.law).predict(report.params, x);
}

/** Prediction with a percentile interval over the bootstrap parameter samples (lo = hi = value without them). */
export function predictInterval(report: FitReport, x: Record<string, number>, level = 0.95): { value: number; lo: number; hi: number } {
  const law = getLaw(report.law);
  const value = law.predict(report.params, x);
  const samples = report.bootstrap?.samples;
  if (!samples?.length) return { value, lo: value, hi: value };
  const [lo, hi] = percentileInterval(samples.map((s) => law.predict(s, x)), level);
  return { value, lo, hi };
}

export function formatLaw(report: FitReport): string {
  return getLaw(report.law).format(report.params);
}

export interface FrontierPoint {
  C: number;
  N: number;
  D: number;
  tokensPerParam: number;
  /** a = beta/(alpha+beta): N* grows as C^a. */
  a: number;
  b: number;
  loss: number;
  aInterval?: [number, number];
  NInterval?: [number, number];
  DInterval?: [number, number];
  tokensPerParamInterval?: [number, number];
  lossInterval?: [number, number];
}

function frontierAt(p: Record<string, number>, C: number, k: number) {
  const { A, B, E, alpha, beta } = p;
  const a = beta / (alpha + beta);
  const b = alpha / (alpha + beta);
  const G = Math.pow((alpha * A) / (beta * B), 1 / (alpha + beta));
  const N = G * Math.pow(C / k, a);
  const D = Math.pow(C / k, b) / G;
  return { N, D, a, b, loss: E + A / Math.pow(N, alpha) + B / Math.pow(D, beta) };
}

function requireFrontier(report: FitReport, what: string): void {
  if (!getLaw(report.law).frontier) throw new Error(`${what}: law ${report.law} has no compute-optimal frontier (needs an E + A/N^alpha + B/D^beta law such as chinchilla)`);
}

/**
 * Compute-optimal allocation under C = k N D (k = 6 by default): N*(C) = G (C/k)^a, D*(C) = G^-1 (C/k)^b with
 * G = (alpha A / (beta B))^(1/(alpha+beta)). Intervals come from the bootstrap samples when present.
 */
export function computeOptimalFrontier(report: FitReport, C: number, opts: { flopsPerParamToken?: number; level?: number } = {}): FrontierPoint {
  requireFrontier(report, 'computeOptimalFrontier');
  if (!(C > 0) || !Number.isFinite(C)) throw new Error(`computeOptimalFrontier: C must be a positive finite FLOP count, got ${C}`);
  const k = opts.flopsPerParamToken ?? 6;
  const level = opts.level ?? report.bootstrap?.level ?? 0.95;
  const f = frontierAt(report.params, C, k);
  const out: FrontierPoint = { C, N: f.N, D: f.D, tokensPerParam: f.D / f.N, a: f.a, b: f.b, loss: f.loss };
  const samples = report.bootstrap?.samples;
  if (samples?.length) {
    const fs = samples.map((s) => frontierAt(s, C, k));
    out.aInterval = percentileInterval(fs.map((s) => s.a), level);
    out.NInterval = percentileInterval(fs.map((s) => s.N), level);
    out.DInterval = percentileInterval(fs.map((s) => s.D), level);
    out.tokensPerParamInterval = percentileInterval(fs.map((s) => s.D / s.N), level);
    out.lossInterval = percentileInterval(fs.map((s) => s.loss), level);
  }
  return out;
}

/**
 * Smallest compute (on the frontier) or x (one-variable laws) that reaches `targetLoss`.
 * Solved by bisection in log space; throws when the target is at or below the law's floor.
 */
export function computeForLoss(report: FitReport, targetLoss: number, opts: { flopsPerParamToken?: number } = {}): { C?: number; N?: number; D?: number; x?: number; loss: number } {
  const law = getLaw(report.law);
  if (!Number.isFinite(targetLoss)) throw new Error(`computeForLoss: targetLoss must be a finite number, got ${targetLoss}`);
  const k = opts.flopsPerParamToken ?? 6;
  let g: (lx: number) => number;
  if (law.frontier) g = (lc) => frontierAt(report.params, Math.exp(lc), k).loss;
  else if (law.variables.length === 1) g = (lx) => law.predict(report.params, { [law.variables[0]]: Math.exp(lx) });
  else throw new Error(`computeForLoss: law ${law.name} has several variables and no frontier; use predict() on a grid instead`);
  let lo = Math.log(1e-30);
  let hi = Math.log(1e60);
  const gLo = g(lo);
  const gHi = g(hi);
  if (!(gHi <= targetLoss)) throw new Error(`computeForLoss: target ${targetLoss} is not reached even at 1e60 (the law levels off at about ${gHi}); pick a target above the floor`);
  if (gLo <= targetLoss) throw new Error(`computeForLoss: target ${targetLoss} is already reached at 1e-30; pick a lower target`);
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = 0.5 * (lo + hi);
    if (g(mid) > targetLoss) lo = mid;
    else hi = mid;
  }
  const v = Math.exp(hi);
  if (law.frontier) {
    const f = frontierAt(report.params, v, k);
    return { C: v, N: f.N, D: f.D, loss: f.loss };
  }
  return { x: v, loss: g(hi) };
}
