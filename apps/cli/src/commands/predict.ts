/**
 * `slab predict ID`: answer questions from a sweep's latest fit, with bootstrap intervals — loss at
 * a point, the compute-optimal allocation at a budget, the compute needed for a target loss, or (alone)
 * the sweep's own target. `--hyperparameters N=…,D=…` answers from a hyperparameters study instead: the
 * peak LR η*(N, D) and batch size B*(D) of the Step Law fitted to the sweep.
 */
import type { Command } from 'commander';
import { computeForLoss, computeOptimalFrontier, getLaw, intervalWarning, predictInterval, type FitReport } from '@slab/laws';
import { evaluatePowerLaw, type HyperparameterStudy } from '@slab/studies';
import { sci } from '../format';
import { CliError, gatewayClient } from './client';
import { parseTargetList, resolveTarget } from './fit-input';

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

/** One number format for every value and bound `slab predict` prints: 4 significant digits. */
const f4 = (v: number) => sci(v, 4);
const iv = (i?: [number, number]) => (i ? ` [${f4(i[0])}, ${f4(i[1])}]` : '');

export interface PredictOptions {
  at?: string;
  hyperparameters?: string;
  compute?: string;
  loss?: string;
  level: string;
  json?: boolean;
  gateway?: string;
}

/**
 * Answers from a fit report: every answer carries its interval (and a warning when the fit's parameters are
 * not identified). With no question, the sweep's own target (`summaryTarget`) is the answer.
 */
export function answerFromReport(
  report: FitReport, opts: PredictOptions, summaryTarget?: { value: number; lo: number; hi: number; label: string },
): { out: Record<string, unknown>; lines: string[] } {
  const law = getLaw(report.law);
  const level = Number(opts.level ?? 0.95);
  if (!(level > 0 && level < 1)) throw new CliError(`--level: expected a number in (0, 1), got "${opts.level}"`);
  const pct = `${Math.round(level * 100)}%`;
  const out: Record<string, unknown> = { law: report.law, params: report.params };
  const lines: string[] = [];
  const warn = (w?: string) => (w ? `  WARNING: ${w}` : '');
  if (!opts.at && !opts.compute && !opts.loss) {
    if (!summaryTarget) throw new CliError('predict: this sweep has no target; give --at, --compute or --loss');
    const w = intervalWarning(report);
    out.target = { ...summaryTarget, ...(w ? { warning: w } : {}) };
    lines.push(`${summaryTarget.label}: ${f4(summaryTarget.value)} (${pct} [${f4(summaryTarget.lo)}, ${f4(summaryTarget.hi)}])${warn(w)}`);
  }
  if (opts.at) {
    const answers = parseTargetList(opts.at).map((given) => {
      let t;
      try {
        t = resolveTarget(given, law);
      } catch (e) {
        throw new CliError((e as Error).message.replace(/^--target/, '--at'));
      }
      if (t.kind !== 'point') throw new CliError(`--at ${JSON.stringify(given)}: give the law's variables (${law.variables.join(', ')}); for a compute budget use --compute`);
      return { x: t.x, ...predictInterval(report, t.x, level) };
    });
    out.at = answers;
    for (const a of answers) {
      lines.push(`${report.law === 'downstream-error' ? 'value' : 'loss'} at ${Object.entries(a.x).map(([k, v]) => `${k}=${f4(v)}`).join(', ')}: ${f4(a.value)} (${pct}${iv([a.lo, a.hi])})${warn(a.warning)}`);
    }
  }
  if (opts.compute) {
    const f = computeOptimalFrontier(report, positiveNumber(opts.compute, '--compute'), { level });
    out.frontier = f;
    lines.push(`compute-optimal at C=${f4(f.C)}: N*=${f4(f.N)}${iv(f.NInterval)}, D*=${f4(f.D)}${iv(f.DInterval)}, D/N=${f4(f.tokensPerParam)}${iv(f.tokensPerParamInterval)}, loss ${f4(f.loss)}${iv(f.lossInterval)}; a=${f4(f.a)}${iv(f.aInterval)}${warn(f.warning)}`);
  }
  if (opts.loss) {
    const l = computeForLoss(report, positiveNumber(opts.loss, '--loss'), { level });
    out.forLoss = l;
    const parts = (['C', 'N', 'D', 'x'] as const).filter((k) => l[k] !== undefined).map((k) => `${k}=${f4(l[k]!)}${iv(l.intervals?.[k])}`);
    lines.push(`to reach loss ${f4(l.loss)}: ${parts.join(', ')}${warn(l.warning)}`);
  }
  return { out, lines };
}

/**
 * "Which LR and batch size for N, D": η*(N, D) and B*(D) from a hyperparameters study, each with its
 * interval (replicates of the per-(N, D) optima carried through the power-law fits).
 */
export function hyperparameterAnswer(study: HyperparameterStudy, point: string, levelText = '0.95'): { out: Record<string, unknown>; lines: string[] } {
  const level = Number(levelText);
  if (!(level > 0 && level < 1)) throw new CliError(`--level: expected a number in (0, 1), got "${levelText}"`);
  const x = parseAssignments(point, '--hyperparameters');
  const extra = Object.keys(x).filter((k) => k !== 'N' && k !== 'D');
  if (!(x.N > 0) || !(x.D > 0) || extra.length) throw new CliError(`--hyperparameters: expected N=<parameters>,D=<tokens>, both positive, got "${point}"`);
  if (!study.learningRate) throw new CliError(`--hyperparameters: the sweep's study has no fitted law yet: ${study.notes.join('; ')}`);
  const lr = evaluatePowerLaw(study.learningRate, { N: x.N, D: x.D }, level);
  const batch = study.batchSize ? evaluatePowerLaw(study.batchSize, { D: x.D }, level) : null;
  const pct = `${Math.round(level * 100)}%`;
  const doubts = [...study.notes, ...(x.N > Math.max(...study.groups.map((g) => g.params)) * 10 ? ['N is more than 10× the largest swept model: a long extrapolation'] : [])];
  const out = { N: x.N, D: x.D, learningRate: lr, batchSize: batch, level, ...(doubts.length ? { notes: doubts } : {}) };
  const lines = [
    `peak learning rate η*(N=${f4(x.N)}, D=${f4(x.D)}): ${f4(lr.value)} (${pct} [${f4(lr.lo)}, ${f4(lr.hi)}])`,
    batch ? `batch size B*(D=${f4(x.D)}): ${f4(batch.value)} sequences (${pct} [${f4(batch.lo)}, ${f4(batch.hi)}])` : 'batch size: no B*(D) law (see the notes)',
    ...doubts.map((d) => `  note: ${d}`),
  ];
  return { out, lines };
}

export function registerPredictCommand(program: Command): void {
  program
    .command('predict')
    .argument('<id>', 'sweep id')
    .description("predict from a sweep's latest fit, with bootstrap intervals; with no option, the sweep's own target")
    .option('--at <point>', 'law variables, e.g. N=1e9,D=2e10 (C = 6ND and M = D/N are derived; several separated by ";")')
    .option('--compute <flops>', 'compute-optimal N, D and loss at this many FLOPs (laws in N and D)')
    .option('--loss <value>', 'compute (or size) needed to reach this loss')
    .option('--hyperparameters <point>', 'peak LR and batch size for N=…,D=… from the sweep\'s hyperparameters study (Step Law)')
    .option('--level <p>', 'interval level', '0.95')
    .option('--json', 'machine-readable output')
    .option('--gateway <url>', 'gateway URL')
    .action(async (id: string, opts: PredictOptions) => {
      if (opts.hyperparameters) {
        const client = gatewayClient(opts);
        const [detail, trials] = await Promise.all([client.getSweep(id), client.trials(id)]);
        const study = await (await import('./study')).sweepStudy(client, id, detail.sweep.specYaml, trials);
        if (study?.kind !== 'hyperparameters') throw new CliError(`--hyperparameters: sweep ${id} is not a hyperparameters study (its spec's study.kind is ${study?.kind ?? 'absent'})`);
        const { out, lines } = hyperparameterAnswer(study.result, opts.hyperparameters, opts.level);
        if (opts.json) return console.log(JSON.stringify(out, null, 2));
        console.log(`hyperparameters study of ${id} (Step Law fitted on ${study.result.learningRate?.points ?? 0} optima)`);
        for (const l of lines) console.log(l);
        return;
      }
      const fits = await gatewayClient(opts).fits(id);
      const row = fits[fits.length - 1];
      if (!row || row.summary.skipped) throw new CliError(`sweep ${id} has no fit yet${row?.summary.skipped ? ` (${row.summary.skipped})` : ''}`);
      const report = row.report as FitReport;
      const { out, lines } = answerFromReport(report, opts, row.summary.target);
      if (opts.json) return console.log(JSON.stringify(out, null, 2));
      console.log(`law ${report.law} fitted on ${row.summary.nPoints} trials: ${row.summary.formula}`);
      for (const l of lines) console.log(l);
    });
}
