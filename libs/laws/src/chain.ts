/**
 * Law chaining, as Gadre et al. 2024 (section 3.2) predict downstream error: a loss law L(x) fitted on one
 * set of runs feeds a one-variable law Err(L) fitted on another. The interval propagates both fits'
 * uncertainty: the i-th bootstrap sample of the loss law is paired with the i-th of the downstream law (the
 * fits are independent, so index pairing draws from the joint distribution).
 */
import { intervalWarning } from './identifiability';
import { getLaw } from './laws/index';
import { percentileInterval } from './stats';
import type { FitReport } from './types';

export interface ChainedPrediction {
  /** Intermediate value (e.g. the predicted loss) at x. */
  intermediate: number;
  value: number;
  lo: number;
  hi: number;
  /** Bootstrap pairs used for the interval. */
  pairs: number;
  warning?: string;
}

/** Predicts `second(first(x))` with an interval from both fits' bootstrap samples. */
export function chainPredict(first: FitReport, second: FitReport, x: Record<string, number>, level = 0.95): ChainedPrediction {
  const a = getLaw(first.law);
  const b = getLaw(second.law);
  if (b.variables.length !== 1) throw new Error(`chainPredict: the second law (${b.name}) must take one variable (the first law's output); it takes ${b.variables.join(', ')}`);
  const missing = a.variables.filter((v) => !(v in x));
  if (missing.length) throw new Error(`chainPredict: x is missing ${missing.join(', ')} needed by ${a.name}`);
  const v = b.variables[0];
  const f = (pa: Record<string, number>, pb: Record<string, number>) => b.predict(pb, { [v]: a.predict(pa, x) });
  const intermediate = a.predict(first.params, x);
  const value = f(first.params, second.params);
  const sa = first.bootstrap?.samples ?? [];
  const sb = second.bootstrap?.samples ?? [];
  const warnings = [intervalWarning(first), intervalWarning(second)].filter(Boolean) as string[];
  if (!sa.length || !sb.length) warnings.push(`only ${sa.length ? second.law : first.law}'s fit lacks bootstrap samples: its uncertainty is not in the interval`);
  if (!sa.length && !sb.length) return { intermediate, value, lo: value, hi: value, pairs: 0, warning: 'no bootstrap samples in either fit: no interval' };
  const n = sa.length && sb.length ? Math.min(sa.length, sb.length) : Math.max(sa.length, sb.length);
  const values: number[] = [];
  for (let i = 0; i < n; i++) values.push(f(sa.length ? sa[i] : first.params, sb.length ? sb[i] : second.params));
  const [lo, hi] = percentileInterval(values.filter(Number.isFinite), level);
  return { intermediate, value, lo, hi, pairs: n, ...(warnings.length ? { warning: warnings.join('; ') } : {}) };
}
