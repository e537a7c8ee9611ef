/**
 * Adaptive: buy the points that most reduce the variance of the sweep's target quantity per FLOP.
 *
 * The fit's bootstrap ensemble stands in for the posterior over law parameters. The target t is the
 * log-loss at spec.target (or the compute-optimal exponent β/(α+β) for a frontier target); g_x is
 * a candidate's predicted log-loss. Observing x with noise σ² (the fit's rmsle) shrinks Var(t) by
 * K(t,x)² / (K(x,x) + σ²) (linear-Gaussian update), where K is the ensemble covariance *localised*
 * to ℓ = 1 decade of the law's inputs (Schur taper, as in ensemble Kalman filters): the law is
 * only approximately right, so a run many decades from the target says little about it, however
 * cheaply it pins the parameters. (Without the taper, per-FLOP scoring buys only the tiniest runs,
 * whose misfit then biases the extrapolation: measured in bench/planner.) Points are picked
 * greedily by gain per charged FLOP; after each pick K is conditioned on it, so near-duplicates
 * lose their value and the batch stays diverse. Spending follows a schedule (schedule.ts): each
 * batch may commit 1.5× the FLOPs committed before it, split over its slots, so compute grows
 * geometrically and a fit after any prefix of the sweep has runs at several scales; the batch that
 * may spend everything left (the last rung) may put it into one run.
 * Before a usable fit exists, the planner seeds with IsoFLOP-like slices (seed-design.ts) under
 * 1/16 of the FLOP budget, then cheap maximin points if the slices run out.
 */
import { committedFlops, fill, finitePool, fmt } from '../pool';
import { createRng, mixSeed } from '../rng';
import { sobolPoints } from '../sobol';
import { configFromUnit, configKey, lawInputs, lawVariables, paramsOf, spaceDims, toCandidate } from '../space';
import { batchAllowance, lastRung, seedPointCap } from '../schedule';
import { sliceSeed } from '../seed-design';
import { lawPredictor, readFit, type FitView } from '../forms';
import { assimilate, taper, type InFlight } from '../assimilate';
import { predictFinal } from '../partial';
import type { Candidate, PlannerOutput, Strategy, StrategyContext } from '../types';

const ADAPTIVE_SALT = 0x41444150;
/** Candidates drawn from a continuous space. */
const CONTINUOUS_CANDIDATES = 256;
/** Seed design: IsoFLOP-like slices (see seed-design.ts): 2 slices × 4 runs, enough for a first 5-parameter fit. */
export const SEED_SLICES = 2;
export const SEED_PER_SLICE = 4;
/** Adjacent seed slices differ by this factor in compute. */
const SEED_RATIO = 3;
/** Stop when the best candidate would shrink the target variance by less than this fraction. */
const MIN_RELATIVE_GAIN = 1e-3;
/** Log-loss noise floor when the fit reports no residual scale. */
const DEFAULT_SIGMA = 0.02;
/** Localisation length ℓ in decades of the law's inputs (see `localize`). */
export const LOCALIZATION_DECADES = 1;

function candidates(ctx: StrategyContext): Candidate[] {
  const pool = finitePool(ctx.input, ctx.hooks);
  if (pool) return pool;
  const { spec, planned } = ctx.input;
  const seen = new Set(planned.map(configKey));
  const out: Candidate[] = [];
  // A fixed seeded Sobol design over the space: the same candidates every batch.
  for (const u of sobolPoints(spaceDims(spec).length, 1, CONTINUOUS_CANDIDATES, mixSeed(spec.planner.seed, ADAPTIVE_SALT))) {
    const c = configFromUnit(spec, u);
    const k = configKey(c);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(toCandidate(spec, c, ctx.hooks));
  }
  return out;
}

const dist2 = (a: number[], b: number[]) => a.reduce((s, x, j) => s + (x - b[j]) ** 2, 0);

/**
 * Seed phase: IsoFLOP-like slices under the seed's per-point cap (its share of the budget; the
 * cheap half of the candidates without a budget), then, if the slices run out, cheap points spread
 * by maximin distance in the (log-)unit cube.
 */
function seed(ctx: StrategyContext, pool: Candidate[], why: string): PlannerOutput {
  const { spec, planned, batchIndex } = ctx.input;
  const rng = createRng(mixSeed(spec.planner.seed, batchIndex, ADAPTIVE_SALT));
  const costs = pool.map((c) => c.estFlops).sort((a, b) => a - b);
  const median = costs[Math.floor((costs.length - 1) / 2)] ?? Infinity;
  const budgetCap = seedPointCap(spec.budget.flops, SEED_PER_SLICE * SEED_SLICES);
  const cap = Math.min(Number.isFinite(budgetCap) ? budgetCap : median, ctx.flopsLeft);
  const placedC = planned.map((c) => toCandidate(spec, c, ctx.hooks));
  const logN = (c: Candidate) => Math.log(paramsOf(spec, c.config, ctx.hooks));
  const ordered = sliceSeed(pool, placedC, { cap, slices: SEED_SLICES, perSlice: SEED_PER_SLICE, ratio: SEED_RATIO }, rng, logN);
  const reasons = new Map<Candidate, string>(ordered.map((c) => [c, `seed: IsoFLOP-slice point at ${fmt(c.estFlops)} FLOPs (${why})`]));
  const free = pool.filter((c) => c.estFlops <= Math.min(median, ctx.flopsLeft) && !ordered.includes(c));
  const placed = [...placedC, ...ordered].map((c) => c.unit);
  while (free.length > 0 && ordered.length < ctx.slots) {
    let best = 0;
    if (placed.length === 0) {
      const u = spaceDims(spec).map(() => rng());
      free.forEach((c, i) => dist2(c.unit, u) < dist2(free[best].unit, u) && (best = i));
    } else {
      let bestD = -1;
      free.forEach((c, i) => {
        const d = Math.min(...placed.map((p) => dist2(c.unit, p)));
        if (d > bestD) [best, bestD] = [i, d];
      });
    }
    const [c] = free.splice(best, 1);
    ordered.push(c);
    placed.push(c.unit);
    reasons.set(c, `space-filling seed point (${why})`);
  }
  const { points } = fill(ordered, ctx, (c) => reasons.get(c)!);
  if (points.length > 0) return { points };
  return { points, stop: `FLOP budget exhausted before a law could be fitted (${why})` };
}

/** A point of the law's inputs as people write it: `N=5.5e9, D=6.7e10`. */
const pointText = (at: Record<string, number>): string =>
  Object.entries(at)
    .map(([k, v]) => `${k}=${Math.abs(v) >= 1e4 ? v.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e') : String(+v.toPrecision(4))}`)
    .join(', ');

/** The scalar the sweep wants to know, as a function of law parameters. */
function targetFn(
  ctx: StrategyContext,
  fit: FitView,
  pool: Candidate[],
): { fn: (p: Record<string, number>) => number; label: string; log: boolean; at?: Record<string, number> } {
  const { spec } = ctx.input;
  const predict = lawPredictor(fit.law)!;
  const t = spec.target;
  if (t?.kind === 'frontier' && fit.law === 'chinchilla')
    return { fn: (p) => p.beta / (p.alpha + p.beta), label: 'compute-optimal exponent a = β/(α+β)', log: false };
  if (t?.kind === 'loss') return { fn: (p) => Math.log(predict(p, t.at)), label: `loss at ${pointText(t.at)}`, log: true, at: t.at };
  // No usable target: the largest point of the space (where extrapolation is asked of a law).
  const vars = lawVariables(spec);
  const at: Record<string, number> = {};
  for (const c of pool) for (const [k, v] of Object.entries(lawInputs(spec, c.config, ctx.hooks, vars))) at[k] = Math.max(at[k] ?? 0, v);
  return { fn: (p) => Math.log(predict(p, at)), label: `loss at the largest point ${pointText(at)}`, log: true, at };
}

function mean(xs: Float64Array): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}
function cov(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s / (a.length - 1);
}
function quantile(sorted: number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (i - lo);
}

/**
 * Covariance localisation (Schur product with a Gaussian taper, as in ensemble Kalman filters):
 * K(i,j) *= exp(−d²/2ℓ²) for d the distance in decades. A missing location (a frontier target)
 * is not tapered.
 */
function localize(K: Float64Array, M: number, locs: (Record<string, number> | undefined)[], length: number): void {
  for (let i = 0; i < M; i++) {
    for (let j = i + 1; j < M; j++) {
      const f = taper(locs[i], locs[j], length);
      K[i * M + j] *= f;
      K[j * M + i] *= f;
    }
  }
}

/** Conditions K on observing index x with noise σ² (rank-one Gaussian update). */
function condition(K: Float64Array, M: number, x: number, sigma2: number): void {
  const kx = K.slice(x * M, x * M + M);
  const s = kx[x] + sigma2;
  for (let i = 0; i < M; i++) for (let j = 0; j < M; j++) K[i * M + j] -= (kx[i] * kx[j]) / s;
}

/**
 * Greedy batch: repeatedly take the candidate with the largest variance reduction of the target
 * per charged FLOP (cost, at least chargeFloor), among candidates costing at most pointCap,
 * conditioning K on each pick (batch diversity).
 * K is conditioned in place.
 */
export function greedyBatch(
  K: Float64Array,
  M: number,
  pool: Candidate[],
  o: { slots: number; allowance: number; pointCap: number; chargeFloor: number; sigma2: number },
): { chosen: Candidate[]; gains: number[]; varT: number } {
  const var0 = K[0];
  const chosen: Candidate[] = [];
  const gains: number[] = [];
  const taken = new Set<number>();
  let left = o.allowance;
  let varT = var0;
  while (chosen.length < o.slots) {
    let best = -1;
    let bestScore = 0;
    let bestGain = 0;
    for (let i = 0; i < pool.length; i++) {
      const cost = pool[i].estFlops;
      if (taken.has(i) || cost > left || cost > o.pointCap) continue;
      const x = i + 1;
      const gain = K[x] ** 2 / (K[x * M + x] + o.sigma2);
      const score = gain / Math.max(cost, o.chargeFloor);
      if (score > bestScore) [best, bestScore, bestGain] = [i, score, gain];
    }
    if (best < 0 || bestGain < MIN_RELATIVE_GAIN * var0) break;
    condition(K, M, best + 1, o.sigma2);
    taken.add(best);
    chosen.push(pool[best]);
    gains.push(bestGain / varT);
    varT = K[0];
    left -= pool[best].estFlops;
  }
  return { chosen, gains, varT };
}

export const adaptiveStrategy: Strategy = {
  kind: 'adaptive',
  choose(ctx) {
    const { spec } = ctx.input;
    const pool = candidates(ctx);
    if (pool.length === 0) return { points: [], stop: 'no unplanned candidate left in the space' };
    const fit = readFit(ctx.input.fit);
    if (typeof fit === 'string') return seed(ctx, pool, fit);

    const predict = lawPredictor(fit.law)!;
    const vars = lawVariables(spec);
    const target = targetFn(ctx, fit, pool);
    // Trials in flight (planned, no result yet): coming observations the planner must not duplicate.
    const flying = ctx.input.planned.slice(ctx.input.results.length);
    const fx = flying.map((c) => lawInputs(spec, c, ctx.hooks, vars));
    // Ensemble members that give finite values everywhere we look.
    const xs = pool.map((c) => lawInputs(spec, c.config, ctx.hooks, vars));
    const members = fit.samples.filter((p) => Number.isFinite(target.fn(p)) && [...xs, ...fx].every((x) => predict(p, x) > 0));
    if (members.length < 10) return seed(ctx, pool, `only ${members.length} usable bootstrap samples`);
    const B = members.length;
    const sigma2 = Math.max(fit.rmsle ?? DEFAULT_SIGMA, 1e-3) ** 2;

    // Rows of member values: index 0 is the target, 1..P the candidates' log-loss predictions,
    // then the in-flight trials' (assimilated, then dropped: see assimilate.ts).
    const rows: Float64Array[] = [Float64Array.from(members, target.fn)];
    for (const x of [...xs, ...fx]) rows.push(Float64Array.from(members, (p) => Math.log(predict(p, x))));
    const curves = new Map((ctx.input.running ?? []).map((r) => [configKey(r.config), r]));
    let predicted = 0;
    const inFlight: InFlight[] = flying.map((c, j) => {
      const run = curves.get(configKey(c));
      const pred = run ? predictFinal(run.curve, run.totalSteps) : undefined;
      if (!pred || 'skip' in pred) return { row: 1 + pool.length + j };
      predicted++;
      return { row: 1 + pool.length + j, y: Math.log(pred.value), yVar: pred.sdLog ** 2 };
    });
    assimilate(rows, [target.at, ...xs, ...fx], inFlight, { sigma2, length: LOCALIZATION_DECADES });
    rows.length = 1 + pool.length;
    const flightNote = flying.length > 0 ? `, counting ${flying.length} trials in flight (${predicted} with a final predicted from their partial curves)` : '';
    const targetValues = [...rows[0]].sort((a, b) => a - b);
    for (const r of rows) {
      const m = mean(r);
      for (let b = 0; b < B; b++) r[b] -= m;
    }

    // Tolerance rule: the target's 95% bootstrap interval, relative to its median.
    const tol = spec.planner.tolerance;
    const med = quantile(targetValues, 0.5);
    const [lo, hi] = [quantile(targetValues, 0.025), quantile(targetValues, 0.975)];
    const rel = target.log ? (Math.exp(hi - lo) - 1) / 2 : (hi - lo) / 2 / Math.abs(med);
    if (tol !== undefined && rel < tol)
      return { points: [], stop: `target interval ±${(rel * 100).toFixed(2)}% (${target.label}) is within the tolerance ±${(tol * 100).toFixed(2)}%${flightNote}` };

    // Joint covariance K over [target, candidates] from the ensemble, localised in decades.
    const M = pool.length + 1;
    const K = new Float64Array(M * M);
    for (let i = 0; i < M; i++) for (let j = i; j < M; j++) K[i * M + j] = K[j * M + i] = cov(rows[i], rows[j]);
    localize(K, M, [target.at, ...xs], LOCALIZATION_DECADES);

    const var0 = K[0];
    // Budget-aware schedule: this batch may spend GROWTH × what was committed before it; each
    // point costs at most allowance/slots and is charged at least that, so a cheap run must
    // earn its slot. The per-point cap exists to keep the ladder climbing geometrically; once the
    // batch may spend everything left (the last rung), it is lifted: one run may take the whole
    // rest, so the budget's end buys the runs nearest the target's compute instead of more cheap,
    // short runs (where the law fits worst). If nothing qualifies, the whole budget left is offered.
    const costs = pool.map((c) => c.estFlops).sort((a, b) => a - b);
    const start = ctx.slots * costs[Math.floor((costs.length - 1) / 2)];
    const allowance = batchAllowance(committedFlops(ctx.input, ctx.hooks), ctx.flopsLeft, start);
    const share = allowance / ctx.slots;
    const pointCap = lastRung(allowance, ctx.flopsLeft) ? allowance : share;
    let pick = greedyBatch(K, M, pool, { slots: ctx.slots, allowance, pointCap, chargeFloor: share, sigma2 });
    if (pick.chosen.length === 0 && allowance < ctx.flopsLeft)
      pick = greedyBatch(K, M, pool, { slots: ctx.slots, allowance: ctx.flopsLeft, pointCap: ctx.flopsLeft, chargeFloor: 0, sigma2 });
    const { chosen, gains, varT } = pick;
    if (chosen.length === 0) {
      const affordable = pool.some((c) => c.estFlops <= ctx.flopsLeft);
      return {
        points: [],
        stop: affordable
          ? `no candidate reduces the variance of the ${target.label} by ${MIN_RELATIVE_GAIN * 100}% or more (interval ±${(rel * 100).toFixed(2)}%)`
          : `FLOP budget exhausted: ${fmt(ctx.flopsLeft)} FLOPs left, every remaining candidate costs more`,
      };
    }
    const sd = (v: number) => (target.log ? `±${((Math.exp(Math.sqrt(v)) - 1) * 100).toFixed(2)}%` : `±${fmt(Math.sqrt(v))}`);
    return {
      points: chosen.map((c, i) => ({
        config: c.config,
        estFlops: c.estFlops,
        reason: `adaptive: cuts the variance of the ${target.label} by ${(gains[i] * 100).toFixed(1)}% for ${fmt(c.estFlops)} FLOPs (sd ${sd(var0)} → ${sd(varT)} after this batch${flightNote})`,
      })),
    };
  },
};
