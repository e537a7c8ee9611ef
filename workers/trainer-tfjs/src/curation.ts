/**
 * Applies a trial's `curation.*` dimensions before training: draws the seeded candidate pool, scores
 * and selects it with @slab/curation (scores cached by dataset + scorer + settings + seed), and
 * returns the kept training rows in a seeded order for `SampleOrder`. Pure given (plan, dataset):
 * a resumed attempt selects exactly the same rows.
 */
import { applyCuration, CurationInputError, type CurationData, type CurationReport } from '@slab/curation';
import { mixSeed, seededPermutation, seededSubset, type ClassificationDataset } from '@slab/datasets';
import { InvalidTrialError } from '@slab/worker-sdk';
import type { TrainingPlan } from './plan';
import type { WorkerScoreCache } from './scoreCache';

/** Seed streams of the candidate pool and of the kept rows' order (disjoint from SampleOrder's). */
const POOL_STREAM = 0xc0a7;
const KEPT_ORDER_STREAM = 0xc0a8;

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
}

/** Identity of the scored data for the cache key: the split, its preprocessing and the exact pool. */
export function poolIdentity(plan: TrainingPlan, candidates: number): string {
  const src =
    plan.dataset === 'synthetic-teacher' && plan.synthetic
      ? `synthetic-teacher(train=${plan.synthetic.trainSize},seed=${plan.synthetic.seed})`
      : 'fashion-mnist[0,1]';
  return `${src}:train:pool=${candidates}:poolSeed=${plan.seed}:v1`;
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

export function curatePool(plan: TrainingPlan, ds: ClassificationDataset, cache: WorkerScoreCache, trialId: string): CuratedPool {
  const cur = plan.curation;
  if (!cur) throw new Error('curatePool: the plan has no curation');
  const n = Math.min(cur.candidates, ds.train.n);
  const candidates = candidatePool(plan, ds.train.n, n);
  const view = cache.forTrial(trialId);
  let res;
  try {
    res = applyCuration(cur.strategy, cur.keep, gatherData(ds, candidates), {
      seed: plan.seed,
      dataset: poolIdentity(plan, n),
      cache: view,
      scorer: cur.scorer,
    });
  } catch (e) {
    // Bad scorer settings can only surface when scoring starts; they never work on a retry either.
    if (e instanceof CurationInputError) throw new InvalidTrialError(`task.options.scorer: ${e.message}`);
    throw e;
  }
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
