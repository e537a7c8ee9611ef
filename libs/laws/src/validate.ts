/** Extrapolation checks: holdout rules, leave-largest-out, k-fold, and a comparison table over several laws. */
import { fitLaw } from './fit';
import { getLaw } from './laws/index';
import { mulberry32 } from './stats';
import type { FitData, FitOptions, FitReport } from './types';

export interface HoldoutRule {
  variable: string;
  op: '>' | '>=' | '<' | '<=';
  value: number;
}

/** Parses `C>1e21`, `N >= 1e9`, `x<100`. */
export function parseHoldout(text: string): HoldoutRule {
  const m = /^\s*([A-Za-z_][\w.]*)\s*(>=|<=|>|<)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$/.exec(text);
  if (!m) throw new Error(`holdout: expected "<variable><op><number>" such as "C>1e21" (op one of > >= < <=), got "${text}"`);
  return { variable: m[1], op: m[2] as HoldoutRule['op'], value: Number(m[3]) };
}

export function matchesHoldout(rule: HoldoutRule, row: Record<string, number>): boolean {
  const v = row[rule.variable];
  if (v === undefined) throw new Error(`holdout: variable "${rule.variable}" is not in the data (have: ${Object.keys(row).join(', ')})`);
  return rule.op === '>' ? v > rule.value : rule.op === '>=' ? v >= rule.value : rule.op === '<' ? v < rule.value : v <= rule.value;
}

export interface HoldoutResult {
  report: FitReport;
  heldOut: { x: Record<string, number>; y: number; predicted: number; relError: number }[];
  /** Mean absolute relative error of y on the held-out points. */
  meanAbsRelError: number;
  rmsle: number;
}

export function splitData(data: FitData, isHeld: (row: Record<string, number>, i: number) => boolean): { fit: FitData; held: FitData } {
  const fit: FitData = { x: [], y: [], ...(data.w ? { w: [] } : {}) };
  const held: FitData = { x: [], y: [], ...(data.w ? { w: [] } : {}) };
  data.x.forEach((r, i) => {
    const t = isHeld(r, i) ? held : fit;
    t.x.push(r);
    t.y.push(data.y[i]);
    if (data.w) t.w!.push(data.w[i]);
  });
  return { fit, held };
}

/** Fits on the rest and scores predictions on the held-out points. */
export function evaluateHoldout(data: FitData, held: FitData, options: FitOptions): HoldoutResult {
  if (held.y.length === 0) throw new Error('holdout: the rule holds out no points');
  const report = fitLaw(data, options);
  const law = getLaw(report.law);
  const heldOut = held.x.map((x, i) => {
    const predicted = law.predict(report.params, x);
    return { x, y: held.y[i], predicted, relError: (predicted - held.y[i]) / held.y[i] };
  });
  const meanAbsRelError = heldOut.reduce((s, h) => s + Math.abs(h.relError), 0) / heldOut.length;
  const rmsle = Math.sqrt(heldOut.reduce((s, h) => s + (Math.log(h.predicted) - Math.log(h.y)) ** 2, 0) / heldOut.length);
  return { report, heldOut, meanAbsRelError, rmsle };
}

export function holdoutByRule(data: FitData, rule: HoldoutRule | string, options: FitOptions): HoldoutResult {
  const r = typeof rule === 'string' ? parseHoldout(rule) : rule;
  const { fit, held } = splitData(data, (row) => matchesHoldout(r, row));
  return evaluateHoldout(fit, held, options);
}

/** Leave-largest-out: hold out the `count` points with the largest `by` (e.g. compute). */
export function leaveLargestOut(data: FitData, by: string, count: number, options: FitOptions): HoldoutResult {
  if (!Number.isInteger(count) || count < 1 || count >= data.y.length) throw new Error(`leaveLargestOut: count must be an integer in [1, ${data.y.length - 1}], got ${count}`);
  const order = data.x.map((r, i) => [r[by], i] as const).sort((a, b) => b[0] - a[0]);
  if (order.some(([v]) => v === undefined)) throw new Error(`leaveLargestOut: variable "${by}" is missing from some points`);
  const held = new Set(order.slice(0, count).map(([, i]) => i));
  const s = splitData(data, (_, i) => held.has(i));
  return evaluateHoldout(s.fit, s.held, options);
}

/** k-fold cross-validation (seeded shuffle); returns per-fold and mean held-out errors. */
export function kFold(data: FitData, k: number, options: FitOptions): { folds: { meanAbsRelError: number; rmsle: number }[]; meanAbsRelError: number; rmsle: number } {
  const n = data.y.length;
  if (!Number.isInteger(k) || k < 2 || k > n) throw new Error(`kFold: k must be an integer in [2, ${n}], got ${k}`);
  const rng = mulberry32(options.seed ?? 1);
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const fold = new Int32Array(n);
  perm.forEach((p, r) => (fold[p] = r % k));
  const folds = Array.from({ length: k }, (_, f) => {
    const s = splitData(data, (_, i) => fold[i] === f);
    const r = evaluateHoldout(s.fit, s.held, { ...options, bootstrap: 0 });
    return { meanAbsRelError: r.meanAbsRelError, rmsle: r.rmsle };
  });
  const mean = (key: 'meanAbsRelError' | 'rmsle') => folds.reduce((s, f) => s + f[key], 0) / k;
  return { folds, meanAbsRelError: mean('meanAbsRelError'), rmsle: mean('rmsle') };
}

export interface LawComparisonRow {
  law: string;
  nParams: number;
  /** Points the law was fitted to (after holdout and outlier rules). */
  nPoints: number;
  /** Identifiability verdict of the fit ('identified', 'partly-identified', 'unidentified'). */
  identifiability?: string;
  objective: number;
  converged: boolean;
  r2: number;
  rmsle: number;
  /** Held-out error when a holdout was given. */
  holdoutError?: number;
  formula: string;
  error?: string;
}

/**
 * Fits several laws to the same data (and optional holdout) with the same options and returns one row per law;
 * a law that fails gets a row with its error. `reports` (when given) receives each successful fit's report.
 * A holdout rule that matches no point is an error for the whole comparison, as for a single fit.
 */
export function compareLaws(
  data: FitData, laws: string[], options: Omit<FitOptions, 'law'> = {}, holdout?: HoldoutRule | string, reports?: Map<string, FitReport>,
): LawComparisonRow[] {
  if (holdout) {
    const r = typeof holdout === 'string' ? parseHoldout(holdout) : holdout;
    if (!data.x.some((row) => matchesHoldout(r, row))) throw new Error(`holdout: the rule ${r.variable}${r.op}${r.value} holds out no points`);
  }
  return laws.map((name) => {
    const law = getLaw(name);
    try {
      const o = { ...options, law: name, starts: options.starts ?? law.defaultStarts };
      const h = holdout ? holdoutByRule(data, holdout, o) : null;
      const report = h ? h.report : fitLaw(data, o);
      reports?.set(name, report);
      return {
        law: name, nParams: law.params.length, nPoints: report.nPoints, identifiability: report.identifiability.verdict, objective: report.objective,
        converged: report.converged, r2: report.r2, rmsle: report.rmsle, holdoutError: h?.meanAbsRelError, formula: law.format(report.params),
      };
    } catch (e) {
      return { law: name, nParams: law.params.length, nPoints: 0, objective: NaN, converged: false, r2: NaN, rmsle: NaN, formula: '', error: (e as Error).message };
    }
  });
}
