/**
 * Turns a TrialRequest into a fully resolved training plan, or throws InvalidTrialError naming
 * the field and what was expected. Pure: no data loading, so `validate` is cheap.
 */
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
  logEvery: number;
  evalEvery: number;
  checkpointEvery: number;
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
    throw new InvalidTrialError(`task.model: expected one of ${MODEL_KINDS.join(', ')}, got ${show(task.model)}`);
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
  const strategy = cfg['curation.strategy'];
  if (strategy !== undefined && strategy !== 'random') {
    throw new InvalidTrialError(
      `config.curation.strategy: the tfjs plugin trains on seeded random subsets only (expected "random"), got ${show(strategy)}`,
    );
  }

  const batchSize = optPosInt('task.options.batchSize', opts.batchSize, 128) as number;
  const evalSize = optPosInt('task.options.evalSize', opts.evalSize, Math.min(2000, sizes.test), sizes.test) as number;
  const poolSize = optPosInt('task.options.poolSize', opts.poolSize, undefined, sizes.train);

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
    logEvery: posInt('logEvery', req.logEvery),
    evalEvery: posInt('evalEvery', req.evalEvery),
    checkpointEvery: posInt('checkpointEvery', req.checkpointEvery),
  };
}

/** What must match for a checkpoint to be resumable by this plan. */
export function planFingerprint(p: TrainingPlan): string {
  return JSON.stringify([p.dataset, p.synthetic, p.model, p.data, p.batchSize, p.learningRate, p.seed, p.poolSize, p.evalSize]);
}
