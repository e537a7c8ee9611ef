/**
 * `slab fit runs.csv --isoflop [--columns N=params,C=flops,L=loss] [--bootstrap 1000]`: Chinchilla approaches 1
 * and 2 on IsoFLOP runs (see @slab/laws isoflopAnalysis): per compute budget the best run and the parabola's
 * minimum N* with its interval, then the N*(C) and D*(C) power laws.
 */
import { isoflopAnalysis, type IsoflopResult } from '@slab/laws';
import { COMPUTE_VARS, loadRuns, type FitCommandOptions, type RunsInput } from './fit-input';

/** What IsoFLOP analysis reads: N and C (or two of N, D, C) and a positive loss. */
const ISOFLOP_INPUT: RunsInput = { name: 'isoflop', variables: ['N', 'C'], domains: { N: 'positive', C: 'positive' }, defaultObjective: 'huber-log' };

const g = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v));

export async function runIsoflop(file: string, opts: FitCommandOptions): Promise<{ result: IsoflopResult; text: string }> {
  const runs = await loadRuns(file, ISOFLOP_INPUT, opts);
  if (runs.data.x.some((r) => COMPUTE_VARS.slice(0, 2).some((v) => r[v] === undefined))) throw new Error('--isoflop: needs N and C (or two of N, D, C) for every run');
  const bootstrap = opts.bootstrap === undefined || Number(opts.bootstrap) === 0 ? 1000 : Number(opts.bootstrap);
  const result = isoflopAnalysis(runs.data.x.map((r, i) => ({ N: r.N, C: r.C, loss: runs.data.y[i] })), { bootstrap, seed: Number(opts.seed ?? 1) });
  const pct = `${Math.round(result.level * 100)}%`;
  const lines = [`IsoFLOP analysis of ${file}: ${runs.data.y.length} runs in ${result.budgets.length} compute budgets${runs.droppedSummary ? ` (${runs.droppedSummary})` : ''}, ${bootstrap} bootstrap draws`];
  for (const b of result.budgets) {
    const v = b.nStar === undefined ? 'no parabola minimum' : `N* = ${g(b.nStar)}${b.nStarInterval ? ` [${g(b.nStarInterval[0])}, ${g(b.nStarInterval[1])}]` : ''}, D* = ${g(b.dStar!)}, loss ${g(b.lossAtMin!)}`;
    lines.push(`  C = ${g(b.C)}: ${b.runs} runs; best run N = ${g(b.best.N)} (loss ${g(b.best.loss)}); ${v}${b.warning ? `  WARNING: ${b.warning}` : ''}`);
  }
  const law = (name: string, f?: IsoflopResult['approach1']) => {
    if (!f) return;
    const iv = (i?: [number, number]) => (i ? ` (${pct} CI ${g(i[0])}-${g(i[1])})` : '');
    lines.push(`${name}: N* = ${g(f.nStar.coefficient)} C^${g(f.nStar.exponent)}${iv(f.nStar.exponentInterval)}, D* = ${g(f.dStar.coefficient)} C^${g(f.dStar.exponent)}${iv(f.dStar.exponentInterval)} (${f.nStar.budgets} budgets)`);
  };
  law('approach 1 (best run per budget)', result.approach1);
  law('approach 2 (parabola minimum per budget)', result.approach2);
  for (const d of result.diagnostics) lines.push(`note: ${d}`);
  return { result, text: opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${lines.join('\n')}\n` };
}
