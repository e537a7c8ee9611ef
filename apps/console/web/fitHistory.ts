/**
 * The sweep's fits as a history: after each batch, the prediction at the target, its interval at the
 * view's level and the FLOPs spent so far. This is how an adaptive planner's progress reads: the
 * interval should narrow as FLOPs are spent, until the planner stops at its tolerance or budget.
 */
import { degenerate, readFit, targetAt } from './fit';
import type { FitRow, TrialRow } from './types';

export interface HistoryPoint {
  /** 1-based: the fit made after batch `batch`. */
  batch: number;
  fitId: number;
  /** Training FLOPs spent when the fit was made. */
  flops: number;
  value: number;
  lo: number;
  hi: number;
  /** Coverage of [lo, hi]: the view's level, or the stored interval's own when it cannot be recomputed. */
  level: number;
  /** Interval half-width relative to the prediction, (hi − lo) / 2 / |value|: what a planner's tolerance bounds. */
  relHalfWidth: number;
  /** Why this fit must not be read as a finding (see fit.degenerate). */
  degenerate?: string;
}

export interface FitHistory {
  points: HistoryPoint[];
  /** The target, as the latest fit labels it (`eval_loss at N=5.50e+9, D=6.70e+10`). */
  label?: string;
  /** Fits without a prediction at the target (skipped, failed, or no target). */
  withoutTarget: number;
  /**
   * Where the FLOPs come from: the fit summaries (`trainingFlops`), or, for fits stored before
   * they recorded it, the trials that had finished by the fit's time.
   */
  flopsFrom: 'fits' | 'trials';
}

const FINISHED = new Set(['completed', 'diverged', 'failed', 'stopped']);

/** Training FLOPs of the trials finished by `time` (ISO), for fits that did not record their own. */
function flopsFinishedBy(trials: TrialRow[], time: string): number {
  const at = Date.parse(time);
  return trials.filter((t) => FINISHED.has(t.status) && Date.parse(t.updatedAt) <= at).reduce((s, t) => s + (Number.isFinite(t.flops) ? t.flops! : 0), 0);
}

/** One point per fit with a target prediction, in fit order, at `level` (e.g. 0.95). */
export function fitHistory(fits: FitRow[], trials: TrialRow[], level: number): FitHistory {
  const points: HistoryPoint[] = [];
  let withoutTarget = 0;
  let label: string | undefined;
  let fromTrials = false;
  fits.forEach((row, i) => {
    const fit = readFit(row);
    const t = fit.skipped ? undefined : targetAt(fit, level);
    if (!t || !Number.isFinite(t.value)) {
      withoutTarget++;
      return;
    }
    const recorded = (row.summary as { trainingFlops?: unknown }).trainingFlops;
    const flops = typeof recorded === 'number' && Number.isFinite(recorded) ? recorded : flopsFinishedBy(trials, row.createdAt);
    if (typeof recorded !== 'number') fromTrials = true;
    const [lo, hi] = Number.isFinite(t.lo) && Number.isFinite(t.hi) ? [t.lo, t.hi] : [t.value, t.value];
    label = t.label;
    points.push({ batch: i + 1, fitId: row.id, flops, value: t.value, lo, hi, level: t.level, relHalfWidth: (hi - lo) / 2 / Math.abs(t.value), degenerate: degenerate(fit) });
  });
  return { points, label, withoutTarget, flopsFrom: fromTrials ? 'trials' : 'fits' };
}

/**
 * The planner's tolerance on the relative half-width, read from its stop reason
 * (`target interval ±0.84% (…) is within the tolerance ±1.00%` → 0.01); undefined when it names none.
 */
export function toleranceOf(stopReason: string | undefined): number | undefined {
  const m = /tolerance ±([0-9.]+)%/.exec(stopReason ?? '');
  return m ? Number(m[1]) / 100 : undefined;
}
