/**
 * Curation bench on real Fashion-MNIST: learning curves for random vs EL2N keep-hard vs keep-easy at
 * several pool sizes and kept fractions (3 training seeds), CCS / balance / seed-count checks, an
 * injected-duplicate variant and a label-noise variant. Writes results.json, *.svg and README.md here.
 * Run: npx tsx bench/curation/run.ts   (CURATION_BENCH_QUICK=1 for a smoke run; --report-only rewrites
 * README.md from results.json)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  accuracy,
  classBalanced,
  dedupExact,
  DynamicPruner,
  el2nScorer,
  initCurationBackend,
  pcaEmbedding,
  planPools,
  poolSchedule,
  ProxyModel,
  Rng,
  selectByScore,
  selectCoverage,
  selectRandom,
  semDedup,
  sspScorer,
  subset,
  type CurationData,
} from '@slab/curation';
import { loadBenchData, nestedPool } from './data';
import { linePlot } from './svg';
import { fitLaws } from './laws';
import { meanSe, writeReport } from './report';

const HERE = dirname(fileURLToPath(import.meta.url));
const QUICK = process.env.CURATION_BENCH_QUICK === '1';
export const CFG = {
  sizes: QUICK ? [500, 2000] : [1000, 4000, 16000],
  keeps: [0.2, 0.5, 0.8],
  seeds: [1, 2, 3],
  epochs: QUICK ? 3 : 8,
  proxy: { hidden: 64, lr: 0.05, momentum: 0.9, batchSize: 64 },
  scoring: { epochs: 3, seeds: 3, hidden: 64, lr: 0.05, batchSize: 64 },
  scoringSeed: 1000, // disjoint from the training seeds
  variantPool: QUICK ? 2000 : 4000,
};

export interface Run {
  exp: string;
  strategy: string;
  pool: number;
  keep: number;
  kept: number;
  seed: number;
  err: number;
  trainFlops: number;
  steps: number;
}

const runs: Run[] = [];
const t0 = Date.now();

/** Train the proxy on `idx` of `data` for a fixed number of epochs; test error on the full test split. */
function trainEval(data: CurationData, idx: Uint32Array, seed: number, test: CurationData): { err: number; flops: number; steps: number } {
  const model = new ProxyModel(data.dim, data.classes, CFG.proxy, seed);
  const rng = new Rng(seed + 77);
  let flops = 0;
  for (let e = 0; e < CFG.epochs; e++) flops += model.trainEpoch(data, rng, { order: rng.shuffle(Uint32Array.from(idx)) });
  const acc = accuracy(model.forward(test).probs, test.y, test.classes);
  model.dispose();
  return { err: 1 - acc, flops, steps: CFG.epochs * Math.ceil(idx.length / CFG.proxy.batchSize) };
}

/**
 * InfoBatch training: each epoch the DynamicPruner drops a random `pruneRatio` of below-mean-loss
 * examples and up-weights the rest of them; losses of trained examples are refreshed after the epoch
 * (skipped ones stay stale, as in InfoBatch). The refresh forward pass is bookkeeping, not charged.
 */
function trainInfoBatch(data: CurationData, seed: number, test: CurationData, pruneRatio: number) {
  const model = new ProxyModel(data.dim, data.classes, CFG.proxy, seed);
  const rng = new Rng(seed + 77);
  const pruner = new DynamicPruner({ n: data.n, pruneRatio, totalEpochs: CFG.epochs, seed });
  const losses = new Float64Array(data.n).fill(1); // all equal: nothing is below the mean in epoch 0
  let flops = 0;
  let steps = 0;
  for (let e = 0; e < CFG.epochs; e++) {
    const sel = pruner.select(e, losses);
    const weights = new Float32Array(data.n);
    sel.indices.forEach((i, r) => (weights[i] = sel.weights[r]));
    flops += model.trainEpoch(data, rng, { order: rng.shuffle(Uint32Array.from(sel.indices)), weights });
    steps += Math.ceil(sel.indices.length / CFG.proxy.batchSize);
    const { probs } = model.forward(data);
    for (const i of sel.indices) losses[i] = -Math.log(Math.max(probs[i * data.classes + data.y[i]], 1e-12));
  }
  const acc = accuracy(model.forward(test).probs, test.y, test.classes);
  model.dispose();
  return { err: 1 - acc, flops, steps, saved: pruner.savedFraction() };
}

function record(exp: string, strategy: string, data: CurationData, pool: number, keep: number, idx: Uint32Array, seed: number, test: CurationData) {
  const r = trainEval(data, idx, seed, test);
  runs.push({ exp, strategy, pool, keep, kept: idx.length, seed, err: r.err, trainFlops: r.flops, steps: r.steps });
}

const balanced = (d: CurationData, count: number, pick: (g: Uint32Array, q: number, c: number) => Uint32Array) => classBalanced(d.y, d.classes, count, pick);

async function main() {
  if (process.argv.includes('--report-only')) {
    // regenerate README.md from the last results.json without training
    writeReport(join(HERE, 'README.md'), JSON.parse(readFileSync(join(HERE, 'results.json'), 'utf8')));
    return;
  }
  const backend = await initCurationBackend('wasm');
  const { train, test } = loadBenchData();
  console.log(`backend=${backend} train=${train.n} test=${test.n} quick=${QUICK}`);
  const scoring: Record<string, { flops: number; seconds: number; n: number }> = {};

  // ---- main grid: pool size × kept fraction × strategy × seed ----
  for (const N of CFG.sizes) {
    const pool = subset(train, nestedPool(train, N));
    const ts = Date.now();
    const el2n = el2nScorer.score(pool, { ...CFG.scoring, seed: CFG.scoringSeed });
    scoring[`el2n-${N}`] = { flops: el2n.flops, seconds: (Date.now() - ts) / 1000, n: N };
    for (const seed of CFG.seeds) record('grid', 'full', pool, N, 1, Uint32Array.from({ length: N }, (_, i) => i), seed, test);
    for (const keep of CFG.keeps) {
      const m = Math.round(keep * N);
      const sel = {
        random: (s: number) => balanced(pool, m, (g, q, c) => selectRandom(N, q, s * 100 + c, g)),
        'el2n-keep-hard': () => balanced(pool, m, (g, q) => selectByScore(el2n.scores, q, 'hard', { among: g })),
        'el2n-keep-easy': () => balanced(pool, m, (g, q) => selectByScore(el2n.scores, q, 'easy', { among: g })),
        ...(keep === 0.2 && { 'el2n-ccs': (s: number) => selectCoverage(el2n.scores, m, { seed: s, beta: 0.1, bins: 50 }) }),
      } as Record<string, (s: number) => Uint32Array>;
      for (const [name, pick] of Object.entries(sel)) {
        for (const seed of CFG.seeds) record('grid', name, pool, N, keep, pick(seed), seed, test);
      }
    }
    console.log(`pool ${N} done at ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }

  // ---- balance and seed-count checks (E5, E8) on the variant pool at keep 0.5 ----
  const VN = CFG.variantPool;
  const vpool = subset(train, nestedPool(train, VN));
  const vm = Math.round(0.5 * VN);
  const el2n3 = el2nScorer.score(vpool, { ...CFG.scoring, seed: CFG.scoringSeed });
  const el2n1 = el2nScorer.score(vpool, { ...CFG.scoring, seeds: 1, seed: CFG.scoringSeed });
  for (const seed of CFG.seeds) {
    record('checks', 'el2n-keep-hard-unbalanced', vpool, VN, 0.5, selectByScore(el2n3.scores, vm, 'hard'), seed, test);
    record('checks', 'el2n1-keep-hard', vpool, VN, 0.5, balanced(vpool, vm, (g, q) => selectByScore(el2n1.scores, q, 'hard', { among: g })), seed, test);
  }
  const classMix = (idx: Uint32Array) => {
    const c = new Array(10).fill(0);
    for (const i of idx) c[vpool.y[i]]++;
    return c;
  };
  const unbalancedMix = classMix(selectByScore(el2n3.scores, vm, 'hard'));

  // ---- injected duplicates (T4) ----
  const rng = new Rng(7);
  const src = rng.permutation(VN).slice(0, VN / 2); // 50% of the pool gets a copy
  const exactSrc = src.slice(0, src.length / 2);
  const nearSrc = src.slice(src.length / 2);
  const dupN = VN + src.length;
  const dx = new Float32Array(dupN * 196);
  const dy = new Uint8Array(dupN);
  dx.set(vpool.x);
  dy.set(vpool.y);
  src.forEach((s, k) => {
    const row = vpool.x.subarray(s * 196, (s + 1) * 196);
    const near = k >= exactSrc.length;
    for (let j = 0; j < 196; j++) dx[(VN + k) * 196 + j] = row[j] + (near ? 0.02 * rng.normal() : 0);
    dy[VN + k] = vpool.y[s];
  });
  const dupData: CurationData = { x: dx, y: dy, n: dupN, dim: 196, classes: 10 };
  const injected = new Set(Array.from({ length: src.length }, (_, k) => VN + k));
  const exact = dedupExact(dx, dupN, 196);
  const emb = pcaEmbedding(dx, dupN, 196, 32, 11);
  const dedupStats: { method: string; eps?: number; removed: number; precision: number; recall: number; flops: number; seconds: number }[] = [];
  const exactRemovedInjected = [...exact.removed].filter((i) => injected.has(i)).length;
  dedupStats.push({ method: 'exact', removed: exact.removed.length, precision: exactRemovedInjected / Math.max(1, exact.removed.length), recall: exactRemovedInjected / injected.size, flops: exact.flops, seconds: 0 });
  let bestSem = exact;
  let bestF1 = -1;
  for (const eps of [1e-4, 1e-3, 1e-2]) {
    const ts = Date.now();
    const r = semDedup(emb.x, dupN, emb.dim, { eps, k: 40, seed: 3 });
    // a removed item counts as correct if it or its surviving partner is an injected copy of the same source
    const hit = [...r.removed].filter((i) => injected.has(i) || injected.has(r.duplicateOf.get(i) ?? -1)).length;
    const precision = hit / Math.max(1, r.removed.length);
    const recall = Math.min(hit, injected.size) / injected.size;
    dedupStats.push({ method: 'semdedup', eps, removed: r.removed.length, precision, recall, flops: r.flops + emb.flops, seconds: (Date.now() - ts) / 1000 });
    const f1 = (2 * precision * recall) / Math.max(1e-9, precision + recall);
    if (f1 > bestF1) [bestF1, bestSem] = [f1, r];
  }
  const bestEps = dedupStats.filter((d) => d.method === 'semdedup').sort((a, b) => (2 * b.precision * b.recall) / (b.precision + b.recall || 1) - (2 * a.precision * a.recall) / (a.precision + a.recall || 1))[0].eps;
  for (const seed of CFG.seeds) {
    record('dup', 'original', dupData, dupN, 1, Uint32Array.from({ length: VN }, (_, i) => i), seed, test);
    record('dup', 'injected', dupData, dupN, 1, Uint32Array.from({ length: dupN }, (_, i) => i), seed, test);
    record('dup', 'dedup-exact', dupData, dupN, 1, exact.kept, seed, test);
    record('dup', `semdedup`, dupData, dupN, 1, bestSem.kept, seed, test);
  }
  console.log(`duplicates done at ${((Date.now() - t0) / 1000).toFixed(0)} s`);

  // ---- label noise (T5): flip 20% of labels uniformly to another class ----
  const noiseRate = 0.2;
  const nrng = new Rng(13);
  const flipped = new Set(nrng.permutation(VN).slice(0, Math.round(noiseRate * VN)));
  const ny = Uint8Array.from(vpool.y);
  for (const i of flipped) ny[i] = (ny[i] + 1 + nrng.int(9)) % 10;
  const noisy: CurationData = { ...vpool, y: ny };
  const nel2n = el2nScorer.score(noisy, { ...CFG.scoring, seed: CFG.scoringSeed });
  const top = selectByScore(nel2n.scores, flipped.size, 'hard');
  const topPrecision = [...top].filter((i) => flipped.has(i)).length / top.length;
  const nm = Math.round(0.7 * VN);
  for (const seed of CFG.seeds) {
    record('noise', 'full', noisy, VN, 1, Uint32Array.from({ length: VN }, (_, i) => i), seed, test);
    record('noise', 'random', noisy, VN, 0.7, selectRandom(VN, nm, seed), seed, test);
    record('noise', 'el2n-keep-hard', noisy, VN, 0.7, selectByScore(nel2n.scores, nm, 'hard'), seed, test);
    record('noise', 'el2n-keep-hard-offset', noisy, VN, 0.7, selectByScore(nel2n.scores, nm, 'hard', { offset: noiseRate }), seed, test);
    record('noise', 'el2n-keep-easy', noisy, VN, 0.7, selectByScore(nel2n.scores, nm, 'easy'), seed, test);
  }
  console.log(`noise done at ${((Date.now() - t0) / 1000).toFixed(0)} s`);

  // ---- SSP k sweep (E9): keep-hard 80% by self-supervised prototype distance, k within ×10 of 10 classes ----
  const sspStats: { k: number; flops: number }[] = [];
  for (const k of [5, 10, 30, 100]) {
    const ssp = sspScorer.score(vpool, { seed: CFG.scoringSeed, k });
    sspStats.push({ k, flops: ssp.flops });
    const idx = balanced(vpool, Math.round(0.8 * VN), (g, q) => selectByScore(ssp.scores, q, 'hard', { among: g }));
    for (const seed of CFG.seeds) record('ssp', `ssp-k${k}`, vpool, VN, 0.8, idx, seed, test);
  }

  // ---- dynamic pruning (E14): InfoBatch vs a static random subset with the same sample-visit savings ----
  const dyn: { pruneRatio: number; saved: number[] } = { pruneRatio: 0.5, saved: [] };
  for (const seed of CFG.seeds) {
    const r = trainInfoBatch(vpool, seed, test, dyn.pruneRatio);
    dyn.saved.push(r.saved);
    runs.push({ exp: 'dynamic', strategy: 'infobatch', pool: VN, keep: 1 - r.saved, kept: VN, seed, err: r.err, trainFlops: r.flops, steps: r.steps });
  }
  const savedMean = dyn.saved.reduce((a, b) => a + b, 0) / dyn.saved.length;
  const staticM = Math.round((1 - savedMean) * VN);
  for (const seed of CFG.seeds) {
    record('dynamic', 'static-random-same-savings', vpool, VN, 1 - savedMean, balanced(vpool, staticM, (g, q, c) => selectRandom(VN, q, seed * 100 + c, g)), seed, test);
  }
  // ---- repetition only (E12): U unique examples repeated to a fixed sample count, vs fresh data ----
  const total = QUICK ? 8000 : 32000;
  const uniques = QUICK ? [500, 2000, 8000] : [1000, 2000, 4000, 8000, 32000];
  const repOrder = nestedPool(train, Math.max(...uniques), 99);
  for (const U of uniques) {
    const upool = subset(train, repOrder.subarray(0, U));
    const plan = planPools([{ name: `U${U}`, size: U }], total, 1);
    for (const seed of CFG.seeds) {
      const stream = poolSchedule([{ name: `U${U}`, size: U }], plan, seed).index; // whole shuffled passes
      const model = new ProxyModel(upool.dim, upool.classes, CFG.proxy, seed);
      const flops = model.trainEpoch(upool, new Rng(seed), { order: stream });
      const err = 1 - accuracy(model.forward(test).probs, test.y, test.classes);
      model.dispose();
      runs.push({ exp: 'repetition', strategy: `U=${U}`, pool: U, keep: plan.epochs[0], kept: U, seed, err, trainFlops: flops, steps: Math.ceil(total / CFG.proxy.batchSize) });
    }
  }
  console.log(`ssp + dynamic + repetition done at ${((Date.now() - t0) / 1000).toFixed(0)} s`);

  // ---- outputs ----
  const laws = fitLaws(runs);
  const results = {
    config: CFG,
    backend,
    seconds: (Date.now() - t0) / 1000,
    scoring,
    dedup: { injected: injected.size, exactCopies: exactSrc.length, nearCopies: nearSrc.length, stats: dedupStats, bestEps },
    noise: { rate: noiseRate, topPrecision, scoringFlops: nel2n.flops },
    balance: { unbalancedMix },
    ssp: sspStats,
    dynamic: { pruneRatio: dyn.pruneRatio, savedFraction: savedMean },
    seedCount: { el2n1Flops: el2n1.flops, el2n3Flops: el2n3.flops },
    laws,
    runs,
  };
  writeFileSync(join(HERE, 'results.json'), JSON.stringify(results, null, 1));
  for (const N of CFG.sizes) {
    const series = ['random', 'el2n-keep-hard', 'el2n-keep-easy'].map((s) => ({
      name: s,
      points: CFG.keeps.map((k) => band(runs.filter((r) => r.exp === 'grid' && r.pool === N && r.keep === k && r.strategy === s), k)),
    }));
    series.push({ name: 'full data', points: CFG.keeps.map((k) => ({ ...band(runs.filter((r) => r.exp === 'grid' && r.pool === N && r.strategy === 'full'), k) })) });
    writeFileSync(join(HERE, `curve-pool${N}.svg`), linePlot({ title: `Fashion-MNIST, pool ${N}: test error vs kept fraction`, xLabel: 'kept fraction', yLabel: 'test error', series }));
  }
  const byKept = ['random', 'el2n-keep-hard', 'el2n-keep-easy'].map((s) => ({
    name: s,
    points: [...new Set(runs.filter((r) => r.exp === 'grid' && r.strategy === s).map((r) => r.kept))].map((kept) =>
      band(runs.filter((r) => r.exp === 'grid' && r.strategy === s && r.kept === kept), kept),
    ),
  }));
  writeFileSync(join(HERE, 'error-vs-kept.svg'), linePlot({ title: 'Test error vs kept examples (all pools)', xLabel: 'kept examples', yLabel: 'test error', series: byKept, logX: true, logY: true }));
  writeReport(join(HERE, 'README.md'), results);
  console.log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

function band(rs: Run[], x: number) {
  const { mean, se } = meanSe(rs.map((r) => r.err));
  return { x, y: mean, lo: mean - se, hi: mean + se };
}

await main();
