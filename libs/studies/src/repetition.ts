/**
 * Repeated data: Muennighoff et al. 2023, "Scaling Data-Constrained Language Models" (arXiv:2305.16264).
 * D tokens drawn from a pool of U unique tokens: U_D = min(D, U) unique tokens seen, R_D = D / U_D − 1
 * repeated epochs, and the effective data
 *
 *   D' = U_D + U_D · R_D* · (1 − exp(−R_D / R_D*))                                         (their eq. 5)
 *
 * replaces D in the Chinchilla form L = E + A/N^α + B/D'^β. As in the paper (§6, appendix C) the fit has
 * two stages: the Chinchilla parameters from runs with fresh data (at most one epoch), then R_D* with
 * those held fixed, on every run. R_N* (the excess-parameter decay) is not fitted: a sweep of a few model
 * sizes cannot identify it, so N' = N (R_N* → ∞) and the answer says so.
 */
import { fitLaw, getLaw, mulberry32, percentileInterval, type FitReport } from '@slab/laws';
import type { ParamEstimate } from './annealing';

/** One finished trial: model size, tokens trained, unique tokens in its pool, final loss. */
export interface RepetitionRun {
  trialId: string;
  /** Parameters N. */
  N: number;
  /** Training tokens D. */
  D: number;
  /** Unique tokens U the D tokens were drawn from. */
  U: number;
  /** Final loss (e.g. eval_loss); null for a diverged run or one that never evaluated (left out). */
  loss: number | null;
}

export interface RepetitionOptions {
  /** Relative loss gap to fresh data that still counts as "almost as good" (default 0.01). */
  tolerance?: number;
  /** Bootstrap resamples of the runs, both stages refitted on each (default 200). */
  bootstrap?: number;
  /** Interval level (default 0.95). */
  level?: number;
  seed?: number;
}

export interface RepetitionRunResult extends RepetitionRun {
  /** D / U_D: 1 for fresh data (runs under one epoch count as one). */
  epochs: number;
  /** Effective data D' at the fitted R_D*. */
  effectiveData: number;
  /** The data-constrained law's loss for this run. */
  predicted: number;
  /** Measured loss of the fresh-data run at the same N and D (null when the sweep has none). */
  freshLoss: number | null;
  /** (loss − freshLoss) / freshLoss; null without a fresh run at the same N and D. */
  gap: number | null;
}

export interface EffectiveDataPoint {
  epochs: number;
  /** D'/D at the fitted R_D* (1 at one epoch, falling towards (1 + R_D*)/epochs). */
  fraction: number;
  lo: number;
  hi: number;
}

/**
 * R_D* with its interval. `value`/`hi` are null when the fit puts R_D* beyond RD_CAP: the repeated runs were
 * as good as fresh data, so the sweep bounds R_D* only from below (`lo`).
 */
export interface RdStarEstimate {
  value: number | null;
  lo: number;
  hi: number | null;
  /** True when the point estimate or the interval's upper end is beyond what the sweep can tell. */
  unbounded: boolean;
}

/** Measured loss gap to fresh data at one epoch count, over the (N, D) pairs that have both. */
export interface EpochGap {
  epochs: number;
  /** Median of (loss − fresh loss) / fresh loss. */
  medianGap: number;
  maxGap: number;
  runs: number;
}

export interface RepetitionStudy {
  level: number;
  tolerance: number;
  /** Stage 1: Chinchilla on the fresh-data runs. */
  fresh: { params: Record<string, ParamEstimate>; formula: string; points: number; converged: boolean };
  /** Stage 2: R_D* with the stage-1 parameters fixed, its bootstrap interval over both stages. */
  rdStar: RdStarEstimate;
  /** Measured gaps to fresh data per epoch count. */
  gaps: EpochGap[];
  /**
   * Run-to-run noise: median relative loss difference between fresh-data runs at the same (N, D) (pools of
   * different sizes, both at most one epoch); null when the sweep has no such pair.
   */
  noise: number | null;
  /** The fitted data-constrained law (R_N* fixed at a value that makes N' = N). */
  formula: string;
  converged: boolean;
  /** Mean |predicted − measured| / measured over the repeated runs: how well D' explains them. */
  repeatedRelError: number;
  runs: RepetitionRunResult[];
  /** The law's D'/D against epochs, with the interval from the bootstrap. */
  curve: EffectiveDataPoint[];
  /**
   * Largest number of epochs such that at it and every smaller epoch count the median measured gap to the
   * fresh run at the same N and D is within `tolerance` (null when none was compared).
   */
  almostAsGoodMeasured: number | null;
  /**
   * The law's answer in the same terms: largest epochs (of 1, 2, 3, 4, 6, 8, 12, …) at which its loss stays
   * within `tolerance` of its fresh-data loss at every (N, D) the sweep repeated at.
   */
  almostAsGoodLaw: number | null;
  /** What the answer cannot say (a stage not converged, too few fresh runs, wide intervals). */
  notes: string[];
}

/** R_N* held here: 1 − exp(−R_N/1e6) ≈ R_N/1e6 for any realistic R_N, so N' = N to 1e-6. */
const RN_OFF = 1e6;
/**
 * Beyond this R_D* no sweep of at most a few hundred epochs can tell D' from D (at 64 epochs D'/D > 0.997):
 * a fit or resample that lands above it says "at least", not a value.
 */
export const RD_CAP = 1e4;
/** Stage-2 starts: R_D* is one parameter, so a log grid is cheap and finds the basin a warm start would miss. */
const RD_STARTS = [0.5, 1, 2, 5, 10, 20, 50, 200, 1e3, 1e4];
const CURVE_EPOCHS = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64];

const usable = (r: RepetitionRun): r is RepetitionRun & { loss: number } => r.loss !== null && Number.isFinite(r.loss) && r.loss > 0;
const epochsOf = (r: RepetitionRun): number => r.D / Math.min(r.D, r.U);
const isFresh = (r: RepetitionRun): boolean => r.D <= r.U;

/** D'/D for `epochs` passes over the unique data at decay constant rdStar. */
export function effectiveFraction(epochs: number, rdStar: number): number {
  const R = Math.max(epochs - 1, 0);
  return (1 + rdStar * -Math.expm1(-R / rdStar)) / (1 + R);
}

interface Fitted {
  stage1: FitReport;
  stage2: FitReport;
}

const CHINCHILLA_KEYS = ['E', 'A', 'B', 'alpha', 'beta'] as const;

function fitBoth(runs: (RepetitionRun & { loss: number })[], warm?: Fitted): Fitted {
  const fresh = runs.filter(isFresh);
  const stage1 = fitLaw(
    { x: fresh.map((r) => ({ N: r.N, D: r.D })), y: fresh.map((r) => r.loss) },
    { law: 'chinchilla', ...(warm ? { starts: [warm.stage1.params] } : {}) },
  );
  const fixed: Record<string, number> = { RN: RN_OFF };
  // E (a log-scale parameter) may sit at its bound of 0 when the fresh runs show no floor; fixing it needs > 0.
  for (const k of CHINCHILLA_KEYS) fixed[k] = Math.max(stage1.params[k], Number.MIN_VALUE);
  const stage2 = fitLaw(
    { x: runs.map((r) => ({ N: r.N, D: r.D, U: r.U })), y: runs.map((r) => r.loss) },
    { law: 'data-constrained', fixed, starts: RD_STARTS.map((RD) => ({ ...fixed, RD })) },
  );
  return { stage1, stage2 };
}

/**
 * Fits the data-constrained law to a repetition sweep and reports R_D*, the effective-data curve and how
 * many epochs were almost as good as fresh data. Throws (naming what is missing) with fewer than 5 usable
 * fresh-data runs (D ≤ U), fewer than 2 model sizes among them, or no repeated run (D > U).
 */
export function repetitionStudy(runs: readonly RepetitionRun[], opts: RepetitionOptions = {}): RepetitionStudy {
  const tolerance = opts.tolerance ?? 0.01;
  if (!(tolerance > 0 && tolerance < 1)) throw new Error(`repetitionStudy: tolerance must be in (0, 1), got ${tolerance}`);
  const level = opts.level ?? 0.95;
  const nBoot = opts.bootstrap ?? 200;
  const ok = runs.filter(usable);
  const fresh = ok.filter(isFresh);
  const repeated = ok.filter((r) => !isFresh(r));
  if (fresh.length < 5) throw new Error(`repetitionStudy: ${fresh.length} finished runs with fresh data (D ≤ U); need at least 5 to fit the Chinchilla stage`);
  if (new Set(fresh.map((r) => r.N)).size < 2) throw new Error('repetitionStudy: the fresh-data runs have one model size; sweep at least 2 widths');
  if (!repeated.length) throw new Error('repetitionStudy: no finished run repeats its data (D > U); list a uniqueData value below the largest data');

  const best = fitBoth(ok);
  const law = getLaw('data-constrained');
  const rd = best.stage2.params.RD;

  const rand = mulberry32(opts.seed ?? 1);
  const rdSamples: number[] = [];
  const freshSamples: Record<string, number[]> = Object.fromEntries(CHINCHILLA_KEYS.map((k) => [k, []]));
  let failed = 0;
  let firstFailure: string | undefined;
  for (let b = 0; b < nBoot; b++) {
    // Resample fresh and repeated runs apart, so every resample can fit both stages.
    const pick = <T>(xs: T[]): T[] => xs.map(() => xs[Math.floor(rand() * xs.length)]);
    const sample = [...pick(fresh), ...pick(repeated)];
    if (new Set(sample.filter(isFresh).map((r) => r.N)).size < 2) {
      failed++;
      continue;
    }
    try {
      const f = fitBoth(sample, best);
      rdSamples.push(f.stage2.params.RD);
      for (const k of CHINCHILLA_KEYS) freshSamples[k].push(f.stage1.params[k]);
    } catch (e) {
      failed++;
      firstFailure ??= (e as Error).message;
    }
  }
  const iv = (xs: number[]): [number, number] => (xs.length >= 10 ? percentileInterval(xs, level) : [Number.NaN, Number.NaN]);
  const [rdLo, rdHiRaw] = iv(rdSamples.map((v) => Math.min(v, RD_CAP)));
  const unbounded = rd >= RD_CAP || rdHiRaw >= RD_CAP;
  const rdStar: RdStarEstimate = { value: rd >= RD_CAP ? null : rd, lo: Math.min(rdLo, RD_CAP), hi: rdHiRaw >= RD_CAP ? null : rdHiRaw, unbounded };

  const freshAt = new Map(fresh.map((r) => [`${r.N}|${r.D}`, r.loss]));
  const results: RepetitionRunResult[] = ok
    .map((r) => {
      const f = freshAt.get(`${r.N}|${r.D}`) ?? null;
      const epochs = epochsOf(r);
      const ud = Math.min(r.D, r.U);
      return {
        ...r,
        epochs,
        effectiveData: ud * (1 + rd * -Math.expm1(-(epochs - 1) / rd)),
        predicted: law.predict(best.stage2.params, { N: r.N, D: r.D, U: r.U }),
        freshLoss: f,
        gap: f === null || isFresh(r) ? (isFresh(r) ? 0 : null) : (r.loss - f) / f,
      };
    })
    .sort((a, b) => a.N - b.N || a.D - b.D || a.U - b.U);

  const compared = results.filter((r) => !isFresh(r) && r.gap !== null);
  const median = (xs: number[]): number => {
    const t = xs.slice().sort((a, b) => a - b);
    return t.length % 2 ? t[(t.length - 1) / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
  };
  const gaps: EpochGap[] = [...new Set(compared.map((r) => r.epochs))]
    .sort((a, b) => a - b)
    .map((e) => {
      const gs = compared.filter((r) => r.epochs === e).map((r) => r.gap as number);
      return { epochs: e, medianGap: median(gs), maxGap: Math.max(...gs), runs: gs.length };
    });
  // A median per epoch count, so one run stuck on a plateau longer than its neighbours does not decide it.
  let almostMeasured: number | null = gaps.length ? 1 : null;
  for (const g of gaps) {
    if (g.medianGap <= tolerance) almostMeasured = g.epochs;
    else break;
  }
  const pairs = new Map<string, number[]>();
  for (const r of fresh) pairs.set(`${r.N}|${r.D}`, [...(pairs.get(`${r.N}|${r.D}`) ?? []), r.loss]);
  const diffs = [...pairs.values()].filter((ls) => ls.length > 1).map((ls) => (Math.max(...ls) - Math.min(...ls)) / Math.min(...ls));
  const noise = diffs.length ? median(diffs) : null;
  // The law's answer in the same terms: largest epochs whose predicted loss stays within `tolerance` of the
  // fresh-data prediction at the same N and D, for every (N, D) the sweep repeated at.
  const lawGap = (N: number, D: number, e: number): number => {
    const p = best.stage2.params;
    const freshL = law.predict(p, { N, D, U: D });
    return (law.predict(p, { N, D, U: D / e }) - freshL) / freshL;
  };
  let almostLaw: number | null = null;
  for (const e of CURVE_EPOCHS) {
    if (repeated.every((r) => lawGap(r.N, r.D, e) <= tolerance)) almostLaw = e;
    else break;
  }

  const curve = CURVE_EPOCHS.map((e) => {
    const fr = rdSamples.map((v) => effectiveFraction(e, v));
    const [lo, hi] = iv(fr);
    return { epochs: e, fraction: effectiveFraction(e, rd), lo, hi };
  });

  const repErr = repeated.map((r) => Math.abs(law.predict(best.stage2.params, { N: r.N, D: r.D, U: r.U }) - r.loss) / r.loss);
  const notes: string[] = [`R_N* is not fitted (${new Set(ok.map((r) => r.N)).size} model sizes cannot identify it): N' = N`];
  if (!best.stage1.converged) notes.push('the fresh-data (Chinchilla) stage did not converge');
  if (!best.stage2.converged) notes.push('the R_D* stage did not converge');
  if (failed) notes.push(`${failed} of ${nBoot} bootstrap resamples could not be fitted and were left out${firstFailure ? ` (first: ${firstFailure})` : ''}`);
  const maxEpochs = Math.max(...repeated.map(epochsOf));
  if (unbounded) {
    notes.push(
      `R_D* is bounded from below only (≥ ${rdStar.lo.toPrecision(3)} at ${Math.round(level * 100)}%): repeating up to ${maxEpochs} epochs cost nothing the law can separate from noise at this scale`,
    );
  } else if (rdStar.hi !== null && rdStar.hi / rdStar.lo > 10) notes.push(`R_D* is poorly determined: its ${Math.round(level * 100)}% interval spans ${(rdStar.hi / rdStar.lo).toFixed(0)}×`);
  if (noise !== null && noise >= tolerance) notes.push(`run-to-run noise (${(noise * 100).toFixed(2)}%) is at or above the tolerance (${(tolerance * 100).toFixed(2)}%): "almost as good" cannot be told apart from noise`);
  const dropped = runs.length - ok.length;
  if (dropped) notes.push(`${dropped} run(s) without a finite final loss were left out`);

  const est = (v: number, xs: number[]): ParamEstimate => {
    const [lo, hi] = iv(xs);
    return { value: v, lo, hi };
  };
  return {
    level,
    tolerance,
    fresh: {
      params: Object.fromEntries(CHINCHILLA_KEYS.map((k) => [k, est(best.stage1.params[k], freshSamples[k])])),
      formula: getLaw('chinchilla').format(best.stage1.params),
      points: best.stage1.nPoints,
      converged: best.stage1.converged,
    },
    rdStar,
    gaps,
    noise,
    formula: law.format(best.stage2.params),
    converged: best.stage2.converged,
    repeatedRelError: repErr.reduce((a, b) => a + b, 0) / repErr.length,
    runs: results,
    curve,
    almostAsGoodMeasured: almostMeasured,
    almostAsGoodLaw: almostLaw,
    notes,
  };
}
