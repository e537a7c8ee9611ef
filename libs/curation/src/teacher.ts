import { requireInt, requireNumber } from './errors';
import { Rng } from './rng';
import type { CurationData } from './types';

/**
 * Sorscher et al.'s teacher–student perceptron: x ~ N(0, I_dim), y = 1[T·x > 0] with a random unit
 * teacher T. The true difficulty of an example is its margin |T·x| (small = hard).
 */
export interface TeacherStudentTask {
  data: CurationData;
  teacher: Float64Array;
  /** |T·x| per example (ground-truth easiness). */
  margin: Float64Array;
}

export function teacherStudentTask(opts: { n: number; dim: number; seed: number; teacher?: Float64Array }): TeacherStudentTask {
  const n = requireInt('n', opts.n, 1);
  const dim = requireInt('dim', opts.dim, 1);
  const rng = new Rng(opts.seed);
  const teacher = opts.teacher ?? unit(Float64Array.from({ length: dim }, () => rng.normal()));
  const x = new Float32Array(n * dim);
  const y = new Uint8Array(n);
  const margin = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let dot = 0;
    for (let j = 0; j < dim; j++) {
      const v = rng.normal();
      x[i * dim + j] = v;
      dot += teacher[j] * v;
    }
    y[i] = dot > 0 ? 1 : 0;
    margin[i] = Math.abs(dot);
  }
  return { data: { x, y, n, dim, classes: 2 }, teacher, margin };
}

function unit(v: Float64Array): Float64Array {
  const s = Math.sqrt(v.reduce((a, b) => a + b * b, 0));
  return v.map((e) => e / s);
}

/**
 * Difficulty scores from a probe J at angle `angle` (radians) to the teacher: score = −|J·x|, so high =
 * small probe margin = hard. angle = 0 is Sorscher's perfect metric.
 */
export function probeScores(task: TeacherStudentTask, angle: number, seed: number): Float64Array {
  requireNumber('angle', angle, 0, Math.PI / 2);
  const { data, teacher } = task;
  const rng = new Rng(seed);
  const r = Float64Array.from({ length: data.dim }, () => rng.normal());
  const proj = r.reduce((a, v, j) => a + v * teacher[j], 0);
  const perp = unit(r.map((v, j) => v - proj * teacher[j]));
  const J = teacher.map((t, j) => Math.cos(angle) * t + Math.sin(angle) * perp[j]);
  const out = new Float64Array(data.n);
  for (let i = 0; i < data.n; i++) {
    let dot = 0;
    for (let j = 0; j < data.dim; j++) dot += J[j] * data.x[i * data.dim + j];
    out[i] = -Math.abs(dot);
  }
  return out;
}

/**
 * Linear student on the rows `indices`: full-batch gradient descent on the L2-regularised logistic loss
 * (a smooth stand-in for the max-margin perceptron of the theory), from w = 0, so the run is
 * deterministic. Returns the weight vector.
 */
export function trainLinearStudent(
  data: CurationData,
  indices: ArrayLike<number>,
  opts: { iterations?: number; lr?: number; l2?: number } = {},
): Float64Array {
  const iters = opts.iterations ?? 300;
  const lr = opts.lr ?? 1;
  const l2 = opts.l2 ?? 1e-3;
  const { dim } = data;
  const w = new Float64Array(dim);
  const m = indices.length;
  const g = new Float64Array(dim);
  for (let it = 0; it < iters; it++) {
    g.fill(0);
    for (let r = 0; r < m; r++) {
      const i = indices[r];
      const s = data.y[i] ? 1 : -1;
      let z = 0;
      for (let j = 0; j < dim; j++) z += w[j] * data.x[i * dim + j];
      const c = -s / (1 + Math.exp(s * z)); // d/dz log(1 + e^{−s z})
      for (let j = 0; j < dim; j++) g[j] += (c * data.x[i * dim + j]) / m;
    }
    for (let j = 0; j < dim; j++) w[j] -= lr * (g[j] + l2 * w[j]);
  }
  return w;
}

/** Generalisation error of a linear student: angle(w, T) / π (exact for isotropic Gaussian inputs). */
export function studentError(w: Float64Array, teacher: Float64Array): number {
  let dot = 0;
  let ww = 0;
  let tt = 0;
  for (let j = 0; j < w.length; j++) {
    dot += w[j] * teacher[j];
    ww += w[j] * w[j];
    tt += teacher[j] * teacher[j];
  }
  if (ww === 0) return 0.5;
  return Math.acos(Math.max(-1, Math.min(1, dot / Math.sqrt(ww * tt)))) / Math.PI;
}
