/**
 * Accounting for trials in flight inside the planner's ensemble, for planning only. Each row holds
 * one quantity (the target, a candidate's or a running trial's predicted log-loss) per bootstrap
 * member. A running trial is assimilated by the serial square-root ensemble Kalman filter (Whitaker
 * & Hamill 2002), localised like the planner's covariance:
 * - spread: every running trial will be observed with the fit's noise σ², so deviations shrink as
 *   that observation will shrink them (value-free: near-duplicates of it lose their value);
 * - mean: only when the trial's partial curve predicts its final loss y with log-variance s², the
 *   rows shift by the Kalman gain with noise σ² + s², toward what the trial is heading for.
 * Nothing here touches the fitted law; the rows are the planner's private copy.
 */

export interface InFlight {
  /** Index of the trial's row. */
  row: number;
  /** Predicted final log-loss from the partial curve, when there is one. */
  y?: number;
  /** Variance of that prediction in log space. */
  yVar?: number;
}

/** Squared distance in decades between two law-input points (over the variables both have). */
export function decades2(a: Record<string, number>, b: Record<string, number>): number {
  let d2 = 0;
  for (const k of Object.keys(a)) if (a[k] > 0 && b[k] > 0) d2 += Math.log10(a[k] / b[k]) ** 2;
  return d2;
}

/** Gaussian taper exp(−d²/2ℓ²) between two locations; 1 when either has none (a frontier target). */
export function taper(a: Record<string, number> | undefined, b: Record<string, number> | undefined, length: number): number {
  return a && b ? Math.exp(-decades2(a, b) / (2 * length ** 2)) : 1;
}

const meanOf = (r: Float64Array) => r.reduce((s, x) => s + x, 0) / r.length;

/** Updates `rows` (member values) in place for each in-flight trial, in the given order. */
export function assimilate(
  rows: Float64Array[],
  locs: (Record<string, number> | undefined)[],
  inFlight: InFlight[],
  o: { sigma2: number; length: number },
): void {
  const B = rows[0]?.length ?? 0;
  if (B < 2) return;
  for (const f of inFlight) {
    const obs = rows[f.row];
    const mObs = meanOf(obs);
    const dObs = Float64Array.from(obs, (x) => x - mObs);
    const v = dObs.reduce((s, d) => s + d * d, 0) / (B - 1);
    if (!(v > 0)) continue;
    const alpha = 1 / (1 + Math.sqrt(o.sigma2 / (v + o.sigma2)));
    const innovation = f.y !== undefined ? f.y - mObs : 0;
    const meanNoise = o.sigma2 + (f.yVar ?? 0);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const m = meanOf(r);
      let c = 0;
      for (let b = 0; b < B; b++) c += (r[b] - m) * dObs[b];
      c = (c / (B - 1)) * (i === f.row ? 1 : taper(locs[i], locs[f.row], o.length));
      const shift = (c / (v + meanNoise)) * innovation;
      const gain = (c / (v + o.sigma2)) * alpha;
      for (let b = 0; b < B; b++) r[b] += shift - gain * dObs[b];
    }
  }
}
