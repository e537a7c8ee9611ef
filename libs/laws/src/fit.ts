/**
 * fitLaw: multi-start robust fit of one law, with convergence diagnostics and an optional bootstrap.
 * Pure and synchronous; deterministic given options.seed.
 */
import { getLaw } from './laws/index';
import { minimize, type MinimizeResult } from './optimize';
import { buildProblem, makeObjective, toParams, toTheta, validateData, type Problem } from './problem';
import { mulberry32, percentileInterval, stdDev, streamSeed } from './stats';
import type { BootstrapResult, DroppedPoints, FitData, FitOptions, FitReport, LawDefinition, ResolvedFitOptions } from './types';

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

/** Applies the dropHighest outlier rule: keep points strictly below the k-th largest y. */
function applyDrop(data: FitData, k: number): { keep: number[]; dropped?: DroppedPoints } {
  const all = data.y.map((_, i) => i);
  if (k === 0) return { keep: all };
  if (k >= data.y.length) throw new Error(`fitLaw: options.dropHighest (${k}) must be smaller than the number of points (${data.y.length})`);
  const threshold = [...data.y].sort((a, b) => b - a)[k - 1];
  const keep = all.filter((i) => data.y[i] < threshold);
  const gone = all.filter((i) => data.y[i] >= threshold);
  return { keep, dropped: { rule: `drop the ${k} highest y (keep y < ${threshold})`, indices: gone, y: gone.map((i) => data.y[i]) } };
}

export function fitLaw(data: FitData, options: FitOptions): FitReport {
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
  const pb = buildProblem(law, x, y, o);
  const objective = makeObjective(pb);
  const diagnostics: string[] = [];

  let starts = startPoints(pb);
  if (o.screen !== null && o.screen < starts.length) {
    const g = new Float64Array(pb.free.length);
    const scored = starts.map((s) => ({ s, f: objective(clampInto(s, pb), g) })).filter((e) => Number.isFinite(e.f));
    scored.sort((a, b) => a.f - b.f);
    diagnostics.push(`screened ${starts.length} starts by objective, optimised the best ${o.screen}`);
    starts = scored.slice(0, o.screen).map((e) => e.s);
  }

  let best: LocalFit | null = null;
  const finals: number[] = [];
  let nConverged = 0;
  let iterations = 0;
  for (const s of starts) {
    const r = runLocal(pb, objective, s);
    iterations += r.iterations;
    if (!Number.isFinite(r.f)) continue;
    finals.push(r.f);
    if (r.converged) nConverged++;
    if (!best || r.f < best.f) best = r;
  }
  if (!best) throw new Error(`fitLaw: every start of law ${law.name} gave a non-finite objective; check the data ranges and the start preset`);
  const basinTol = 1e-6 * Math.abs(best.f) + 1e-14;
  const inBest = finals.filter((f) => f - best.f <= basinTol).length;

  const theta = Float64Array.from(pb.thetaTemplate);
  pb.free.forEach((j, k) => (theta[j] = best.x[k]));
  const params = toParams(law, theta);
  const sumObjective = best.f * (o.scale === 'mean' ? pb.n : 1);

  if (!best.converged) {
    diagnostics.push(
      `NOT CONVERGED: optimiser stopped (${best.stop}) with gradient norm ${best.sumGradNorm.toExponential(3)} on the sum-scaled objective (> ${o.convergenceTol}); the parameters are not an optimum`,
    );
  }
  if (o.scale === 'mean') diagnostics.push('objective averaged over points (scale=mean): tolerances see an objective n times smaller');
  if (inBest === 1 && starts.length > 1) diagnostics.push('only one start reached the best objective: the optimum may be fragile');
  for (const [j, spec] of law.params.entries()) {
    const k = pb.free.indexOf(j);
    if (k >= 0 && (best.x[k] === pb.lower[k] || best.x[k] === pb.upper[k])) diagnostics.push(`parameter ${spec.name} is at its bound (${params[spec.name]})`);
    // A log-scale parameter has no finite lower bound in theta, so "at 0" shows as a vanishing value.
    else if (spec.scale === 'log' && spec.lower === 0 && params[spec.name] < 1e-9 * Math.min(...y.map(Math.abs))) {
      diagnostics.push(`parameter ${spec.name} went to 0 (${params[spec.name].toExponential(2)}): the data do not determine it (e.g. no visible floor); read the other parameters with care or use a law without it`);
    }
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
    starts: starts.length,
    startsConverged: nConverged,
    startsInBestBasin: inBest,
    nPoints: pb.n,
    r2,
    rmsle,
    diagnostics,
    options: o,
  };
  if (dropped) report.dropped = dropped;
  if (o.bootstrap > 0) {
    const chunk = runBootstrap(data, o, params, 0, o.bootstrap);
    report.bootstrap = summarizeBootstrap(law, chunk.samples, chunk.notConverged, o.level);
    if (chunk.notConverged > 0) diagnostics.push(`${chunk.notConverged} of ${o.bootstrap} bootstrap refits did not converge (kept in the intervals)`);
  }
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

/**
 * Bootstrap refits [from, to) over runs: resample b draws n points with replacement from its own seeded stream
 * and refits from the full-data optimum. Independent of how resamples are split (used by the parallel entry).
 */
export function runBootstrap(
  data: FitData, o: ResolvedFitOptions, best: Record<string, number>, from: number, to: number,
): { samples: Record<string, number>[]; notConverged: number } {
  const law = getLaw(o.law);
  const { keep } = applyDrop(data, o.dropHighest);
  const pb = buildProblem(law, keep.map((i) => data.x[i]), keep.map((i) => data.y[i]), o);
  const th = toTheta(law, best, 'runBootstrap: best');
  const start = Float64Array.from(pb.free.map((j) => th[j]));
  const weights = new Float64Array(pb.n);
  const objective = makeObjective(pb, weights);
  const samples: Record<string, number>[] = [];
  let notConverged = 0;
  for (let b = from; b < to; b++) {
    const rng = mulberry32(streamSeed(o.seed, b));
    weights.fill(0);
    for (let i = 0; i < pb.n; i++) weights[Math.floor(rng() * pb.n)]++;
    const r = runLocal(pb, objective, start);
    if (!r.converged) notConverged++;
    const theta = Float64Array.from(pb.thetaTemplate);
    pb.free.forEach((j, k) => (theta[j] = r.x[k]));
    samples.push(toParams(law, theta));
  }
  return { samples, notConverged };
}

export function summarizeBootstrap(law: LawDefinition, samples: Record<string, number>[], notConverged: number, level: number): BootstrapResult {
  const intervals: Record<string, [number, number]> = {};
  const se: Record<string, number> = {};
  for (const p of law.params) {
    const v = samples.map((s) => s[p.name]);
    intervals[p.name] = percentileInterval(v, level);
    se[p.name] = stdDev(v);
  }
  return { samples, intervals, se, resamples: samples.length, notConverged, level };
}
