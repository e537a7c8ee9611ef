/**
 * Reads a stored fit (FitRow: compact `summary` + the full `report` from @slab/laws) defensively and
 * turns it into something plottable: which variables the law uses, a function evaluating it, and
 * the uncertainty it carries (bootstrap parameter samples, or per-parameter intervals).
 * Unknown shapes degrade to "formula only" rather than a broken plot.
 */
import { heldOutTrials } from '@slab/api';
import type { FitRow } from './types';

export type LawVar = 'N' | 'D';
export type Params = Record<string, number>;

export interface FitView {
  law: string;
  formula: string;
  params: Params;
  nPoints?: number;
  converged?: boolean;
  skipped?: string;
  holdoutError?: number;
  target?: { value: number; lo: number; hi: number; label: string };
  /** Variables with a term in the law (empty when the form is not understood). */
  vars: LawVar[];
  /** Loss at (N, D) for the given parameters (the fitted ones by default). */
  evaluate?: (at: Partial<Record<LawVar, number>>, p?: Params) => number;
  samples: Params[];
  intervals: Record<string, [number, number]>;
  /** The law's terms coef/var^exp, by parameter name (empty when the form is not understood). */
  terms: LawTerm[];
  /** Parameter holding the constant term, if any. */
  constant?: string;
  /** Coverage of the stored target interval (the bootstrap's level, 0.95 unless the report says otherwise). */
  fittedLevel: number;
  /** Trial ids the holdout rule kept out of this fit. */
  heldOut: Set<string>;
  /** @slab/laws identifiability verdict; `undetermined` names parameters the data do not pin down. */
  identifiability?: { verdict: string; undetermined: string[] };
  diagnostics: string[];
}

/**
 * Why a fit must not be read as a finding, or undefined when nothing says so: the identifiability
 * verdict, a parameter resting on its bound, or a law that is not finite across the data.
 */
export function degenerate(fit: FitView): string | undefined {
  const id = fit.identifiability;
  if (id && id.verdict !== 'identified') {
    return `${id.verdict}: ${id.undetermined.length ? `${id.undetermined.join(', ')} not determined by the data` : 'parameters not determined by the data'}`;
  }
  const bound = fit.diagnostics.find((d) => /at its bound/.test(d));
  return bound;
}

export interface LawTerm {
  v: LawVar;
  coef: string;
  exp: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Parameter roles by name, case-sensitive first (A vs a) then insensitive. */
const ROLES = {
  constant: ['E', 'L0', 'Linf', 'L_inf', 'irreducible', 'c', 'e'],
  coefN: ['A', 'a'],
  expN: ['alpha', 'a_exp'],
  coefD: ['B', 'b'],
  expD: ['beta', 'b_exp'],
} as const;

function pick(params: Params, names: readonly string[]): string | undefined {
  for (const n of names) if (n in params) return n;
  const lower = Object.keys(params);
  for (const n of names) {
    const hit = lower.find((k) => k.toLowerCase() === n.toLowerCase());
    if (hit) return hit;
  }
  return undefined;
}

/** Turns a params object whose values may be numbers or {value|estimate|mean, lo, hi} into numbers + intervals. */
function readParams(raw: unknown, intervals: Record<string, [number, number]>): Params {
  const out: Params = {};
  if (!isObj(raw)) return out;
  for (const [k, v] of Object.entries(raw)) {
    const direct = num(v);
    if (direct !== undefined) {
      out[k] = direct;
      continue;
    }
    if (isObj(v)) {
      const value = num(v.value) ?? num(v.estimate) ?? num(v.mean) ?? num(v.median);
      if (value !== undefined) out[k] = value;
      const lo = num(v.lo) ?? num(v.lower) ?? (Array.isArray(v.ci) ? num(v.ci[0]) : undefined);
      const hi = num(v.hi) ?? num(v.upper) ?? (Array.isArray(v.ci) ? num(v.ci[1]) : undefined);
      if (lo !== undefined && hi !== undefined) intervals[k] = [lo, hi];
    }
  }
  return out;
}

function readIntervals(raw: unknown, into: Record<string, [number, number]>): void {
  if (!isObj(raw)) return;
  for (const [k, v] of Object.entries(raw)) {
    if (Array.isArray(v) && num(v[0]) !== undefined && num(v[1]) !== undefined) into[k] = [v[0] as number, v[1] as number];
    else if (isObj(v)) {
      const lo = num(v.lo) ?? num(v.lower);
      const hi = num(v.hi) ?? num(v.upper);
      if (lo !== undefined && hi !== undefined) into[k] = [lo, hi];
    }
  }
}

/** Bootstrap samples: an array of parameter records (or of arrays in the order of `names`). */
function readSamples(raw: unknown, names: string[]): Params[] {
  const list = Array.isArray(raw) ? raw : isObj(raw) ? (raw.samples ?? raw.params ?? raw.draws) : undefined;
  if (!Array.isArray(list)) return [];
  const out: Params[] = [];
  for (const s of list) {
    if (isObj(s)) {
      const p = isObj(s.params) ? s.params : s;
      const rec: Params = {};
      for (const n of names) if (num(p[n]) !== undefined) rec[n] = p[n] as number;
      if (Object.keys(rec).length === names.length) out.push(rec);
    } else if (Array.isArray(s) && s.length === names.length && s.every((v) => num(v) !== undefined)) {
      out.push(Object.fromEntries(names.map((n, i) => [n, s[i] as number])));
    }
  }
  return out;
}

/** Which variable a one-term law is about: the spec maps law variables to trial quantities. */
function singleVar(formula: string, report: Record<string, unknown>): LawVar {
  const vars = isObj(report.variables) ? report.variables : isObj(report.law) && isObj(report.law.variables) ? report.law.variables : undefined;
  if (vars) {
    const quantities = Object.values(vars).map(String);
    if (quantities.includes('data') && !quantities.includes('params')) return 'D';
    if (quantities.includes('params')) return 'N';
  }
  return /\bD\b/.test(formula) && !/\bN\b/.test(formula) ? 'D' : 'N';
}

export function readFit(row: FitRow): FitView {
  const summary = (isObj(row.summary) ? row.summary : {}) as Record<string, unknown>;
  const report = isObj(row.report) ? row.report : {};
  const detail = isObj(summary.detail) ? summary.detail : {};
  const intervals: Record<string, [number, number]> = {};
  let params = readParams(summary.params, intervals);
  if (Object.keys(params).length === 0) params = readParams(report.params, intervals);
  else readParams(report.params, intervals);
  readIntervals(report.intervals ?? report.ci ?? detail.intervals, intervals);

  const lawName =
    (typeof summary.law === 'string' && summary.law) ||
    (typeof report.law === 'string' && report.law) ||
    (isObj(report.law) && typeof report.law.name === 'string' && report.law.name) ||
    'law';
  const formula = typeof summary.formula === 'string' ? summary.formula : typeof report.formula === 'string' ? report.formula : '';
  const names = Object.keys(params);
  const samples = readSamples(report.bootstrap ?? report.samples ?? report.bootstrapSamples ?? detail.bootstrap ?? detail.samples, names);
  const t = isObj(summary.target) ? summary.target : undefined;
  const target =
    t && num(t.value) !== undefined
      ? { value: t.value as number, lo: num(t.lo) ?? NaN, hi: num(t.hi) ?? NaN, label: String(t.label ?? 'target') }
      : undefined;

  const ident = isObj(summary.identifiability) ? summary.identifiability : undefined;
  const bootstrap = isObj(report.bootstrap) ? report.bootstrap : {};
  const view: FitView = {
    law: lawName,
    formula,
    params,
    nPoints: num(summary.nPoints),
    converged: typeof summary.converged === 'boolean' ? summary.converged : undefined,
    skipped: typeof summary.skipped === 'string' ? summary.skipped : undefined,
    holdoutError: num(summary.holdoutError),
    target,
    vars: [],
    samples,
    intervals,
    terms: [],
    fittedLevel: num(bootstrap.level) ?? 0.95,
    heldOut: heldOutTrials(summary as Parameters<typeof heldOutTrials>[0]),
    identifiability:
      ident && typeof ident.verdict === 'string' ? { verdict: ident.verdict, undetermined: Array.isArray(ident.undetermined) ? ident.undetermined.map(String) : [] } : undefined,
    diagnostics: Array.isArray(summary.diagnostics) ? summary.diagnostics.map(String) : [],
  };

  const c = pick(params, ROLES.constant);
  const a = pick(params, ROLES.coefN);
  const alpha = pick(params, ROLES.expN);
  const b = pick(params, ROLES.coefD);
  const beta = pick(params, ROLES.expD);
  const terms: LawTerm[] = [];
  if (a && alpha && b && beta) terms.push({ v: 'N', coef: a, exp: alpha }, { v: 'D', coef: b, exp: beta });
  else if (a && alpha) terms.push({ v: singleVar(formula, report), coef: a, exp: alpha });
  else if (b && beta) terms.push({ v: 'D', coef: b, exp: beta });
  if (terms.length === 0 || view.skipped) return view;
  return withTerms(view, terms, c);
}

function withTerms(view: FitView, terms: LawTerm[], constant: string | undefined): FitView {
  const params = view.params;
  return {
    ...view,
    terms,
    constant,
    vars: terms.map((t) => t.v),
    evaluate: (at, p = params) => {
      let loss = constant ? p[constant] : 0;
      for (const term of terms) {
        const x = at[term.v];
        if (x === undefined) return NaN;
        loss += p[term.coef] / x ** p[term.exp];
      }
      return loss;
    },
  };
}

/**
 * A one-variable law (`y = E + A·x^-alpha`) does not say whether x is N or D: the spec maps it.
 * The stored report does not carry that map, so the axis is read from the data: of the variables
 * that vary across the observations, the one the fitted law predicts best (log residuals).
 */
export function placeSingleVar(fit: FitView, obs: { N?: number; D?: number; loss: number }[]): FitView {
  if (fit.terms.length !== 1 || !fit.evaluate) return fit;
  const varies = (v: LawVar) => new Set(obs.map((o) => o[v]).filter((x) => x !== undefined && x > 0)).size > 1;
  const candidates = (['N', 'D'] as const).filter(varies);
  if (candidates.length === 0) return fit;
  const misfit = (v: LawVar) => {
    const probe = withTerms(fit, [{ ...fit.terms[0], v }], fit.constant);
    const errs = obs.filter((o) => o[v] !== undefined && o[v]! > 0).map((o) => Math.log(probe.evaluate!({ [v]: o[v] }) / o.loss) ** 2);
    const mean = errs.reduce((s, e) => s + e, 0) / errs.length;
    return Number.isFinite(mean) ? mean : Infinity;
  };
  const best = candidates.reduce((a, b) => (misfit(b) < misfit(a) ? b : a));
  return best === fit.terms[0].v ? fit : withTerms(fit, [{ ...fit.terms[0], v: best }], fit.constant);
}

function quantile(sorted: number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

/** The central `level` interval (e.g. 0.95 → 2.5%–97.5% quantiles) of values; undefined under 5 finite ones. */
export function centralInterval(values: number[], level: number): [number, number] | undefined {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return v.length >= 5 ? [quantile(v, tail), quantile(v, 1 - tail)] : undefined;
}

/**
 * The central `level` band of the law at one point (quantiles over bootstrap samples) when there
 * are enough samples, else the extremes over the corners of the per-parameter interval box (whose
 * coverage is the report's, not `level`). Undefined without either.
 */
export function bandAt(fit: FitView, at: Partial<Record<LawVar, number>>, level = 0.95): [number, number] | undefined {
  const evaluate = fit.evaluate;
  if (!evaluate) return undefined;
  if (fit.samples.length >= 5) return centralInterval(fit.samples.map((p) => evaluate(at, p)), level);
  const keys = Object.keys(fit.intervals).filter((k) => k in fit.params);
  if (keys.length === 0 || keys.length > 8) return undefined;
  let lo = Infinity;
  let hi = -Infinity;
  for (let mask = 0; mask < 1 << keys.length; mask++) {
    const p = { ...fit.params };
    keys.forEach((k, i) => (p[k] = fit.intervals[k][(mask >> i) & 1]));
    const v = evaluate(at, p);
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** `n` points spread evenly in log space over [lo, hi]. */
export function logSpace(lo: number, hi: number, n: number): number[] {
  const [a, b] = [Math.log10(lo), Math.log10(hi)];
  return Array.from({ length: n }, (_, i) => 10 ** (a + ((b - a) * i) / (n - 1)));
}

/**
 * The target interval at `level`. The stored interval has the fit's own level; for another level it
 * is recomputed from the bootstrap samples at the target's inputs, read from its label
 * (`eval_loss at N=1.00e+6, D=1.00e+7`, `… at C=1e10 (x=3.0e4)`). The recomputed point estimate must
 * match the stored one, else the stored interval is returned with its own level, so the label is
 * never wrong.
 */
export function targetAt(fit: FitView, level: number): (NonNullable<FitView['target']> & { level: number }) | undefined {
  const t = fit.target;
  if (!t) return undefined;
  const stored = { ...t, level: fit.fittedLevel };
  if (Math.abs(level - fit.fittedLevel) < 1e-9) return stored;
  const samples = targetSamples(fit);
  const iv = samples && centralInterval(samples, level);
  return iv ? { ...t, lo: iv[0], hi: iv[1], level } : stored;
}

/**
 * The law's prediction at the target under each bootstrap sample (inputs read from the target's
 * label, as in targetAt); undefined under 5 samples or when the label's inputs do not reproduce the
 * stored point estimate.
 */
export function targetSamples(fit: FitView): number[] | undefined {
  const t = fit.target;
  if (!t || !fit.evaluate || fit.samples.length < 5) return undefined;
  const inputs = t.label.includes('(') ? t.label.slice(t.label.lastIndexOf('(')) : t.label.slice(t.label.indexOf(' at ') + 1);
  const at: Partial<Record<LawVar, number>> = {};
  for (const m of inputs.matchAll(/\b(\w+)=([-+0-9.eE]+)/g)) {
    const v = m[1] === 'N' || m[1] === 'D' ? m[1] : fit.terms.length === 1 ? fit.terms[0].v : undefined;
    if (v) at[v] = Number(m[2]);
  }
  const value = fit.evaluate(at);
  if (!(Math.abs(value - t.value) <= 1e-3 * Math.abs(t.value))) return undefined;
  return fit.samples.map((p) => fit.evaluate!(at, p));
}

/** `0.95` → `95%`. */
export const levelText = (level: number) => `${+(level * 100).toPrecision(3)}%`;
