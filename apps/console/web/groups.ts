/**
 * Grouped fits: sweeps that vary a curation dimension get one law fit per group (FitSummary.groups,
 * and the stored report's `groups: [{key, values, report}]`); the top level is the best group.
 * This reads both halves defensively into one FitView per group.
 */
import { readFit, type FitView } from './fit';
import type { FitRow } from './types';

export interface GroupFit {
  key: string;
  values: Record<string, string | number>;
  fit: FitView;
  best: boolean;
}

export interface GroupedFit {
  groups: GroupFit[];
  /** The grouping dimensions in the fit's order, e.g. ['curation.strategy', 'curation.keep']. */
  dims: string[];
  best?: GroupFit;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function values(v: unknown): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (isObj(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string' || typeof x === 'number') out[k] = x;
  return out;
}

/** Undefined when the row is not a grouped fit. */
export function readGroups(row: FitRow): GroupedFit | undefined {
  const summary = isObj(row.summary) ? (row.summary as unknown as Record<string, unknown>) : {};
  const report = isObj(row.report) ? row.report : {};
  const bySummary = Array.isArray(summary.groups) ? summary.groups.filter(isObj) : [];
  const byReport = Array.isArray(report.groups) ? report.groups.filter(isObj) : [];
  if (bySummary.length === 0 && byReport.length === 0) return undefined;
  const keys = [...new Set([...bySummary, ...byReport].map((g) => g.key).filter((k): k is string => typeof k === 'string'))];
  const bestKey = typeof summary.group === 'string' ? summary.group : typeof report.group === 'string' ? report.group : undefined;
  const groups = keys.map((key) => {
    const s = bySummary.find((g) => g.key === key);
    const r = byReport.find((g) => g.key === key);
    const fit = readFit({ ...row, summary: (s?.summary ?? {}) as FitRow['summary'], report: r?.report ?? {} });
    return { key, values: values(s?.values ?? r?.values), fit, best: key === bestKey };
  });
  const dims = groups.length ? Object.keys(groups[0].values) : [];
  return { groups, dims, best: groups.find((g) => g.best) };
}

/** `values` in words: `curation.strategy=el2n-keep-hard, curation.keep=0.5`. */
export function describeGroup(g: { key: string; values: Record<string, string | number> }): string {
  const entries = Object.entries(g.values);
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(', ') : g.key;
}

/** The compute of a best-keep target label (`eval_loss at C=1.00e+10 (x=3.0e4)`), as written. */
export function targetCompute(label: string | undefined): string | undefined {
  return label ? /\bC=([^\s,)]+)/.exec(label)?.[1] : undefined;
}
