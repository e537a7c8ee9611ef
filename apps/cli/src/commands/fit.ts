/**
 * `slab fit runs.csv --law chinchilla [--columns N=params,D=tokens,L=loss] [--holdout "C>1e21"] [--bootstrap 1000]
 *  [--fixed E=1.69] [--weights w] [--target "N=1e9,D=2e10;C=1e21"] [--json] [--plot fit.svg]`: fits a scaling law to
 * any CSV with @slab/laws (the same library the sweep's fitLaws activity uses) and prints the law, intervals,
 * convergence, identifiability, dropped rows, holdout error, frontier and every target with its interval.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  chainPredict, computeOptimalFrontier, formatLaw, getLaw, listLaws, matchesHoldout, parseHoldout, predictInterval, renderFitSvg, splitData, untrustworthy,
  type FitData, type FitReport, type FrontierPoint,
} from '@slab/laws';
import { fitLawParallel } from '@slab/laws/parallel';
import { runCompare } from './compare';
import {
  fitOptionsFrom, loadRuns, parseTargetList, progressReporter, readTargetsCsv, resolveTarget, type FitCommandOptions, type ResolvedTarget,
} from './fit-input';
import { runIsoflop } from './fit-isoflop';

export { parseColumns, type FitCommandOptions } from './fit-input';

export interface TargetAnswer {
  /** The target as given (before C = 6ND, M = D/N were filled in). */
  given: Record<string, number>;
  kind: 'point' | 'frontier';
  /** Law inputs for a point target; { C } for a frontier target. */
  x: Record<string, number>;
  value: number;
  lo: number;
  hi: number;
  /** Why the interval should not be trusted, when it should not. */
  warning?: string;
  frontier?: FrontierPoint;
  /** With --chain: the upstream law's prediction at x, fed into this law. */
  chained?: { law: string; value: number };
}

export interface FitCommandResult {
  report: FitReport;
  holdout?: { rule: string; points: number; meanAbsRelError: number; rmsle: number; predictions: { x: Record<string, number>; y: number; predicted: number; lo: number; hi: number }[] };
  droppedRows: { line: number; reason: string }[];
  /** `3 of 20 rows dropped: ...` ('' when none). */
  droppedSummary: string;
  columns: { x: Record<string, string>; y: string };
  frontier?: FrontierPoint;
  targets: TargetAnswer[];
  text: string;
}

/** One number format for every value and interval `slab fit` prints: 6 significant digits, `1.4e9` for large or tiny. */
export function g(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-4)) return Number(v.toPrecision(6)).toExponential().replace('e+', 'e');
  return String(Number(v.toPrecision(6)));
}

/** The column a `slab export` CSV marks the sweep's held-out runs with (1 or 0). */
const EXPORT_HELD_OUT = 'heldOut';

async function targetsFrom(opts: FitCommandOptions): Promise<Record<string, number>[]> {
  return [...(opts.target ? parseTargetList(opts.target) : []), ...(opts.targets ? await readTargetsCsv(opts.targets) : [])];
}

export async function runFit(file: string, opts: FitCommandOptions): Promise<FitCommandResult> {
  const law = getLaw(opts.law);
  const fitOptions = fitOptionsFrom(opts, law);
  const upstream = opts.chain ? await readChain(opts.chain, law.variables) : undefined;
  // Targets are checked before the fit, so a bad one costs nothing; with --chain they are in the upstream law's variables.
  const resolved: ResolvedTarget[] = (await targetsFrom(opts)).map((t) => resolveTarget(t, upstream ? getLaw(upstream.law) : law));
  const runs = await loadRuns(file, law, opts);
  const { data } = runs;
  let fitData = data;
  let held: FitData | undefined;
  let holdoutRule = opts.holdout;
  if (opts.holdout && opts.holdout !== 'none') {
    const rule = parseHoldout(opts.holdout);
    const s = splitData(data, (row) => matchesHoldout(rule, row));
    if (s.held.y.length === 0) throw new Error(`--holdout "${opts.holdout}" holds out no rows`);
    fitData = s.fit;
    held = s.held;
  } else if (opts.holdout === undefined && runs.table.raw.some((r) => r[EXPORT_HELD_OUT] === '1')) {
    // A `slab export` marks the runs the sweep held out of its fit: leave them out here too, so this fit is
    // the sweep's fit and their error is reported, rather than a different law fitted on every run.
    const s = splitData(data, (_row, i) => runs.table.raw[i][EXPORT_HELD_OUT] === '1');
    fitData = s.fit;
    held = s.held;
    holdoutRule = `${EXPORT_HELD_OUT}=1 (the runs the sweep held out; --holdout none fits every row)`;
  }
  const threads = opts.threads === undefined ? undefined : Number(opts.threads);
  const progress = progressReporter(opts);
  let report: FitReport;
  try {
    report = await fitLawParallel(fitData, { ...fitOptions, ...(progress ? { onProgress: progress } : {}) }, { threads });
  } catch (e) {
    // "only 2 usable points" must say where the other rows went.
    throw runs.droppedSummary ? new Error(`${(e as Error).message} (${runs.droppedSummary})`) : e;
  }

  const result: FitCommandResult = {
    report, droppedRows: runs.table.dropped, droppedSummary: runs.droppedSummary, columns: { x: runs.columns.x, y: runs.columns.y }, targets: [], text: '',
  };
  if (held) {
    const predictions = held.x.map((hx, i) => ({ x: hx, y: held.y[i], ...(({ value, lo, hi }) => ({ predicted: value, lo, hi }))(predictInterval(report, hx)) }));
    const mare = predictions.reduce((s, p) => s + Math.abs(p.predicted - p.y) / p.y, 0) / predictions.length;
    const rmsle = Math.sqrt(predictions.reduce((s, p) => s + (Math.log(p.predicted) - Math.log(p.y)) ** 2, 0) / predictions.length);
    result.holdout = { rule: holdoutRule!, points: predictions.length, meanAbsRelError: mare, rmsle, predictions };
  }
  for (const t of resolved) result.targets.push(upstream ? chained(upstream, report, t) : answer(report, t));
  if (law.frontier) {
    const firstC = resolved.find((t) => t.kind === 'frontier');
    result.frontier = firstC ? result.targets.find((t) => t.kind === 'frontier')!.frontier : computeOptimalFrontier(report, Math.max(...data.x.map((r) => r.C)) * 10);
  }
  if (opts.plot) {
    const plotTarget = resolved[0]?.kind === 'frontier' ? { C: resolved[0].C } : resolved[0]?.kind === 'point' ? resolved[0].x : undefined;
    await writeFile(opts.plot, renderFitSvg(report, fitData, { heldOut: held, target: plotTarget, labels: axisLabels(runs.columns) }));
  }
  result.text = opts.json ? `${JSON.stringify({ ...result, text: undefined }, null, 2)}\n` : humanText(result, file);
  return result;
}

/** Column names for the plot's axis titles (law variable -> CSV column). */
function axisLabels(c: { x: Record<string, string>; y: string }): Record<string, string> {
  return { ...c.x, y: c.y };
}

/** Reads an upstream fit (`slab fit --json` output) whose predictions feed this law's single variable. */
async function readChain(file: string, variables: string[]): Promise<FitReport> {
  let parsed: { report?: FitReport };
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new Error(`--chain ${file}: expected the JSON written by \`slab fit --json\` (${(e as Error).message})`);
  }
  const rep = parsed.report;
  if (!rep || typeof rep.law !== 'string' || typeof rep.params !== 'object') throw new Error(`--chain ${file}: no "report" with "law" and "params" (write it with \`slab fit ... --json > ${file}\`)`);
  getLaw(rep.law);
  if (variables.length !== 1) throw new Error(`--chain: the chained law must take one variable (the upstream law's output); ${variables.join(', ')} given`);
  return rep;
}

function chained(upstream: FitReport, report: FitReport, t: ResolvedTarget): TargetAnswer {
  if (t.kind !== 'point') throw new Error(`--chain: give the upstream law's variables (${getLaw(upstream.law).variables.join(', ')}), not a compute budget`);
  const c = chainPredict(upstream, report, t.x);
  return { given: t.given, kind: 'point', x: t.x, value: c.value, lo: c.lo, hi: c.hi, chained: { law: upstream.law, value: c.intermediate }, ...(c.warning ? { warning: c.warning } : {}) };
}

function answer(report: FitReport, t: ResolvedTarget): TargetAnswer {
  if (t.kind === 'frontier') {
    const f = computeOptimalFrontier(report, t.C);
    const [lo, hi] = f.lossInterval ?? [f.loss, f.loss];
    return { given: t.given, kind: 'frontier', x: { C: t.C }, value: f.loss, lo, hi, ...(f.warning ? { warning: f.warning } : {}), frontier: f };
  }
  const p = predictInterval(report, t.x);
  return { given: t.given, kind: 'point', x: t.x, value: p.value, lo: p.lo, hi: p.hi, ...(p.warning ? { warning: p.warning } : {}) };
}

function humanText(r: FitCommandResult, file: string): string {
  const rep = r.report;
  const law = getLaw(rep.law);
  const lines: string[] = [];
  lines.push(`${rep.law} fit of ${file} (${rep.nPoints} points fitted, objective ${rep.objectiveKind}, delta ${rep.options.delta})`);
  lines.push(`  ${formatLaw(rep)}`);
  const bs = rep.bootstrap;
  const idf = rep.identifiability;
  for (const p of law.params) {
    const iv = bs?.intervals[p.name];
    const ci = iv ? `  ${Math.round(bs.level * 100)}% CI [${g(iv[0])}, ${g(iv[1])}]  se ${g(bs.se[p.name])}` : '';
    const tag = p.name in rep.options.fixed ? '  (fixed)' : idf.parameters[p.name]?.determined === false ? '  NOT DETERMINED' : '';
    lines.push(`  ${p.name.padEnd(8)} ${String(rep.params[p.name]).padEnd(22)}${ci}${tag}`);
  }
  lines.push(
    rep.converged
      ? `converged: yes (gradient norm ${rep.gradNorm.toExponential(2)}, objective ${rep.objective.toPrecision(9)}, ${rep.startsInBestBasin}/${rep.starts} starts in the best basin)`
      : `converged: NO (stopped: ${rep.stopReason}, gradient norm ${rep.gradNorm.toExponential(2)}); do not use these parameters`,
  );
  lines.push(
    idf.verdict === 'identified'
      ? `identifiability: every fitted parameter is determined by the data (${idf.distinctRuns} distinct runs${bs ? `, ${bs.resamples} usable resamples` : ', no bootstrap: bounds and basins checked only'})${bs && untrustworthy(bs) ? `; but the intervals are not trustworthy: ${bs.degenerate} of ${bs.degenerate + bs.resamples} resamples had fewer distinct runs than parameters` : ''}`
      : `identifiability: ${idf.verdict.toUpperCase()}: ${idf.undetermined.join(', ')} not determined by the data; do not read ${idf.undetermined.length > 1 ? 'them' : 'it'} as ${idf.undetermined.length > 1 ? 'findings' : 'a finding'}`,
  );
  if (bs) lines.push(`bootstrap: ${bs.resamples} resamples over ${bs.distinctRuns} distinct runs, seed ${rep.options.seed}${bs.degenerate ? `, ${bs.degenerate} degenerate resamples excluded` : ''}${bs.notConverged ? `, ${bs.notConverged} refits not converged` : ''}`);
  lines.push(r.droppedSummary ? `dropped rows: ${r.droppedSummary}` : 'dropped rows: none');
  for (const d of r.droppedRows.slice(0, 20)) lines.push(`  line ${d.line}: ${d.reason}`);
  if (r.droppedRows.length > 20) lines.push(`  ... ${r.droppedRows.length - 20} more (see --json)`);
  if (rep.dropped) lines.push(`outlier rule: ${rep.dropped.rule}: ${rep.dropped.indices.length} points (y = ${rep.dropped.y.map(g).join(', ')})`);
  for (const d of rep.diagnostics) lines.push(`note: ${d}`);
  if (r.holdout) lines.push(`holdout ${r.holdout.rule}: ${r.holdout.points} points, mean |relative error| ${g(100 * r.holdout.meanAbsRelError)}%, RMSLE ${g(r.holdout.rmsle)}`);
  if (r.frontier) {
    const f = r.frontier;
    const pct = `${Math.round((bs?.level ?? 0.95) * 100)}% CI`;
    const ai = f.aInterval ? ` (${pct} ${g(f.aInterval[0])}-${g(f.aInterval[1])})` : '';
    lines.push(`frontier: N* ~ C^a with a = ${g(f.a)}${ai}, D* ~ C^${g(f.b)}`);
    const iv = (i?: [number, number]) => (i ? ` [${g(i[0])}, ${g(i[1])}]` : '');
    const where = r.targets.some((t) => t.kind === 'frontier') ? '' : ' (10× the largest run)';
    lines.push(`  at C = ${g(f.C)}${where}: N* = ${g(f.N)}${iv(f.NInterval)}, D* = ${g(f.D)}${iv(f.DInterval)}, D*/N* = ${g(f.tokensPerParam)}, loss ${g(f.loss)}${iv(f.lossInterval)}`);
    if (f.warning) lines.push(`  WARNING: ${f.warning}`);
  }
  for (const t of r.targets) {
    const where = Object.entries(t.given).map(([k, v]) => `${k}=${g(v)}`).join(', ');
    const what = t.kind === 'frontier' ? `compute-optimal loss at ${where}` : `target ${where}`;
    const iv = t.lo !== t.hi || bs ? ` [${g(t.lo)}, ${g(t.hi)}]` : ' (no interval: run with --bootstrap N)';
    const via = t.chained ? ` (via ${t.chained.law} = ${g(t.chained.value)}, both fits' uncertainty)` : '';
    lines.push(`${what}: ${g(t.value)}${iv}${via}${t.warning ? `  WARNING: ${t.warning}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

export function registerFitCommand(program: Command): void {
  program
    .command('fit')
    .description('fit a scaling law to a CSV of runs (robust multi-start fit, bootstrap intervals, identifiability, holdout, frontier, targets)')
    .argument('<csv>', 'CSV file with a header row (a `slab export` CSV works without --columns)')
    .option('--law <name>', 'law name (see the list below)', 'chinchilla')
    .option('--columns <map>', 'VAR=column pairs, e.g. N=params,D=tokens,L=loss (two of N, D, C suffice); default: the variable names, then slab export names (params, data, flops, final.eval_loss)')
    .option('--holdout <rule>', 'hold out rows matching e.g. "C>1e21" and report their prediction error; default: the rows a `slab export` marks heldOut=1; "none" fits every row')
    .option('--bootstrap <n>', 'bootstrap resamples over runs (0 = none)', '0')
    .option('--seed <n>', 'bootstrap seed', '1')
    .option('--starts <preset>', 'start preset, e.g. chinchilla-4500 or small')
    .option('--drop-highest <k>', 'outlier rule: drop the k highest-loss rows (exactly k, ties by row order)', '0')
    .option('--objective <kind>', 'huber-log | mse-log | mae-log | mse-log1p | mse')
    .option('--delta <x>', 'Huber delta (default 1e-3)')
    .option('--fixed <params>', 'hold parameters at values, e.g. E=1.869,A=520.4 (second-stage fits)')
    .option('--weights <column>', 'column of per-row weights (>= 0) multiplying each row\'s loss')
    .option('--screen <k>', 'optimise only the best k starts by objective (default: 20 for grids of more than 100 starts; the grid size optimises every start)')
    .option('--time-budget <seconds>', 'stop optimising further starts after this long (the report says how many were skipped)')
    .option('--target <vars>', 'targets, e.g. "N=1.4e9,D=8.96e11" or "C=5.76e23"; several separated by ";"')
    .option('--targets <csv>', 'a CSV of targets, one per row, columns named by variables')
    .option('--threads <n>', 'bootstrap worker threads (default: cores)')
    .option('--json', 'print the full report as JSON')
    .option('--plot <file>', 'write an SVG plot')
    .option('--compare <laws>', 'fit several laws (same variables) to the same runs, with the same options, and rank them')
    .option('--chain <json>', 'an upstream fit (`slab fit --json` output, e.g. a loss law): targets in its variables are chained through this law, intervals from both fits')
    .option('--isoflop', 'IsoFLOP analysis (Chinchilla approaches 1 and 2): per compute budget a parabola in log N, then N*(C), D*(C)')
    .addHelpText('after', () => `\nLaws:\n${listLaws().map((l) => `  ${l.name.padEnd(24)} ${l.formula}`).join('\n')}\n`)
    .action(async (csv: string, opts: FitCommandOptions) => {
      if (opts.compare) {
        const c = await runCompare(csv, opts.compare.split(',').map((s) => s.trim()).filter(Boolean), opts);
        process.stdout.write(opts.json ? `${JSON.stringify(c.rows, null, 2)}\n` : c.text);
        return;
      }
      if (opts.isoflop) {
        const r = await runIsoflop(csv, opts);
        process.stdout.write(r.text);
        return;
      }
      const r = await runFit(csv, opts);
      process.stdout.write(r.text);
      if (opts.plot && !opts.json) process.stdout.write(`plot written to ${opts.plot}\n`);
      if (!r.report.converged) process.exitCode = 2;
    });
}
