/**
 * `slab fit runs.csv --law chinchilla [--columns N=params,D=tokens,L=loss] [--holdout "C>1e21"] [--bootstrap 1000]
 *  [--seed 1] [--json] [--plot fit.svg]`: fits a scaling law to any CSV with @slab/laws (the same library the
 * sweep's fitLaws activity uses) and prints the law, intervals, convergence, dropped rows, holdout error and frontier.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  completeComputeVariables, computeOptimalFrontier, formatLaw, getLaw, listLaws, matchesHoldout, parseHoldout, predictInterval,
  readRunsCsv, renderFitSvg, splitData, type FitData, type FitOptions, type FitReport, type FrontierPoint,
} from '@slab/laws';
import { fitLawParallel } from '@slab/laws/parallel';
import { runCompare } from './compare';

export interface FitCommandOptions {
  law: string;
  columns?: string;
  holdout?: string;
  bootstrap?: string | number;
  seed?: string | number;
  starts?: string;
  dropHighest?: string | number;
  objective?: string;
  delta?: string | number;
  target?: string;
  threads?: string | number;
  json?: boolean;
  plot?: string;
  compare?: string;
}

export interface FitCommandResult {
  report: FitReport;
  holdout?: { rule: string; points: number; meanAbsRelError: number; rmsle: number; predictions: { x: Record<string, number>; y: number; predicted: number; lo: number; hi: number }[] };
  droppedRows: { line: number; reason: string }[];
  frontier?: FrontierPoint;
  target?: { x: Record<string, number>; value: number; lo: number; hi: number };
  text: string;
}

/** Compute-identity variables the reader can derive (C = 6ND, M = D/N). */
const COMPUTE_VARS = ['N', 'D', 'C', 'M'];
const TARGET_KEYS = ['L', 'y', 'loss', 'Err', 'err'];

/** `N=params,D=tokens,L=loss` -> x mapping + target column (the key that is not a variable). */
export function parseColumns(spec: string | undefined, variables: string[]): { x: Record<string, string>; y: string } {
  if (!spec) return { x: Object.fromEntries(variables.map((v) => [v, v])), y: 'loss' };
  const x: Record<string, string> = {};
  let y: string | undefined;
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) throw new Error(`--columns: expected VAR=column pairs such as "N=params,D=tokens,L=loss", got "${part}"`);
    const key = part.slice(0, eq).trim();
    const col = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    if (variables.includes(key) || COMPUTE_VARS.includes(key)) x[key] = col;
    else if (TARGET_KEYS.includes(key)) {
      if (y) throw new Error(`--columns: more than one target column (${y}, ${col})`);
      y = col;
    } else throw new Error(`--columns: "${key}" is neither a variable of this law (${variables.join(', ')}) nor a target key (${TARGET_KEYS.join(', ')})`);
  }
  return { x, y: y ?? 'loss' };
}

function num(name: string, v: string | number | undefined, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name}: expected a number, got "${v}"`);
  return n;
}

/** `C=5.76e23` or `N=7e10,D=1.4e12` -> variables. */
function parseTarget(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    const [k, v] = part.split('=');
    const n = Number(v);
    if (!k || !Number.isFinite(n) || n <= 0) throw new Error(`--target: expected VAR=positive-number pairs such as "C=5.76e23", got "${part}"`);
    out[k.trim()] = n;
  }
  return out;
}

const g = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v));

export async function runFit(file: string, opts: FitCommandOptions): Promise<FitCommandResult> {
  const law = getLaw(opts.law);
  const cols = parseColumns(opts.columns, law.variables);
  const table = readRunsCsv(await readFile(file, 'utf8'), cols);
  const x = completeComputeVariables(table.x);
  for (const v of law.variables) {
    if (x.length && x[0][v] === undefined) throw new Error(`--columns: law ${law.name} needs variable ${v}; map it (e.g. ${v}=<column>) or give two of N, D, C`);
  }
  const data: FitData = { x, y: table.y };
  let fitData = data;
  let held: FitData | undefined;
  if (opts.holdout) {
    const rule = parseHoldout(opts.holdout);
    const s = splitData(data, (row) => matchesHoldout(rule, row));
    if (s.held.y.length === 0) throw new Error(`--holdout "${opts.holdout}" holds out no rows`);
    fitData = s.fit;
    held = s.held;
  }
  const fitOptions: FitOptions = {
    law: law.name,
    bootstrap: num('bootstrap', opts.bootstrap, 0),
    seed: num('seed', opts.seed, 1),
    dropHighest: num('drop-highest', opts.dropHighest, 0),
    ...(opts.starts ? { starts: opts.starts } : {}),
    ...(opts.objective ? { objective: opts.objective as FitOptions['objective'] } : {}),
    ...(opts.delta !== undefined ? { delta: num('delta', opts.delta, 1e-3) } : {}),
  };
  const threads = opts.threads === undefined ? undefined : num('threads', opts.threads, 1);
  const report = await fitLawParallel(fitData, fitOptions, { threads });

  const result: FitCommandResult = { report, droppedRows: table.dropped, text: '' };
  if (held) {
    const predictions = held.x.map((hx, i) => ({ x: hx, y: held.y[i], ...(({ value, lo, hi }) => ({ predicted: value, lo, hi }))(predictInterval(report, hx)) }));
    const mare = predictions.reduce((s, p) => s + Math.abs(p.predicted - p.y) / p.y, 0) / predictions.length;
    const rmsle = Math.sqrt(predictions.reduce((s, p) => s + (Math.log(p.predicted) - Math.log(p.y)) ** 2, 0) / predictions.length);
    result.holdout = { rule: opts.holdout!, points: predictions.length, meanAbsRelError: mare, rmsle, predictions };
  }
  let targetVars = opts.target ? parseTarget(opts.target) : undefined;
  if (law.frontier) {
    const cs = data.x.map((r) => r.C);
    const C = targetVars?.C ?? Math.max(...cs) * 10;
    if (!targetVars) targetVars = { C };
    result.frontier = computeOptimalFrontier(report, C);
  }
  if (targetVars && !law.frontier) {
    const p = predictInterval(report, targetVars);
    result.target = { x: targetVars, value: p.value, lo: p.lo, hi: p.hi };
  }
  if (opts.plot) await writeFile(opts.plot, renderFitSvg(report, fitData, { heldOut: held, target: targetVars }));
  result.text = opts.json ? `${JSON.stringify({ ...result, text: undefined }, null, 2)}\n` : humanText(result, file);
  return result;
}

function humanText(r: FitCommandResult, file: string): string {
  const rep = r.report;
  const law = getLaw(rep.law);
  const lines: string[] = [];
  lines.push(`${rep.law} fit of ${file} (${rep.nPoints} points, objective ${rep.objectiveKind}, delta ${rep.options.delta})`);
  lines.push(`  ${formatLaw(rep)}`);
  const bs = rep.bootstrap;
  for (const p of law.params) {
    const iv = bs?.intervals[p.name];
    const ci = iv ? `  ${Math.round(bs.level * 100)}% CI [${g(iv[0])}, ${g(iv[1])}]  se ${g(bs.se[p.name])}` : '';
    lines.push(`  ${p.name.padEnd(8)} ${String(rep.params[p.name]).padEnd(22)}${ci}`);
  }
  lines.push(
    rep.converged
      ? `converged: yes (gradient norm ${rep.gradNorm.toExponential(2)}, objective ${rep.objective.toPrecision(9)}, ${rep.startsInBestBasin}/${rep.starts} starts in the best basin)`
      : `converged: NO (stopped: ${rep.stopReason}, gradient norm ${rep.gradNorm.toExponential(2)}); do not use these parameters`,
  );
  if (bs) lines.push(`bootstrap: ${bs.resamples} resamples over runs, seed ${rep.options.seed}${bs.notConverged ? `, ${bs.notConverged} refits not converged` : ''}`);
  if (r.droppedRows.length) {
    lines.push(`dropped rows: ${r.droppedRows.length}`);
    for (const d of r.droppedRows.slice(0, 20)) lines.push(`  line ${d.line}: ${d.reason}`);
    if (r.droppedRows.length > 20) lines.push(`  ... ${r.droppedRows.length - 20} more (see --json)`);
  } else lines.push('dropped rows: none');
  if (rep.dropped) lines.push(`outlier rule: ${rep.dropped.rule}: ${rep.dropped.indices.length} points (y = ${rep.dropped.y.map(g).join(', ')})`);
  for (const d of rep.diagnostics) lines.push(`note: ${d}`);
  if (r.holdout) lines.push(`holdout ${r.holdout.rule}: ${r.holdout.points} points, mean |relative error| ${(100 * r.holdout.meanAbsRelError).toFixed(3)}%, RMSLE ${g(r.holdout.rmsle)}`);
  if (r.frontier) {
    const f = r.frontier;
    const ai = f.aInterval ? ` (${Math.round((bs?.level ?? 0.95) * 100)}% CI ${g(f.aInterval[0])}-${g(f.aInterval[1])})` : '';
    lines.push(`frontier: N* ~ C^a with a = ${g(f.a)}${ai}, D* ~ C^${g(f.b)}`);
    const li = f.lossInterval ? ` [${g(f.lossInterval[0])}, ${g(f.lossInterval[1])}]` : '';
    lines.push(`  at C = ${f.C.toExponential(3)}: N* = ${f.N.toExponential(3)}, D* = ${f.D.toExponential(3)}, ${g(f.tokensPerParam)} tokens/param, loss ${g(f.loss)}${li}`);
  }
  if (r.target) lines.push(`target ${JSON.stringify(r.target.x)}: ${g(r.target.value)} [${g(r.target.lo)}, ${g(r.target.hi)}]`);
  return `${lines.join('\n')}\n`;
}

export function registerFitCommand(program: Command): void {
  program
    .command('fit')
    .description('fit a scaling law to a CSV of runs (robust multi-start fit, bootstrap intervals, holdout, frontier)')
    .argument('<csv>', 'CSV file with a header row')
    .option('--law <name>', 'law name (see @slab/laws listLaws)', 'chinchilla')
    .option('--columns <map>', 'VAR=column pairs, e.g. N=params,D=tokens,L=loss (two of N, D, C suffice)')
    .option('--holdout <rule>', 'hold out rows matching e.g. "C>1e21" and report their prediction error')
    .option('--bootstrap <n>', 'bootstrap resamples over runs (0 = none)', '0')
    .option('--seed <n>', 'bootstrap seed', '1')
    .option('--starts <preset>', 'start preset, e.g. chinchilla-4500 or small')
    .option('--drop-highest <k>', 'outlier rule: drop the k highest-loss rows', '0')
    .option('--objective <kind>', 'huber-log | mse-log | mae-log | mse-log1p | mse')
    .option('--delta <x>', 'Huber delta (default 1e-3)')
    .option('--target <vars>', 'prediction target, e.g. C=5.76e23 or x=1000')
    .option('--threads <n>', 'bootstrap worker threads (default: cores)')
    .option('--json', 'print the full report as JSON')
    .option('--plot <file>', 'write an SVG plot')
    .option('--compare <laws>', 'fit several laws (same variables) to the same runs and print a comparison table')
    .addHelpText('after', () => `\nLaws:\n${listLaws().map((l) => `  ${l.name.padEnd(24)} ${l.formula}`).join('\n')}\n`)
    .action(async (csv: string, opts: FitCommandOptions) => {
      if (opts.compare) {
        const c = await runCompare(csv, opts.compare.split(',').map((s) => s.trim()).filter(Boolean), opts);
        process.stdout.write(opts.json ? `${JSON.stringify(c.rows, null, 2)}\n` : c.text);
        return;
      }
      const r = await runFit(csv, opts);
      process.stdout.write(r.text);
      if (opts.plot && !opts.json) process.stdout.write(`plot written to ${opts.plot}\n`);
      if (!r.report.converged) process.exitCode = 2;
    });
}
