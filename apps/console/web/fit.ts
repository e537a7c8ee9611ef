/**
 * Reads a stored fit (FitRow: compact `summary` + the full `report` from @slab/laws) defensively and
 * turns it into something plottable: which variables the law uses, a function evaluating it, and
 * the uncertainty it carries (bootstrap parameter samples, or per-parameter intervals).
 * Unknown shapes degrade to "formula only" rather than a broken plot.
 */
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

/**
 * The 90% band of the law at one point: quantiles over bootstrap samples when there are enough,
 * else the extremes over the corners of the per-parameter interval box. Undefined without either.
 */
export function bandAt(fit: FitView, at: Partial<Record<LawVar, number>>): [number, number] | undefined {
  const evaluate = fit.evaluate;
  if (!evaluate) return undefined;
  if (fit.samples.length >= 5) {
    const vals = fit.samples.map((p) => evaluate(at, p)).filter(Number.isFinite).sort((u, v) => u - v);
    return vals.length >= 5 ? [quantile(vals, 0.05), quantile(vals, 0.95)] : undefined;
  }
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
