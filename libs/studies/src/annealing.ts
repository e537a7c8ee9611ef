/**
 * LR-annealing law inside a sweep: Tissue et al. 2024, "Scaling Law with Learning Rate Annealing"
 * (arXiv:2408.11029). L(s) = L0 + A·S1^−α − C·S2, where S1(s) = Σ_{i≤s} η_i is the forward area and
 * S2(s) = Σ_{i≤s} m_i the annealing area with m_i = λ·m_{i−1} + (η_{i−1} − η_i) (their eq. 1 and §3.2).
 */
import { annealingAreas, fitLaw, getLaw, type FitReport } from '@slab/laws';

/** One trial's curves as streamed: the LR it logged and the loss it measured, each at 1-based steps. */
export interface ScheduleCurve {
  /** Schedule name (constant, cosine, wsd, ...); held-out selection goes by it. */
  schedule: string;
  trialId: string;
  /** Logged learning rate, (step, value) ascending; the trainer emits it every logEvery steps. */
  lr: { step: number; value: number }[];
  /** Measured loss (e.g. eval_loss), (step, value); non-finite values are skipped. */
  loss: { step: number; value: number }[];
}

export interface AnnealingOptions {
  /** Decay factor λ of the annealing momentum (default 0.999, Tissue et al.'s value). */
  lambda?: number;
  /** Schedules predicted from fits on the others. Default: each schedule in turn (leave one schedule out). */
  holdout?: string[];
  /**
   * Loss points before this fraction of a curve's steps are not fitted nor scored (default 0.1): the
   * law describes the loss after the initial transient, which it does not model.
   */
  skipFraction?: number;
  /** Bootstrap resamples of the fitted points for the parameter intervals (default 100). */
  bootstrap?: number;
  seed?: number;
  /** Parameters held fixed, e.g. { C: 0 } for the forward-area-only baseline that ignores annealing. */
  fixed?: Record<string, number>;
}

export interface ParamEstimate {
  value: number;
  lo: number;
  hi: number;
  /** Set when the data do not determine it (at a bound, a flat valley, a too-wide interval): why. Never a finding. */
  undetermined?: string;
}

export interface HeldOutPrediction {
  schedule: string;
  /** Schedules whose curves were fitted. */
  fittedOn: string[];
  params: Record<string, ParamEstimate>;
  /** The fitted law with its numbers. */
  formula: string;
  converged: boolean;
  /** Mean |predicted − actual| / actual over the held-out curve's scored points. */
  meanRelError: number;
  /** The same at the curve's last scored point (the final loss). */
  finalRelError: number;
  /** (step, actual, predicted) of the held-out curve, for plots. */
  points: { step: number; actual: number; predicted: number; S1: number; S2: number }[];
}

export interface AnnealingStudy {
  lambda: number;
  /** Fit on every schedule together, the parameters with bootstrap intervals. */
  all: { params: Record<string, ParamEstimate>; formula: string; points: number; converged: boolean } | null;
  predictions: HeldOutPrediction[];
}

/**
 * Per-step learning rates for steps 1..lastStep from a logged subsequence: linear between logged steps
 * (exact for constant, linear and WSD pieces; cosine's error is O(logEvery²)), held flat before the first
 * and after the last logged step. Returned array index i is step i + 1. Throws on an empty log.
 */
export function lrPerStep(logged: readonly { step: number; value: number }[], lastStep: number): Float64Array {
  const pts = logged.filter((p) => Number.isFinite(p.value)).slice().sort((a, b) => a.step - b.step);
  if (!pts.length) throw new Error('lrPerStep: no finite learning-rate values were logged');
  if (!(Number.isInteger(lastStep) && lastStep >= 1)) throw new Error(`lrPerStep: lastStep must be a whole number ≥ 1, got ${lastStep}`);
  const out = new Float64Array(lastStep);
  let j = 0;
  for (let s = 1; s <= lastStep; s++) {
    while (j + 1 < pts.length && pts[j + 1].step <= s) j++;
    const a = pts[j];
    const b = pts[j + 1];
    if (s <= pts[0].step) out[s - 1] = pts[0].value;
    else if (!b) out[s - 1] = a.value;
    else out[s - 1] = a.value + ((b.value - a.value) * (s - a.step)) / (b.step - a.step);
  }
  return out;
}

interface Point {
  schedule: string;
  step: number;
  S1: number;
  S2: number;
  loss: number;
}

function curvePoints(c: ScheduleCurve, lambda: number, skipFraction: number): Point[] {
  const loss = c.loss.filter((p) => Number.isFinite(p.value) && p.step >= 1);
  if (!loss.length) return [];
  const last = Math.max(...loss.map((p) => p.step), ...c.lr.map((p) => p.step));
  const { S1, S2 } = annealingAreas(lrPerStep(c.lr, last), lambda);
  return loss
    .filter((p) => p.step >= skipFraction * last)
    .map((p) => ({ schedule: c.schedule, step: p.step, S1: S1[p.step - 1], S2: S2[p.step - 1], loss: p.value }));
}

function fit(points: Point[], bootstrap: number, seed: number, fixed?: Record<string, number>): FitReport {
  return fitLaw({ x: points.map((p) => ({ S1: p.S1, S2: p.S2 })), y: points.map((p) => p.loss) }, { law: 'lr-annealing', bootstrap, seed, ...(fixed ? { fixed } : {}) });
}

function estimates(r: FitReport): Record<string, ParamEstimate> {
  const out: Record<string, ParamEstimate> = {};
  for (const [k, v] of Object.entries(r.params)) {
    const iv = r.bootstrap?.intervals[k];
    const why = r.identifiability?.parameters[k];
    out[k] = { value: v, lo: iv ? iv[0] : Number.NaN, hi: iv ? iv[1] : Number.NaN, ...(why && !why.determined ? { undetermined: why.reasons[0] ?? 'not determined by the data' } : {}) };
  }
  return out;
}

/**
 * Fits the LR-annealing law on the curves of some schedules and predicts each held-out schedule's whole
 * curve from its LR sequence alone (Tissue et al. §4: one fit, any schedule). Throws when a held-out
 * schedule has no curve, or when fewer than 5 points remain to fit.
 */
export function lrAnnealingStudy(curves: readonly ScheduleCurve[], opts: AnnealingOptions = {}): AnnealingStudy {
  const lambda = opts.lambda ?? 0.999;
  if (!(lambda >= 0 && lambda < 1)) throw new Error(`lrAnnealingStudy: lambda must be in [0, 1), got ${lambda}`);
  const skip = opts.skipFraction ?? 0.1;
  if (!(skip >= 0 && skip < 1)) throw new Error(`lrAnnealingStudy: skipFraction must be in [0, 1), got ${skip}`);
  const bootstrap = opts.bootstrap ?? 100;
  const seed = opts.seed ?? 1;
  const points = curves.flatMap((c) => curvePoints(c, lambda, skip));
  const schedules = [...new Set(curves.map((c) => c.schedule))].sort();
  const holdout = opts.holdout ?? schedules;
  for (const h of holdout) {
    if (!schedules.includes(h)) throw new Error(`lrAnnealingStudy: held-out schedule "${h}" has no curve (schedules: ${schedules.join(', ') || 'none'})`);
  }
  const law = getLaw('lr-annealing');
  const predictions: HeldOutPrediction[] = [];
  for (const h of holdout) {
    const train = points.filter((p) => p.schedule !== h);
    const test = points.filter((p) => p.schedule === h).sort((a, b) => a.step - b.step);
    if (train.length < 5) throw new Error(`lrAnnealingStudy: holding out "${h}" leaves ${train.length} points to fit; need at least 5`);
    const r = fit(train, bootstrap, seed, opts.fixed);
    const scored = test.map((p) => ({ step: p.step, actual: p.loss, predicted: law.predict(r.params, { S1: p.S1, S2: p.S2 }), S1: p.S1, S2: p.S2 }));
    const rel = scored.map((p) => Math.abs(p.predicted - p.actual) / p.actual);
    predictions.push({
      schedule: h,
      fittedOn: schedules.filter((s) => s !== h),
      params: estimates(r),
      formula: law.format(r.params),
      converged: r.converged,
      meanRelError: rel.reduce((a, b) => a + b, 0) / Math.max(rel.length, 1),
      finalRelError: rel.length ? rel[rel.length - 1] : Number.NaN,
      points: scored,
    });
  }
  const all = points.length >= 5 ? fit(points, bootstrap, seed, opts.fixed) : null;
  return {
    lambda,
    all: all && { params: estimates(all), formula: law.format(all.params), points: all.nPoints, converged: all.converged },
    predictions,
  };
}
