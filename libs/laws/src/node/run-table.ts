/**
 * Tables of measured runs (`@slab/laws/run-table`, Node only: it reads files): CSV with a header.
 * Recognised columns (case-insensitive): N: `N`, `params`, `Model Size`; D: `D`, `data`, `tokens`; C: `C`, `flops`, `Training FLOP`
 * (D = C / (6N) when D is absent, as Besiroglu et al. do for Chinchilla); loss: `loss`, `eval_loss`,
 * `final_loss`; optional curve: `curve` as `step:loss` pairs separated by `;` (step in D units or steps).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseCsv } from '../csv';

export interface ReplayRun {
  N: number;
  D: number;
  loss: number;
  /** Measured loss curve, if the table has one: (fraction of training in (0,1], loss). */
  curve?: { fraction: number; loss: number }[];
}

const ALIASES: Record<'N' | 'D' | 'C' | 'loss' | 'curve', string[]> = {
  N: ['n', 'params', 'model size', 'parameters'],
  D: ['d', 'data', 'tokens', 'samples'],
  C: ['c', 'flops', 'training flop', 'compute'],
  loss: ['loss', 'eval_loss', 'final_loss'],
  curve: ['curve'],
};

/** Parses a run table; `source` names it in errors. */
export function parseRunTable(text: string, source = 'table'): ReplayRun[] {
  const rows = parseCsv(text)
    .map((cells) => cells.map((c) => c.trim()))
    .filter((cells) => cells.some((c) => c !== '') && !cells[0].startsWith('#'));
  if (rows.length < 2) throw new Error(`${source}: expected a header and at least one run`);
  const header = rows[0].map((h) => h.toLowerCase());
  const col = (k: keyof typeof ALIASES) => header.findIndex((h) => ALIASES[k].includes(h));
  const [iN, iD, iC, iL, iCurve] = [col('N'), col('D'), col('C'), col('loss'), col('curve')];
  if (iN < 0) throw new Error(`${source}: expected a parameter-count column (N, params or Model Size)`);
  if (iL < 0) throw new Error(`${source}: expected a loss column (loss, eval_loss or final_loss)`);
  if (iD < 0 && iC < 0) throw new Error(`${source}: expected a data column (D, data, tokens) or a compute column (C, flops, Training FLOP)`);
  return rows.slice(1).map((cells, r) => {
    const num = (i: number, what: string) => {
      const v = Number(cells[i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${source} row ${r + 2}: ${what}: expected a positive number, got ${JSON.stringify(cells[i])}`);
      return v;
    };
    const N = num(iN, header[iN]);
    const D = iD >= 0 ? num(iD, header[iD]) : num(iC, header[iC]) / (6 * N);
    const run: ReplayRun = { N, D, loss: num(iL, header[iL]) };
    if (iCurve >= 0 && cells[iCurve]) run.curve = parseCurve(cells[iCurve], `${source} row ${r + 2}: curve`);
    return run;
  });
}

function parseCurve(cell: string, where: string): { fraction: number; loss: number }[] {
  const pts = cell.split(';').map((pair) => {
    const [s, l] = pair.split(':').map(Number);
    if (!(s > 0) || !Number.isFinite(l)) throw new Error(`${where}: expected "step:loss" pairs separated by ";", got ${JSON.stringify(pair)}`);
    return { step: s, loss: l };
  });
  pts.sort((a, b) => a.step - b.step);
  const last = pts[pts.length - 1].step;
  return pts.map((p) => ({ fraction: p.step / last, loss: p.loss }));
}

const cache = new Map<string, ReplayRun[]>();
/** Reads (and caches per path) a run table from disk. */
export function loadRunTable(path: string): ReplayRun[] {
  let runs = cache.get(path);
  if (!runs) {
    runs = parseRunTable(readFileSync(path, 'utf8'), path);
    cache.set(path, runs);
  }
  return runs;
}

/** Keeps runs whose loss is strictly below the k-th largest (the Chinchilla outlier rule, k = 5). */
export function dropHighest(runs: ReplayRun[], k: number): ReplayRun[] {
  if (k <= 0) return runs;
  const cut = [...runs].map((r) => r.loss).sort((a, b) => b - a)[k - 1];
  return runs.filter((r) => r.loss < cut);
}

/** Exact or nearest run in (log N, log D); exact means both within a relative 1e-6. */
export function matchRun(runs: ReplayRun[], N: number, D: number): { run: ReplayRun; distance: number; exact: boolean } {
  if (runs.length === 0) throw new Error('replay: the run table is empty');
  let best = runs[0];
  let bestD = Infinity;
  const [ln, ld] = [Math.log(N), Math.log(D)];
  for (const r of runs) {
    const d = Math.hypot(Math.log(r.N) - ln, Math.log(r.D) - ld);
    if (d < bestD) [best, bestD] = [r, d];
  }
  return { run: best, distance: bestD, exact: Math.abs(best.N / N - 1) < 1e-6 && Math.abs(best.D / D - 1) < 1e-6 };
}

/**
 * A relative table path is tried against the working directory and then each of its parents, so
 * `data/chinchilla/svg_extracted_data.csv` in a spec works from the repo root or a package folder.
 */
export function resolveTable(path: string, cwd = process.cwd()): string {
  if (isAbsolute(path)) return path;
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const p = join(dir, path);
    if (existsSync(p)) return p;
    if (dirname(dir) === dir) return resolve(cwd, path);
  }
}
