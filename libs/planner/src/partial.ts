/**
 * Partial curves, for planning only: a trial still running has streamed eval points; a per-trial
 * power law in step, log L = c − γ·log s, fitted by least squares on the last half of the steps
 * seen (early transients excluded), extrapolates its final loss with a prediction interval.
 * The prediction never reaches the law: fitLaws fits final results only (see README.md, "Partial curves").
 */

export interface CurvePoint {
  step: number;
  value: number;
}

export interface FinalPrediction {
  /** Predicted loss at `totalSteps`. */
  value: number;
  /** ≈95% prediction interval (±2 standard errors in log space). */
  lo: number;
  hi: number;
  /** Standard error of the log prediction (0 once the final step is seen, or on an exact power law). */
  sdLog: number;
  /** Fitted γ of L ∝ step^(−γ) over the tail. */
  exponent: number;
  /** Points the tail fit used. */
  points: number;
  /** Fraction of the trial's steps seen. */
  fraction: number;
}

export interface PredictOptions {
  /** Fewest tail points to fit (default 4). */
  minPoints?: number;
  /** Least fraction of the steps seen before extrapolating (default 0.25: extrapolating further is guesswork). */
  minFraction?: number;
}

/** The final-loss prediction of a running trial, or `{ skip }` saying why there is none. */
export function predictFinal(curve: CurvePoint[], totalSteps: number, opts: PredictOptions = {}): FinalPrediction | { skip: string } {
  if (!(totalSteps > 0)) throw new Error(`totalSteps: expected a positive number of steps, got ${totalSteps}`);
  const minPoints = Math.max(3, opts.minPoints ?? 4);
  const minFraction = opts.minFraction ?? 0.25;
  // Usable points, one per step (the last value streamed for a step wins), in step order.
  const byStep = new Map<number, number>();
  for (const p of curve) if (p.step > 0 && Number.isFinite(p.value) && p.value > 0) byStep.set(p.step, p.value);
  const pts = [...byStep].sort((a, b) => a[0] - b[0]);
  if (pts.length === 0) return { skip: 'no usable curve points yet' };
  const [lastStep, lastValue] = pts[pts.length - 1];
  if (lastStep >= totalSteps) return { value: lastValue, lo: lastValue, hi: lastValue, sdLog: 0, exponent: NaN, points: 1, fraction: 1 };
  const fraction = lastStep / totalSteps;
  if (fraction < minFraction)
    return { skip: `only ${(fraction * 100).toFixed(1)}% of ${totalSteps} steps seen, need ${(minFraction * 100).toFixed(0)}%` };
  const tail = pts.filter(([s]) => s >= lastStep / 2);
  if (tail.length < minPoints) return { skip: `${tail.length} points in the last half of the steps seen, need ${minPoints}` };

  const n = tail.length;
  const xs = tail.map(([s]) => Math.log(s));
  const ys = tail.map(([, v]) => Math.log(v));
  const xm = xs.reduce((a, b) => a + b) / n;
  const ym = ys.reduce((a, b) => a + b) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - xm) ** 2;
    sxy += (xs[i] - xm) * (ys[i] - ym);
  }
  const slope = sxy / sxx;
  if (slope > 0) return { skip: 'the curve rises over the last half of the steps seen: no decreasing power law to extrapolate' };
  let ssr = 0;
  for (let i = 0; i < n; i++) ssr += (ys[i] - ym - slope * (xs[i] - xm)) ** 2;
  const x0 = Math.log(totalSteps);
  const y0 = ym + slope * (x0 - xm);
  const sdLog = Math.sqrt((ssr / (n - 2)) * (1 + 1 / n + (x0 - xm) ** 2 / sxx));
  return { value: Math.exp(y0), lo: Math.exp(y0 - 2 * sdLog), hi: Math.exp(y0 + 2 * sdLog), sdLog, exponent: -slope, points: n, fraction };
}
