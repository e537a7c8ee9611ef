/** Ordinary least squares of y on x with a Student-t interval on the slope. */

export interface LineFit {
  /** y = intercept + slope · x. */
  intercept: number;
  slope: number;
  /** Two-sided interval on the slope at `level`; NaN bounds with fewer than 3 points (no residual degrees of freedom). */
  slopeLo: number;
  slopeHi: number;
  level: number;
  points: number;
}

/**
 * Fits a straight line by least squares. The slope's interval is slope ± t(df = n − 2) · SE, the textbook
 * interval under independent Gaussian residuals. Throws when fewer than 2 points or all x are equal.
 */
export function fitLine(x: readonly number[], y: readonly number[], level = 0.95): LineFit {
  if (x.length !== y.length) throw new Error(`fitLine: x has ${x.length} values but y has ${y.length}`);
  const n = x.length;
  if (n < 2) throw new Error(`fitLine: need at least 2 points, got ${n}`);
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
  }
  if (sxx === 0) throw new Error('fitLine: all x values are equal, the slope is undefined');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  if (n < 3) return { intercept, slope, slopeLo: Number.NaN, slopeHi: Number.NaN, level, points: n };
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (y[i] - intercept - slope * x[i]) ** 2;
  const se = Math.sqrt(sse / (n - 2) / sxx);
  const t = studentT(1 - (1 - level) / 2, n - 2);
  return { intercept, slope, slopeLo: slope - t * se, slopeHi: slope + t * se, level, points: n };
}

/** Quantile p of Student's t with `df` degrees of freedom, by bisection on its CDF (regularised incomplete beta). */
export function studentT(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`studentT: p must be in (0, 1), got ${p}`);
  if (p < 0.5) return -studentT(1 - p, df);
  const cdf = (t: number) => 1 - 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  let lo = 0;
  let hi = 1;
  while (cdf(hi) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Regularised incomplete beta I_x(a, b) by Lentz's continued fraction (Numerical Recipes §6.4). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let f = d;
  for (let m = 1; m <= 300; m++) {
    for (const num of [(m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)), -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))]) {
      d = 1 + num * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + num / c;
      if (Math.abs(c) < tiny) c = tiny;
      f *= c * d;
    }
    if (Math.abs(c * d - 1) < 1e-15) break;
  }
  return (front * f) / a;
}

/** log Γ(z) by the Lanczos approximation (g = 7, n = 9). */
function logGamma(z: number): number {
  const g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - logGamma(1 - z);
  const zz = z - 1;
  let s = g[0];
  for (let i = 1; i < 9; i++) s += g[i] / (zz + i);
  const t = zz + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (zz + 0.5) * Math.log(t) - t + Math.log(s);
}
