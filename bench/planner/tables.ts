/**
 * The tables of measured runs the planner bench can run on. Each is a CSV under data/
 * (at the repository root) with an explicit column mapping, so a second table is a new entry
 * here rather than a copy of the bench. The loader returns runs in file order (the split sorts
 * them stably by compute, so the order decides ties).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dropHighest, type ReplayRun } from '@slab/worker-replay';

export interface TableDef {
  /** Short name, the value of `--table`. */
  name: string;
  /** Human label for titles. */
  label: string;
  /** CSV path relative to the repository root. */
  path: string;
  /** Column names (case-insensitive). Give `D`, or `C` to derive D = C / (6 N). */
  columns: { N: string; loss: string; D?: string; C?: string };
  /** Drop the runs at or above the k-th highest loss (the Chinchilla outlier rule; 0 keeps all). */
  dropHighest: number;
  /**
   * Runs sharing (N, D) (an LR sweep): keep the lowest loss, the usual "best LR" practice.
   * Without it, duplicate (N, D) would make the replay's exact match ambiguous.
   */
  bestPerND: boolean;
  /**
   * The sweep space given to the planner: the base spec's `dimensions` (as the Chinchilla bench
   * always used), or the [min, max] of N and D over the table's runs (targets included: the
   * planner knows the space, never a held-out loss).
   */
  dimensions: 'spec' | 'table';
}

export const TABLES: Record<string, TableDef> = {
  chinchilla: {
    name: 'chinchilla',
    label: 'Chinchilla',
    path: 'data/chinchilla/svg_extracted_data.csv',
    columns: { N: 'Model Size', C: 'Training FLOP', loss: 'loss' },
    dropHighest: 5,
    bestPerND: false,
    dimensions: 'spec',
  },
  misfitting: {
    name: 'misfitting',
    label: '(Mis)Fitting open_lm',
    path: 'data/misfitting/scaling_results_last_ckpt_only.csv',
    // N with embeddings; D = tokens seen; the `loss` column equals `C4 Eval Loss` in every row.
    columns: { N: 'N', D: 'D', loss: 'loss' },
    dropHighest: 0,
    bestPerND: true,
    dimensions: 'table',
  },
  gpt: {
    name: 'gpt',
    label: 'GPT proxies (SOTU, trained here)',
    path: 'data/gpt-proxies/sotu_width_tokens.csv',
    // N = exact total parameters, D = training tokens, loss = final eval loss on held-out addresses.
    columns: { N: 'N', D: 'D', loss: 'eval_loss' },
    dropHighest: 0,
    bestPerND: false,
    dimensions: 'table',
  },
};

export function tableDef(name: string): TableDef {
  const def = TABLES[name];
  if (!def) throw new Error(`--table: expected one of ${Object.keys(TABLES).join(', ')}, got ${JSON.stringify(name)}`);
  return def;
}

/** Plain CSV split (the tables have no quoted fields; a quote is rejected rather than misread). */
function cells(line: string, where: string): string[] {
  if (line.includes('"')) throw new Error(`${where}: quoted CSV fields are not supported`);
  return line.split(',').map((s) => s.trim());
}

/** Parses CSV text under a column mapping; `source` names the table in errors. */
export function parseTable(text: string, def: TableDef, source = def.path): ReplayRun[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new Error(`${source}: expected a header and at least one run`);
  const header = cells(lines[0], `${source} header`).map((h) => h.toLowerCase());
  const col = (field: string, name: string | undefined) => {
    if (name === undefined) return -1;
    const i = header.indexOf(name.toLowerCase());
    if (i < 0) throw new Error(`${source}: columns.${field}: expected a column named ${JSON.stringify(name)}, header has ${header.join(', ')}`);
    return i;
  };
  if (def.columns.D === undefined && def.columns.C === undefined) throw new Error(`${def.name}: columns: expected D or C`);
  const [iN, iL, iD, iC] = [col('N', def.columns.N), col('loss', def.columns.loss), col('D', def.columns.D), col('C', def.columns.C)];
  let runs = lines.slice(1).map((line, r) => {
    const row = cells(line, `${source} row ${r + 2}`);
    const num = (i: number) => {
      const v = Number(row[i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${source} row ${r + 2}: ${header[i]}: expected a positive number, got ${JSON.stringify(row[i])}`);
      return v;
    };
    const N = num(iN);
    return { N, D: iD >= 0 ? num(iD) : num(iC) / (6 * N), loss: num(iL) };
  });
  if (def.bestPerND) runs = bestPerND(runs);
  return dropHighest(runs, def.dropHighest);
}

/** One run per (N, D): the lowest loss, at the position of the first occurrence. */
export function bestPerND(runs: ReplayRun[]): ReplayRun[] {
  const best = new Map<string, ReplayRun>();
  for (const r of runs) {
    const k = `${r.N}|${r.D}`;
    const b = best.get(k);
    // Map.set on an existing key keeps its first position.
    if (!b || r.loss < b.loss) best.set(k, r);
  }
  return [...best.values()];
}

/** Loads a table relative to the repository root. */
export function loadTable(def: TableDef, repoRoot: string): ReplayRun[] {
  const path = join(repoRoot, def.path);
  return parseTable(readFileSync(path, 'utf8'), def, path);
}
