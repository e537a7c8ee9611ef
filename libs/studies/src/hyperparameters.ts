/**
 * Hyperparameter scaling laws: Li et al. 2025, "Predictable Scale: Part I — Optimal Hyperparameter Scaling
 * Law in Large Language Model Pretraining" (Step Law, arXiv:2503.04715): the optimal peak learning rate
 * η*(N, D) = a·N^α·D^β and batch size B*(D) = b·D^γ (their eq. 1–2; published a = 1.79, α = −0.713,
 * β = 0.307, b = 0.58, γ = 0.571 with B in tokens).
 *
 * Per (N, D) the optimum is located by a fit, not the grid's argmin: a quadratic surface in (ln η, ln B)
 * fitted by least squares to the final losses, whose stationary point is (ln η*, ln B*); its interval comes
 * from a residual bootstrap of that surface. The surface's cross term also gives how the best LR moves with
 * the batch size, d(ln η*)/d(ln B) (0.5 is the square-root rule, 1 the linear rule; "Learning Rates as a
 * Function of Batch Size", Granziol et al. 2022). The power laws are then least-squares lines in logs across
 * the (N, D) groups; replicate r of every group's optimum gives replicate r of the laws, so their intervals
 * carry the optima's uncertainty.
 */
import { mulberry32, percentileInterval } from '@slab/laws';

/** One finished trial: its model size, tokens, peak LR, batch size (sequences) and final loss. */
export interface HyperparameterRun {
  /** N, parameters. */
  params: number;
  /** D, training tokens. */
  data: number;
  learningRate: number;
  /** Sequences per step. */
  batchSize: number;
  /** Final loss; null for a diverged run or a missing value (left out of the surface, counted). */
  loss: number | null;
}

export interface Estimate {
  value: number;
  lo: number;
  hi: number;
}

/** The optimum of one (N, D) group. */
export interface GroupOptimum {
  params: number;
  data: number;
  /** Runs in the group, those with a finite loss, and the best of them the surface is fitted to. */
  runs: number;
  finished: number;
  fitted: number;
  /** Best grid point, for comparison with the fitted optimum. */
  gridBest: { learningRate: number; batchSize: number; loss: number } | null;
  /**
   * η*: at the surface's minimum, or, when B* is not bracketed, the best LR at the swept batch size nearest
   * it (`lrAtBatch`); null when the surface is not convex in ln η (see `problem`).
   */
  learningRate: Estimate | null;
  /** B*: null when the surface's minimum in ln B lies outside the swept batch sizes (or it has none). */
  batchSize: Estimate | null;
  /** The batch size η* is taken at when B* is not bracketed; null when η* is the joint optimum's. */
  lrAtBatch: number | null;
  /** Loss at the surface's minimum. */
  loss: number | null;
  /** d(ln η*)/d(ln B) along the surface's valley (the best LR's dependence on the batch size). */
  lrBatchSlope: number | null;
  /** True when the optimum lies inside the swept range of LR (resp. batch size); else it is extrapolated. */
  insideLr: boolean;
  insideBatch: boolean;
  /** Share of bootstrap refits whose surface had no minimum (excluded from the interval). */
  failedResamples: number;
  /** Root mean square residual of the surface (loss units). */
  rmse: number;
  /** Why there is no optimum, or what makes it doubtful. */
  problem?: string;
  /** Bootstrap replicates of (ln η*, ln B*); NaN where that refit had no minimum. */
  samples: { lnLr: number; lnBatch: number }[];
}

/** y = exp(c)·Π x_i^{k_i}, with percentile intervals over the bootstrap replicates. */
export interface PowerLaw {
  /** Coefficient exp(c) and exponents by variable name (N, D). */
  coefficient: Estimate;
  exponents: Record<string, Estimate>;
  /** Groups fitted. */
  points: number;
  /** Largest |residual| of the point fit in ln units (0 when the fit is exact). */
  maxResidual: number;
  /** Replicates of [c, k_1, …] in the order of `exponents`, for predictions. */
  samples: number[][];
  /** The point fit, [c, k_1, …]. */
  theta: number[];
}

export interface HyperparameterStudy {
  level: number;
  groups: GroupOptimum[];
  /** η*(N, D) = a·N^α·D^β; null with fewer than 4 usable groups or no spread in N or D. */
  learningRate: PowerLaw | null;
  /** B*(D) = b·D^γ; null with fewer than 3 usable groups or one D. */
  batchSize: PowerLaw | null;
  /** Median over groups of d(ln η*)/d(ln B). */
  lrBatchSlope: number | null;
  notes: string[];
}

export interface HyperparameterOptions {
  /** Bootstrap replicates (default 200). */
  bootstrap?: number;
  seed?: number;
  /** Interval level (default 0.95). */
  level?: number;
  /**
   * Fraction of a group's finished runs, best first, that the surface is fitted to (default 0.75, at least
   * 7): a quadratic describes the loss near its minimum, not runs far off it (too few steps, too low an LR).
   */
  keep?: number;
}

/** Solves A x = b (n × n, row-major) by Gaussian elimination with partial pivoting; null when singular. */
function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    if (Math.abs(m[p][c]) < 1e-12) return null;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

/** Least squares of y on the rows of X; null when X'X is singular. */
export function leastSquares(X: number[][], y: number[]): number[] | null {
  const p = X[0]?.length ?? 0;
  const xtx = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => X.reduce((s, r) => s + r[i] * r[j], 0)));
  const xty = Array.from({ length: p }, (_, i) => X.reduce((s, r, k) => s + r[i] * y[k], 0));
  return solve(xtx, xty);
}

const surfaceRow = (u: number, v: number): number[] => [1, u, v, u * u, v * v, u * v];

/**
 * Stationary point of L = c0 + c1 u + c2 v + c3 u² + c4 v² + c5 uv when it is a minimum (positive-definite
 * Hessian) within e^20 of the coordinates' origin (the grid's centre), else null.
 */
export function surfaceMinimum(c: readonly number[]): { u: number; v: number; loss: number } | null {
  const [c0, c1, c2, c3, c4, c5] = c;
  const det = 4 * c3 * c4 - c5 * c5;
  if (!(c3 > 0 && det > 0)) return null;
  const u = (c5 * c2 - 2 * c4 * c1) / det;
  const v = (c5 * c1 - 2 * c3 * c2) / det;
  // A curvature at rounding level puts the "minimum" e^20 times beyond the grid: no minimum.
  if (!(Math.abs(u) < 20 && Math.abs(v) < 20)) return null;
  return { u, v, loss: c0 + c1 * u + c2 * v + c3 * u * u + c4 * v * v + c5 * u * v };
}

/**
 * Fits one (N, D) group's quadratic surface and its residual bootstrap. Coordinates are centred on the
 * grid's means so the normal equations stay well conditioned.
 */
export function groupOptimum(runs: readonly HyperparameterRun[], opts: HyperparameterOptions = {}): GroupOptimum {
  const level = opts.level ?? 0.95;
  const B = opts.bootstrap ?? 200;
  const finished = runs.filter((r) => r.loss !== null && Number.isFinite(r.loss)).sort((a, b) => (a.loss as number) - (b.loss as number));
  const keep = opts.keep ?? 0.75;
  if (!(keep > 0 && keep <= 1)) throw new Error(`groupOptimum: keep must be in (0, 1], got ${keep}`);
  const ok = finished.slice(0, Math.max(7, Math.ceil(keep * finished.length)));
  const base = {
    params: runs[0]?.params ?? NaN,
    data: runs[0]?.data ?? NaN,
    runs: runs.length,
    finished: finished.length,
    fitted: ok.length,
    gridBest: null,
    learningRate: null,
    batchSize: null,
    lrAtBatch: null,
    loss: null,
    lrBatchSlope: null,
    insideLr: false,
    insideBatch: false,
    failedResamples: 0,
    rmse: NaN,
    samples: [],
  } satisfies GroupOptimum;
  if (!ok.length) return { ...base, problem: 'no run finished with a finite loss' };
  const best = ok.reduce((a, b) => ((b.loss as number) < (a.loss as number) ? b : a));
  const gridBest = { learningRate: best.learningRate, batchSize: best.batchSize, loss: best.loss as number };
  const lrs = [...new Set(ok.map((r) => r.learningRate))];
  const bs = [...new Set(ok.map((r) => r.batchSize))];
  if (ok.length < 7 || lrs.length < 3 || bs.length < 3) {
    return { ...base, gridBest, problem: `a quadratic surface needs ≥ 3 LRs and ≥ 3 batch sizes with finite losses (≥ 7 runs); got ${lrs.length} LRs, ${bs.length} batch sizes, ${ok.length} runs` };
  }
  const u = ok.map((r) => Math.log(r.learningRate));
  const v = ok.map((r) => Math.log(r.batchSize));
  const mu = u.reduce((a, b) => a + b, 0) / u.length;
  const mv = v.reduce((a, b) => a + b, 0) / v.length;
  const X = ok.map((_, i) => surfaceRow(u[i] - mu, v[i] - mv));
  const y = ok.map((r) => r.loss as number);
  const c = leastSquares(X, y);
  if (!c) return { ...base, gridBest, problem: 'the surface fit is singular (the runs do not span LR × batch size)' };
  const fitted = X.map((row) => row.reduce((s, x, k) => s + x * c[k], 0));
  const resid = y.map((yi, i) => yi - fitted[i]);
  const rmse = Math.sqrt(resid.reduce((s, r) => s + r * r, 0) / resid.length);
  const at = surfaceMinimum(c);
  const [uMin, uMax] = [Math.min(...u), Math.max(...u)];
  const [vMin, vMax] = [Math.min(...v), Math.max(...v)];
  const rand = mulberry32(opts.seed ?? 0);
  const meanResid = resid.reduce((a, b) => a + b, 0) / resid.length;
  // Least-squares residuals are smaller than the errors by √((n − p)/n); rescaled so the interval is not too
  // narrow (Davison & Hinkley 1997, §6.2.3).
  const inflate = Math.sqrt(resid.length / Math.max(resid.length - c.length, 1));
  const replicates: (number[] | null)[] = [];
  for (let b = 0; b < B; b++) {
    const yb = fitted.map((f) => f + inflate * (resid[Math.floor(rand() * resid.length)] - meanResid));
    replicates.push(leastSquares(X, yb));
  }
  const interval = (vals: number[], point: number): Estimate => {
    const ok = vals.filter(Number.isFinite);
    if (ok.length < 2) return { value: Math.exp(point), lo: NaN, hi: NaN };
    const [lo, hi] = percentileInterval(ok, level);
    return { value: Math.exp(point), lo: Math.exp(lo), hi: Math.exp(hi) };
  };
  // Half a grid step of slack: a minimum just past the last value is still located by the points around it.
  const slack = (vals: number[]) => (vals.length > 1 ? (Math.max(...vals) - Math.min(...vals)) / (2 * (vals.length - 1)) : 0);
  const [vLo, vHi] = [vMin - slack(bs.map(Math.log)), vMax + slack(bs.map(Math.log))];
  const [uLo, uHi] = [uMin - slack(lrs.map(Math.log)), uMax + slack(lrs.map(Math.log))];
  // Valley of the surface: ∂L/∂u = 0 ⇒ u*(v) = −(c1 + c5 v)/(2 c3), so du*/dv = −c5/(2 c3).
  // A curvature at rounding level puts it e^20 beyond the grid: not located (as in surfaceMinimum).
  const valley = (k: readonly number[], vc: number): number => {
    const uc = k[3] > 0 ? -(k[1] + k[5] * vc) / (2 * k[3]) : NaN;
    return Math.abs(uc) < 20 ? uc : NaN;
  };
  const lrBatchSlope = c[3] > 0 ? -c[5] / (2 * c[3]) : null;
  const lnB = at ? at.v + mv : NaN;
  const insideBatch = Number.isFinite(lnB) && lnB >= vLo && lnB <= vHi;
  if (at && insideBatch) {
    const samples = replicates.map((k) => {
      const m = k ? surfaceMinimum(k) : null;
      return m ? { lnLr: m.u + mu, lnBatch: m.v + mv } : { lnLr: NaN, lnBatch: NaN };
    });
    const failedResamples = samples.filter((x) => !Number.isFinite(x.lnLr)).length / Math.max(B, 1);
    const lnLr = at.u + mu;
    const insideLr = lnLr >= uLo && lnLr <= uHi;
    const problems: string[] = [];
    if (!insideLr) problems.push(`η* ${Math.exp(lnLr).toPrecision(3)} lies outside the swept LRs (extrapolated)`);
    if (failedResamples > 0.1) problems.push(`${Math.round(failedResamples * 100)}% of bootstrap refits had no minimum`);
    return {
      ...base,
      gridBest,
      learningRate: interval(samples.map((x) => x.lnLr), lnLr),
      batchSize: interval(samples.map((x) => x.lnBatch), lnB),
      lrAtBatch: null,
      loss: at.loss,
      lrBatchSlope,
      insideLr,
      insideBatch,
      failedResamples,
      rmse,
      samples,
      ...(problems.length ? { problem: problems.join('; ') } : {}),
    };
  }
  // B* not bracketed: no batch optimum, but the best LR at the swept batch size nearest the surface's
  // minimum (the grid best's when the surface has none) is still located, along the valley.
  const vEdge = Number.isFinite(lnB) ? Math.min(Math.max(lnB, vMin), vMax) : Math.log(best.batchSize);
  const vc = vEdge - mv;
  const lnLr = valley(c, vc) + mu;
  if (!Number.isFinite(lnLr)) {
    return { ...base, gridBest, rmse, failedResamples: 1, problem: 'the fitted surface is not convex in ln η: the grid does not bracket the optimal LR' };
  }
  const lnLrs = replicates.map((k) => (k ? valley(k, vc) + mu : NaN));
  const failedResamples = lnLrs.filter((x) => !Number.isFinite(x)).length / Math.max(B, 1);
  const insideLr = lnLr >= uLo && lnLr <= uHi;
  const lrAtBatch = Math.exp(vEdge);
  const problems = [
    at ? `B* ${Math.exp(lnB).toPrecision(3)} lies outside the swept batch sizes: no batch optimum; η* is the best LR at B = ${Number(lrAtBatch.toPrecision(3))}` : `the surface has no minimum in ln B: no batch optimum; η* is the best LR at B = ${Number(lrAtBatch.toPrecision(3))} (the grid best's)`,
  ];
  if (!insideLr) problems.push(`η* ${Math.exp(lnLr).toPrecision(3)} lies outside the swept LRs (extrapolated)`);
  if (failedResamples > 0.1) problems.push(`${Math.round(failedResamples * 100)}% of bootstrap refits were not convex in ln η`);
  const q = c as number[];
  const du = lnLr - mu;
  return {
    ...base,
    gridBest,
    learningRate: interval(lnLrs, lnLr),
    batchSize: null,
    lrAtBatch,
    loss: q[0] + q[1] * du + q[2] * vc + q[3] * du * du + q[4] * vc * vc + q[5] * du * vc,
    lrBatchSlope,
    insideLr,
    insideBatch: false,
    failedResamples,
    rmse,
    samples: lnLrs.map((x) => ({ lnLr: x, lnBatch: NaN })),
    problem: problems.join('; '),
  };
}

/**
 * Least-squares power law ln y = c + Σ k_i ln x_i over groups, with replicate r refitted on every group's
 * r-th bootstrap value (replicates where any group has none are skipped).
 */
function fitPowerLaw(
  names: string[],
  rows: { x: number[]; y: number; samples: number[] }[],
  level: number,
): PowerLaw | null {
  const X = rows.map((r) => [1, ...r.x.map(Math.log)]);
  const theta = leastSquares(X, rows.map((r) => r.y));
  if (!theta) return null;
  const maxResidual = Math.max(...rows.map((r, i) => Math.abs(r.y - X[i].reduce((s, x, k) => s + x * theta[k], 0))));
  const reps = Math.min(...rows.map((r) => r.samples.length));
  const samples: number[][] = [];
  for (let b = 0; b < reps; b++) {
    const yb = rows.map((r) => r.samples[b]);
    if (!yb.every(Number.isFinite)) continue;
    const t = leastSquares(X, yb);
    if (t) samples.push(t);
  }
  const est = (k: number, f: (x: number) => number): Estimate => {
    if (samples.length < 2) return { value: f(theta[k]), lo: NaN, hi: NaN };
    const [lo, hi] = percentileInterval(samples.map((s) => s[k]), level);
    return { value: f(theta[k]), lo: f(lo), hi: f(hi) };
  };
  return {
    coefficient: est(0, Math.exp),
    exponents: Object.fromEntries(names.map((n, i) => [n, est(i + 1, (x) => x)])),
    points: rows.length,
    maxResidual,
    samples,
    theta,
  };
}

const median = (xs: number[]): number | null => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * The Step Law study of a sweep over LR × batch size × N × D. Groups runs by (N, D), locates each group's
 * optimum, and fits η*(N, D) and B*(D) across the groups whose surface has a minimum. Throws when a run has
 * a non-positive N, D, LR or batch size.
 */
export function hyperparameterStudy(runs: readonly HyperparameterRun[], opts: HyperparameterOptions = {}): HyperparameterStudy {
  const level = opts.level ?? 0.95;
  runs.forEach((r, i) => {
    for (const k of ['params', 'data', 'learningRate', 'batchSize'] as const) {
      if (!(r[k] > 0)) throw new Error(`hyperparameterStudy: runs[${i}].${k} must be a positive number, got ${r[k]}`);
    }
  });
  const byGroup = new Map<string, HyperparameterRun[]>();
  for (const r of runs) {
    const k = `${r.params}:${r.data}`;
    byGroup.set(k, [...(byGroup.get(k) ?? []), r]);
  }
  const groups = [...byGroup.values()]
    .map((rs, i) => groupOptimum(rs, { ...opts, seed: (opts.seed ?? 0) + i }))
    .sort((a, b) => a.params - b.params || a.data - b.data);
  const usable = groups.filter((g) => g.learningRate);
  const withBatch = groups.filter((g) => g.batchSize);
  const notes: string[] = [];
  const ns = new Set(usable.map((g) => g.params));
  const ds = new Set(usable.map((g) => g.data));
  let learningRate: PowerLaw | null = null;
  if (usable.length >= 4 && ns.size >= 2 && ds.size >= 2) {
    learningRate = fitPowerLaw(
      ['N', 'D'],
      usable.map((g) => ({ x: [g.params, g.data], y: Math.log((g.learningRate as Estimate).value), samples: g.samples.map((s) => s.lnLr) })),
      level,
    );
    if (learningRate && usable.length === 4) notes.push('η*(N, D) has 3 parameters from 4 optima: one residual degree of freedom, so its interval reflects only the optima\'s own uncertainty');
  } else notes.push(`η*(N, D) not fitted: it needs ≥ 4 (N, D) optima spanning ≥ 2 N and ≥ 2 D, got ${usable.length} (${ns.size} N, ${ds.size} D)`);
  let batchSize: PowerLaw | null = null;
  const dsB = new Set(withBatch.map((g) => g.data));
  if (withBatch.length >= 3 && dsB.size >= 2) {
    batchSize = fitPowerLaw(
      ['D'],
      withBatch.map((g) => ({ x: [g.data], y: Math.log((g.batchSize as Estimate).value), samples: g.samples.map((s) => s.lnBatch) })),
      level,
    );
  } else notes.push(`B*(D) not fitted: it needs ≥ 3 (N, D) groups with a bracketed batch optimum spanning ≥ 2 D, got ${withBatch.length} (${dsB.size} D)`);
  const atEdge = usable.filter((g) => g.lrAtBatch !== null).length;
  if (atEdge) notes.push(`${atEdge} of ${usable.length} η* are the best LR at an edge batch size (B* not bracketed there): η*(N, D) mixes them with joint optima`);
  const extrapolated = usable.filter((g) => !g.insideLr).length;
  if (extrapolated) notes.push(`${extrapolated} of ${usable.length} η* lie outside the swept LRs: the law rests on extrapolated points`);
  return { level, groups, learningRate, batchSize, lrBatchSlope: median(usable.map((g) => g.lrBatchSlope as number)), notes };
}

/** A power law's value at x with the percentile interval of its replicates. */
export function evaluatePowerLaw(law: PowerLaw, x: Record<string, number>, level = 0.95): Estimate {
  const names = Object.keys(law.exponents);
  for (const n of names) if (!(x[n] > 0)) throw new Error(`${n}: expected a positive number, got ${x[n]}`);
  const at = (t: number[]) => Math.exp(t[0] + names.reduce((s, n, i) => s + t[i + 1] * Math.log(x[n]), 0));
  const value = at(law.theta);
  if (law.samples.length < 2) return { value, lo: NaN, hi: NaN };
  const [lo, hi] = percentileInterval(law.samples.map(at), level);
  return { value, lo, hi };
}

/**
 * "Which LR and batch for N, D": η*(N, D) and B*(D) with their intervals; `batchSize` is null when the study
 * has no B*(D) law (the reason is in `study.notes`). Throws when it has no η*(N, D) law.
 */
export function predictHyperparameters(study: HyperparameterStudy, N: number, D: number): { learningRate: Estimate; batchSize: Estimate | null } {
  if (!study.learningRate) throw new Error(`no hyperparameter law to predict from: ${study.notes.join('; ')}`);
  return { learningRate: evaluatePowerLaw(study.learningRate, { N, D }, study.level), batchSize: study.batchSize ? evaluatePowerLaw(study.batchSize, { D }, study.level) : null };
}
