/**
 * A fitting problem: validated data, per-point features, transformed targets, and the robust objective
 * (sum of per-point losses on residuals in the objective's space) with its analytic gradient.
 */
import { domainText, inDomain, targetDomain } from './domain';
import type { FitData, LawDefinition, ObjectiveKind, ResolvedFitOptions } from './types';

type TargetSpace = 'log' | 'log1p' | 'linear';

export function targetSpace(kind: ObjectiveKind): TargetSpace {
  if (kind === 'mse-log1p') return 'log1p';
  if (kind === 'mse') return 'linear';
  return 'log';
}

export interface Problem {
  law: LawDefinition;
  n: number;
  feats: Float64Array[];
  /** y in the objective's space. */
  target: Float64Array;
  /** Indices of free parameters (not fixed) in law.params order. */
  free: number[];
  /** Full theta template holding fixed values. */
  thetaTemplate: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  /** Per-point weights from the data (null: all 1). */
  pointWeights: Float64Array | null;
  options: ResolvedFitOptions;
}

/** Checks every point and value; throws an error naming the field and what was expected. */
export function validateData(data: FitData, law: LawDefinition, kind: ObjectiveKind): void {
  if (!data || !Array.isArray(data.x) || !Array.isArray(data.y)) {
    throw new Error('fitLaw: data must be { x: Record<string, number>[]; y: number[] }');
  }
  if (data.x.length !== data.y.length) {
    throw new Error(`fitLaw: data.x has ${data.x.length} points but data.y has ${data.y.length}; they must match`);
  }
  if (data.w !== undefined && (!Array.isArray(data.w) || data.w.length !== data.y.length)) {
    throw new Error(`fitLaw: data.w must hold one weight per point (${data.y.length}), got ${Array.isArray(data.w) ? data.w.length : typeof data.w}`);
  }
  const yDomain = targetDomain(kind);
  for (let i = 0; i < data.x.length; i++) {
    const row = data.x[i];
    for (const v of law.variables) {
      const val = row?.[v];
      if (val === undefined) {
        throw new Error(`fitLaw: data.x[${i}] is missing variable "${v}" required by law ${law.name} (variables: ${law.variables.join(', ')})`);
      }
      if (typeof val !== 'number' || !Number.isFinite(val)) {
        throw new Error(`fitLaw: data.x[${i}].${v} must be a finite number, got ${String(val)}`);
      }
      const d = law.domains[v] ?? 'real';
      if (!inDomain(val, d)) throw new Error(`fitLaw: data.x[${i}].${v} must be ${domainText(d)} (domain of ${v} in law ${law.name}), got ${val}`);
    }
    const y = data.y[i];
    if (typeof y !== 'number' || !Number.isFinite(y)) throw new Error(`fitLaw: data.y[${i}] must be a finite number, got ${String(y)}`);
    if (!inDomain(y, yDomain)) throw new Error(`fitLaw: data.y[${i}] must be ${domainText(yDomain)} for objective ${kind}${yDomain === 'positive' ? ' (log residuals)' : ''}, got ${y}`);
    const w = data.w?.[i];
    if (w !== undefined && !(Number.isFinite(w) && w >= 0)) throw new Error(`fitLaw: data.w[${i}] must be a finite number >= 0, got ${String(w)}`);
  }
}

/** Largest theta of a log-scale parameter whose exp is finite (ln of Number.MAX_VALUE, ≈ 709.78). */
export const LOG_MAX = Math.log(Number.MAX_VALUE);

export function toTheta(law: LawDefinition, params: Record<string, number>, what: string): Float64Array {
  const th = new Float64Array(law.params.length);
  law.params.forEach((p, j) => {
    const v = params[p.name];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${what}: parameter "${p.name}" must be a finite number, got ${String(v)}`);
    if (p.scale === 'log' && v < 0) throw new Error(`${what}: parameter "${p.name}" must be >= 0, got ${v}`);
    // A log-scale parameter driven to its bound of 0 underflows exp(theta) to exactly 0 (e.g. E when the
    // data do not bend); map it back to the smallest representable log so fits can restart from it.
    th[j] = p.scale === 'log' ? Math.log(Math.max(v, Number.MIN_VALUE)) : v;
  });
  return th;
}

export function toParams(law: LawDefinition, theta: ArrayLike<number>): Record<string, number> {
  const out: Record<string, number> = {};
  law.params.forEach((p, j) => (out[p.name] = p.scale === 'log' ? Math.exp(theta[j]) : theta[j]));
  return out;
}

export function buildProblem(law: LawDefinition, x: Record<string, number>[], y: number[], options: ResolvedFitOptions, w?: number[]): Problem {
  const space = targetSpace(options.objective);
  const target = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) target[i] = space === 'log' ? Math.log(y[i]) : space === 'log1p' ? Math.log1p(y[i]) : y[i];
  const thetaTemplate = new Float64Array(law.params.length);
  const free: number[] = [];
  law.params.forEach((p, j) => {
    if (p.name in options.fixed) {
      const v = options.fixed[p.name];
      thetaTemplate[j] = p.scale === 'log' ? Math.log(v) : v;
    } else free.push(j);
  });
  const lower = new Float64Array(free.length);
  const upper = new Float64Array(free.length);
  free.forEach((j, k) => {
    const p = law.params[j];
    if (p.scale === 'log') {
      lower[k] = p.lower !== undefined && p.lower > 0 ? Math.log(p.lower) : Number.NEGATIVE_INFINITY;
      // Capped where exp(theta) is still finite: a flat valley (e.g. A, alpha of a size term the data do not
      // see) otherwise walks A past 1.8e308 to Infinity, which no later stage (bootstrap, report) can use.
      upper[k] = Math.min(p.upper !== undefined ? Math.log(p.upper) : Number.POSITIVE_INFINITY, LOG_MAX);
    } else {
      lower[k] = p.lower ?? Number.NEGATIVE_INFINITY;
      upper[k] = p.upper ?? Number.POSITIVE_INFINITY;
    }
  });
  const pointWeights = w ? Float64Array.from(w) : null;
  return { law, n: y.length, feats: law.features(x), target, free, thetaTemplate, lower, upper, pointWeights, options };
}

/**
 * Objective over the free coordinates. `weights` (bootstrap counts) multiply the per-point losses.
 * The returned value is in the configured scale ('sum' or 'mean'); multiply by n for the sum.
 */
export function makeObjective(pb: Problem, weights: Float64Array | null = null): (z: Float64Array, grad: Float64Array | null) => number {
  const { law, n, feats, target, free, options } = pb;
  const p = law.params.length;
  const theta = Float64Array.from(pb.thetaTemplate);
  const out = new Float64Array(n);
  const jac = new Float64Array(n * p);
  const gFull = new Float64Array(p);
  const space = targetSpace(options.objective);
  const kind = options.objective;
  const delta = options.delta;
  const scale = options.scale === 'mean' ? 1 / n : 1;
  const modelLog = law.space === 'log';
  const pw = pb.pointWeights;
  return (z, grad) => {
    for (let k = 0; k < free.length; k++) theta[free[k]] = z[k];
    // Without a gradient (screening starts) the law skips its Jacobian, often most of the cost.
    law.evaluate(theta, feats, out, grad ? jac : null);
    gFull.fill(0);
    let f = 0;
    for (let i = 0; i < n; i++) {
      const w = (weights ? weights[i] : 1) * (pw ? pw[i] : 1);
      if (w === 0) continue;
      const m = out[i];
      let v: number;
      let c: number;
      if (modelLog) {
        if (space === 'log') {
          v = m;
          c = 1;
        } else if (space === 'linear') {
          v = Math.exp(m);
          c = v;
        } else {
          v = m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
          c = 1 / (1 + Math.exp(-m));
        }
      } else if (space === 'log') {
        if (!(m > 0)) return Number.POSITIVE_INFINITY;
        v = Math.log(m);
        c = 1 / m;
      } else if (space === 'log1p') {
        if (!(m > -1)) return Number.POSITIVE_INFINITY;
        v = Math.log1p(m);
        c = 1 / (1 + m);
      } else {
        v = m;
        c = 1;
      }
      const r = v - target[i];
      let rho: number;
      let psi: number;
      if (kind === 'huber-log') {
        const a = Math.abs(r);
        if (a <= delta) {
          rho = 0.5 * r * r;
          psi = r;
        } else {
          rho = delta * (a - 0.5 * delta);
          psi = r > 0 ? delta : -delta;
        }
      } else if (kind === 'mae-log') {
        rho = Math.abs(r);
        psi = Math.sign(r);
      } else {
        rho = r * r;
        psi = 2 * r;
      }
      f += w * rho;
      if (!grad) continue;
      const gi = w * psi * c;
      const row = i * p;
      for (let j = 0; j < p; j++) gFull[j] += gi * jac[row + j];
    }
    if (grad) for (let k = 0; k < free.length; k++) grad[k] = gFull[free[k]] * scale;
    return f * scale;
  };
}
