/**
 * Is the best group really better than another, or only by chance? Two predictions at the target
 * (lower is better) are separable at `level` when the central `level` interval of their difference
 * excludes zero.
 *
 * With bootstrap samples of both predictions the difference's distribution is the percentile
 * bootstrap one (Efron & Tibshirani 1993, *An Introduction to the Bootstrap*, ch. 13 and 16): the
 * groups are fitted to disjoint trials, so their resamples are independent and every pairing
 * (other_j − best_i) is a draw of the difference. Without samples, the two stored intervals are
 * compared instead: they must not overlap. That test is conservative (two 95% intervals can overlap
 * while the difference is significant at 95%), so the result names the method it used.
 */
import { centralInterval } from './fit';

/** A prediction at the target: its point value, and its bootstrap draws or its interval. */
export interface Prediction {
  value: number;
  /** Predictions at the target under each bootstrap sample of the fit. */
  samples?: number[];
  lo?: number;
  hi?: number;
}

export interface Separation {
  /** True when `other` is worse than `best` at `level`. */
  separable: boolean;
  method: 'bootstrap' | 'intervals';
  level: number;
  /** Central `level` interval of other − best (bootstrap method only). */
  difference?: [number, number];
  /** Share of paired draws in which `other` predicts at most `best`'s loss (bootstrap method only). */
  otherAsGood?: number;
}

/** Most draws per side: n² pairs are formed, so larger sample sets are thinned evenly. */
const MAX_DRAWS = 400;

function thin(values: number[]): number[] {
  const v = values.filter(Number.isFinite);
  if (v.length <= MAX_DRAWS) return v;
  return Array.from({ length: MAX_DRAWS }, (_, i) => v[Math.floor((i * v.length) / MAX_DRAWS)]);
}

/**
 * Whether `other` is separable from `best` (the lower prediction) at `level` (0 < level < 1).
 * Undefined when neither enough bootstrap draws (5 per side) nor finite intervals exist: nothing
 * can be said. Throws a RangeError for a level outside (0, 1).
 */
export function separation(best: Prediction, other: Prediction, level: number): Separation | undefined {
  if (!(level > 0 && level < 1)) throw new RangeError(`level: expected a coverage between 0 and 1 (e.g. 0.95), got ${level}`);
  const a = thin(best.samples ?? []);
  const b = thin(other.samples ?? []);
  if (a.length >= 5 && b.length >= 5) {
    const diffs: number[] = [];
    let asGood = 0;
    for (const x of a) {
      for (const y of b) {
        diffs.push(y - x);
        if (y <= x) asGood++;
      }
    }
    const difference = centralInterval(diffs, level)!;
    return { separable: difference[0] > 0, method: 'bootstrap', level, difference, otherAsGood: asGood / diffs.length };
  }
  const finite = (p: Prediction) => Number.isFinite(p.lo) && Number.isFinite(p.hi);
  if (!finite(best) || !finite(other)) return undefined;
  return { separable: best.hi! < other.lo!, method: 'intervals', level };
}

/**
 * The candidates `best` cannot be told apart from at `level`, in the candidates' order, each with
 * its test; candidates that cannot be tested at all are listed as `untested`.
 */
export function indistinguishable<K>(best: Prediction, candidates: { key: K; prediction: Prediction }[], level: number): { ties: { key: K; test: Separation }[]; untested: K[] } {
  const ties: { key: K; test: Separation }[] = [];
  const untested: K[] = [];
  for (const c of candidates) {
    const test = separation(best, c.prediction, level);
    if (!test) untested.push(c.key);
    else if (!test.separable) ties.push({ key: c.key, test });
  }
  return { ties, untested };
}
