/**
 * `slab predict ID`: answer questions from a sweep's latest fit, with bootstrap intervals — loss at
 * a point, the compute-optimal allocation at a budget, or the compute needed for a target loss.
 */
import type { Command } from 'commander';
import { computeForLoss, computeOptimalFrontier, getLaw, predictInterval, type FitReport } from '@slab/laws';
import { sci } from '../format';
import { CliError, gatewayClient } from './client';

/** `N=1e9,D=2e10` → { N: 1e9, D: 2e10 }, naming the flag and the bad item. */
export function parseAssignments(text: string, flag: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z_][\w.]*)=(.+)$/.exec(item);
    const value = m ? Number(m[2]) : NaN;
    if (!m || !Number.isFinite(value)) throw new CliError(`${flag}: expected NAME=NUMBER items separated by commas, got "${item}"`);
    out[m[1]] = value;
  }
  if (!Object.keys(out).length) throw new CliError(`${flag}: expected at least one NAME=NUMBER`);
  return out;
}

function positiveNumber(text: string, flag: string): number {
  const v = Number(text);
  if (!(v > 0) || !Number.isFinite(v)) throw new CliError(`${flag}: expected a positive number, got "${text}"`);
  return v;
}

export function registerPredictCommand(program: Command): void {
  program
    .command('predict')
    .argument('<id>', 'sweep id')
    .description("predict from a sweep's latest fit, with 95% bootstrap intervals")
    .option('--at <point>', 'law variables, e.g. N=1e9,D=2e10: predicted loss there')
    .option('--compute <flops>', 'compute-optimal N, D and loss at this many FLOPs (laws in N and D)')
    .option('--loss <value>', 'compute (or size) needed to reach this loss')
    .option('--level <p>', 'interval level', '0.95')
    .option('--json', 'machine-readable output')
    .option('--gateway <url>', 'gateway URL')
    .action(async (id: string, opts: { at?: string; compute?: string; loss?: string; level: string; json?: boolean; gateway?: string }) => {
      if (!opts.at && !opts.compute && !opts.loss) throw new CliError('predict: give --at, --compute or --loss');
      const fits = await gatewayClient(opts).fits(id);
      const row = fits[fits.length - 1];
      if (!row || row.summary.skipped) throw new CliError(`sweep ${id} has no fit yet${row?.summary.skipped ? ` (${row.summary.skipped})` : ''}`);
      const report = row.report as FitReport;
      const level = Number(opts.level);
      const out: Record<string, unknown> = { law: report.law, params: report.params };
      if (opts.at) {
        const x = parseAssignments(opts.at, '--at');
        const missing = getLaw(report.law).variables.filter((v) => !(v in x));
        if (missing.length) throw new CliError(`--at: law ${report.law} needs ${missing.join(', ')}`);
        out.at = { x, ...predictInterval(report, x, level) };
      }
      if (opts.compute) out.frontier = computeOptimalFrontier(report, positiveNumber(opts.compute, '--compute'), { level });
      if (opts.loss) out.forLoss = computeForLoss(report, positiveNumber(opts.loss, '--loss'));
      if (opts.json) return console.log(JSON.stringify(out, null, 2));
      console.log(`law ${report.law} fitted on ${row.summary.nPoints} trials: ${row.summary.formula}`);
      const pct = `${Math.round(level * 100)}%`;
      if (out.at) {
        const a = out.at as { x: Record<string, number>; value: number; lo: number; hi: number };
        console.log(`loss at ${Object.entries(a.x).map(([k, v]) => `${k}=${sci(v)}`).join(', ')}: ${sci(a.value, 4)} (${pct} ${sci(a.lo, 4)} – ${sci(a.hi, 4)})`);
      }
      if (out.frontier) {
        const f = out.frontier as ReturnType<typeof computeOptimalFrontier>;
        const iv = (i?: [number, number]) => (i ? ` (${sci(i[0])} – ${sci(i[1])})` : '');
        console.log(`compute-optimal at C=${sci(f.C)}: N*=${sci(f.N)}${iv(f.NInterval)}, D*=${sci(f.D)}${iv(f.DInterval)}, D/N=${sci(f.tokensPerParam)}, loss ${sci(f.loss, 4)}; a=${f.a.toFixed(3)}${iv(f.aInterval)}`);
      }
      if (out.forLoss) {
        const l = out.forLoss as ReturnType<typeof computeForLoss>;
        console.log(`to reach loss ${sci(l.loss, 4)}: ${Object.entries(l).filter(([k, v]) => k !== 'loss' && v !== undefined).map(([k, v]) => `${k}=${sci(v as number)}`).join(', ')}`);
      }
    });
}
