/**
 * Turns a TrialRequest into a fully resolved training plan, or throws InvalidTrialError naming
 * the field and what was expected. Pure: no data loading, so `validate` is cheap.
 */
import { listStrategies } from '@slab/curation';
import { formatPath, normalizePools, type PoolSpec } from '@slab/spec';
import { InvalidTrialError, type TrialRequest } from '@slab/worker-sdk';
import { MODEL_KINDS, countParams, widthForParams, type ModelKind, type ModelSpec } from './models';

export const DATASETS = ['fashion-mnist', 'synthetic-teacher'] as const;
export type DatasetId = (typeof DATASETS)[number];

/** Split sizes known without loading, so validation can bound evalSize and poolSize. */
const FASHION_SIZES = { train: 60_000, test: 10_000 };

export interface TrainingPlan {
  dataset: DatasetId;
  /** synthetic-teacher only. */
  synthetic?: { trainSize: number; testSize: number; seed: number };
  model: ModelSpec;
  params: number;
  /** Training samples seen, D. */
  data: number;
  batchSize: number;
  steps: number;
  learningRate: number;
  seed: number;
  evalSize: number;
  poolSize?: number;
  /** Set when the trial's config names any of `curation.strategy` / `.keep` / `.epochs`. */
  curation?: CurationPlan;
  /** Set when the trial's config names a `curation.pools` pool. */
  pools?: PoolsPlan;
  /** Fraction of training rows whose label is replaced by another class (seeded, same for every trial). */
  labelNoise?: number;
  logEvery: number;
  evalEvery: number;
  checkpointEvery: number;
}

/**
 * How a trial curates its training data: a seeded candidate pool of `candidates` training rows is
 * scored and `strategy` keeps `round(keep · candidates)` of them; training then cycles the kept rows
 * until `data` samples have been seen (D stays the spec's `data`).
 */
export interface CurationPlan {
  strategy: string;
  keep: number;
  /** `curation.epochs` as given (passes over the kept rows), if the trial sets it. */
  epochs?: number;
  /** Candidate pool size: `task.options.poolSize`, else round(data / (keep · epochs)) capped at the split. */
  candidates: number;
  /** Scorer settings (`task.options.scorer`), part of the score cache key. */
  scorer: Record<string, unknown>;
}

/**
 * How a trial trains on a quality pool: the `pool` of `task.options.pools` is selected from a seeded
 * candidate set of `candidates` training rows (tiers made disjoint, mixed by temperature), and the
 * trial's `data` samples are drawn from it in whole shuffled passes (repetition when data > pool).
 */
export interface PoolsPlan {
  name: string;
  pool: PoolSpec;
  /** `task.options.poolSize`, else the whole split: the same universe for every pool and data size. */
  candidates: number;
  scorer: Record<string, unknown>;
}

function isPosInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function posInt(field: string, v: unknown): number {
  if (!isPosInt(v)) throw new InvalidTrialError(`${field}: expected a positive integer, got ${show(v)}`);
  return v;
}

function optPosInt(field: string, v: unknown, fallback: number | undefined, max?: number): number | undefined {
  if (v === undefined) return fallback;
  const n = posInt(field, v);
  if (max !== undefined && n > max) throw new InvalidTrialError(`${field}: expected at most ${max}, got ${n}`);
  return n;
}

export function planTrial(req: TrialRequest): TrainingPlan {
  const task = req.task;
  if (!task || typeof task !== 'object') throw new InvalidTrialError('task: expected an object');
  if (!(DATASETS as readonly string[]).includes(task.dataset)) {
    throw new InvalidTrialError(`task.dataset: expected one of ${DATASETS.join(', ')}, got ${show(task.dataset)}`);
  }
  const dataset = task.dataset as DatasetId;
  if (!(MODEL_KINDS as readonly string[]).includes(task.model)) {
    throw new InvalidTrialError(`task.model: expected one of ${[...MODEL_KINDS, 'gpt'].join(', ')}, got ${show(task.model)}`);
  }
  const opts = task.options ?? {};
  if (typeof opts !== 'object' || Array.isArray(opts)) throw new InvalidTrialError('task.options: expected a mapping');

  let sizes = FASHION_SIZES;
  let synthetic: TrainingPlan['synthetic'];
  if (dataset === 'synthetic-teacher') {
    synthetic = {
      trainSize: optPosInt('task.options.trainSize', opts.trainSize, 10_000) as number,
      testSize: optPosInt('task.options.testSize', opts.testSize, 2_000) as number,
      seed: opts.datasetSeed === undefined ? 1 : posInt('task.options.datasetSeed', opts.datasetSeed),
    };
    sizes = { train: synthetic.trainSize, test: synthetic.testSize };
  }

  const cfg = req.config ?? {};
  const base = { kind: task.model as ModelKind, inputDim: 784, imageSize: 28, classes: 10 };
  let width: number;
  if (cfg.width !== undefined) width = posInt('config.width', cfg.width);
  else if (cfg.params !== undefined) width = widthForParams(base, posInt('config.params', cfg.params));
  else throw new InvalidTrialError('config.width: expected a positive integer (or config.params), got nothing');
  const model: ModelSpec = { ...base, width };

  const data = posInt('config.data', cfg.data);
  const learningRate = cfg.learningRate ?? 1e-3;
  if (typeof learningRate !== 'number' || !Number.isFinite(learningRate) || learningRate <= 0) {
    throw new InvalidTrialError(`config.learningRate: expected a positive number, got ${show(learningRate)}`);
  }
  const seed = cfg.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0) {
    throw new InvalidTrialError(`config.seed: expected a non-negative integer, got ${show(seed)}`);
  }
  const batchSize = optPosInt('task.options.batchSize', opts.batchSize, 128) as number;
  const evalSize = optPosInt('task.options.evalSize', opts.evalSize, Math.min(2000, sizes.test), sizes.test) as number;
  const poolSize = optPosInt('task.options.poolSize', opts.poolSize, undefined, sizes.train);
  const curation = planCuration(cfg, opts, data, poolSize, sizes.train);
  const pools = planPools(cfg, opts, poolSize, sizes.train);
  let labelNoise: number | undefined;
  if (opts.labelNoise !== undefined) {
    const v = opts.labelNoise;
    if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0 && v < 1)) {
      throw new InvalidTrialError(`task.options.labelNoise: expected a fraction in [0, 1), got ${show(v)}`);
    }
    if (v > 0) labelNoise = v;
  }

  return {
    dataset,
    synthetic,
    model,
    params: countParams(model),
    data,
    batchSize,
    steps: Math.ceil(data / batchSize),
    learningRate,
    seed,
    evalSize,
    poolSize,
    ...(curation && { curation }),
    ...(pools && { pools }),
    ...(labelNoise !== undefined && { labelNoise }),
    logEvery: posInt('logEvery', req.logEvery),
    evalEvery: posInt('evalEvery', req.evalEvery),
    checkpointEvery: posInt('checkpointEvery', req.checkpointEvery),
  };
}

const CURATION_KEYS = ['curation.strategy', 'curation.keep', 'curation.epochs'] as const;

/** Resolves the `curation.*` config (same defaults as `curationForTrial`), or undefined when none is set. */
function planCuration(
  cfg: TrialRequest['config'],
  opts: Record<string, unknown>,
  data: number,
  poolSize: number | undefined,
  trainSize: number,
): CurationPlan | undefined {
  if (CURATION_KEYS.every((k) => cfg[k] === undefined)) return undefined;
  const strategies = listStrategies();
  const strategy = cfg['curation.strategy'] ?? (cfg['curation.keep'] !== undefined ? 'random' : 'full');
  if (typeof strategy !== 'string' || !strategies.includes(strategy)) {
    throw new InvalidTrialError(`config.curation.strategy: expected one of ${strategies.join(', ')}, got ${show(strategy)}`);
  }
  const keep = cfg['curation.keep'] ?? 1;
  if (typeof keep !== 'number' || !(keep > 0 && keep <= 1)) {
    throw new InvalidTrialError(`config.curation.keep: expected a fraction in (0, 1], got ${show(keep)}`);
  }
  const epochs = cfg['curation.epochs'];
  if (epochs !== undefined && !(typeof epochs === 'number' && Number.isFinite(epochs) && epochs > 0)) {
    throw new InvalidTrialError(`config.curation.epochs: expected a positive number of passes, got ${show(epochs)}`);
  }
  if (epochs !== undefined && poolSize !== undefined) {
    throw new InvalidTrialError(
      `config.curation.epochs: expected no task.options.poolSize alongside it (a fixed pool already sets the passes to data / kept), got both`,
    );
  }
  const scorer = readScorer(opts);
  const candidates = poolSize ?? Math.min(trainSize, Math.max(1, Math.round(data / (keep * (epochs ?? 1)))));
  return { strategy, keep, ...(epochs !== undefined && { epochs }), candidates, scorer };
}

function readScorer(opts: Record<string, unknown>): Record<string, unknown> {
  const scorer = opts.scorer ?? {};
  if (typeof scorer !== 'object' || scorer === null || Array.isArray(scorer)) {
    throw new InvalidTrialError(`task.options.scorer: expected a mapping of scorer settings (epochs, seeds, hidden, ...), got ${show(scorer)}`);
  }
  for (const [k, v] of Object.entries(scorer)) {
    if (!(typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)))) {
      throw new InvalidTrialError(`task.options.scorer.${k}: expected a number, string or boolean, got ${show(v)}`);
    }
  }
  return scorer as Record<string, unknown>;
}

/** Resolves `curation.pools` against `task.options.pools`, or undefined when the trial names no pool. */
function planPools(
  cfg: TrialRequest['config'],
  opts: Record<string, unknown>,
  poolSize: number | undefined,
  trainSize: number,
): PoolsPlan | undefined {
  const name = cfg['curation.pools'];
  if (name === undefined) return undefined;
  for (const k of CURATION_KEYS) {
    if (cfg[k] !== undefined) {
      throw new InvalidTrialError(`config.curation.pools: expected no config.${k} alongside it (each pool names its own tiers), got both`);
    }
  }
  const r = normalizePools(opts.pools);
  if (!r.ok) throw new InvalidTrialError(r.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; '));
  const names = Object.keys(r.pools);
  if (typeof name !== 'string' || !names.includes(name)) {
    throw new InvalidTrialError(`config.curation.pools: expected one of task.options.pools (${names.join(', ')}), got ${show(name)}`);
  }
  const strategies = listStrategies();
  r.pools[name].tiers.forEach((t, i) => {
    if (!strategies.includes(t.strategy)) {
      throw new InvalidTrialError(`task.options.pools.${name}.tiers[${i}].strategy: expected one of ${strategies.join(', ')}, got ${show(t.strategy)}`);
    }
  });
  return { name, pool: r.pools[name], candidates: poolSize ?? trainSize, scorer: readScorer(opts) };
}

/** What must match for a checkpoint to be resumable by this plan. */
export function planFingerprint(p: TrainingPlan): string {
  const base = [p.dataset, p.synthetic, p.model, p.data, p.batchSize, p.learningRate, p.seed, p.poolSize, p.evalSize];
  const extra = [p.curation, p.pools, p.labelNoise].filter((x) => x !== undefined);
  return JSON.stringify(extra.length ? [...base, ...extra] : base);
}
