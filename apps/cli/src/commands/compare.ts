/**
 * `slab fit CSV --compare chinchilla,kaplan,...`: fit several laws to the same runs with exactly the options a
 * single `slab fit` would use (objective, delta, starts, bootstrap, fixed, outlier rule, time budget) and the
 * same holdout rule, and print one row per law (points fitted, objective, R², RMSLE, held-out error,
 * identifiability), best held-out error (else objective) first. `--plot` draws the best law.
 */
import { writeFile } from 'node:fs/promises';
import { compareLaws, getLaw, matchesHoldout, parseHoldout, renderFitSvg, splitData, type FitReport, type LawComparisonRow } from '@slab/laws';
import { sci, table } from '../format';
import { fitOptionsFrom, loadRuns, progressReporter, type FitCommandOptions } from './fit-input';

export async function runCompare(file: string, names: string[], opts: FitCommandOptions): Promise<{ rows: LawComparisonRow[]; text: string; plot?: string }> {
  if (names.length < 2) throw new Error(`--compare: expected two or more law names separated by commas, got "${names.join(',')}"`);
  const laws = names.map((n) => getLaw(n));
  const vars = laws[0].variables.join(',');
  const odd = laws.filter((l) => l.variables.join(',') !== vars);
  if (odd.length) throw new Error(`--compare: laws must take the same variables; ${laws[0].name} takes ${vars}, ${odd.map((l) => `${l.name} takes ${l.variables.join(',')}`).join(', ')}`);
  // Every flag must make sense for every law (e.g. --fixed names a parameter of each, --starts a preset of each).
  const perLaw = laws.map((l) => fitOptionsFrom(opts, l));
  const { law: _law, ...options } = perLaw[0];
  const runs = await loadRuns(file, laws[0], opts);
  const { data } = runs;
  const reports = new Map<string, FitReport>();
  const progress = progressReporter(opts);
  const rows = compareLaws(data, names, { ...options, ...(progress ? { onProgress: progress } : {}) }, opts.holdout, reports).sort((a, b) => rank(a) - rank(b));
  const fitted = rows.find((r) => !r.error)?.nPoints ?? 0;
  const lines = [
    `${names.length} laws fitted to ${fitted} of ${runs.totalRows} runs of ${file}${opts.holdout ? `, holding out ${opts.holdout}` : ''}${runs.droppedSummary ? ` (${runs.droppedSummary})` : ''}`,
    table(
      ['law', 'params', 'points', 'objective', 'R²', 'RMSLE', 'held-out error', 'converged', 'identified', 'fit'],
      rows.map((r) => [
        r.law, r.nParams, r.nPoints, sci(r.objective, 4), sci(r.r2, 4), sci(r.rmsle, 3), r.holdoutError === undefined ? '—' : `${(r.holdoutError * 100).toFixed(2)}%`,
        r.converged ? 'yes' : 'NO', r.identifiability ?? '—', r.error ?? r.formula,
      ]),
    ),
  ];
  let plot: string | undefined;
  if (opts.plot) {
    const best = rows.find((r) => !r.error);
    if (!best) lines.push(`no plot written to ${opts.plot}: every law failed to fit`);
    else {
      const rule = opts.holdout ? parseHoldout(opts.holdout) : undefined;
      const s = rule ? splitData(data, (row) => matchesHoldout(rule, row)) : { fit: data, held: undefined };
      await writeFile(opts.plot, renderFitSvg(reports.get(best.law)!, s.fit, { heldOut: s.held, labels: { ...runs.columns.x, y: runs.columns.y } }));
      plot = opts.plot;
      lines.push(`plot of the best law (${best.law}) written to ${opts.plot}`);
    }
  }
  return { rows, text: `${lines.join('\n')}\n`, ...(plot ? { plot } : {}) };
}

/** Held-out error when measured, else the objective; failed fits last. */
function rank(r: LawComparisonRow): number {
  if (r.error || !Number.isFinite(r.objective)) return Infinity;
  return r.holdoutError ?? r.objective;
}
