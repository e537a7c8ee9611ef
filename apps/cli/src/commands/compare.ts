/**
 * `slab fit CSV --compare chinchilla,kaplan,...`: fit several laws to the same runs with the same
 * objective and holdout rule, and print one row per law (parameters, objective, R², RMSLE,
 * held-out error), best held-out error (else objective) first.
 */
import { readFile } from 'node:fs/promises';
import { compareLaws, completeComputeVariables, getLaw, readRunsCsv, type LawComparisonRow } from '@slab/laws';
import { sci, table } from '../format';
import { parseColumns, type FitCommandOptions } from './fit';

export async function runCompare(file: string, names: string[], opts: FitCommandOptions): Promise<{ rows: LawComparisonRow[]; text: string }> {
  if (names.length < 2) throw new Error(`--compare: expected two or more law names separated by commas, got "${names.join(',')}"`);
  const laws = names.map((n) => getLaw(n));
  const vars = laws[0].variables.join(',');
  const odd = laws.filter((l) => l.variables.join(',') !== vars);
  if (odd.length) throw new Error(`--compare: laws must take the same variables; ${laws[0].name} takes ${vars}, ${odd.map((l) => `${l.name} takes ${l.variables.join(',')}`).join(', ')}`);
  const cols = parseColumns(opts.columns, laws[0].variables);
  const csv = readRunsCsv(await readFile(file, 'utf8'), cols);
  const data = { x: completeComputeVariables(csv.x), y: csv.y };
  const options = {
    ...(opts.objective ? { objective: opts.objective as never } : {}),
    ...(opts.dropHighest ? { dropHighest: Number(opts.dropHighest) } : {}),
    seed: Number(opts.seed ?? 1),
  };
  const rows = compareLaws(data, names, options, opts.holdout).sort((a, b) => rank(a) - rank(b));
  const lines = [
    `${names.length} laws fitted to ${data.y.length} runs of ${file}${opts.holdout ? `, holding out ${opts.holdout}` : ''}${csv.dropped.length ? ` (${csv.dropped.length} rows dropped)` : ''}`,
    table(
      ['law', 'params', 'objective', 'R²', 'RMSLE', 'held-out error', 'converged', 'fit'],
      rows.map((r) => [r.law, r.nParams, sci(r.objective, 4), sci(r.r2, 4), sci(r.rmsle, 3), r.holdoutError === undefined ? '—' : `${(r.holdoutError * 100).toFixed(2)}%`, r.converged ? 'yes' : 'NO', r.error ?? r.formula]),
    ),
  ];
  return { rows, text: `${lines.join('\n')}\n` };
}

/** Held-out error when measured, else the objective; failed fits last. */
function rank(r: LawComparisonRow): number {
  if (r.error || !Number.isFinite(r.objective)) return Infinity;
  return r.holdoutError ?? r.objective;
}
