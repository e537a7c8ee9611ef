/**
 * A `task.model: gpt` TrialRequest resolved into a training plan, or an InvalidTrialError naming
 * the field and what was expected. Pure (no corpus loading). D (`config.data`) counts training
 * tokens: steps = ceil(D / (batchSize · context)).
 */
import { GPT_DEFAULTS, GPT_OPTIONS, TEXT_CORPORA } from '@slab/spec';
import { InvalidTrialError, type TrialRequest } from '@slab/worker-sdk';
import { ADAMW_DEFAULTS, type AdamWConfig } from './adamw';
import { BYTE_VOCAB, PARAMETRISATIONS, gptFlopsPerToken, gptParamCount, type GptFlops, type GptSpec, type Parametrisation } from './model';
import { SCHEDULES, type Schedule, type ScheduleKind } from './schedule';

export type TextCorpusId = (typeof TEXT_CORPORA)[number];

export interface GptPlan {
  kind: 'gpt';
  /** Corpus trained on (`task.dataset`); its validation split gives `eval_loss`. */
  corpus: TextCorpusId;
  /** Out-of-distribution corpora, one `eval_loss_<name>` each. */
  evalSets: TextCorpusId[];
  model: GptSpec;
  /** Total parameters N (result `params`). */
  params: number;
  paramsNonEmbedding: number;
  flopsPerToken: GptFlops;
  /** Training tokens D. */
  data: number;
  /** Unique training tokens U the D tokens repeat (undefined: the whole training split). */
  uniqueData?: number;
  /** Sequences per step. */
  batchSize: number;
  steps: number;
  schedule: Schedule;
  optimizer: AdamWConfig;
  zLoss: number;
  seed: number;
  /** Windows per eval set. */
  evalSize: number;
  validFraction: number;
  logEvery: number;
  evalEvery: number;
  checkpointEvery: number;
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? `[${v.map(show).join(', ')}]` : String(v));
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function option<T>(opts: Record<string, unknown>, key: string, fallback: T): T {
  const v = opts[key];
  if (v === undefined) return fallback;
  const spec = GPT_OPTIONS[key];
  if (!spec.rule.test(v)) throw new InvalidTrialError(`task.options.${key}: expected ${spec.rule.what}, got ${show(v)}`);
  return v as T;
}

function num(field: string, v: unknown, fallback: number, what: string, ok: (x: number) => boolean): number {
  if (v === undefined) return fallback;
  if (!isNum(v) || !ok(v)) throw new InvalidTrialError(`${field}: expected ${what}, got ${show(v)}`);
  return v;
}

function oneOf<T extends string>(field: string, v: unknown, options: readonly T[], fallback: T): T {
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) {
    throw new InvalidTrialError(`${field}: expected one of ${options.join(', ')}, got ${show(v)}`);
  }
  return v as T;
}

const posInt = (x: number): boolean => Number.isInteger(x) && x > 0;

function required(field: string, v: unknown, what: string, ok: (x: number) => boolean): number {
  if (!isNum(v) || !ok(v)) throw new InvalidTrialError(`${field}: expected ${what}, got ${v === undefined ? 'nothing' : show(v)}`);
  return v;
}

export function planGptTrial(req: TrialRequest): GptPlan {
  const task = req.task;
  const corpus = oneOf('task.dataset', task.dataset, TEXT_CORPORA, 'sotu');
  const opts = task.options ?? {};
  if (typeof opts !== 'object' || Array.isArray(opts)) throw new InvalidTrialError('task.options: expected a mapping');
  for (const k of Object.keys(opts)) {
    if (!(k in GPT_OPTIONS)) throw new InvalidTrialError(`task.options.${k}: unknown gpt option, expected one of ${Object.keys(GPT_OPTIONS).join(', ')}`);
  }
  const evalSets = option<unknown[]>(opts, 'evalSets', []).map((s, i) => oneOf(`task.options.evalSets[${i}]`, s, TEXT_CORPORA, 'sotu'));
  const cfg = req.config ?? {};
  const width = required('config.width', cfg.width, 'a positive integer', posInt);
  const depth = num('config.depth', cfg.depth, GPT_DEFAULTS.depth, 'a positive integer', posInt);
  const heads = num('config.heads', cfg.heads, GPT_DEFAULTS.heads, 'a positive integer', posInt);
  if (width % heads !== 0) throw new InvalidTrialError(`config.heads: expected a divisor of width ${width}, got ${heads}`);
  const parametrisation = oneOf<Parametrisation>('config.parametrisation', cfg.parametrisation, PARAMETRISATIONS, GPT_DEFAULTS.parametrisation);
  const mup = parametrisation === 'mup';
  const tieEmbeddings = option(opts, 'tieEmbeddings', !mup);
  if (mup && tieEmbeddings) throw new InvalidTrialError('task.options.tieEmbeddings: expected false under parametrisation mup, got true');
  const qkNorm = cfg.qkNorm ?? GPT_DEFAULTS.qkNorm;
  if (typeof qkNorm !== 'boolean') throw new InvalidTrialError(`config.qkNorm: expected a boolean, got ${show(qkNorm)}`);
  const model: GptSpec = {
    width,
    depth,
    heads,
    mlpRatio: option(opts, 'mlpRatio', 4),
    context: option(opts, 'context', 128),
    vocab: BYTE_VOCAB,
    tieEmbeddings,
    qkNorm,
    parametrisation,
    baseWidth: option(opts, 'baseWidth', 64),
  };

  const data = required('config.data', cfg.data, 'a positive integer number of training tokens', posInt);
  const uniqueData = cfg.uniqueData === undefined ? undefined : num('config.uniqueData', cfg.uniqueData, 0, 'a positive integer number of tokens', posInt);
  const batchSize = num('config.batchSize', cfg.batchSize, option(opts, 'batchSize', GPT_DEFAULTS.batchSize), 'a positive integer (sequences per step)', posInt);
  const steps = Math.ceil(data / (batchSize * model.context));
  const peak = num('config.learningRate', cfg.learningRate, 1e-3, 'a positive number', (x) => x > 0);
  const warmupRaw = num('config.warmup', cfg.warmup, GPT_DEFAULTS.warmup, 'a fraction of the steps in [0, 1) or a whole number of steps', (x) => x >= 0 && (x < 1 || Number.isInteger(x)));
  const warmup = warmupRaw < 1 ? Math.round(warmupRaw * steps) : Math.min(warmupRaw, steps);
  const schedule: Schedule = {
    kind: oneOf<ScheduleKind>('config.schedule', cfg.schedule, SCHEDULES, GPT_DEFAULTS.schedule),
    peak,
    steps,
    warmup,
    floor: option(opts, 'minLrRatio', 0.1),
    cooldown: option(opts, 'cooldown', 0.2),
  };
  const optimizer: AdamWConfig = {
    beta1: option(opts, 'beta1', ADAMW_DEFAULTS.beta1),
    beta2: option(opts, 'beta2', ADAMW_DEFAULTS.beta2),
    epsilon: option(opts, 'epsilon', ADAMW_DEFAULTS.epsilon),
    weightDecay: num('config.weightDecay', cfg.weightDecay, GPT_DEFAULTS.weightDecay, 'a non-negative number', (x) => x >= 0),
    gradClip: option(opts, 'gradClip', ADAMW_DEFAULTS.gradClip),
  };
  const seed = num('config.seed', cfg.seed, 0, 'a non-negative integer', (x) => Number.isInteger(x) && x >= 0);
  const count = gptParamCount(model);
  return {
    kind: 'gpt',
    corpus,
    evalSets: evalSets.filter((s) => s !== corpus),
    model,
    params: count.total,
    paramsNonEmbedding: count.nonEmbedding,
    flopsPerToken: gptFlopsPerToken(model),
    data,
    ...(uniqueData !== undefined && { uniqueData }),
    batchSize,
    steps,
    schedule,
    optimizer,
    zLoss: num('config.zLoss', cfg.zLoss, GPT_DEFAULTS.zLoss, 'a non-negative number', (x) => x >= 0),
    seed,
    evalSize: option(opts, 'evalSize', 64),
    validFraction: option(opts, 'validFraction', 0.1),
    logEvery: required('logEvery', req.logEvery, 'a positive integer', posInt),
    evalEvery: required('evalEvery', req.evalEvery, 'a positive integer', posInt),
    checkpointEvery: required('checkpointEvery', req.checkpointEvery, 'a positive integer', posInt),
  };
}

/** What must match for a checkpoint to be resumed by this plan (everything that shapes training). */
export function gptPlanFingerprint(p: GptPlan): string {
  return JSON.stringify(['gpt', p.corpus, p.model, p.data, p.uniqueData ?? null, p.batchSize, p.schedule, p.optimizer, p.zLoss, p.seed, p.validFraction]);
}
