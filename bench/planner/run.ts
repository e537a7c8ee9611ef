/**
 * `npx tsx bench/planner/run.ts [--table chinchilla|misfitting] [--seeds 20] [--batch 4] [--levels 0.02,0.05,0.1,0.2,0.33] [--quick]`
 * Writes results.json, error-vs-flops.svg and the results section of README.md next to this file
 * (for another table: results.<table>.json, error-vs-flops.<table>.svg, its own README section).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlannerKind } from '@slab/spec';
import { benchSpec, runSweep, scoreLevels, split, tableDimensions, targetPoint, type LevelScore } from './bench';
import { loadTable, tableDef } from './tables';
import { renderSvg } from './plot';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const quick = process.argv.includes('--quick');
const seeds = Number(arg('seeds', quick ? '3' : '20'));
const batch = Number(arg('batch', '4'));
const levels = arg('levels', '0.02,0.05,0.1,0.2,0.33').split(',').map(Number);
const strategies = arg('strategies', 'grid,random,sobol,adaptive').split(',') as PlannerKind[];
const MIN_FIT = 8;
const BOOTSTRAP = 40;

const def = tableDef(arg('table', 'chinchilla'));
// Chinchilla keeps the historical file names; another table gets its own.
const suffix = def.name === 'chinchilla' ? '' : `.${def.name}`;
const marker = def.name === 'chinchilla' ? 'results' : `results-${def.name}`;
const runs = loadTable(def, root);
const s = split(runs);
const dims = def.dimensions === 'table' ? tableDimensions(runs) : undefined;
const target = targetPoint(s.held);
const yaml = readFileSync(join(root, 'examples/replay-chinchilla.yaml'), 'utf8');
const maxLevel = Math.max(...levels);
console.log(`${def.label}: ${runs.length} runs; pool ${s.pool.length} runs (${s.poolFlops.toExponential(3)} FLOPs), ${s.held.length} held out; all-runs error ${(s.reference.mare * 100).toFixed(3)}%, a = ${s.reference.a.toFixed(4)}`);

type Row = { strategy: PlannerKind; seed: number; stop?: string; fits: number; failedFits: number; seconds: number; levels: LevelScore[] };
const rows: Row[] = [];
for (const strategy of strategies) {
  // The grid is deterministic: one run stands for every seed.
  const n = strategy === 'grid' ? 1 : seeds;
  for (let seed = 0; seed < n; seed++) {
    const t0 = performance.now();
    const spec = benchSpec(yaml, strategy, seed, maxLevel * s.poolFlops, batch, target, dims);
    const trace = await runSweep(spec, s.pool, { bootstrap: BOOTSTRAP, minFitPoints: MIN_FIT });
    const scored = scoreLevels(trace, s, levels, MIN_FIT);
    const seconds = (performance.now() - t0) / 1000;
    rows.push({ strategy, seed, stop: trace.stop, fits: trace.fits, failedFits: trace.failedFits, seconds, levels: scored });
    console.log(`${strategy} seed ${seed}: ${trace.bought.length} runs, ${seconds.toFixed(1)} s, ${scored.map((l) => `${l.level}:${l.mare === null ? 'n/a' : l.mare === Infinity ? 'failed' : (l.mare * 100).toFixed(2) + '%'}`).join(' ')} | stop: ${trace.stop}`);
  }
}

const q = (xs: number[], p: number) => {
  const a = [...xs].sort((x, y) => x - y);
  const i = (a.length - 1) * p;
  const [x, y, f] = [a[Math.floor(i)], a[Math.ceil(i)], i - Math.floor(i)];
  // A failed fit counts as an infinite error: interpolating towards it gives ∞, never NaN.
  return f === 0 || x === y ? x : x + (y - x) * f;
};
type Cell = { median: number; q1: number; q3: number; n: number; failed: number; runs: number; aMedian: number } | null;
const summary: Record<string, Record<string, Cell>> = {};
for (const strategy of strategies) {
  summary[strategy] = {};
  for (const level of levels) {
    const ls = rows.filter((r) => r.strategy === strategy).map((r) => r.levels.find((l) => l.level === level)!);
    // A seed with too few runs to fit at this level counts as "no answer" (shown as n/a when most are);
    // a seed whose fit overflowed counts as an infinite error.
    const ok = ls.filter((l) => l.mare !== null);
    summary[strategy][level] =
      ok.length * 2 < ls.length || ok.length === 0
        ? null
        : { median: q(ok.map((l) => l.mare!), 0.5), q1: q(ok.map((l) => l.mare!), 0.25), q3: q(ok.map((l) => l.mare!), 0.75), n: ok.length, failed: ok.filter((l) => l.mare === Infinity).length, runs: q(ls.map((l) => l.runs), 0.5), aMedian: q(ok.map((l) => l.aError!), 0.5) };
  }
}

const result = { date: new Date().toISOString(), table: def.name, runs: runs.length, dimensions: dims, seeds, batch, levels, bootstrap: BOOTSTRAP, reference: { mare: s.reference.mare, a: s.reference.a, params: s.reference.report.params }, target, pool: s.pool.length, held: s.held.length, poolFlops: s.poolFlops, summary, rows };
writeFileSync(join(here, quick ? `results${suffix}.quick.json` : `results${suffix}.json`), JSON.stringify(result, (_k, v) => (v === Infinity ? 'fit failed' : v), 1));

const colors: Record<string, string> = { grid: '#7f7f7f', random: '#1f77b4', sobol: '#2ca02c', adaptive: '#d62728' };
const svg = renderSvg(
  strategies.map((st) => ({
    name: st + (st === 'grid' ? ' (deterministic)' : ''),
    color: colors[st] ?? '#000',
    points: levels.filter((l) => summary[st][l] && Number.isFinite(summary[st][l]!.median)).map((l) => ({ x: l, ...summary[st][l]! })),
  })),
  { title: `Held-out error vs FLOPs spent (${def.label}, ${seeds} seeds)`, xLabel: "FLOPs spent (fraction of the pool's total)", yLabel: `mean abs. relative error, ${s.held.length} held-out runs`, reference: { y: s.reference.mare, label: `all ${s.pool.length} runs` } },
);
writeFileSync(join(here, quick ? `error-vs-flops${suffix}.quick.svg` : `error-vs-flops${suffix}.svg`), svg);

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : '∞');
const lines = [
  `| strategy | ${levels.map((l) => `${l * 100}% of FLOPs`).join(' | ')} |`,
  `| --- | ${levels.map(() => '---').join(' | ')} |`,
  ...strategies.map((st) => `| ${st} | ${levels.map((l) => { const c = summary[st][l]; return c ? `${pct(c.median)} (IQR ${pct(c.q1)}–${pct(c.q3)}; ${c.runs} runs; Δa ${Number.isFinite(c.aMedian) ? c.aMedian.toFixed(3) : '∞'}${c.failed ? `; ${c.failed} of ${c.n} fits failed` : ''})` : 'n/a'; }).join(' | ')} |`),
];
const table_md = lines.join('\n');
console.log(table_md);
if (!quick) {
  const readme = join(here, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const command = `npx tsx bench/planner/run.ts${suffix ? ` --table ${def.name}` : ''}`;
  const block = `<!-- ${marker}:start -->\n${table_md}\n\nAll ${s.pool.length} pool runs: ${pct(s.reference.mare)} held-out error, a = ${s.reference.a.toFixed(4)}. ${seeds} seeds, batches of ${batch}, bootstrap ${BOOTSTRAP}; generated ${result.date.slice(0, 10)} by \`${command}\`.\n<!-- ${marker}:end -->`;
  const re = new RegExp(`<!-- ${marker}:start -->[\\s\\S]*<!-- ${marker}:end -->`);
  if (!re.test(text)) throw new Error(`README.md: expected a <!-- ${marker}:start --> … <!-- ${marker}:end --> block to fill`);
  writeFileSync(readme, text.replace(re, () => block));
}
