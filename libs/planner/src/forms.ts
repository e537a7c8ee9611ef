/** Reading a fit report (JSON from @slab/laws) and evaluating its law with @slab/laws' definitions. */
import { getLaw } from '@slab/laws';

export interface FitView {
  law: string;
  params: Record<string, number>;
  /** Bootstrap parameter samples (the ensemble the adaptive planner reasons with). */
  samples: Record<string, number>[];
  rmsle?: number;
}

type Predict = (p: Record<string, number>, x: Record<string, number>) => number;

/** The law's own evaluator from @slab/laws, or undefined for a name it does not know. */
export function lawPredictor(law: string): Predict | undefined {
  try {
    return getLaw(law).predict;
  } catch {
    return undefined;
  }
}

const isRecordOfNumbers = (v: unknown): v is Record<string, number> =>
  typeof v === 'object' && v !== null && Object.values(v).every((x) => typeof x === 'number');

/** A usable fit view, or a reason why the fit cannot guide planning yet. */
export function readFit(fit: unknown): FitView | string {
  if (typeof fit !== 'object' || fit === null) return 'no fit yet';
  const f = fit as Record<string, unknown>;
  if (typeof f.skipped === 'string') return `fit skipped: ${f.skipped}`;
  if (typeof f.law !== 'string' || !isRecordOfNumbers(f.params)) return 'fit has no parameters';
  if (!lawPredictor(f.law)) return `law "${f.law}" is not supported by the adaptive planner`;
  const boot = f.bootstrap as { samples?: unknown } | undefined;
  const samples = Array.isArray(boot?.samples) ? boot.samples.filter(isRecordOfNumbers) : [];
  if (samples.length < 10) return `fit has ${samples.length} bootstrap samples, need at least 10`;
  return { law: f.law, params: f.params, samples, rmsle: typeof f.rmsle === 'number' ? f.rmsle : undefined };
}
