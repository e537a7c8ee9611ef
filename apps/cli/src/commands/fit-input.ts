/**
 * What `slab fit` and `slab fit --compare` share: reading a CSV of runs for one or more laws (column mapping,
 * `slab export` names understood by default, rows outside a law's domain dropped with the reason), the fit
 * options built from the flags, and targets (`--target`, `--targets FILE`) resolved against a law.
 */
import { readFile } from 'node:fs/promises';
import {
  completeComputeVariables, domainText, inDomain, lawDomains, parseCsv, readRunsCsv, summarizeDropped,
  type Domain, type FitData, type FitOptions, type LawDefinition, type ObjectiveKind, type RunsTable,
} from '@slab/laws';

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
  fixed?: string;
  weights?: string;
  timeBudget?: string | number;
  screen?: string | number;
  target?: string;
  targets?: string;
  threads?: string | number;
  json?: boolean;
  plot?: string;
  compare?: string;
  isoflop?: boolean;
  /** `slab fit --json` output of an upstream law (e.g. loss): targets are given in its variables and chained through this fit. */
  chain?: string;
  /** Progress lines for long fits (default: stderr when it is a terminal). */
  progress?: (line: string) => void;
}

/** Compute-identity variables the reader can derive (C = 6ND, M = D/N). */
export const COMPUTE_VARS = ['N', 'D', 'C', 'M'];
const TARGET_KEYS = ['L', 'y', 'loss', 'Err', 'err'];
const OBJECTIVES: ObjectiveKind[] = ['huber-log', 'mse-log', 'mae-log', 'mse-log1p', 'mse'];

/**
 * Column names tried for a variable when --columns does not map it: the variable itself, then the names
 * `slab export` writes (params, data, flops, final.eval_loss) and common ones.
 */
const DEFAULT_COLUMNS: Record<string, string[]> = {
  N: ['N', 'params'],
  D: ['D', 'data', 'tokens'],
  C: ['C', 'flops'],
  y: ['loss', 'final.eval_loss', 'eval_loss', 'y', 'L'],
};

export interface ColumnChoice {
  x: Record<string, string>;
  y: string;
  /** Where the mapping came from, for the report header. */
  source: 'flag' | 'default';
}

/** `N=params,D=tokens,L=loss` -> x mapping + target column; without a spec, names are found in the header. */
export function parseColumns(spec: string | undefined, variables: string[], header?: string[]): ColumnChoice {
  if (!spec) {
    if (!header) return { x: Object.fromEntries(variables.map((v) => [v, v])), y: 'loss', source: 'default' };
    // Compute variables are read only for laws in N, D, C, M (the others would drop rows for unused columns).
    const wanted = variables.some((v) => COMPUTE_VARS.includes(v)) ? [...new Set([...variables, ...COMPUTE_VARS])] : variables;
    const x: Record<string, string> = {};
    for (const v of wanted) {
      const c = (DEFAULT_COLUMNS[v] ?? [v]).find((name) => header.includes(name) && !Object.values(x).includes(name));
      if (c) x[v] = c;
    }
    const y = DEFAULT_COLUMNS.y.find((name) => header.includes(name)) ?? 'loss';
    return { x, y, source: 'default' };
  }
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
  return { x, y: y ?? 'loss', source: 'flag' };
}

export interface LoadedRuns {
  data: FitData;
  table: RunsTable;
  columns: ColumnChoice;
  /** Data rows in the file (excluding the header and blank lines). */
  totalRows: number;
  /** `3 of 20 rows dropped: ...`, or '' when every row was used. */
  droppedSummary: string;
}

/**
 * Reads the runs for a law: maps columns, keeps every row inside the domains of the law's variables and of
 * the objective's target, derives C = 6ND and M = D/N, and checks every law variable is present.
 */
/** What reading runs needs to know of a law (IsoFLOP analysis passes its own N, C inputs). */
export type RunsInput = Pick<LawDefinition, 'name' | 'variables' | 'domains' | 'defaultObjective'>;

export async function loadRuns(file: string, law: RunsInput, opts: FitCommandOptions): Promise<LoadedRuns> {
  const text = await readFile(file, 'utf8');
  const header = (parseCsv(text.split(/\r?\n/, 1)[0])[0] ?? []).map((h) => h.trim());
  const columns = parseColumns(opts.columns, law.variables, header);
  const objective = (opts.objective as ObjectiveKind | undefined) ?? law.defaultObjective;
  const domains: Record<string, Domain> = lawDomains(law, objective);
  const table = readRunsCsv(text, { ...columns, domains, ...(opts.weights ? { weight: opts.weights } : {}) });
  const x = completeComputeVariables(table.x);
  const first = x[0] ?? {};
  for (const v of law.variables) {
    if (x.length && first[v] === undefined) {
      throw new Error(`--columns: law ${law.name} needs variable ${v}; map it (e.g. ${v}=<column>)${COMPUTE_VARS.includes(v) ? ' or give two of N, D, C' : ''} (the header has: ${header.join(', ')})`);
    }
  }
  const totalRows = table.y.length + table.dropped.length;
  return {
    data: { x, y: table.y, ...(table.w ? { w: table.w } : {}) },
    table, columns, totalRows, droppedSummary: summarizeDropped(table.dropped, totalRows),
  };
}

function num(name: string, v: string | number | undefined, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name}: expected a number, got "${v}"`);
  return n;
}

/** `E=1.69,alpha=0.34` -> { E: 1.69, alpha: 0.34 }, checked against the law's parameters. */
export function parseFixed(text: string, law: LawDefinition): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z_]\w*)=(.+)$/.exec(part);
    const v = m ? Number(m[2]) : Number.NaN;
    if (!m || !Number.isFinite(v)) throw new Error(`--fixed: expected NAME=NUMBER items such as "E=1.69,alpha=0.34", got "${part}"`);
    if (!law.params.some((p) => p.name === m[1])) throw new Error(`--fixed: "${m[1]}" is not a parameter of law ${law.name} (${law.params.map((p) => p.name).join(', ')})`);
    out[m[1]] = v;
  }
  return out;
}

/** Fit options from the flags; `fit` and `fit --compare` use exactly this, so both fit the same way. */
export function fitOptionsFrom(opts: FitCommandOptions, law: LawDefinition): FitOptions {
  if (opts.objective !== undefined && !OBJECTIVES.includes(opts.objective as ObjectiveKind)) {
    throw new Error(`--objective: expected one of ${OBJECTIVES.join(', ')}, got "${opts.objective}"`);
  }
  if (opts.starts !== undefined && !(opts.starts in law.starts)) {
    throw new Error(`--starts: "${opts.starts}" is not a start preset of law ${law.name} (presets: ${Object.keys(law.starts).join(', ')})`);
  }
  const budget = opts.timeBudget === undefined ? undefined : num('time-budget', opts.timeBudget, 0);
  if (budget !== undefined && !(budget > 0)) throw new Error(`--time-budget: expected a positive number of seconds, got "${opts.timeBudget}"`);
  return {
    law: law.name,
    bootstrap: num('bootstrap', opts.bootstrap, 0),
    seed: num('seed', opts.seed, 1),
    dropHighest: num('drop-highest', opts.dropHighest, 0),
    ...(opts.starts ? { starts: opts.starts } : {}),
    ...(opts.objective ? { objective: opts.objective as ObjectiveKind } : {}),
    ...(opts.delta !== undefined ? { delta: num('delta', opts.delta, 1e-3) } : {}),
    ...(opts.fixed ? { fixed: parseFixed(opts.fixed, law) } : {}),
    ...(budget !== undefined ? { timeBudgetMs: budget * 1000 } : {}),
    ...(opts.screen !== undefined ? { screen: num('screen', opts.screen, 0) } : {}),
  };
}

/** One target: a point of the law's variables, or a compute budget on a frontier law. */
export type ResolvedTarget = { kind: 'point'; given: Record<string, number>; x: Record<string, number> } | { kind: 'frontier'; given: Record<string, number>; C: number };

/** `N=1e9,D=2e9; N=2e9,D=4e9` -> one record per target (`;` separates targets, `,` variables). */
export function parseTargetList(text: string): Record<string, number>[] {
  return text.split(';').map((s) => s.trim()).filter(Boolean).map((t) => {
    const out: Record<string, number> = {};
    for (const part of t.split(',').map((s) => s.trim()).filter(Boolean)) {
      const m = /^([A-Za-z_][\w.]*)\s*=\s*(.+)$/.exec(part);
      const v = m ? Number(m[2]) : Number.NaN;
      if (!m || !Number.isFinite(v)) throw new Error(`--target: expected VAR=number pairs such as "N=1e9,D=2e10" (targets separated by ";"), got "${part}"`);
      out[m[1]] = v;
    }
    return out;
  });
}

/** A CSV of targets: one per row, columns named by variables (N, D, C, ... or the law's own). */
export async function readTargetsCsv(file: string): Promise<Record<string, number>[]> {
  const rows = parseCsv(await readFile(file, 'utf8')).filter((r) => r.some((c) => c.trim() !== ''));
  if (rows.length < 2) throw new Error(`--targets ${file}: expected a header row and at least one target row`);
  const header = rows[0].map((h) => h.trim());
  return rows.slice(1).map((r, i) => {
    const out: Record<string, number> = {};
    header.forEach((h, j) => {
      const v = Number(r[j]);
      if (r[j] === undefined || r[j].trim() === '' || !Number.isFinite(v)) throw new Error(`--targets ${file}: line ${i + 2}, column ${h}: expected a number, got "${r[j] ?? ''}"`);
      out[h] = v;
    });
    return out;
  });
}

/**
 * Checks a target against a law and fills in derived variables. Errors name the problem: a variable the law
 * cannot use, a value outside its domain, a variable still missing after C = 6ND and M = D/N.
 */
export function resolveTarget(given: Record<string, number>, law: LawDefinition): ResolvedTarget {
  const label = JSON.stringify(given);
  const known = new Set([...law.variables, ...COMPUTE_VARS]);
  const unknown = Object.keys(given).filter((k) => !known.has(k));
  if (unknown.length) {
    throw new Error(`--target ${label}: ${unknown.join(', ')} ${unknown.length > 1 ? 'are not variables' : 'is not a variable'} of law ${law.name} (variables: ${law.variables.join(', ')}${law.variables.some((v) => COMPUTE_VARS.includes(v)) ? '; N, D, C, M are derived from each other' : ''})`);
  }
  const domains = lawDomains(law);
  for (const [k, v] of Object.entries(given)) {
    const d = domains[k] ?? 'real';
    if (!inDomain(v, d)) throw new Error(`--target ${label}: ${k} must be ${domainText(d)}, got ${v}`);
  }
  const keys = Object.keys(given);
  if (law.frontier && keys.length === 1 && keys[0] === 'C') return { kind: 'frontier', given, C: given.C };
  const x = completeComputeVariables([given])[0];
  const missing = law.variables.filter((v) => x[v] === undefined);
  if (missing.length) {
    const hint = missing.some((v) => COMPUTE_VARS.includes(v)) ? ' (or two of N, D, C)' : '';
    throw new Error(`--target ${label}: law ${law.name} needs ${missing.join(', ')}${hint}${law.frontier ? '; or give C alone for the compute-optimal point' : ''}`);
  }
  const point: Record<string, number> = {};
  for (const v of law.variables) point[v] = x[v];
  return { kind: 'point', given, x: point };
}

export function describeDropped(r: LoadedRuns): string {
  return r.droppedSummary ? ` (${r.droppedSummary})` : '';
}

/** Progress on stderr for fits that take a while (every 2 s at most); silent for short fits and in tests. */
export function progressReporter(opts: FitCommandOptions): ((done: number, total: number) => void) | undefined {
  const out = opts.progress ?? (process.stderr.isTTY && !opts.json ? (l: string) => process.stderr.write(`${l}\n`) : undefined);
  if (!out) return undefined;
  const began = Date.now();
  let last = began;
  return (done, total) => {
    const now = Date.now();
    if (now - last < 2000 && done < total) return;
    if (now - began < 2000) return;
    last = now;
    out(`fitting ${opts.compare ?? opts.law}: ${done}/${total} starts optimised, ${((now - began) / 1000).toFixed(0)} s`);
  };
}
