/**
 * Acceptance benchmark for @slab/laws on the reference tables in data/. Usage (from the repo root):
 *   bench/laws/setup.sh                       # once: venv with numpy + scipy for the reference
 *   npx tsx bench/laws/run.ts [--repeats 2] [--stride 10] [--synthetic 100] [--no-python] [--only speed|laws|verdicts|rest]
 * Prints markdown tables and writes bench/laws/out/results.json.
 *
 * Speed is measured interleaved in one process, A, B, C, D, A, B, C, D, ... (medians over --repeats): the JS
 * fit with its default screening, scipy with the same screening, the JS fit optimising every --stride-th
 * start of the grid, and scipy on the same starts. Same objective, data and starts on every side.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { completeComputeVariables, computeOptimalFrontier, fitLaw, getLaw, listLaws, mulberry32, predict, readRunsCsv, type FitData, type FitReport } from '@slab/laws';
import { fitLawParallel } from '@slab/laws/parallel';
import { bnslData, chinchillaData, lrAnnealingData } from '../../libs/laws/test/data';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const only = (() => {
  const i = process.argv.indexOf('--only');
  return i > 0 ? process.argv[i + 1] : undefined;
})();
const section = (name: string) => !only || only === name;
const repeats = arg('repeats', 2);
const nSynth = arg('synthetic', 100);
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const out: Record<string, unknown> = {};
const tables: string[] = [];
const table = (title: string, header: string[], rows: (string | number)[][]) => {
  const t = [`### ${title}`, '', `| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  tables.push(t);
  console.error(`${t}\n`);
};
const timed = <T>(f: () => T): [T, number] => {
  const t = performance.now();
  const r = f();
  return [r, (performance.now() - t) / 1000];
};
const chin = chinchillaData();
const REF = { A: 477.8, B: 2143, E: 1.8172, alpha: 0.3473, beta: 0.3672 };

// 1. Chinchilla 4500-start fit against scipy, interleaved.
/**
 * Hoffmann's grid in reference.py's order (itertools.product over alpha, beta, e, a, b), every `stride`-th
 * start, as parameter sets: the same starts on both sides.
 */
function hoffmannGrid(stride: number): Record<string, number>[] {
  const out: Record<string, number>[] = [];
  const r = (a: number, b: number, s: number) => Array.from({ length: Math.round((b - a) / s) + 1 }, (_, i) => a + i * s);
  for (const alpha of r(0, 2, 0.5)) for (const beta of r(0, 2, 0.5)) for (const e of r(-1, 1, 0.5)) for (const a of r(0, 25, 5)) for (const b of r(0, 25, 5)) {
    out.push({ E: Math.exp(e), A: Math.exp(a), B: Math.exp(b), alpha, beta });
  }
  return out.filter((_, i) => i % stride === 0);
}

if (section('speed')) {
  const stride = arg('stride', 20);
  const py = join(here, '.venv/bin/python');
  const withPython = !process.argv.includes('--no-python');
  if (withPython && !existsSync(py)) throw new Error('bench/laws/.venv missing: run bench/laws/setup.sh first');
  const runPy = (args: string[]) => JSON.parse(execFileSync(py, [join(here, 'reference.py'), ...args], { encoding: 'utf8', maxBuffer: 1 << 20 }));
  const sub = hoffmannGrid(stride);
  const times: Record<string, number[]> = { jsScreened: [], jsSubset: [], pySubset: [], pyScreened: [] };
  let screened: FitReport | undefined;
  let subset: FitReport | undefined;
  let pySubset: { objective: number; starts: number } | undefined;
  let pyScreened: { objective: number } | undefined;
  fitLaw(chin, { law: 'chinchilla', starts: 'small', dropHighest: 5 }); // warm the JIT once
  for (let r = 0; r < repeats; r++) {
    let t: number;
    [screened, t] = timed(() => fitLaw(chin, { law: 'chinchilla', starts: 'chinchilla-4500', dropHighest: 5 }));
    times.jsScreened.push(t);
    if (withPython) {
      pyScreened = runPy(['--screen', '20']);
      times.pyScreened.push((pyScreened as unknown as { seconds: number }).seconds);
    }
    // screen = the number of starts: every one is optimised (lists of more than 100 starts are screened by default).
    [subset, t] = timed(() => fitLaw(chin, { law: 'chinchilla', starts: sub, dropHighest: 5, screen: sub.length }));
    times.jsSubset.push(t);
    if (withPython) {
      pySubset = runPy(['--stride', String(stride)]);
      times.pySubset.push((pySubset as unknown as { seconds: number }).seconds);
    }
    console.error(`repeat ${r + 1}/${repeats}: ${Object.entries(times).map(([k, v]) => `${k} ${v[v.length - 1]?.toFixed(2)} s`).join(', ')}`);
  }
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.length ? median(v) : Number.NaN]));
  out.speed = { stride, times, medians: m, screened: { ...screened!, options: undefined }, subset: { ...subset!, options: undefined }, pySubset, pyScreened };
  const rel = (a: number, b: number) => Math.abs(a / b - 1).toExponential(1);
  const rows: (string | number)[][] = [
    ['@slab/laws default: 4500 starts screened, best 20 optimised', `${m.jsScreened.toFixed(3)} s`, screened!.objective.toPrecision(10)],
  ];
  if (withPython) rows.push(['scipy L-BFGS-B, same screening', `${m.pyScreened.toFixed(3)} s`, pyScreened!.objective.toPrecision(10)]);
  rows.push([`@slab/laws, every ${stride}th start optimised (${sub.length})`, `${m.jsSubset.toFixed(2)} s`, subset!.objective.toPrecision(10)]);
  if (withPython) rows.push([`scipy L-BFGS-B, the same ${sub.length} starts`, `${m.pySubset.toFixed(1)} s`, pySubset!.objective.toPrecision(10)]);
  table(`Chinchilla Approach 3, 240 points, Hoffmann's grid (medians of ${repeats}, interleaved A, B, C, D)`, ['fit', 'time', 'objective'], rows);
  const ratios: (string | number)[][] = [['objective, screened vs every start optimised (rel. difference)', rel(screened!.objective, subset!.objective)]];
  for (const [k, v] of Object.entries(REF)) ratios.push([`  ${k} (default fit; published ${v})`, `${screened!.params[k].toPrecision(7)} (${(100 * (screened!.params[k] / v - 1)).toFixed(3)}%)`]);
  if (withPython) {
    ratios.push(['objective, ours vs scipy (rel. difference)', rel(screened!.objective, pyScreened!.objective)]);
    ratios.push([`speed-up on the same ${sub.length} starts (same algorithm)`, `${(m.pySubset / m.jsSubset).toFixed(1)}x`]);
    ratios.push(['speed-up, screened vs screened (same algorithm)', `${(m.pyScreened / m.jsScreened).toFixed(1)}x`]);
    ratios.push([`scipy on all 4500 starts, estimated as ${stride} x the ${sub.length}`, `${(m.pySubset * stride).toFixed(0)} s`]);
    ratios.push(['speed-up, our default vs scipy on all 4500 starts (same optimum)', `${((m.pySubset * stride) / m.jsScreened).toFixed(0)}x`]);
  }
  table('Same optimum, ratios', ['measure', 'value'], ratios);
}

// 2. Every law's default fit: on its reference data, and on 300 points drawn from the law (1% noise).
const mis = (() => {
  const t = readRunsCsv(readFileSync(join(root, 'data/misfitting/scaling_results_last_ckpt_only.csv'), 'utf8'), { x: { N: 'N', D: 'D' }, y: 'loss' });
  return { x: completeComputeVariables(t.x), y: t.y };
})();
const dcCase = (() => {
  const t = readRunsCsv(readFileSync(join(root, 'libs/laws/test/cases/data-constrained-under-one-epoch.csv'), 'utf8'), { x: { N: 'params', D: 'tokens', U: 'unique_tokens' }, y: 'loss' });
  return { x: t.x, y: t.y };
})();
const bn = bnslData();
const lrData = lrAnnealingData();
/** Reference data per law: [data set name, data, fit options]. */
const reference: Record<string, [string, FitData, { dropHighest?: number }][]> = {
  chinchilla: [['chinchilla (240 of 245, 5 highest dropped)', chin, { dropHighest: 5 }], ['misfitting (261 final checkpoints)', mis, {}]],
  kaplan: [['chinchilla', chin, { dropHighest: 5 }], ['misfitting', mis, {}]],
  overtraining: [['chinchilla', chin, { dropHighest: 5 }], ['misfitting', mis, {}]],
  'data-constrained': [['cases/data-constrained-under-one-epoch (56)', dcCase, {}]],
  'lr-annealing': [['lr_annealing (40)', lrData, {}]],
  bnsl: [['bnsl 4-digit addition (14 fit points)', bn.fit, {}]],
  'power-law': [['bnsl 4-digit addition', bn.fit, {}]],
  'power-law-plus-constant': [['bnsl 4-digit addition', bn.fit, {}]],
  'pruned-data': [['bnsl 4-digit addition', bn.fit, {}]],
  'downstream-error': [],
  'data-filtering': [],
};

/** 300 points drawn from the law at plausible parameters, with 1% multiplicative noise. */
function synthetic300(law: string, seed: number): FitData {
  const rng = mulberry32(seed);
  const noise = () => 1 + 0.01 * Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const lg = (a: number, b: number) => Math.exp(Math.log(a) + (Math.log(b) - Math.log(a)) * rng());
  const P: Record<string, Record<string, number>> = {
    chinchilla: REF, kaplan: { Nc: 6.4e13, Dc: 1.8e13, alphaN: 0.076, alphaD: 0.103 }, overtraining: { E: 1.9, a: 150, b: 300, eta: 0.14 },
    'data-constrained': { A: 520.8, B: 1487.7, E: 1.869, alpha: 0.3527, beta: 0.3527, RD: 15.39, RN: 5.31 }, 'lr-annealing': { L0: 2.628, A: 0.4297, C: 0.4108, alpha: 0.55 },
    bnsl: { a: 0.41389, b: 2.27727, c0: 0.05508, c1: 5.6629, d1: 612.58, f1: 0.05919 }, 'power-law': { A: 5, alpha: 0.3 }, 'power-law-plus-constant': { E: 1.5, A: 30, alpha: 0.4 },
    'pruned-data': { E: 0.05, A: 2, alpha: 0.2, x0: 3e4 }, 'downstream-error': { epsilon: 0.9, k: 20, gamma: 2 }, 'data-filtering': { a: 0.5, b: -0.2, tau: 4, d: 0.1 },
  };
  const x: Record<string, number>[] = [];
  for (let i = 0; i < 300; i++) {
    if (law === 'chinchilla' || law === 'kaplan' || law === 'overtraining') x.push(completeComputeVariables([{ N: lg(1e7, 1e10), D: lg(1e9, 1e12) }])[0]);
    else if (law === 'data-constrained') x.push({ N: lg(1e8, 3e9), D: lg(1e9, 1.6e11), U: [1e9, 4e9, 1e11][i % 3] });
    else if (law === 'lr-annealing') x.push({ S1: 0.1 + 1.9 * rng(), S2: 0.1 * rng() });
    else if (law === 'downstream-error') x.push({ L: 1.5 + 2.5 * rng() });
    else if (law === 'data-filtering') x.push({ n: lg(1e5, 1e8), S: [1e5, 1e6, 1e7][i % 3] });
    else x.push({ x: lg(10, 1e6) });
  }
  const l = getLaw(law);
  return { x, y: x.map((p) => l.predict(P[law], p) * noise()) };
}

if (section('laws')) {
  const rows: (string | number)[][] = [];
  const lawTimes: Record<string, unknown> = {};
  for (const l of listLaws()) {
    const sets: [string, FitData, { dropHighest?: number }][] = [...reference[l.name], ['300 points from the law, 1% noise', synthetic300(l.name, 7), {}]];
    for (const [name, data, o] of sets) {
      const ts: number[] = [];
      let rep: FitReport | undefined;
      for (let r = 0; r < 3; r++) {
        const [res, t] = timed(() => fitLaw(data, { law: l.name, ...o }));
        rep = res;
        ts.push(t);
      }
      lawTimes[`${l.name} / ${name}`] = ts;
      rows.push([l.name, name, rep!.nPoints, rep!.screenedStarts ? `${rep!.screenedStarts} -> ${rep!.starts}` : rep!.starts, `${median(ts).toFixed(2)} s`, rep!.converged ? 'yes' : 'NO']);
    }
  }
  out.defaultFitTimes = lawTimes;
  table('Default fit of every law (median of 3, one thread)', ['law', 'data', 'points', 'starts (screened -> optimised)', 'time', 'converged'], rows);
}

// 3. Identifiability verdicts on the reference data sets (bootstrap 200).
if (section('verdicts')) {
  const rows: (string | number)[][] = [];
  const verdicts: Record<string, unknown> = {};
  for (const l of listLaws()) {
    for (const [name, data, o] of reference[l.name]) {
      const r = await fitLawParallel(data, { law: l.name, ...o, bootstrap: 200, seed: 1 }, { threads: 2 });
      const idf = r.identifiability;
      verdicts[`${l.name} / ${name}`] = idf;
      const determined = l.params.filter((p) => idf.parameters[p.name].determined).map((p) => p.name);
      const why = idf.undetermined.map((n) => `${n}: ${idf.parameters[n].reasons.join('; ')}`).join('<br>');
      rows.push([l.name, name, idf.verdict, determined.join(', ') || '—', why || '—']);
    }
  }
  out.verdicts = verdicts;
  table('Identifiability on the reference data (bootstrap 200, seed 1)', ['law', 'data', 'verdict', 'determined', 'not determined (why)'], rows);
}

// 4. Bootstrap, pitfall, BNSL, LR annealing, synthetic coverage (unchanged acceptance figures).
if (section('rest')) {
  const rows: (string | number)[][] = [];
  let [boot, bootSec] = [undefined as FitReport | undefined, 0];
  const t0 = performance.now();
  boot = await fitLawParallel(chin, { law: 'chinchilla', starts: 'small', dropHighest: 5, bootstrap: 1000, seed: 1 }, { threads: 2 });
  bootSec = (performance.now() - t0) / 1000;
  const fr = computeOptimalFrontier(boot, 5.76e23);
  out.bootstrap = { seconds: bootSec, intervals: boot.bootstrap!.intervals, se: boot.bootstrap!.se, frontier: fr, notConverged: boot.bootstrap!.notConverged, identifiability: boot.identifiability };
  rows.push(['1000 bootstrap refits (2 threads, incl. the 243-start fit)', `${bootSec.toFixed(2)} s`, '<= 30 s']);
  const BES: Record<string, [number, number]> = { A: [285.2, 743.6], B: [1042.4, 5810.3], E: [1.769, 1.871], alpha: [0.317, 0.373], beta: [0.331, 0.415] };
  for (const [k, [lo, hi]] of Object.entries(BES)) {
    const [a, b] = boot.bootstrap!.intervals[k];
    rows.push([`  95% CI ${k} (se ${boot.bootstrap!.se[k].toPrecision(3)})`, `[${a.toPrecision(4)}, ${b.toPrecision(4)}] ${a < hi && b > lo ? 'overlaps' : 'NO OVERLAP'}`, `[${lo}, ${hi}]`]);
  }
  rows.push(['  a = beta/(alpha+beta), 95% CI', `${fr.a.toFixed(4)} [${fr.aInterval![0].toFixed(3)}, ${fr.aInterval![1].toFixed(3)}]`, '0.513 +- 0.02']);
  rows.push(['  tokens/param at C = 5.76e23, 95% CI', `${fr.tokensPerParam.toFixed(1)} [${fr.tokensPerParamInterval![0].toFixed(1)}, ${fr.tokensPerParamInterval![1].toFixed(1)}]`, 'about 20 (Besiroglu)']);
  const pit = fitLaw(chin, { law: 'chinchilla', starts: [{ E: 1.6934, A: 406.4, B: 410.72, alpha: 0.33917084, beta: 0.2849083 }], dropHighest: 5, scale: 'mean', ftol: 2.220446049250313e-9, ftolFloor: 1, gtol: 1e-5 });
  rows.push(['Pitfall: mean objective + scipy tolerances from Hoffmann', `${pit.iterations} iterations, beta ${pit.params.beta.toFixed(4)}, converged=${pit.converged}`, 'flagged not converged']);
  const bnFit = fitLaw(bn.fit, { law: 'bnsl' });
  const bp = bn.extrapolate.x.map((x) => predict(bnFit, x));
  const bnR = Math.sqrt(bp.reduce((s, p, i) => s + (Math.log(p) - Math.log(bn.extrapolate.y[i])) ** 2, 0) / bp.length);
  rows.push(['BNSL train RMSLE (14 pts, default fit)', bnFit.rmsle.toPrecision(4), '0.000598']);
  rows.push(['BNSL extrapolation RMSLE (3 pts)', bnR.toPrecision(4), '<= 0.011 (ref 0.01092)']);
  const lr = fitLaw(lrData, { law: 'lr-annealing' });
  rows.push(['LR-annealing R^2 (40 pts)', lr.r2.toPrecision(6), '>= 0.9996 (ref 0.99963)']);
  out.rest = { bnsl: { rmsle: bnFit.rmsle, extrapolation: bnR }, lr: lr.r2 };

  const truth = fitLaw(chin, { law: 'chinchilla', dropHighest: 5 }).params;
  const names = Object.keys(REF);
  const hits: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  let allHit = 0;
  const t1 = performance.now();
  for (let rep = 0; rep < nSynth; rep++) {
    const rng = mulberry32(1000 + rep);
    const y = chin.x.map((x) => {
      const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
      return getLaw('chinchilla').predict(truth, x) * (1 + 0.01 * z);
    });
    const r = await fitLawParallel({ x: chin.x, y }, { law: 'chinchilla', starts: 'small', screen: 10, bootstrap: 200, seed: rep + 1 }, { threads: 2 });
    let all = true;
    for (const n of names) {
      const [lo, hi] = r.bootstrap!.intervals[n];
      if (truth[n] >= lo && truth[n] <= hi) hits[n]++;
      else all = false;
    }
    if (all) allHit++;
  }
  out.synthetic = { repeats: nSynth, coverage: hits, allFive: allHit, seconds: (performance.now() - t1) / 1000 };
  for (const n of names) rows.push([`Synthetic (1% noise, ${nSynth} seeds): ${n} inside its 95% CI`, `${hits[n]}/${nSynth}`, '>= 90%']);
  rows.push(['Synthetic: all five inside at once', `${allHit}/${nSynth}`, '(joint; not a target)']);
  table('Intervals, pitfalls and reference fits', ['measure', 'value', 'target'], rows);
}

mkdirSync(join(here, 'out'), { recursive: true });
writeFileSync(join(here, 'out/results.json'), JSON.stringify(out, null, 2));
console.log(tables.join('\n\n'));
