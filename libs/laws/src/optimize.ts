/**
 * Box-constrained limited-memory BFGS with a strong-Wolfe line search (Nocedal & Wright, Alg. 7.4, 3.5/3.6).
 * Bounds are handled by projection: variables sitting on a bound with the gradient pushing outward are frozen
 * for the step, and the step length is capped where the first free variable reaches its bound.
 * No JS optimiser package is both maintained and bound-aware, hence this small, tested implementation.
 */

export type ObjectiveFn = (x: Float64Array, grad: Float64Array) => number;

export interface MinimizeOptions {
  lower?: Float64Array;
  upper?: Float64Array;
  maxIterations?: number;
  memory?: number;
  gtol?: number;
  ftol?: number;
  ftolFloor?: number;
}

export type StopReason = 'gtol' | 'ftol' | 'max-iterations' | 'line-search' | 'non-finite-start';

export interface MinimizeResult {
  x: Float64Array;
  f: number;
  gradNorm: number;
  iterations: number;
  evaluations: number;
  stop: StopReason;
}

const C1 = 1e-4;
const C2 = 0.9;

/** Inf-norm of the gradient projected onto the feasible box (0 for components pinned at a bound). */
export function projectedGradNorm(x: Float64Array, g: Float64Array, lo?: Float64Array, hi?: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    let gi = g[i];
    if (lo && x[i] <= lo[i] && gi > 0) gi = 0;
    if (hi && x[i] >= hi[i] && gi < 0) gi = 0;
    const a = Math.abs(gi);
    if (a > m) m = a;
  }
  return m;
}

export function minimize(fn: ObjectiveFn, x0: ArrayLike<number>, opts: MinimizeOptions = {}): MinimizeResult {
  const n = x0.length;
  const lo = opts.lower;
  const hi = opts.upper;
  const maxIter = opts.maxIterations ?? 1000;
  const m = opts.memory ?? 10;
  const gtol = opts.gtol ?? 1e-10;
  const ftol = opts.ftol ?? 1e-15;
  const ftolFloor = opts.ftolFloor ?? 0;

  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = clamp(x0[i], lo?.[i], hi?.[i]);
  const g = new Float64Array(n);
  let f = fn(x, g);
  let evaluations = 1;
  if (!Number.isFinite(f) || !allFinite(g)) {
    return { x, f: Number.POSITIVE_INFINITY, gradNorm: Number.POSITIVE_INFINITY, iterations: 0, evaluations, stop: 'non-finite-start' };
  }

  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alphaBuf = new Float64Array(m);
  const d = new Float64Array(n);
  const xt = new Float64Array(n);
  const gt = new Float64Array(n);
  const free = new Uint8Array(n);
  let stop: StopReason = 'max-iterations';
  let iter = 0;

  for (; iter < maxIter; iter++) {
    if (projectedGradNorm(x, g, lo, hi) <= gtol) {
      stop = 'gtol';
      break;
    }
    // Free set: variables not pinned at a bound by the gradient.
    for (let i = 0; i < n; i++) {
      free[i] = (lo && x[i] <= lo[i] && g[i] > 0) || (hi && x[i] >= hi[i] && g[i] < 0) ? 0 : 1;
      d[i] = free[i] ? -g[i] : 0;
    }
    twoLoop(d, S, Y, rho, alphaBuf);
    // Keep the direction inside the box for variables already on a bound.
    for (let i = 0; i < n; i++) {
      if (!free[i]) d[i] = 0;
      else if (lo && x[i] <= lo[i] && d[i] < 0) d[i] = 0;
      else if (hi && x[i] >= hi[i] && d[i] > 0) d[i] = 0;
    }
    let dg = dot(d, g);
    if (!(dg < 0)) {
      // Not a descent direction (bad curvature pairs): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = free[i] ? -g[i] : 0;
      dg = dot(d, g);
      if (!(dg < 0)) {
        stop = 'gtol';
        break;
      }
    }
    let tmax = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      if (d[i] < 0 && lo && Number.isFinite(lo[i])) tmax = Math.min(tmax, (lo[i] - x[i]) / d[i]);
      else if (d[i] > 0 && hi && Number.isFinite(hi[i])) tmax = Math.min(tmax, (hi[i] - x[i]) / d[i]);
    }
    let t0 = 1;
    if (S.length === 0) t0 = 1 / Math.max(1, Math.sqrt(-dg));
    t0 = Math.min(t0, tmax);
    if (!(t0 > 0)) {
      stop = 'gtol';
      break;
    }
    const ls = lineSearch(fn, x, f, g, d, dg, t0, tmax, xt, gt, lo, hi);
    evaluations += ls.evaluations;
    if (!ls.ok) {
      stop = 'line-search';
      break;
    }
    // Curvature pair from the accepted step.
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xt[i] - x[i];
      y[i] = gt[i] - g[i];
    }
    const sy = dot(s, y);
    const fPrev = f;
    x.set(xt);
    g.set(gt);
    f = ls.f;
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    if (fPrev - f <= ftol * Math.max(Math.abs(fPrev), Math.abs(f), ftolFloor)) {
      iter++;
      stop = 'ftol';
      break;
    }
  }
  return { x, f, gradNorm: projectedGradNorm(x, g, lo, hi), iterations: iter, evaluations, stop };
}

function twoLoop(q: Float64Array, S: Float64Array[], Y: Float64Array[], rho: number[], a: Float64Array): void {
  const k = S.length;
  if (k === 0) return;
  for (let j = k - 1; j >= 0; j--) {
    a[j] = rho[j] * dot(S[j], q);
    axpy(-a[j], Y[j], q);
  }
  const yy = dot(Y[k - 1], Y[k - 1]);
  const gamma = 1 / (rho[k - 1] * yy);
  for (let i = 0; i < q.length; i++) q[i] *= gamma;
  for (let j = 0; j < k; j++) {
    const b = rho[j] * dot(Y[j], q);
    axpy(a[j] - b, S[j], q);
  }
}

interface LineResult {
  ok: boolean;
  f: number;
  evaluations: number;
}

/** Strong-Wolfe search on t in (0, tmax]; writes the accepted point and gradient into xt, gt. */
function lineSearch(
  fn: ObjectiveFn, x: Float64Array, f0: number, g0: Float64Array, d: Float64Array, dg0: number,
  t0: number, tmax: number, xt: Float64Array, gt: Float64Array, lo?: Float64Array, hi?: Float64Array,
): LineResult {
  let evaluations = 0;
  let lastT = Number.NaN;
  const phi = (t: number): [number, number] => {
    for (let i = 0; i < x.length; i++) xt[i] = clamp(x[i] + t * d[i], lo?.[i], hi?.[i]);
    const fv = fn(xt, gt);
    evaluations++;
    lastT = t;
    if (!Number.isFinite(fv) || !allFinite(gt)) return [Number.POSITIVE_INFINITY, Number.NaN];
    return [fv, dot(gt, d)];
  };
  // Best point satisfying sufficient decrease; used if the curvature condition cannot be met.
  let bestT = 0;
  let bestF = f0;
  const remember = (t: number, fv: number) => {
    if (fv < bestF && fv <= f0 + C1 * t * dg0) {
      bestF = fv;
      bestT = t;
    }
  };
  const finish = (t: number, fv: number): LineResult => {
    if (t === 0) return { ok: false, f: f0, evaluations };
    if (t !== lastT) phi(t); // xt/gt were overwritten by a later trial
    return { ok: true, f: fv, evaluations };
  };

  let tPrev = 0;
  let fPrev = f0;
  let dPrev = dg0;
  let t = t0;
  for (let i = 0; i < 40; i++) {
    const [ft, dt] = phi(t);
    if (ft > f0 + C1 * t * dg0 || (i > 0 && ft >= fPrev) || !Number.isFinite(ft)) {
      return zoom(tPrev, fPrev, dPrev, t, ft, dt);
    }
    remember(t, ft);
    if (Math.abs(dt) <= -C2 * dg0) return { ok: true, f: ft, evaluations };
    if (dt >= 0) return zoom(t, ft, dt, tPrev, fPrev, dPrev);
    if (t >= tmax) return { ok: true, f: ft, evaluations }; // hit a bound with sufficient decrease
    tPrev = t;
    fPrev = ft;
    dPrev = dt;
    t = Math.min(4 * t, tmax);
  }
  return finish(bestT, bestF);

  function zoom(tLo: number, fLo: number, dLo: number, tHi: number, fHi: number, dHi: number): LineResult {
    for (let j = 0; j < 40; j++) {
      let tj = interpolate(tLo, fLo, dLo, tHi, fHi, dHi);
      const w = Math.abs(tHi - tLo);
      const a = Math.min(tLo, tHi);
      const b = Math.max(tLo, tHi);
      if (!Number.isFinite(tj) || tj < a + 0.1 * w || tj > b - 0.1 * w) tj = 0.5 * (tLo + tHi);
      if (w < 1e-16 * Math.max(1, b)) break;
      const [fj, dj] = phi(tj);
      if (fj > f0 + C1 * tj * dg0 || fj >= fLo || !Number.isFinite(fj)) {
        tHi = tj;
        fHi = fj;
        dHi = dj;
      } else {
        remember(tj, fj);
        if (Math.abs(dj) <= -C2 * dg0) return { ok: true, f: fj, evaluations };
        if (dj * (tHi - tLo) >= 0) {
          tHi = tLo;
          fHi = fLo;
          dHi = dLo;
        }
        tLo = tj;
        fLo = fj;
        dLo = dj;
      }
    }
    return finish(bestT, bestF);
  }
}

/** Minimiser of the cubic through (a, fa, da), (b, fb, db); NaN when it does not exist. */
function interpolate(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  if (!Number.isFinite(fb) || !Number.isFinite(db)) return Number.NaN;
  const d1 = da + db - 3 * (fa - fb) / (a - b);
  const disc = d1 * d1 - da * db;
  if (disc < 0) return Number.NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
}

function clamp(v: number, lo?: number, hi?: number): number {
  if (lo !== undefined && v < lo) return lo;
  if (hi !== undefined && v > hi) return hi;
  return v;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(alpha: number, xv: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += alpha * xv[i];
}

function allFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}
