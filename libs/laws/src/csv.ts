/**
 * CSV reading for `slab fit` and the bench: quoted fields, a header row, a column mapping, and every row that
 * cannot be used reported with its line number and reason (never silently dropped).
 */
import { domainText, inDomain } from './domain';
import type { Domain, FitData } from './types';

export interface ColumnMap {
  /** Law variable -> CSV column name, e.g. { N: 'params', D: 'tokens' }. */
  x: Record<string, string>;
  /** CSV column holding the fitted quantity (e.g. 'loss'). */
  y: string;
  /** Domain per variable (x keys or 'y'), e.g. from lawDomains(); a variable without one must be > 0. */
  domains?: Record<string, Domain>;
  /** Optional column of per-row weights (>= 0). */
  weight?: string;
}

export interface DroppedRow {
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  reason: string;
  /** Short cause for summaries, e.g. `S2 must be > 0` or `loss is empty`. */
  cause: string;
}

export interface RunsTable extends FitData {
  /** 1-based source line of each kept row. */
  lines: number[];
  dropped: DroppedRow[];
  header: string[];
  /** Every column of each kept row as raw text, for holdout rules on columns outside the mapping. */
  raw: Record<string, string>[];
}

/** RFC-4180-ish line splitter: commas, double quotes, "" escapes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') q = false;
      else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function readRunsCsv(text: string, columns: ColumnMap): RunsTable {
  const rows = parseCsv(text);
  if (rows.length === 0) throw new Error('readRunsCsv: the CSV is empty (expected a header row)');
  const header = rows[0].map((h) => h.trim());
  const wanted: [string, string][] = [...Object.entries(columns.x), ['y', columns.y], ...(columns.weight ? [['w', columns.weight] as [string, string]] : [])];
  const missing = wanted.filter(([, col]) => !header.includes(col));
  if (missing.length) {
    throw new Error(
      `readRunsCsv: missing column${missing.length > 1 ? 's' : ''} ${missing.map(([v, c]) => `"${c}" (for ${v})`).join(', ')}; the header has: ${header.join(', ')}`,
    );
  }
  const domainOf = (v: string): Domain => (v === 'w' ? 'nonnegative' : columns.domains?.[v] ?? 'positive');
  const out: RunsTable = { x: [], y: [], lines: [], dropped: [], header, raw: [] };
  for (let r = 1; r < rows.length; r++) {
    const cells = rows[r];
    const line = r + 1;
    if (cells.length === 1 && cells[0].trim() === '') continue; // blank line, e.g. trailing newline
    const rec: Record<string, string> = {};
    header.forEach((h, j) => (rec[h] = (cells[j] ?? '').trim()));
    const problems: string[] = [];
    const causes: string[] = [];
    const values: Record<string, number> = {};
    for (const [v, col] of wanted) {
      const s = rec[col];
      const n = s === '' ? Number.NaN : Number(s);
      const d = domainOf(v);
      if (s === '') {
        problems.push(`${col} is empty`);
        causes.push(`${col} is empty`);
      } else if (!Number.isFinite(n)) {
        problems.push(`${col} is not a finite number ("${s}")`);
        causes.push(`${col} is not a number`);
      } else if (!inDomain(n, d)) {
        problems.push(`${col} must be ${domainText(d)} (got ${n})`);
        causes.push(`${col} must be ${domainText(d)}`);
      }
      values[v] = n;
    }
    if (problems.length) {
      out.dropped.push({ line, reason: problems.join('; '), cause: causes.join('; ') });
      continue;
    }
    const { y, w, ...x } = values;
    out.x.push(x);
    out.y.push(y);
    if (columns.weight) (out.w ??= []).push(w);
    out.lines.push(line);
    out.raw.push(rec);
  }
  return out;
}

/**
 * One line saying how many of `total` rows were dropped and why, e.g.
 * `18 of 20 rows dropped: 18 with S2 must be > 0`; empty when none were.
 */
export function summarizeDropped(dropped: DroppedRow[], total: number): string {
  if (!dropped.length) return '';
  const by = new Map<string, number>();
  for (const d of dropped) by.set(d.cause, (by.get(d.cause) ?? 0) + 1);
  return `${dropped.length} of ${total} rows dropped: ${[...by].map(([c, n]) => `${n} because ${c}`).join(', ')}`;
}

/**
 * Fills in the compute identities C = 6 N D (or the given FLOPs per parameter-token) where a row has two of
 * N, D, C, and M = D / N. Lets a law in (N, D) fit a CSV that stores (N, C), as the Chinchilla data does.
 */
export function completeComputeVariables(x: Record<string, number>[], flopsPerParamToken = 6): Record<string, number>[] {
  return x.map((r) => {
    const o = { ...r };
    if (o.D === undefined && o.N !== undefined && o.C !== undefined) o.D = o.C / (flopsPerParamToken * o.N);
    if (o.C === undefined && o.N !== undefined && o.D !== undefined) o.C = flopsPerParamToken * o.N * o.D;
    if (o.N === undefined && o.D !== undefined && o.C !== undefined) o.N = o.C / (flopsPerParamToken * o.D);
    if (o.M === undefined && o.N !== undefined && o.D !== undefined) o.M = o.D / o.N;
    return o;
  });
}
