/** Answers derived from a FitReport: predictions with intervals, the compute-optimal frontier, compute for a loss. */
import { intervalWarning } from './identifiability';
import { getLaw } from './laws/index';
import { percentileInterval } from './stats';
import type { FitReport } from './types';

export function predict(report: FitReport, x: Record<string, number>): number {
  return getLaw(report.law).predict(report.params, x);
}

export interface IntervalPrediction {
  value: number;
  lo: number;
  hi: number;
  /** Set when the interval should not be trusted (unidentified parameters, degenerate resamples). */
  warning?: string;
  /** Bootstrap samples whose prediction left the quantity's domain (<= 0 for a positive one) and were excluded. */
  excluded?: number;
}

/**
 * Prediction with a percentile interval over the bootstrap parameter samples (lo = hi = value without them).
 * With `positive` (a loss, an error rate, a compute), samples predicting <= 0 are excluded and counted, so a
 * positive quantity never gets a non-positive lower bound.
 */
export function predictInterval(report: FitReport, x: Record<string, number>, level = 0.95, opts: { positive?: boolean } = {}): IntervalPrediction {
  const law = getLaw(report.law);
  return intervalOf(report, (p) => law.predict(p, x), level, opts.positive ?? law.space === 'log');
}

/** value, percentile interval and warnings of any scalar function of the parameters. */
export function intervalOf(report: FitReport, f: (p: Record<string, number>) => number, level = report.bootstrap?.level ?? 0.95, positive = false): IntervalPrediction {
  const value = f(report.params);
  const warning = intervalWarning(report);
  const samples = report.bootstrap?.samples;
  const out: IntervalPrediction = { value, lo: value, hi: value, ...(warning ? { warning } : {}) };
  if (!samples?.length) return out;
  const all = samples.map(f).filter(Number.isFinite);
  const kept = positive ? all.filter((v) => v > 0) : all;
  if (kept.length < samples.length) out.excluded = samples.length - kept.length;
  if (kept.length < 2) return { ...out, lo: Number.NaN, hi: Number.NaN, warning: `no interval: only ${kept.length} of ${samples.length} bootstrap samples give a usable value` };
  [out.lo, out.hi] = percentileInterval(kept, level);
  return out;
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
  warning?: string;
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
  const w = intervalWarning(report);
  if (w) out.warning = w;
  return out;
}

export interface ForLoss {
  C?: number;
  N?: number;
  D?: number;
  x?: number;
  loss: number;
  /** Bootstrap percentile intervals of C, N, D (frontier laws) or x, over the samples that reach the loss. */
  intervals?: Record<string, [number, number]>;
  /** Samples whose law never reaches the loss (floor above it): excluded from the intervals. */
  unreachable?: number;
  warning?: string;
}

/**
 * Smallest compute (on the frontier) or x (one-variable laws) that reaches `targetLoss`, with bootstrap
 * intervals when the report has samples. Solved by bisection in log space; throws when the target is at or
 * below the law's floor.
 */
export function computeForLoss(report: FitReport, targetLoss: number, opts: { flopsPerParamToken?: number; level?: number } = {}): ForLoss {
  const law = getLaw(report.law);
  if (!Number.isFinite(targetLoss)) throw new Error(`computeForLoss: targetLoss must be a finite number, got ${targetLoss}`);
  if (!law.frontier && law.variables.length !== 1) throw new Error(`computeForLoss: law ${law.name} has several variables and no frontier; use predict() on a grid instead`);
  const k = opts.flopsPerParamToken ?? 6;
  const point = solveForLoss(law.frontier === true, (p, v) => law.predict(p, { [law.variables[0]]: v }), report.params, targetLoss, k);
  if (typeof point === 'string') throw new Error(`computeForLoss: ${point}`);
  const out: ForLoss = point;
  const samples = report.bootstrap?.samples;
  if (samples?.length) {
    const solved = samples.map((s) => solveForLoss(law.frontier === true, (p, v) => law.predict(p, { [law.variables[0]]: v }), s, targetLoss, k));
    const ok = solved.filter((r): r is Exclude<typeof r, string> => typeof r !== 'string');
    if (ok.length < solved.length) out.unreachable = solved.length - ok.length;
    const level = opts.level ?? report.bootstrap!.level;
    if (ok.length >= 2) {
      out.intervals = {};
      for (const key of law.frontier ? ['C', 'N', 'D'] : ['x']) {
        out.intervals[key] = percentileInterval(ok.map((r) => r[key as 'C'] as number), level);
      }
    }
    if (out.unreachable && out.unreachable > 0.05 * solved.length) {
      out.warning = `${out.unreachable} of ${solved.length} bootstrap samples never reach loss ${targetLoss} (their floor is above it): the upper bound is infinite in effect`;
    }
  }
  const w = intervalWarning(report);
  if (w) out.warning = out.warning ? `${out.warning}; ${w}` : w;
  return out;
}

/** Bisection for one parameter set; a string explains why the loss is out of reach. */
function solveForLoss(
  frontier: boolean, predict1: (p: Record<string, number>, v: number) => number, params: Record<string, number>, targetLoss: number, k: number,
): { C?: number; N?: number; D?: number; x?: number; loss: number } | string {
  const g = frontier ? (lc: number) => frontierAt(params, Math.exp(lc), k).loss : (lx: number) => predict1(params, Math.exp(lx));
  let lo = Math.log(1e-30);
  let hi = Math.log(1e60);
  const gLo = g(lo);
  const gHi = g(hi);
  if (!(gHi <= targetLoss)) return `target ${targetLoss} is not reached even at 1e60 (the law levels off at about ${gHi}); pick a target above the floor`;
  if (gLo <= targetLoss) return `target ${targetLoss} is already reached at 1e-30; pick a lower target`;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = 0.5 * (lo + hi);
    if (g(mid) > targetLoss) lo = mid;
    else hi = mid;
  }
  const v = Math.exp(hi);
  if (frontier) {
    const f = frontierAt(params, v, k);
    return { C: v, N: f.N, D: f.D, loss: f.loss };
  }
  return { x: v, loss: g(hi) };
}
