/**
 * Acceptance benchmark for @slab/laws on the reference tables in data/. Usage (from the repo root):
 *   bench/laws/setup.sh                       # once: venv with numpy + scipy for the reference
 *   npx tsx bench/laws/run.ts [--repeats 3] [--python-limit 0] [--synthetic 100] [--no-python]
 * Prints a markdown table and writes bench/laws/out/results.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeOptimalFrontier, fitLaw, mulberry32, predict } from '@slab/laws';
import { fitLawParallel } from '@slab/laws/parallel';
import { bnslData, chinchillaData, lrAnnealingData } from '../../libs/laws/test/data';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const repeats = arg('repeats', 3);
const pyLimit = arg('python-limit', 0);
const nSynth = arg('synthetic', 100);
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const rows: [string, string, string][] = [];
const out: Record<string, unknown> = {};
const row = (what: string, value: string, target: string) => {
  rows.push([what, value, target]);
  console.error(`${what}: ${value}  (target ${target})`);
};

// 1. Chinchilla 4500-start fit.
const chin = chinchillaData();
const REF = { A: 477.8, B: 2143, E: 1.8172, alpha: 0.3473, beta: 0.3672 };
const times: number[] = [];
let full = fitLaw(chin, { law: 'chinchilla', starts: 'chinchilla-4500', dropHighest: 5 });
for (let r = 0; r < repeats; r++) {
  const t = performance.now();
  full = fitLaw(chin, { law: 'chinchilla', starts: 'chinchilla-4500', dropHighest: 5 });
  times.push((performance.now() - t) / 1000);
}
const jsSec = median(times);
out.chinchilla = { seconds: times, report: { ...full, options: undefined } };
row('Chinchilla objective (240 pts, 4500 starts)', full.objective.toPrecision(10), '0.00101827 (rel <= 1e-6)');
for (const [k, v] of Object.entries(REF)) row(`  ${k}`, `${full.params[k].toPrecision(7)} (${(100 * (full.params[k] / v - 1)).toFixed(3)}%)`, `${v} +-0.5%`);
row('  converged / starts in best basin', `${full.converged} / ${full.startsInBestBasin} of ${full.starts}`, 'converged');
row(`  @slab/laws 4500-start fit, median of ${repeats} (1 thread)`, `${jsSec.toFixed(2)} s`, '>= 10x faster than scipy');

if (!process.argv.includes('--no-python')) {
  const py = join(here, '.venv/bin/python');
  if (!existsSync(py)) throw new Error('bench/laws/.venv missing: run bench/laws/setup.sh first');
  const res = JSON.parse(execFileSync(py, [join(here, 'reference.py'), ...(pyLimit ? ['--limit', String(pyLimit)] : [])], { encoding: 'utf8', maxBuffer: 1 << 20 }));
  const pySec4500 = (res.seconds * 4500) / res.starts;
  out.python = res;
  row(`  scipy L-BFGS-B reference (${res.starts} starts${res.starts < 4500 ? ', scaled to 4500' : ''})`, `${pySec4500.toFixed(1)} s`, '');
  row('  scipy objective / rel. difference to ours', `${res.objective.toPrecision(10)} / ${Math.abs(res.objective / full.objective - 1).toExponential(2)}`, 'same optimum');
  row('  speed-up', `${(pySec4500 / jsSec).toFixed(1)}x`, '>= 10x');
}

// 2. Bootstrap: 1000 refits over runs on 2 threads.
let t = performance.now();
const boot = await fitLawParallel(chin, { law: 'chinchilla', starts: 'small', dropHighest: 5, bootstrap: 1000, seed: 1 }, { threads: 2 });
const bootSec = (performance.now() - t) / 1000;
const fr = computeOptimalFrontier(boot, 5.76e23);
out.bootstrap = { seconds: bootSec, intervals: boot.bootstrap!.intervals, se: boot.bootstrap!.se, frontier: fr, notConverged: boot.bootstrap!.notConverged };
row('1000 bootstrap refits (2 threads, incl. 243-start fit)', `${bootSec.toFixed(2)} s`, '<= 30 s');
const BES: Record<string, [number, number]> = { A: [285.2, 743.6], B: [1042.4, 5810.3], E: [1.769, 1.871], alpha: [0.317, 0.373], beta: [0.331, 0.415] };
for (const [k, [lo, hi]] of Object.entries(BES)) {
  const [a, b] = boot.bootstrap!.intervals[k];
  row(`  95% CI ${k} (se ${boot.bootstrap!.se[k].toPrecision(3)})`, `[${a.toPrecision(4)}, ${b.toPrecision(4)}] ${a < hi && b > lo ? 'overlaps' : 'NO OVERLAP'}`, `[${lo}, ${hi}]`);
}
row('  a = beta/(alpha+beta), 95% CI', `${fr.a.toFixed(4)} [${fr.aInterval![0].toFixed(3)}, ${fr.aInterval![1].toFixed(3)}]`, '0.513 +- 0.02');
row('  tokens/param at C = 5.76e23, 95% CI', `${fr.tokensPerParam.toFixed(1)} [${fr.tokensPerParamInterval![0].toFixed(1)}, ${fr.tokensPerParamInterval![1].toFixed(1)}]`, 'about 20 (Besiroglu)');

// 3. Loss-scale pitfall.
const pit = fitLaw(chin, { law: 'chinchilla', starts: [{ E: 1.6934, A: 406.4, B: 410.72, alpha: 0.33917084, beta: 0.2849083 }], dropHighest: 5, scale: 'mean', ftol: 2.220446049250313e-9, ftolFloor: 1, gtol: 1e-5 });
row('Pitfall: mean objective + scipy tolerances from Hoffmann', `${pit.iterations} iterations, beta ${pit.params.beta.toFixed(4)}, converged=${pit.converged}`, 'flagged not converged');

// 4. BNSL and LR annealing.
const bn = bnslData();
const bnFit = fitLaw(bn.fit, { law: 'bnsl', screen: 20 });
const bp = bn.extrapolate.x.map((x) => predict(bnFit, x));
const bnR = Math.sqrt(bp.reduce((s, p, i) => s + (Math.log(p) - Math.log(bn.extrapolate.y[i])) ** 2, 0) / bp.length);
out.bnsl = { report: { ...bnFit, options: undefined }, extrapolationRmsle: bnR, predictions: bp };
row('BNSL train RMSLE (14 pts)', bnFit.rmsle.toPrecision(4), '0.000598');
row('BNSL extrapolation RMSLE (3 pts)', bnR.toPrecision(4), '<= 0.011 (ref 0.01092)');
const lr = fitLaw(lrAnnealingData(), { law: 'lr-annealing' });
out.lrAnnealing = { ...lr, options: undefined };
row('LR-annealing R^2 (40 pts)', lr.r2.toPrecision(6), '>= 0.9996 (ref 0.99963)');

// 5. Synthetic recovery: known parameters, 1% multiplicative noise, 95% bootstrap intervals.
const truth = full.params;
const grid = chin.x.slice(0); // the 245 (N, D) design points of the Chinchilla sweep
const names = Object.keys(REF);
const hits: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
let allHit = 0;
t = performance.now();
for (let rep = 0; rep < nSynth; rep++) {
  const rng = mulberry32(1000 + rep);
  const y = grid.map((x) => {
    const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    return predict(full, x) * (1 + 0.01 * z);
  });
  const r = await fitLawParallel({ x: grid, y }, { law: 'chinchilla', starts: 'small', screen: 10, bootstrap: 200, seed: rep + 1 }, { threads: 2 });
  let all = true;
  for (const n of names) {
    const [lo, hi] = r.bootstrap!.intervals[n];
    if (truth[n] >= lo && truth[n] <= hi) hits[n]++;
    else all = false;
  }
  if (all) allHit++;
}
out.synthetic = { repeats: nSynth, coverage: hits, allFive: allHit, seconds: (performance.now() - t) / 1000 };
for (const n of names) row(`Synthetic: ${n} inside its 95% CI`, `${hits[n]}/${nSynth}`, '>= 90%');
row('Synthetic: all five inside at once', `${allHit}/${nSynth}`, '(joint; not a target)');

mkdirSync(join(here, 'out'), { recursive: true });
writeFileSync(join(here, 'out/results.json'), JSON.stringify(out, null, 2));
console.log('| measure | value | target |\n| --- | --- | --- |');
for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);
