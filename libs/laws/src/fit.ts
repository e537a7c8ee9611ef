/**
 * fitLaw: multi-start robust fit of one law, with convergence diagnostics and an optional bootstrap.
 * Pure and synchronous; deterministic given options.seed.
 */
import { assessIdentifiability, NEAR_EQUAL_REL } from './identifiability';
import { getLaw } from './laws/index';
import { minimize, type MinimizeResult } from './optimize';
import { buildProblem, makeObjective, toParams, toTheta, validateData, type Problem } from './problem';
import { mulberry32, percentileInterval, stdDev, streamSeed } from './stats';
import type { BootstrapResult, DroppedPoints, FitData, FitOptions, FitReport, LawDefinition, ResolvedFitOptions } from './types';

/** Grids larger than this are screened by default: every start is evaluated, the best AUTO_SCREEN optimised. */
export const SCREEN_ABOVE = 100;
export const AUTO_SCREEN = 20;

export function resolveOptions(options: FitOptions, law: LawDefinition): ResolvedFitOptions {
  if (!options || typeof options.law !== 'string') throw new Error('fitLaw: options.law must be a law name (see listLaws())');
  const num = (name: keyof FitOptions, v: unknown, def: number, check: (x: number) => boolean, expect: string): number => {
    if (v === undefined) return def;
    if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) throw new Error(`fitLaw: options.${String(name)} must be ${expect}, got ${String(v)}`);
    return v;
  };
  const isInt = (x: number) => Number.isInteger(x) && x >= 0;
  const starts = options.starts ?? law.defaultStarts;
  if (typeof starts === 'string' && !(starts in law.starts)) {
    throw new Error(`fitLaw: options.starts "${starts}" is not a start preset of law ${law.name} (presets: ${Object.keys(law.starts).join(', ')})`);
  }
  if (Array.isArray(starts) && starts.length === 0) throw new Error('fitLaw: options.starts must not be an empty list');
  const objective = options.objective ?? law.defaultObjective;
  if (!['huber-log', 'mse-log', 'mae-log', 'mse-log1p', 'mse'].includes(objective)) {
    throw new Error(`fitLaw: options.objective must be one of huber-log, mse-log, mae-log, mse-log1p, mse; got ${String(objective)}`);
  }
  const scale = options.scale ?? 'sum';
  if (scale !== 'sum' && scale !== 'mean') throw new Error(`fitLaw: options.scale must be 'sum' or 'mean', got ${String(scale)}`);
  const fixed = options.fixed ?? {};
  for (const [k, v] of Object.entries(fixed)) {
    const spec = law.params.find((p) => p.name === k);
    if (!spec) throw new Error(`fitLaw: options.fixed names "${k}", which is not a parameter of ${law.name} (${law.params.map((p) => p.name).join(', ')})`);
    if (!Number.isFinite(v) || (spec.scale === 'log' && v <= 0)) throw new Error(`fitLaw: options.fixed.${k} must be a finite${spec.scale === 'log' ? ' positive' : ''} number, got ${v}`);
  }
  return {
    law: law.name,
    delta: num('delta', options.delta, 1e-3, (x) => x > 0, 'a positive number'),
    starts,
    screen: options.screen === undefined ? null : num('screen', options.screen, 0, (x) => isInt(x) && x > 0, 'a positive integer'),
    bootstrap: num('bootstrap', options.bootstrap, 0, isInt, 'a non-negative integer'),
    seed: num('seed', options.seed, 1, Number.isInteger, 'an integer'),
    maxIterations: num('maxIterations', options.maxIterations, 1000, (x) => isInt(x) && x > 0, 'a positive integer'),
    objective,
    scale,
    gtol: num('gtol', options.gtol, 1e-10, (x) => x >= 0, 'a non-negative number'),
    ftol: num('ftol', options.ftol, 1e-14, (x) => x >= 0, 'a non-negative number'),
    ftolFloor: num('ftolFloor', options.ftolFloor, 0, (x) => x >= 0, 'a non-negative number'),
    convergenceTol: num('convergenceTol', options.convergenceTol, 1e-5, (x) => x > 0, 'a positive number'),
    fixed: { ...fixed },
    dropHighest: num('dropHighest', options.dropHighest, 0, isInt, 'a non-negative integer'),
    level: num('level', options.level, 0.95, (x) => x > 0 && x < 1, 'a number in (0, 1)'),
    timeBudgetMs: options.timeBudgetMs === undefined ? null : num('timeBudgetMs', options.timeBudgetMs, 0, (x) => x > 0, 'a positive number of milliseconds'),
  };
}

/** Start points in free optimiser coordinates. */
function startPoints(pb: Problem): Float64Array[] {
  const { law, free, options } = pb;
  if (Array.isArray(options.starts)) {
    return options.starts.map((s, i) => {
      const th = toTheta(law, { ...s, ...options.fixed }, `fitLaw: options.starts[${i}]`);
      return Float64Array.from(free.map((j) => th[j]));
    });
  }
  const grid = law.starts[options.starts];
  const axes = free.map((j) => grid[law.params[j].name]);
  const out: Float64Array[] = [];
  const idx = new Array(axes.length).fill(0);
  for (;;) {
    out.push(Float64Array.from(axes.map((a, k) => a[idx[k]])));
    let k = axes.length - 1;
    while (k >= 0 && ++idx[k] === axes[k].length) idx[k--] = 0;
    if (k < 0) break;
  }
  return out;
}

interface LocalFit extends MinimizeResult {
  converged: boolean;
  /** Projected gradient inf-norm of the sum-scaled objective. */
  sumGradNorm: number;
}

function runLocal(pb: Problem, objective: ReturnType<typeof makeObjective>, start: Float64Array): LocalFit {
  const o = pb.options;
  const r = minimize(objective, start, {
    lower: pb.lower, upper: pb.upper, maxIterations: o.maxIterations, gtol: o.gtol, ftol: o.ftol, ftolFloor: o.ftolFloor,
  });
  // Judge convergence on the sum-scaled gradient, whatever scale the optimiser saw (the loss-scale pitfall).
  const sumGradNorm = r.gradNorm * (o.scale === 'mean' ? pb.n : 1);
  const converged = Number.isFinite(r.f) && r.stop !== 'max-iterations' && r.stop !== 'non-finite-start' && sumGradNorm <= o.convergenceTol;
  return { ...r, converged, sumGradNorm };
}

/**
 * Applies the dropHighest outlier rule: drops exactly the k rows with the largest y. Ties at the cut are broken
 * by row order (earlier rows are dropped first), and the rule text says so.
 */
function applyDrop(data: FitData, k: number): { keep: number[]; dropped?: DroppedPoints } {
  const all = data.y.map((_, i) => i);
  if (k === 0) return { keep: all };
  if (k >= data.y.length) throw new Error(`fitLaw: options.dropHighest (${k}) must be smaller than the number of points (${data.y.length})`);
  const order = [...all].sort((a, b) => data.y[b] - data.y[a] || a - b);
  const gone = order.slice(0, k).sort((a, b) => a - b);
  const cut = data.y[order[k - 1]];
  const ties = all.filter((i) => data.y[i] === cut).length;
  const tieNote = ties > 1 && data.y[order[k]] === cut ? `; ${ties} rows tie at y = ${cut}, the earliest dropped` : '';
  const goneSet = new Set(gone);
  return {
    keep: all.filter((i) => !goneSet.has(i)),
    dropped: { rule: `drop the ${k} highest y (y >= ${cut}${tieNote})`, indices: gone, y: gone.map((i) => data.y[i]) },
  };
}

/** Groups identical rows (same inputs and value): each group is one run for resampling. Returns a group id per row. */
export function runGroups(law: LawDefinition, x: Record<string, number>[], y: number[]): { group: Int32Array; count: number } {
  const ids = new Map<string, number>();
  const group = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const key = `${law.variables.map((v) => x[i][v]).join(',')}|${y[i]}`;
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    group[i] = id;
  }
  return { group, count: ids.size };
}

/** Point evaluations (starts x points) above which screening first ranks starts on a subsample of points. */
const SCREEN_EVALUATIONS = 2e6;

/**
 * Evaluates every start and keeps the best k with distinct objective values (equal values are one plateau).
 * When starts x points is large (the BNSL grid has 163,840 starts), every start is first scored on an evenly
 * spaced subsample of the points, and the best 50k of those are scored again on all points.
 */
function screenStarts(pb: Problem, objective: ReturnType<typeof makeObjective>, starts: Float64Array[], k: number, x: Record<string, number>[], y: number[], w?: number[]): Float64Array[] {
  let pool = starts;
  if (starts.length * pb.n > SCREEN_EVALUATIONS && starts.length > 50 * k) {
    const m = Math.max(2 * pb.free.length, Math.floor(SCREEN_EVALUATIONS / starts.length));
    const step = pb.n / m;
    const idx = Array.from({ length: Math.min(m, pb.n) }, (_, i) => Math.floor(i * step));
    const sub = buildProblem(pb.law, idx.map((i) => x[i]), idx.map((i) => y[i]), pb.options, w && idx.map((i) => w[i]));
    pool = rank(sub, makeObjective(sub), starts).slice(0, 50 * k).map((e) => e.s);
  }
  const picked: { s: Float64Array; f: number }[] = [];
  for (const e of rank(pb, objective, pool)) {
    if (picked.length === k) break;
    const last = picked[picked.length - 1];
    if (last && Math.abs(e.f - last.f) <= 1e-12 * Math.abs(e.f)) continue;
    picked.push(e);
  }
  return picked.map((e) => e.s);
}

function rank(pb: Problem, objective: ReturnType<typeof makeObjective>, starts: Float64Array[]): { s: Float64Array; f: number }[] {
  return starts.map((s) => ({ s, f: objective(clampInto(s, pb), null) })).filter((e) => Number.isFinite(e.f)).sort((a, b) => a.f - b.f);
}

/** Fits a law to data: multi-start robust fit, optional bootstrap over runs, identifiability verdict. */
export function fitLaw(data: FitData, options: FitOptions): FitReport {
  const report = fitPointEstimate(data, options);
  const o = report.options;
  return finishReport(report, o.bootstrap > 0 ? runBootstrap(data, o, report.params, 0, o.bootstrap) : undefined);
}

/** The multi-start stage alone; finishReport completes the report (bootstrap, identifiability). */
export function fitPointEstimate(data: FitData, options: FitOptions): FitReport {
  const law = getLaw(options?.law);
  const o = resolveOptions(options, law);
  validateData(data, law, o.objective);
  const { keep, dropped } = applyDrop(data, o.dropHighest);
  const nFree = law.params.length - Object.keys(o.fixed).length;
  if (keep.length < nFree) {
    throw new Error(`fitLaw: law ${law.name} has ${nFree} free parameters but only ${keep.length} usable points; need at least ${nFree}`);
  }
  const x = keep.map((i) => data.x[i]);
  const y = keep.map((i) => data.y[i]);
  const pb = buildProblem(law, x, y, o, data.w && keep.map((i) => data.w![i]));
  const objective = makeObjective(pb);
  const diagnostics: string[] = [];

  let starts = startPoints(pb);
  const gridSize = starts.length;
  const screen = o.screen ?? (starts.length > SCREEN_ABOVE ? AUTO_SCREEN : o.starts === law.defaultStarts ? law.screen ?? null : null);
  if (screen !== null && screen < starts.length) {
    starts = screenStarts(pb, objective, starts, screen, x, y, pb.pointWeights ? Array.from(pb.pointWeights) : undefined);
    diagnostics.push(`screened ${gridSize} starts by objective, optimised the best ${starts.length} distinct ones`);
  }

  // performance.now(): sub-millisecond, so a budget shorter than one start stops after the first even when it took < 1 ms.
  const began = performance.now();
  const locals: LocalFit[] = [];
  let best: LocalFit | null = null;
  let nConverged = 0;
  let iterations = 0;
  let skippedForTime = 0;
  for (let i = 0; i < starts.length; i++) {
    if (o.timeBudgetMs !== null && i > 0 && performance.now() - began > o.timeBudgetMs) {
      skippedForTime = starts.length - i;
      break;
    }
    const r = runLocal(pb, objective, starts[i]);
    iterations += r.iterations;
    options.onProgress?.(i + 1, starts.length);
    if (!Number.isFinite(r.f)) continue;
    locals.push(r);
    if (r.converged) nConverged++;
    if (!best || r.f < best.f) best = r;
  }
  if (!best) throw new Error(`fitLaw: every start of law ${law.name} gave a non-finite objective; check the data ranges and the start preset`);
  const bestF = best.f;
  const basinTol = 1e-6 * Math.abs(bestF) + 1e-14;
  const inBest = locals.filter((r) => r.f - bestF <= basinTol).length;
  if (skippedForTime) diagnostics.push(`time budget of ${o.timeBudgetMs} ms reached: ${skippedForTime} of ${starts.length} starts not optimised (the best of ${starts.length - skippedForTime} is reported)`);

  const toFull = (z: Float64Array) => {
    const theta = Float64Array.from(pb.thetaTemplate);
    pb.free.forEach((j, k) => (theta[j] = z[k]));
    return toParams(law, theta);
  };
  const params = toFull(best.x);
  const sumObjective = best.f * (o.scale === 'mean' ? pb.n : 1);

  if (!best.converged) {
    diagnostics.push(
      `NOT CONVERGED: optimiser stopped (${best.stop}) with gradient norm ${best.sumGradNorm.toExponential(3)} on the sum-scaled objective (> ${o.convergenceTol}); the parameters are not an optimum`,
    );
  }
  if (o.scale === 'mean') diagnostics.push('objective averaged over points (scale=mean): tolerances see an objective n times smaller');
  if (inBest === 1 && starts.length > 1) diagnostics.push('only one start reached the best objective: the optimum may be fragile');
  const pinned: Record<string, string> = {};
  const yFloor = Math.min(...y.map(Math.abs));
  for (const [j, spec] of law.params.entries()) {
    const k = pb.free.indexOf(j);
    if (k >= 0 && (best.x[k] === pb.lower[k] || best.x[k] === pb.upper[k])) {
      diagnostics.push(`parameter ${spec.name} is at its bound (${params[spec.name]})`);
      pinned[spec.name] = `at its bound ${params[spec.name]}`;
    } else if (k >= 0 && spec.scale === 'log' && spec.lower === 0 && params[spec.name] < 1e-9 * yFloor) {
      // A log-scale parameter has no finite lower bound in theta, so "at 0" shows as a vanishing value.
      diagnostics.push(`parameter ${spec.name} went to 0 (${params[spec.name].toExponential(2)}): the data do not determine it (e.g. no visible floor); read the other parameters with care or use a law without it`);
      pinned[spec.name] = 'went to 0';
    }
  }
  const near = locals.filter((r) => r.converged && r.f - bestF <= NEAR_EQUAL_REL * Math.abs(bestF) + 1e-14).map((r) => toFull(r.x));
  const groups = runGroups(law, x, y);
  if (groups.count < y.length) {
    diagnostics.push(`${y.length - groups.count} row${y.length - groups.count > 1 ? 's repeat' : ' repeats'} another row exactly (same inputs and value): fitted as given, resampled as one run; ${groups.count} distinct runs`);
  }

  const { r2, rmsle } = goodness(law, params, x, y);
  const report: FitReport = {
    law: law.name,
    formula: law.formula,
    params,
    objective: sumObjective,
    objectiveKind: o.objective,
    converged: best.converged,
    gradNorm: best.sumGradNorm,
    iterations,
    stopReason: best.stop,
    starts: starts.length - skippedForTime,
    startsConverged: nConverged,
    startsInBestBasin: inBest,
    nPoints: pb.n,
    r2,
    rmsle,
    identifiability: { verdict: 'identified', undetermined: [], parameters: {}, nearEqualBasins: 0, distinctRuns: groups.count, runsPerParameter: groups.count / Math.max(1, nFree) },
    diagnostics,
    options: o,
  };
  if (gridSize !== starts.length) report.screenedStarts = gridSize;
  if (skippedForTime) report.startsSkippedForTime = skippedForTime;
  if (groups.count < y.length) report.duplicateRows = y.length - groups.count;
  if (dropped) report.dropped = dropped;
  // Kept out of the JSON report (large); finishReport needs them to judge identifiability.
  Object.defineProperty(report, FIT_CONTEXT, { value: { near, pinned } satisfies FitContext, enumerable: false });
  return report;
}

/** What the multi-start stage saw, carried (not serialised) from fitLaw to finishReport. */
interface FitContext {
  near: Record<string, number>[];
  pinned: Record<string, string>;
}
const FIT_CONTEXT = Symbol('fitContext');

/**
 * Attaches bootstrap results (when given) and the identifiability verdict to a report. Used by fitLaw and by
 * the parallel entry after its worker threads return.
 */
export function finishReport(report: FitReport, chunk?: BootstrapChunk): FitReport {
  const law = getLaw(report.law);
  const o = report.options;
  if (chunk) {
    report.bootstrap = summarizeBootstrap(law, chunk.samples, chunk.notConverged, o.level, chunk.degenerate, chunk.distinctRuns);
    if (chunk.notConverged > 0) report.diagnostics.push(`${chunk.notConverged} of ${chunk.samples.length} bootstrap refits did not converge (kept in the intervals)`);
  }
  const ctx = (report as unknown as Record<symbol, FitContext | undefined>)[FIT_CONTEXT] ?? { near: [], pinned: {} };
  const { identifiability, diagnostics } = assessIdentifiability({
    law, params: report.params, fixed: Object.keys(o.fixed), pinned: ctx.pinned, nearMinima: ctx.near, bootstrap: report.bootstrap,
    distinctRuns: report.identifiability.distinctRuns,
  });
  report.identifiability = identifiability;
  report.diagnostics.push(...diagnostics);
  return report;
}

function clampInto(s: Float64Array, pb: Problem): Float64Array {
  return s.map((v, k) => Math.min(Math.max(v, pb.lower[k]), pb.upper[k]));
}

function goodness(law: LawDefinition, p: Record<string, number>, x: Record<string, number>[], y: number[]): { r2: number; rmsle: number } {
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  let ssr = 0;
  let sst = 0;
  let sl = 0;
  for (let i = 0; i < y.length; i++) {
    const pr = law.predict(p, x[i]);
    ssr += (y[i] - pr) ** 2;
    sst += (y[i] - mean) ** 2;
    sl += (Math.log(pr) - Math.log(y[i])) ** 2;
  }
  return { r2: 1 - ssr / sst, rmsle: Math.sqrt(sl / y.length) };
}

export interface BootstrapChunk {
  samples: Record<string, number>[];
  notConverged: number;
  /** Resamples skipped because they drew fewer distinct runs than free parameters. */
  degenerate: number;
  distinctRuns: number;
}

/**
 * Bootstrap refits [from, to) over runs: resample b draws as many runs as there are distinct runs (identical
 * rows are one run) with replacement from its own seeded stream, and refits from the full-data optimum.
 * A resample with fewer distinct runs than free parameters cannot determine them: it is counted, not refitted.
 * Independent of how resamples are split (used by the parallel entry).
 */
export function runBootstrap(data: FitData, o: ResolvedFitOptions, best: Record<string, number>, from: number, to: number): BootstrapChunk {
  const law = getLaw(o.law);
  const { keep } = applyDrop(data, o.dropHighest);
  const x = keep.map((i) => data.x[i]);
  const y = keep.map((i) => data.y[i]);
  const pb = buildProblem(law, x, y, o, data.w && keep.map((i) => data.w![i]));
  const th = toTheta(law, best, 'runBootstrap: best');
  const start = Float64Array.from(pb.free.map((j) => th[j]));
  const { group, count } = runGroups(law, x, y);
  const members: number[][] = Array.from({ length: count }, () => []);
  group.forEach((gid, i) => members[gid].push(i));
  const weights = new Float64Array(pb.n);
  const drawn = new Int32Array(count);
  const objective = makeObjective(pb, weights);
  const samples: Record<string, number>[] = [];
  let notConverged = 0;
  let degenerate = 0;
  for (let b = from; b < to; b++) {
    const rng = mulberry32(streamSeed(o.seed, b));
    weights.fill(0);
    drawn.fill(0);
    let distinct = 0;
    for (let k = 0; k < count; k++) {
      const gid = Math.floor(rng() * count);
      if (drawn[gid]++ === 0) distinct++;
      for (const i of members[gid]) weights[i]++;
    }
    if (distinct < pb.free.length) {
      degenerate++;
      continue;
    }
    const r = runLocal(pb, objective, start);
    if (!r.converged) notConverged++;
    const theta = Float64Array.from(pb.thetaTemplate);
    pb.free.forEach((j, k) => (theta[j] = r.x[k]));
    samples.push(toParams(law, theta));
  }
  return { samples, notConverged, degenerate, distinctRuns: count };
}

export function summarizeBootstrap(
  law: LawDefinition, samples: Record<string, number>[], notConverged: number, level: number, degenerate = 0, distinctRuns = Number.NaN,
): BootstrapResult {
  const intervals: Record<string, [number, number]> = {};
  const se: Record<string, number> = {};
  for (const p of law.params) {
    const v = samples.map((s) => s[p.name]);
    intervals[p.name] = percentileInterval(v, level);
    se[p.name] = stdDev(v);
  }
  return { samples, intervals, se, resamples: samples.length, notConverged, degenerate, distinctRuns, level };
}
