/**
 * Applies a trial's `curation.*` dimensions before training: draws the seeded candidate pool, scores
 * and selects it with @slab/curation (scores cached by dataset + scorer + settings + seed), and
 * returns the kept training rows in a seeded order for `SampleOrder`. Pure given (plan, dataset):
 * a resumed attempt selects exactly the same rows.
 */
import { applyCuration, applyPool, CurationInputError, poolStream, type CurationData, type CurationReport } from '@slab/curation';
import { mixSeed, seededPermutation, seededSubset, type ClassificationDataset } from '@slab/datasets';
import { InvalidTrialError } from '@slab/worker-sdk';
import type { TrainingPlan } from './plan';
import type { WorkerScoreCache } from './scoreCache';

/** Seed streams of the candidate pool and of the kept rows' order (disjoint from SampleOrder's). */
const POOL_STREAM = 0xc0a7;
const KEPT_ORDER_STREAM = 0xc0a8;
const POOL_ORDER_STREAM = 0xc0a9;

export interface CuratedPool {
  /** Training-split rows to train on, in epoch-0 order. */
  pool: Uint32Array;
  /** Candidate-pool positions kept by the strategy, ascending (what `applyCuration` returned). */
  keptInPool: Uint32Array;
  /** Training-split rows of the candidate pool, in drawn order. */
  candidates: Uint32Array;
  report: CurationReport;
  /** Scoring FLOPs charged to this trial: 0 when another trial computed (and was charged for) the scores. */
  chargedFlops: number;
  /** Metrics added to the result's `final`. */
  final: Record<string, number>;
  /** Quality pools only: the training row of every sample of the run, in order (repetition included). */
  stream?: Uint32Array;
}

/** Identity of the scored data for the cache key: the split, its preprocessing and the exact pool. */
const fingerprints = new WeakMap<ClassificationDataset, string>();

/**
 * Identifies the training split's contents, not just its name: two workers (or two data folders) with
 * different files must never share cached scores. FNV-1a over the labels and a strided sample of the
 * pixels: cheap (once per loaded dataset) and changes with any injected or relabelled rows.
 */
export function datasetFingerprint(ds: ClassificationDataset): string {
  const known = fingerprints.get(ds);
  if (known) return known;
  let h = 0x811c9dc5;
  const mix = (v: number) => {
    h ^= v & 0xff;
    h = Math.imul(h, 0x01000193);
  };
  for (const label of ds.train.labels) mix(label);
  const px = ds.train.images;
  for (let i = 0; i < px.length; i += 97) mix(Math.round(px[i] * 255));
  const fp = `${ds.train.n}x${ds.dim}:${(h >>> 0).toString(16)}`;
  fingerprints.set(ds, fp);
  return fp;
}

export function poolIdentity(plan: TrainingPlan, candidates: number, ds?: ClassificationDataset): string {
  const src =
    plan.dataset === 'synthetic-teacher' && plan.synthetic
      ? `synthetic-teacher(train=${plan.synthetic.trainSize},seed=${plan.synthetic.seed})`
      : 'fashion-mnist[0,1]';
  const noise = plan.labelNoise ? `:labelNoise=${plan.labelNoise}` : '';
  const contents = ds ? `:data=${datasetFingerprint(ds)}` : '';
  return `${src}${contents}${noise}:train:pool=${candidates}:poolSeed=${plan.seed}:v1`;
}

/** The candidate pool: a seeded subset of the split; pools of one seed are nested (prefixes). */
export function candidatePool(plan: TrainingPlan, trainSize: number, candidates: number): Uint32Array {
  return seededSubset(trainSize, candidates, mixSeed(plan.seed, POOL_STREAM));
}

function gatherData(ds: ClassificationDataset, rows: Uint32Array): CurationData {
  const x = new Float32Array(rows.length * ds.dim);
  const y = new Uint8Array(rows.length);
  rows.forEach((r, i) => {
    x.set(ds.train.images.subarray(r * ds.dim, (r + 1) * ds.dim), i * ds.dim);
    y[i] = ds.train.labels[r];
  });
  return { x, y, n: rows.length, dim: ds.dim, classes: ds.classes };
}

/** What both curation paths score: the trial's seeded candidate pool, its identity for the cache, the trial's cache view. */
function scoringInputs(plan: TrainingPlan, ds: ClassificationDataset, cache: WorkerScoreCache, trialId: string, wanted: number) {
  const n = Math.min(wanted, ds.train.n);
  const candidates = candidatePool(plan, ds.train.n, n);
  return { n, candidates, data: gatherData(ds, candidates), dataset: poolIdentity(plan, n, ds), view: cache.forTrial(trialId) };
}

/** Bad scorer settings can only surface when scoring starts; they never work on a retry either. */
function invalidOnBadInput<T>(field: (message: string) => string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof CurationInputError) throw new InvalidTrialError(field(e.message));
    throw e;
  }
}

export function curatePool(plan: TrainingPlan, ds: ClassificationDataset, cache: WorkerScoreCache, trialId: string): CuratedPool {
  const cur = plan.curation;
  if (!cur) throw new Error('curatePool: the plan has no curation');
  const { n, candidates, data, dataset, view } = scoringInputs(plan, ds, cache, trialId, cur.candidates);
  const res = invalidOnBadInput(
    (m) => `task.options.scorer: ${m}`,
    () => applyCuration(cur.strategy, cur.keep, data, { seed: plan.seed, dataset, cache: view, scorer: cur.scorer }),
  );
  const { indices, report } = res;
  // A hit on scores this trial computed in an earlier attempt is still this trial's cost.
  const hit = view.hits[0];
  const chargedFlops = report.cacheHit && hit && hit.owner !== trialId ? 0 : report.scoringFlops;
  const kept = Uint32Array.from(indices, (i) => candidates[i]);
  const perm = seededPermutation(kept.length, mixSeed(plan.seed, KEPT_ORDER_STREAM));
  const pool = Uint32Array.from(perm, (p) => kept[p]);
  return {
    pool,
    keptInPool: indices,
    candidates,
    report,
    chargedFlops,
    final: {
      scoring_flops: chargedFlops,
      scoring_cache_hit: report.cacheHit ? 1 : 0,
      curation_candidates: n,
      curation_kept: kept.length,
      curation_passes: plan.data / kept.length,
      ...(report.duplicatesRemoved !== undefined && { curation_duplicates_removed: report.duplicatesRemoved }),
    },
  };
}

/** The scorer a strategy's scores come from (tiers sharing one are charged once), or the strategy itself. */
function scorerOf(strategy: string): string {
  return /^(.+?)-(?:keep-|ccs$)/.exec(strategy)?.[1] ?? strategy;
}

/**
 * Applies a trial's `curation.pools` pool: selects each tier from the seeded candidate rows (scores
 * cached like `curatePool`'s), makes the tiers disjoint and builds the run's sample stream (temperature
 * across tiers, whole shuffled passes within each). Pure given (plan, dataset), so resume is exact.
 */
export function curatePools(plan: TrainingPlan, ds: ClassificationDataset, cache: WorkerScoreCache, trialId: string): CuratedPool {
  const pp = plan.pools;
  if (!pp) throw new Error('curatePools: the plan has no pool');
  const { n, candidates, data, dataset, view } = scoringInputs(plan, ds, cache, trialId, pp.candidates);
  const applied = invalidOnBadInput(
    (m) => `task.options.pools.${pp.name}: ${m} (scorer settings: task.options.scorer)`,
    () => applyPool(pp.pool, data, { seed: plan.seed, dataset, cache: view, scorer: pp.scorer }),
  );
  // Charge each scorer once: when this call computed it, or when the cache entry is this trial's own.
  const charged = new Map<string, number>();
  let hitNo = 0;
  let anyHit = false;
  for (const [i, r] of applied.reports.entries()) {
    const key = scorerOf(pp.pool.tiers[i].strategy);
    const owner = r.cacheHit ? view.hits[hitNo++]?.owner : trialId;
    anyHit ||= r.cacheHit;
    if (!charged.has(key) || charged.get(key) === 0) charged.set(key, owner === trialId ? r.scoringFlops : 0);
  }
  const chargedFlops = [...charged.values()].reduce((a, b) => a + b, 0);
  const scoringFlops = applied.reports.reduce((a, r) => a + (r.cacheHit ? 0 : r.scoringFlops), 0);
  const tiers = applied.tiers.map((t) => Uint32Array.from(t, (i) => candidates[i]));
  const { rows, plan: mix } = poolStream(tiers, plan.data, pp.pool.temperature ?? 1, mixSeed(plan.seed, POOL_ORDER_STREAM));
  const unique = tiers.reduce((a, t) => a + t.length, 0);
  const keptInPool = Uint32Array.from(applied.tiers.flatMap((t) => [...t])).sort();
  const classes = new Array<number>(ds.classes).fill(0);
  for (const t of tiers) for (const r of t) classes[ds.train.labels[r]]++;
  const perTier: Record<string, number> = {};
  if (tiers.length > 1) {
    tiers.forEach((t, i) => {
      perTier[`curation_tier${i}_rows`] = t.length;
      perTier[`curation_tier${i}_passes`] = mix.epochs[i];
    });
  }
  return {
    pool: Uint32Array.from(tiers.flatMap((t) => [...t])),
    keptInPool,
    candidates,
    report: {
      strategy: `pool ${pp.name}`,
      total: n,
      kept: unique,
      classes,
      scoringFlops,
      cacheHit: anyHit,
    },
    chargedFlops,
    stream: rows,
    final: {
      scoring_flops: chargedFlops,
      scoring_cache_hit: anyHit ? 1 : 0,
      curation_candidates: n,
      curation_kept: unique,
      curation_passes: plan.data / unique,
      ...perTier,
    },
  };
}
