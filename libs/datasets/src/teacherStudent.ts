/**
 * Teacher–student linear regression with a known scaling law, for fast tests of fitting and
 * planning code without training a network.
 *
 * Features x ~ N(0, I_P); teacher y = Σ w_i x_i + ε with w_i² = scale · i^-(1+alpha) and
 * ε ~ N(0, noise²). A student of size N fits the first N features by least squares on D samples.
 * Because the ignored features act as independent Gaussian noise, the expected test MSE is exact:
 *   L∞(N)   = noise² + Σ_{i>N} w_i²             (≈ noise² + scale·N^-alpha/alpha: power law in N)
 *   E[L]    = L∞(N) · (D − 1) / (D − N − 1)     for D > N + 1 (→ L∞ + L∞·N/D: power law in D)
 */
import { mulberry32, mixSeed, normalSampler } from './prng';

export interface TeacherStudentOptions {
  /** Total feature count P of the teacher. */
  features: number;
  /** Spectrum exponent alpha > 0 (larger = faster decay). */
  alpha: number;
  /** Label noise standard deviation. */
  noise: number;
  /** w_1² (default 1). */
  scale?: number;
}

export interface RegressionSample {
  /** D × P features, row-major. */
  x: Float64Array;
  y: Float64Array;
  d: number;
}

export interface TeacherStudentTask {
  readonly features: number;
  /** Teacher weights w_1..w_P (signs alternate; magnitudes follow the spectrum). */
  readonly teacher: Float64Array;
  /** D fresh samples drawn by `seed`. */
  sample(d: number, seed: number): RegressionSample;
  /** Least-squares student on the first N features. */
  fitStudent(data: RegressionSample, n: number): Float64Array;
  /** Exact expected test MSE of `student` (uses the closed form over the Gaussian design). */
  testLoss(student: Float64Array): number;
  /** L∞(N): loss of the best size-N student. */
  irreducibleLoss(n: number): number;
  /** E[test MSE] for a size-N student fitted on D samples. */
  expectedLoss(n: number, d: number): number;
}

function positive(name: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`${name}: expected a positive number, got ${v}`);
}

export function teacherStudentTask(opts: TeacherStudentOptions): TeacherStudentTask {
  const { features: p, alpha, noise } = opts;
  const scale = opts.scale ?? 1;
  if (!Number.isInteger(p) || p < 1) throw new RangeError(`features: expected a positive integer, got ${p}`);
  positive('alpha', alpha);
  positive('scale', scale);
  if (!(Number.isFinite(noise) && noise >= 0)) throw new RangeError(`noise: expected a number ≥ 0, got ${noise}`);

  const teacher = new Float64Array(p);
  for (let i = 0; i < p; i++) teacher[i] = (i % 2 === 0 ? 1 : -1) * Math.sqrt(scale * (i + 1) ** -(1 + alpha));
  // tail[n] = Σ_{i≥n} w_i² (0-based), so the best size-n student leaves tail[n] unexplained.
  const tail = new Float64Array(p + 1);
  for (let i = p - 1; i >= 0; i--) tail[i] = tail[i + 1] + teacher[i] * teacher[i];

  const checkN = (n: number): void => {
    if (!Number.isInteger(n) || n < 1 || n > p) throw new RangeError(`n: expected an integer in 1..${p}, got ${n}`);
  };
  const irreducibleLoss = (n: number): number => {
    checkN(n);
    return noise * noise + tail[n];
  };

  return {
    features: p,
    teacher,
    sample(d, seed) {
      if (!Number.isInteger(d) || d < 1) throw new RangeError(`d: expected a positive integer, got ${d}`);
      const gauss = normalSampler(mulberry32(mixSeed(seed, 0x7eac)));
      const x = new Float64Array(d * p);
      const y = new Float64Array(d);
      for (let r = 0; r < d; r++) {
        let s = 0;
        for (let i = 0; i < p; i++) {
          const v = gauss();
          x[r * p + i] = v;
          s += v * teacher[i];
        }
        y[r] = s + noise * gauss();
      }
      return { x, y, d };
    },
    fitStudent(data, n) {
      checkN(n);
      if (data.d <= n) throw new RangeError(`data.d: expected more samples than features (${n}), got ${data.d}`);
      const a = new Float64Array(n * n);
      const b = new Float64Array(n);
      for (let r = 0; r < data.d; r++) {
        const row = r * p;
        for (let i = 0; i < n; i++) {
          const xi = data.x[row + i];
          b[i] += xi * data.y[r];
          for (let j = 0; j <= i; j++) a[i * n + j] += xi * data.x[row + j];
        }
      }
      return choleskySolve(a, b, n);
    },
    testLoss(student) {
      checkN(student.length);
      let err = irreducibleLoss(student.length);
      for (let i = 0; i < student.length; i++) err += (student[i] - teacher[i]) ** 2;
      return err;
    },
    irreducibleLoss,
    expectedLoss(n, d) {
      const l = irreducibleLoss(n);
      if (!Number.isInteger(d) || d <= n + 1) throw new RangeError(`d: expected an integer > ${n + 1}, got ${d}`);
      return (l * (d - 1)) / (d - n - 1);
    },
  };
}

/** Solves A w = b for symmetric positive-definite A given by its lower triangle (row-major n×n). */
function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (s <= 0) throw new Error('fitStudent: normal equations are singular (too few samples?)');
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j];
      }
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * z[k];
    z[i] = s / l[i * n + i];
  }
  const w = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * w[k];
    w[i] = s / l[i * n + i];
  }
  return w;
}
