/**
 * The trial table as columns for exploring a sweep: every config dimension that varies, the derived
 * quantities (parameters N, data D, FLOPs C, data per parameter D/N) and every final metric. Each
 * column knows whether it is numeric or categorical and whether it can be drawn on a log axis;
 * brushes (value ranges on numeric columns, value sets on categorical ones) select trials.
 */
import type { TrialRow } from './types';

export type Cell = number | string | undefined;

export interface Column {
  /** `config.width`, `params`, `data`, `flops`, `dataPerParam`, `final.eval_loss`. */
  key: string;
  label: string;
  kind: 'number' | 'category';
  /** Where the column comes from, for grouping pickers. */
  source: 'config' | 'derived' | 'final';
  /** One cell per trial, in the trials' order; undefined where the trial has no value. */
  cells: Cell[];
  /** Numeric with every value > 0: a log axis is possible. */
  positive: boolean;
  /** Distinct values in display order (numbers ascending, text alphabetically). */
  distinct: (number | string)[];
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function column(key: string, label: string, source: Column['source'], cells: Cell[]): Column {
  const present = cells.filter((c): c is number | string => c !== undefined);
  const kind = present.every((c) => typeof c === 'number') ? 'number' : 'category';
  // A categorical column keeps every value as text, so 0.5 and '0.5' never sort apart.
  const norm = kind === 'number' ? cells : cells.map((c) => (c === undefined ? undefined : String(c)));
  const distinct = [...new Set(norm.filter((c): c is number | string => c !== undefined))].sort((a, b) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), undefined, { numeric: true }),
  );
  return { key, label, kind, source, cells: norm, positive: kind === 'number' && present.length > 0 && present.every((c) => (c as number) > 0), distinct };
}

const configCell = (v: unknown): Cell => (finite(v) ? v : typeof v === 'string' ? v : typeof v === 'boolean' ? String(v) : undefined);

/**
 * Columns of `trials`: config dimensions with more than one value (a constant says nothing about
 * the runs), then N, D, C and D/N where known, then final metrics (NaN and ±inf are missing cells).
 */
export function trialColumns(trials: TrialRow[]): Column[] {
  const out: Column[] = [];
  const configKeys = [...new Set(trials.flatMap((t) => Object.keys(t.config ?? {})))].sort();
  for (const k of configKeys) {
    const c = column(`config.${k}`, k, 'config', trials.map((t) => configCell((t.config as Record<string, unknown> | undefined)?.[k])));
    if (c.distinct.length > 1) out.push(c);
  }
  const n = (t: TrialRow) => (finite(t.params) ? t.params : finite(t.config?.params) ? t.config.params : undefined);
  const d = (t: TrialRow) => (finite(t.data) ? t.data : finite(t.config?.data) ? t.config.data : undefined);
  const derived: [string, string, (t: TrialRow) => number | undefined][] = [
    ['params', 'parameters N', n],
    ['data', 'samples D', d],
    ['flops', 'FLOPs C', (t) => (finite(t.flops) && t.flops > 0 ? t.flops : undefined)],
    ['dataPerParam', 'samples per parameter D/N', (t) => (n(t) && d(t) ? d(t)! / n(t)! : undefined)],
  ];
  for (const [key, label, f] of derived) {
    const c = column(key, label, 'derived', trials.map(f));
    if (c.distinct.length > 0 && !out.some((o) => o.key === `config.${key}` && sameCells(o.cells, c.cells))) out.push(c);
  }
  const metrics = [...new Set(trials.flatMap((t) => Object.keys(t.final ?? {})))].sort();
  for (const m of metrics) {
    const c = column(`final.${m}`, `final ${m}`, 'final', trials.map((t) => (finite(t.final?.[m]) ? (t.final![m] as number) : undefined)));
    if (c.distinct.length > 0) out.push(c);
  }
  return out;
}

const sameCells = (a: Cell[], b: Cell[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * A column's value at position 0..1 on an axis: numbers linearly or in log space between the
 * column's extremes, categories evenly spaced in display order. Undefined for a missing cell (or a
 * non-positive one on a log axis).
 */
export function axisPosition(col: Column, log: boolean): (cell: Cell) => number | undefined {
  if (col.kind === 'category') {
    const n = col.distinct.length;
    return (cell) => {
      const i = cell === undefined ? -1 : col.distinct.indexOf(cell);
      return i < 0 ? undefined : n === 1 ? 0.5 : i / (n - 1);
    };
  }
  const f = log && col.positive ? Math.log10 : (v: number) => v;
  const nums = col.distinct as number[];
  const [lo, hi] = [f(nums[0]), f(nums[nums.length - 1])];
  return (cell) => {
    if (!finite(cell) || (log && col.positive && cell <= 0)) return undefined;
    return hi > lo ? (f(cell) - lo) / (hi - lo) : 0.5;
  };
}

/** A selection on one column: a closed value range on a numeric one, a set of values on a categorical one. */
export type Brush = { key: string; range: [number, number] } | { key: string; values: (number | string)[] };

/** Indices of the trials every brush keeps (a missing cell fails a brush on its column). */
export function brushed(columns: Column[], brushes: Brush[], count: number): number[] {
  const tests = brushes.map((b) => {
    const col = columns.find((c) => c.key === b.key);
    if (!col) throw new Error(`brush: no column ${b.key}`);
    if ('range' in b) {
      const [lo, hi] = b.range[0] <= b.range[1] ? b.range : [b.range[1], b.range[0]];
      return (i: number) => finite(col.cells[i]) && (col.cells[i] as number) >= lo && (col.cells[i] as number) <= hi;
    }
    return (i: number) => col.cells[i] !== undefined && b.values.includes(col.cells[i]!);
  });
  return Array.from({ length: count }, (_, i) => i).filter((i) => tests.every((t) => t(i)));
}

/**
 * The brush a drag from position p0 to p1 (0..1, either order) on a column's axis stands for: the
 * value range between them on a numeric axis (log or linear), the values inside them on a
 * categorical one.
 */
export function brushFromPositions(col: Column, log: boolean, p0: number, p1: number): Brush {
  const [a, b] = p0 <= p1 ? [p0, p1] : [p1, p0];
  if (col.kind === 'category') {
    const at = axisPosition(col, log);
    return { key: col.key, values: col.distinct.filter((v) => at(v)! >= a - 1e-9 && at(v)! <= b + 1e-9) };
  }
  const nums = col.distinct as number[];
  const useLog = log && col.positive;
  const [lo, hi] = useLog ? [Math.log10(nums[0]), Math.log10(nums[nums.length - 1])] : [nums[0], nums[nums.length - 1]];
  // A column with one value sits mid-axis: any drag across the middle keeps it.
  if (!(hi > lo)) return { key: col.key, range: a <= 0.5 && b >= 0.5 ? [nums[0], nums[0]] : [Infinity, Infinity] };
  const value = (p: number) => (useLog ? 10 ** (lo + p * (hi - lo)) : lo + p * (hi - lo));
  return { key: col.key, range: [value(a), value(b)] };
}
