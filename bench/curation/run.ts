/**
 * Curation bench on real Fashion-MNIST, driven through the real tfjs trainer plugin
 * (`createTfjsPlugin` from @slab/worker-tfjs, in-process with a minimal TrialContext): every cell is a
 * trial whose `curation.strategy` / `curation.keep` / `task.options.poolSize` / `labelNoise` the
 * trainer applies itself. Learning curves for random vs EL2N keep-hard vs keep-easy at several pool
 * sizes and kept fractions (3 seeds), CCS / balance / scorer-seed / SSP / repetition checks, an
 * injected-duplicate variant (dedup, semdedup) and a label-noise variant; scoring cost from the
 * trainer's `final.scoring_flops`. Writes results.json, *.svg and README.md here.
 *
 * Run: npx tsx bench/curation/run.ts            (full, ≈ 8–10 min on 2 shared cores)
 *      npx tsx bench/curation/run.ts --quick    (smoke run, small pools; also CURATION_BENCH_QUICK=1)
 *      npx tsx bench/curation/run.ts --report-only   (rewrite README.md + SVGs from results.json)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFashionMnist } from '@slab/datasets';
import type { TrainerPlugin } from '@slab/worker-sdk';
import { createTfjsPlugin, curatePool, noisyRows, planTrial, withLabelNoise, WorkerScoreCache } from '@slab/worker-tfjs';
import { writeDupSet } from './dupdata';
import { fitLaws } from './laws';
import { writePlots } from './plots';
import { writeReport, type Results } from './report';
import { benchRequest, runTrial, scratchRoot, type BenchTrial } from './trainer';

const HERE = dirname(fileURLToPath(import.meta.url));
const QUICK = process.argv.includes('--quick') || process.env.CURATION_BENCH_QUICK === '1';

export const CFG = {
  pools: QUICK ? [500, 2000] : [1000, 4000, 16000],
  keeps: [0.2, 0.5, 0.8],
  seeds: [1, 2, 3],
  /** Passes over the kept rows (Sorscher accounting: data = epochs · kept, fewer kept = fewer steps). */
  epochs: QUICK ? 3 : 5,
  width: 64,
  batchSize: 64,
  learningRate: 3e-3,
  evalSize: 1000,
  /** EL2N scoring: proxy MLP settings passed as task.options.scorer. */
  scorer: { epochs: 2, seeds: 3, hidden: 64 },
  variantPool: QUICK ? 2000 : 4000,
  sspKs: QUICK ? [5, 30] : [5, 10, 30, 100],
  repetition: { data: QUICK ? 4000 : 16000, epochs: QUICK ? [1, 4] : [1, 4, 16] },
  dup: { base: QUICK ? 1000 : 4000, exactCopies: QUICK ? 250 : 1000, nearCopies: QUICK ? 250 : 1000, noiseLevels: 4, seed: 4242 },
  noise: { rate: 0.2, keep: 0.7 },
};

/** One trained cell. `strategy` is the bench's label; `trainerStrategy` what the trainer was given. */
export interface Run {
  exp: string;
  strategy: string;
  trainerStrategy: string;
  pool: number;
  keep: number;
  kept: number;
  seed: number;
  err: number;
  trainFlops: number;
  scoringFlops: number;
  scoringSeconds: number;
  steps: number;
  passes: number;
  seconds: number;
  duplicatesRemoved?: number;
}

const runs: Run[] = [];
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(0)} s`;

interface Cell {
  exp: string;
  label: string;
  strategy?: string;
  keep?: number;
  /** task.options.poolSize (candidate pool); omitted → the trainer's default pool = data / (keep · epochs). */
  pool?: number;
  data: number;
  seed: number;
  options?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

function trialOf(c: Cell): BenchTrial {
  return {
    trialId: `${c.exp}-${c.label}-p${c.pool ?? 'd'}-k${c.keep ?? 1}-s${c.seed}-${runs.length}`,
    config: {
      width: CFG.width,
      data: c.data,
      seed: c.seed,
      learningRate: CFG.learningRate,
      ...(c.strategy !== undefined && { 'curation.strategy': c.strategy }),
      ...(c.keep !== undefined && { 'curation.keep': c.keep }),
      ...c.config,
    },
    options: {
      batchSize: CFG.batchSize,
      evalSize: CFG.evalSize,
      scorer: CFG.scorer,
      ...(c.pool !== undefined && { poolSize: c.pool }),
      ...c.options,
    },
  };
}

async function train(plugin: TrainerPlugin, root: string, c: Cell): Promise<Run> {
  const { result, logs, seconds } = await runTrial(plugin, trialOf(c), root);
  const f = result.final;
  const num = (k: string) => (typeof f[k] === 'number' ? (f[k] as number) : NaN);
  // the trainer logs "... scoring <FLOPs|cached>, <seconds> s" for the curation step
  const curLog = logs.find((l) => / curation /.test(l));
  const scoringSeconds = Number(/, ([\d.]+) s$/.exec(curLog ?? '')?.[1] ?? 0);
  const run: Run = {
    exp: c.exp,
    strategy: c.label,
    trainerStrategy: c.strategy ?? (c.config ? 'full' : 'none'),
    pool: num('curation_candidates'),
    keep: c.keep ?? 1,
    kept: num('curation_kept'),
    seed: c.seed,
    err: num('eval_error'),
    trainFlops: result.flops,
    scoringFlops: num('scoring_flops') || 0,
    scoringSeconds: num('scoring_flops') > 0 ? scoringSeconds : 0,
    steps: result.steps,
    passes: num('curation_passes'),
    seconds,
    ...(f.curation_duplicates_removed !== undefined && { duplicatesRemoved: f.curation_duplicates_removed as number }),
  };
  if (!Number.isFinite(run.err)) throw new Error(`${c.exp}/${c.label}: trial reported no eval_error (final ${JSON.stringify(f)})`);
  runs.push(run);
  return run;
}

/** Fixed-epoch data for a cell: passes × kept rows (kept = round(keep · pool), as applyCuration). */
const dataFor = (pool: number, keep: number, epochs = CFG.epochs) => epochs * Math.max(1, Math.round(keep * pool));

const GRID: { label: string; strategy: string }[] = [
  { label: 'random', strategy: 'random-balanced' },
  { label: 'el2n-keep-hard', strategy: 'el2n-keep-hard-balanced' },
  { label: 'el2n-keep-easy', strategy: 'el2n-keep-easy-balanced' },
];

async function main(): Promise<void> {
  if (process.argv.includes('--report-only')) {
    const R = JSON.parse(readFileSync(join(HERE, 'results.json'), 'utf8')) as Results;
    writePlots(HERE, R);
    writeReport(join(HERE, 'README.md'), R);
    return;
  }
  const { root, cleanup } = scratchRoot();
  try {
    await bench(root);
  } finally {
    cleanup();
  }
}

async function bench(root: string): Promise<void> {
  const quiet = () => undefined;
  const scoreDir = join(root, 'scores');
  const plugin = createTfjsPlugin({ log: quiet, scoreCacheDir: scoreDir });
  const { backend } = (await plugin.init?.()) ?? { backend: '?' };
  console.log(`backend=${backend} quick=${QUICK}`);

  // ---- main grid: pool × kept fraction × strategy × seed, fixed epochs over the kept rows ----
  for (const P of CFG.pools) {
    for (const seed of CFG.seeds) {
      await train(plugin, root, { exp: 'grid', label: 'full', strategy: 'full', keep: 1, pool: P, data: dataFor(P, 1), seed });
      for (const keep of CFG.keeps) {
        for (const g of GRID) await train(plugin, root, { exp: 'grid', label: g.label, strategy: g.strategy, keep, pool: P, data: dataFor(P, keep), seed });
      }
      // CCS (coverage-stratified on EL2N) at the most aggressive fraction (E6)
      const k0 = CFG.keeps[0];
      await train(plugin, root, { exp: 'grid', label: 'el2n-ccs', strategy: 'el2n-ccs', keep: k0, pool: P, data: dataFor(P, k0), seed });
    }
    console.log(`pool ${P} done at ${elapsed()}`);
  }

  // ---- checks on the variant pool: unbalanced keep-hard (E8), single-seed EL2N (E5), SSP k (E9) ----
  const VP = CFG.variantPool;
  for (const seed of CFG.seeds) {
    await train(plugin, root, { exp: 'checks', label: 'el2n-keep-hard-unbalanced', strategy: 'el2n-keep-hard', keep: 0.5, pool: VP, data: dataFor(VP, 0.5), seed });
    await train(plugin, root, {
      exp: 'checks',
      label: 'el2n1-keep-hard',
      strategy: 'el2n-keep-hard-balanced',
      keep: 0.5,
      pool: VP,
      data: dataFor(VP, 0.5),
      seed,
      options: { scorer: { ...CFG.scorer, seeds: 1 } },
    });
    for (const k of CFG.sspKs) {
      await train(plugin, root, { exp: 'ssp', label: `ssp-k${k}`, strategy: 'ssp-keep-hard-balanced', keep: 0.8, pool: VP, data: dataFor(VP, 0.8), seed, options: { scorer: { k } } });
    }
  }
  // class mix of the unbalanced selection, from the trainer's own curatePool (scores come from the cache)
  const mixReq = benchRequest(trialOf({ exp: 'mix', label: 'x', strategy: 'el2n-keep-hard', keep: 0.5, pool: VP, data: dataFor(VP, 0.5), seed: CFG.seeds[0] }));
  const unbalancedMix = curatePool(planTrial(mixReq), loadFashionMnist(), new WorkerScoreCache(scoreDir), mixReq.trialId).report.classes;
  console.log(`checks done at ${elapsed()}`);

  // ---- repetition (E12): the trainer's curation.epochs at a fixed sample count: U = data / epochs unique rows ----
  for (const seed of CFG.seeds) {
    for (const E of CFG.repetition.epochs) {
      await train(plugin, root, { exp: 'repetition', label: `epochs-${E}`, data: CFG.repetition.data, seed, config: { 'curation.epochs': E } });
    }
  }
  console.log(`repetition done at ${elapsed()}`);

  // ---- label noise (T5): task.options.labelNoise on the real split ----
  const NR = CFG.noise.rate;
  const noiseOpt = { labelNoise: NR };
  for (const seed of CFG.seeds) {
    await train(plugin, root, { exp: 'noise', label: 'full', strategy: 'full', keep: 1, pool: VP, data: dataFor(VP, 1), seed, options: noiseOpt });
    for (const g of GRID) {
      await train(plugin, root, { exp: 'noise', label: g.label, strategy: g.strategy, keep: CFG.noise.keep, pool: VP, data: dataFor(VP, CFG.noise.keep), seed, options: noiseOpt });
    }
  }
  // flip precision of the trainer's hardest-NR selection (same cached EL2N scores as the noise trials)
  const flipped = new Set(noisyRows(60_000, NR));
  const noisyDs = withLabelNoise(loadFashionMnist(), NR);
  const topPrecision: number[] = [];
  const candidateFlipRate: number[] = [];
  for (const seed of CFG.seeds) {
    const req = benchRequest(trialOf({ exp: 'noise', label: 'top', strategy: 'el2n-keep-hard', keep: NR, pool: VP, data: dataFor(VP, NR), seed, options: noiseOpt }));
    const plan = planTrial(req);
    const cur = curatePool(plan, noisyDs, new WorkerScoreCache(scoreDir), req.trialId);
    const keptRows = Array.from(cur.keptInPool, (i) => cur.candidates[i]);
    topPrecision.push(keptRows.filter((r) => flipped.has(r)).length / keptRows.length);
    candidateFlipRate.push(Array.from(cur.candidates).filter((r) => flipped.has(r)).length / cur.candidates.length);
  }
  console.log(`noise done at ${elapsed()}`);

  // ---- injected duplicates (T4): IDX directories loaded by separate plugin instances (dataDir) ----
  const D = CFG.dup;
  const dup = writeDupSet(root, D);
  const nInjected = D.base + D.exactCopies + D.nearCopies;
  const origPlugin = createTfjsPlugin({ log: quiet, dataDir: dup.originalDir, scoreCacheDir: join(root, 'scores-orig') });
  const injPlugin = createTfjsPlugin({ log: quiet, dataDir: dup.injectedDir, scoreCacheDir: join(root, 'scores-inj') });
  const fixedSteps = CFG.epochs * D.base; // the original set's fixed-epoch budget
  for (const seed of CFG.seeds) {
    await train(origPlugin, root, { exp: 'dup', label: 'original', strategy: 'full', keep: 1, pool: D.base, data: fixedSteps, seed });
    await train(injPlugin, root, { exp: 'dup', label: 'injected (same samples)', strategy: 'full', keep: 1, pool: nInjected, data: fixedSteps, seed });
    await train(injPlugin, root, { exp: 'dup', label: 'injected (same epochs)', strategy: 'full', keep: 1, pool: nInjected, data: CFG.epochs * nInjected, seed });
    await train(injPlugin, root, { exp: 'dup', label: 'dedup', strategy: 'dedup', keep: 1, pool: nInjected, data: fixedSteps, seed });
    await train(injPlugin, root, { exp: 'dup', label: 'semdedup', strategy: 'semdedup', keep: 1, pool: nInjected, data: fixedSteps, seed });
  }
  // which rows did the trainer's dedup remove? A removal is correct when its pair partner was kept.
  const injDs = loadFashionMnist(dup.injectedDir);
  const dedupQuality: { method: string; removed: number; precision: number; recall: number }[] = [];
  for (const method of ['dedup', 'semdedup']) {
    const req = benchRequest(trialOf({ exp: 'dupq', label: method, strategy: method, keep: 1, pool: nInjected, data: fixedSteps, seed: CFG.seeds[0] }));
    const cur = curatePool(planTrial(req), injDs, new WorkerScoreCache(), req.trialId);
    const kept = new Set(Array.from(cur.keptInPool, (i) => cur.candidates[i]));
    const partner = (r: number) => (r >= D.base ? r - D.base : r < D.exactCopies + D.nearCopies ? r + D.base : -1);
    let removed = 0;
    let correct = 0;
    for (let r = 0; r < nInjected; r++) {
      if (kept.has(r)) continue;
      removed++;
      if (partner(r) >= 0 && kept.has(partner(r))) correct++;
    }
    const pairs = D.exactCopies + D.nearCopies;
    let collapsed = 0;
    for (let k = 0; k < pairs; k++) if (kept.has(k) !== kept.has(D.base + k)) collapsed++;
    dedupQuality.push({ method, removed, precision: correct / Math.max(1, removed), recall: collapsed / pairs });
  }
  console.log(`duplicates done at ${elapsed()}`);

  const results: Results = {
    config: CFG,
    backend,
    seconds: (Date.now() - t0) / 1000,
    quick: QUICK,
    balance: { unbalancedMix },
    noise: { rate: NR, topPrecision, candidateFlipRate },
    dedup: { ...D, injected: dup.injectedRows.size, quality: dedupQuality },
    laws: fitLaws(runs),
    runs,
  };
  writeFileSync(join(HERE, 'results.json'), JSON.stringify(results, null, 1));
  writePlots(HERE, results);
  writeReport(join(HERE, 'README.md'), results);
  console.log(`done in ${elapsed()}`);
}

await main();
