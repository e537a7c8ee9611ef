/**
 * Over-training and the loss → downstream chain: Gadre et al. 2024, "Language models scale reliably with
 * over-training and on downstream tasks" (arXiv:2403.08540). The loss in compute C = 6ND and token
 * multiplier M = D/N follows L(C, M) = E + (a·M^η + b·M^−η)·C^−η (their eq. 4, Chinchilla's law with equal
 * exponents rewritten in C and M), and the downstream top-1 error follows the loss, Err(L) = ε − k·exp(−γL)
 * (eq. 5). Both are fitted on the runs that are not held out; a held-out (larger, over-trained) run's loss
 * is predicted from its C and M, and its error by chaining the two laws. The error's interval pairs the
 * i-th bootstrap refit of L(C, M) with the i-th of Err(L) (independent resamples, so pairing draws from
 * the joint distribution), which propagates both fits' uncertainty.
 */
import { chainPredict, fitLaw, formatLaw, predictInterval, type FitReport } from '@slab/laws';

/** One finished trial. */
export interface OvertrainingRun {
  trialId: string;
  /** N, parameters. */
  params: number;
  /** D, training tokens. */
  data: number;
  /** Final loss (e.g. eval_loss); null when missing (the run is left out, counted). */
  loss: number | null;
  /** Downstream top-1 accuracy in [0, 1] (error = 1 − accuracy); null when not measured. */
  accuracy: number | null;
  /** Predicted instead of fitted. */
  heldOut?: boolean;
}

export interface Estimate {
  value: number;
  lo: number;
  hi: number;
}

export interface FittedLaw {
  formula: string;
  params: Record<string, Estimate>;
  points: number;
  converged: boolean;
  /** Root mean squared log error over the fitted points. */
  rmsle: number;
  /** Set when the fit's bootstrap shows parameters the data do not determine. */
  warning?: string;
}

export interface OvertrainingPrediction {
  trialId: string;
  params: number;
  data: number;
  /** C = 6ND and M = D/N. */
  compute: number;
  multiplier: number;
  loss: { predicted: Estimate; actual: number | null; relError: number | null };
  /** Top-1 error chained through L(C, M) → Err(L); `fromActualLoss` is Err at the measured loss (the second law alone). */
  error: { predicted: Estimate; actual: number | null; relError: number | null; fromActualLoss: number | null } | null;
  warning?: string;
}

export interface OvertrainingStudy {
  level: number;
  /** Every run with its C and M, fitted or held out. */
  runs: (OvertrainingRun & { compute: number; multiplier: number; error: number | null })[];
  /** Range of M among the fitted runs. */
  multipliers: { min: number; max: number };
  lossLaw: FittedLaw | null;
  errorLaw: FittedLaw | null;
  predictions: OvertrainingPrediction[];
  notes: string[];
}

export interface OvertrainingOptions {
  /** Bootstrap resamples of each fit (default 200). */
  bootstrap?: number;
  seed?: number;
  level?: number;
}

function summarise(report: FitReport, level: number): FittedLaw {
  const iv = report.bootstrap?.intervals ?? {};
  const params = Object.fromEntries(
    Object.entries(report.params).map(([k, v]) => [k, { value: v, lo: iv[k]?.[0] ?? Number.NaN, hi: iv[k]?.[1] ?? Number.NaN }]),
  );
  const undetermined = Object.entries(report.identifiability?.parameters ?? {})
    .filter(([, p]) => !p.determined)
    .map(([k]) => k);
  return {
    formula: formatLaw(report),
    params,
    points: report.nPoints,
    converged: report.converged,
    rmsle: report.rmsle,
    ...(undetermined.length ? { warning: `the data do not determine ${undetermined.join(', ')} (${Math.round(level * 100)}% bootstrap)` } : {}),
  };
}

const rel = (pred: number, actual: number | null): number | null => (actual === null || !Number.isFinite(actual) || actual === 0 ? null : (pred - actual) / actual);

/**
 * Fits L(C, M) on the fitted runs' losses and Err(L) on their (loss, 1 − accuracy) pairs, and predicts
 * every held-out run. Throws when a run has a non-positive N or D, or an accuracy outside [0, 1].
 */
export function overtrainingStudy(runs: readonly OvertrainingRun[], opts: OvertrainingOptions = {}): OvertrainingStudy {
  const level = opts.level ?? 0.95;
  const bootstrap = opts.bootstrap ?? 200;
  const seed = opts.seed ?? 0;
  runs.forEach((r, i) => {
    if (!(r.params > 0)) throw new Error(`overtrainingStudy: runs[${i}].params must be a positive number, got ${r.params}`);
    if (!(r.data > 0)) throw new Error(`overtrainingStudy: runs[${i}].data must be a positive number, got ${r.data}`);
    if (r.accuracy !== null && !(r.accuracy >= 0 && r.accuracy <= 1)) throw new Error(`overtrainingStudy: runs[${i}].accuracy must be in [0, 1], got ${r.accuracy}`);
  });
  const all = runs.map((r) => ({
    ...r,
    compute: 6 * r.params * r.data,
    multiplier: r.data / r.params,
    error: r.accuracy === null ? null : 1 - r.accuracy,
  }));
  const notes: string[] = [];
  const fit = all.filter((r) => !r.heldOut && r.loss !== null && Number.isFinite(r.loss));
  const skipped = all.filter((r) => !r.heldOut).length - fit.length;
  if (skipped) notes.push(`${skipped} run(s) without a finite loss left out of the fits`);
  const ms = fit.map((r) => r.multiplier);
  const multipliers = { min: ms.length ? Math.min(...ms) : Number.NaN, max: ms.length ? Math.max(...ms) : Number.NaN };
  let lossReport: FitReport | null = null;
  // Four parameters: at least 5 runs so the bootstrap keeps some degrees of freedom.
  if (fit.length >= 5) {
    lossReport = fitLaw({ x: fit.map((r) => ({ C: r.compute, M: r.multiplier })), y: fit.map((r) => r.loss as number) }, { law: 'overtraining', bootstrap, seed });
  } else notes.push(`L(C, M) not fitted: it has 4 parameters and needs at least 5 runs, got ${fit.length}`);
  const withErr = fit.filter((r) => r.error !== null);
  let errReport: FitReport | null = null;
  if (withErr.length >= 4) {
    errReport = fitLaw({ x: withErr.map((r) => ({ L: r.loss as number })), y: withErr.map((r) => r.error as number) }, { law: 'downstream-error', bootstrap, seed: seed + 1 });
  } else notes.push(`Err(L) not fitted: it has 3 parameters and needs at least 4 runs with a downstream metric, got ${withErr.length}`);
  const predictions: OvertrainingPrediction[] = [];
  if (lossReport) {
    for (const r of all.filter((x) => x.heldOut)) {
      const x = { C: r.compute, M: r.multiplier };
      const lp = predictInterval(lossReport, x, level, { positive: true });
      const actualLoss = r.loss !== null && Number.isFinite(r.loss) ? r.loss : null;
      let error: OvertrainingPrediction['error'] = null;
      const warnings = [lp.warning];
      if (errReport) {
        const ch = chainPredict(lossReport, errReport, x, level);
        warnings.push(ch.warning);
        error = {
          predicted: { value: ch.value, lo: ch.lo, hi: ch.hi },
          actual: r.error,
          relError: rel(ch.value, r.error),
          fromActualLoss: actualLoss === null ? null : errReport.params.epsilon - errReport.params.k * Math.exp(-errReport.params.gamma * actualLoss),
        };
      }
      // Each law's warning reaches both answers: said once.
      const warning = [...new Set(warnings.flatMap((w) => (w ? w.split('; ') : [])))].join('; ');
      predictions.push({
        trialId: r.trialId,
        params: r.params,
        data: r.data,
        compute: r.compute,
        multiplier: r.multiplier,
        loss: { predicted: { value: lp.value, lo: lp.lo, hi: lp.hi }, actual: actualLoss, relError: rel(lp.value, actualLoss) },
        error,
        ...(warning ? { warning } : {}),
      });
    }
  }
  if (!all.some((r) => r.heldOut)) notes.push('no run is held out: nothing to predict');
  return {
    level,
    runs: all,
    multipliers,
    lossLaw: lossReport ? summarise(lossReport, level) : null,
    errorLaw: errReport ? summarise(errReport, level) : null,
    predictions,
    notes,
  };
}
