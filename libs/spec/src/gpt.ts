/**
 * Spec rules of the byte-level GPT proxy (`task.model: gpt`, tfjs plugin): the dimensions only a
 * GPT has, the fixed settings in `task.options`, and the checks across them (heads divide width,
 * μP needs an untied readout). Kept apart from validate.ts so it can become that model's option
 * schema. For gpt the `data` dimension counts training **tokens** (samples for the image models).
 */
import { closest, describe, type IssueList, type PathSegment } from './issues';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

interface Rule {
  what: string;
  test: (v: unknown) => boolean;
}

export const GPT_SCHEDULES = ['constant', 'cosine', 'linear', 'wsd'] as const;
export const GPT_PARAMETRISATIONS = ['standard', 'mup'] as const;
/** Text corpora of @slab/datasets: `task.dataset` (trained on) and `task.options.evalSets` (OOD evals). */
export const TEXT_CORPORA = ['sotu', 'austen', 'brown'] as const;

const POS_INT: Rule = { what: 'a positive integer', test: (v) => isNum(v) && Number.isInteger(v) && v > 0 };
const NON_NEG: Rule = { what: 'a non-negative number', test: (v) => isNum(v) && v >= 0 };
const WARMUP: Rule = {
  what: 'a fraction of the steps in [0, 1) or a whole number of steps',
  test: (v) => isNum(v) && v >= 0 && (v < 1 || Number.isInteger(v)),
};
/** Strings only here; membership (with did-you-mean) is checked by checkGptSpec, once. */
const name = (options: readonly string[]): Rule => ({ what: `one of ${options.join(', ')}`, test: (v) => typeof v === 'string' });

/**
 * Value rules of the GPT dimensions (merged into validate.ts's dimension rules). `numeric`
 * dimensions also accept `{min, max, scale}` ranges; the others are value lists.
 */
export const GPT_DIMENSION_RULES = {
  depth: { kind: 'numeric', rule: POS_INT, integer: true },
  heads: { kind: 'numeric', rule: POS_INT, integer: true },
  batchSize: { kind: 'numeric', rule: POS_INT, integer: true },
  schedule: { kind: 'categorical', rule: name(GPT_SCHEDULES) },
  warmup: { kind: 'numeric', rule: WARMUP, integer: false },
  weightDecay: { kind: 'numeric', rule: NON_NEG, integer: false },
  uniqueData: { kind: 'numeric', rule: POS_INT, integer: true },
  qkNorm: { kind: 'categorical', rule: { what: 'a boolean', test: (v: unknown) => typeof v === 'boolean' } },
  zLoss: { kind: 'numeric', rule: NON_NEG, integer: false },
  parametrisation: { kind: 'categorical', rule: name(GPT_PARAMETRISATIONS) },
} as const;

export type GptDimensionName = keyof typeof GPT_DIMENSION_RULES;
export const GPT_DIMENSION_NAMES = Object.keys(GPT_DIMENSION_RULES) as GptDimensionName[];

const FRACTION_OPEN: Rule = { what: 'a number in (0, 1)', test: (v) => isNum(v) && v > 0 && v < 1 };
const UNIT: Rule = { what: 'a number in [0, 1)', test: (v) => isNum(v) && v >= 0 && v < 1 };

/** `task.options` of a gpt task: fixed settings of every trial, with their defaults. */
export const GPT_OPTIONS: Record<string, { rule: Rule; default: string }> = {
  context: { rule: { what: 'an integer in [2, 2048]', test: (v) => isNum(v) && Number.isInteger(v) && v >= 2 && v <= 2048 }, default: '128' },
  evalSets: { rule: { what: `a list of corpus names (${TEXT_CORPORA.join(', ')})`, test: (v) => Array.isArray(v) }, default: '[]' },
  evalSize: { rule: POS_INT, default: '64 windows per eval set' },
  batchSize: { rule: POS_INT, default: '16 sequences (dimensions.batchSize wins)' },
  validFraction: { rule: FRACTION_OPEN, default: '0.1 of the documents' },
  mlpRatio: { rule: { what: 'a positive number', test: (v) => isNum(v) && v > 0 }, default: '4' },
  tieEmbeddings: { rule: { what: 'a boolean', test: (v) => typeof v === 'boolean' }, default: 'true (false under mup)' },
  baseWidth: { rule: POS_INT, default: '64' },
  beta1: { rule: UNIT, default: '0.9' },
  beta2: { rule: UNIT, default: '0.95' },
  epsilon: { rule: { what: 'a positive number', test: (v) => isNum(v) && v > 0 }, default: '1e-8' },
  gradClip: { rule: NON_NEG, default: '1 (0: off)' },
  minLrRatio: { rule: { what: 'a number in [0, 1]', test: (v) => isNum(v) && v >= 0 && v <= 1 }, default: '0.1' },
  cooldown: { rule: { what: 'a number in (0, 1]', test: (v) => isNum(v) && v > 0 && v <= 1 }, default: '0.2' },
};

/** Defaults the trainer applies when a GPT dimension is not swept. */
export const GPT_DEFAULTS = {
  depth: 2,
  heads: 4,
  batchSize: 16,
  schedule: 'cosine',
  warmup: 0,
  weightDecay: 0.1,
  qkNorm: false,
  zLoss: 0,
  parametrisation: 'standard',
} as const;

/** Listed values of a dimension, or undefined for a range / absent / malformed one. */
function listed(dims: Obj, key: string): unknown[] | undefined {
  const d = dims[key];
  return isObj(d) && Array.isArray(d.values) ? d.values : undefined;
}

function checkNames(issues: IssueList, values: unknown[] | undefined, path: PathSegment[], options: readonly string[]): void {
  values?.forEach((v, i) => {
    if (typeof v !== 'string' || options.includes(v)) return; // non-strings: reported by the value rule
    const near = closest(v, options);
    issues.add([...path, i], `expected one of ${options.join(', ')}, got ${describe(v)}${near ? ` (did you mean "${near}"?)` : ''}`);
  });
}

/**
 * GPT-specific checks of a raw spec (`task.model: gpt`), added to `issues`. Value types of each
 * dimension are checked by validate.ts's dimension rules.
 */
export function checkGptSpec(root: Obj, issues: IssueList): void {
  const task = isObj(root.task) ? root.task : undefined;
  const dims = isObj(root.dimensions) ? root.dimensions : {};
  // Other models: each plugin's schema (plugins/) refuses the dimensions it cannot honour.
  if (task?.model !== 'gpt') return;
  if (typeof task.dataset === 'string' && !(TEXT_CORPORA as readonly string[]).includes(task.dataset)) {
    const near = closest(task.dataset, TEXT_CORPORA);
    issues.add(['task', 'dataset'], `expected a text corpus for gpt (${TEXT_CORPORA.join(', ')}), got ${describe(task.dataset)}${near ? ` (did you mean "${near}"?)` : ''}`);
  }
  if (task.plugin !== undefined && task.plugin !== 'tfjs') issues.add(['task', 'plugin'], `expected tfjs for task.model gpt, got ${describe(task.plugin)}`);
  const opts = isObj(task.options) ? task.options : {};
  const known = Object.keys(GPT_OPTIONS);
  for (const [k, v] of Object.entries(opts)) {
    const path = ['task', 'options', k];
    const spec = GPT_OPTIONS[k];
    if (!spec) {
      const near = closest(k, known);
      issues.add(path, near ? `unknown gpt option, did you mean "${near}"?` : `unknown gpt option, expected one of ${known.join(', ')}`);
    } else if (!spec.rule.test(v)) issues.expected(path, spec.rule.what, v);
  }
  if (Array.isArray(opts.evalSets)) {
    checkNames(issues, opts.evalSets, ['task', 'options', 'evalSets'], TEXT_CORPORA);
    if (new Set(opts.evalSets).size !== opts.evalSets.length) issues.add(['task', 'options', 'evalSets'], 'expected each corpus once, got a repeat');
  }
  if (dims.params !== undefined) issues.add(['dimensions', 'params'], 'expected width for task.model gpt (N follows from width, depth and context), got params');
  checkNames(issues, listed(dims, 'schedule'), ['dimensions', 'schedule', 'values'], GPT_SCHEDULES);
  checkNames(issues, listed(dims, 'parametrisation'), ['dimensions', 'parametrisation', 'values'], GPT_PARAMETRISATIONS);
  if (opts.tieEmbeddings === true && listed(dims, 'parametrisation')?.includes('mup')) {
    issues.add(['task', 'options', 'tieEmbeddings'], 'expected false (or unset) when parametrisation mup is swept: μP scales the readout apart from the embedding, got true');
  }
  checkHeads(issues, dims);
}

/** Every (width, heads) pair a sweep can form must have heads dividing width. */
function checkHeads(issues: IssueList, dims: Obj): void {
  const widths = listed(dims, 'width');
  const heads = listed(dims, 'heads');
  if (dims.width !== undefined && !widths) {
    issues.add(['dimensions', 'width'], 'expected explicit values for task.model gpt (heads must divide every width), got a min/max range');
    return;
  }
  if (dims.heads !== undefined && !heads) {
    issues.add(['dimensions', 'heads'], 'expected explicit values (each must divide every width), got a min/max range');
    return;
  }
  const ws = (widths ?? []).filter((w): w is number => isNum(w) && Number.isInteger(w) && w > 0);
  if (!heads) {
    const h = GPT_DEFAULTS.heads;
    widths?.forEach((w, i) => {
      if (isNum(w) && Number.isInteger(w) && w > 0 && w % h !== 0) {
        issues.add(['dimensions', 'width', 'values', i], `expected a multiple of ${h} (the default heads; set dimensions.heads otherwise), got ${w}`);
      }
    });
    return;
  }
  heads.forEach((h, j) => {
    if (!isNum(h) || !Number.isInteger(h) || h <= 0) return;
    const bad = ws.filter((w) => w % h !== 0);
    if (bad.length > 0) issues.add(['dimensions', 'heads', 'values', j], `expected a divisor of every width, got ${h} (does not divide ${bad.join(', ')})`);
  });
}

/**
 * Exact total parameter count of the GPT a trial config and the task options describe (the same
 * count as the trainer's `gptParamCount`, written from the formula so planners can cost a config
 * without the trainer): V·C + T·C (embeddings) + depth · (12C² + 13C for r = 4, plus 4·d_head with
 * qk-norm) + 2C (final norm) + C·V for an untied readout. V = 256 bytes.
 */
export function gptParamsOf(config: Record<string, unknown>, options: Record<string, unknown> = {}): number {
  const num = (v: unknown, d: number): number => (isNum(v) ? v : d);
  const c = num(config.width, NaN);
  const depth = num(config.depth, GPT_DEFAULTS.depth);
  const heads = num(config.heads, GPT_DEFAULTS.heads);
  const t = num(options.context, 128);
  const hidden = Math.round(num(options.mlpRatio, 4) * c);
  const mup = (config.parametrisation ?? GPT_DEFAULTS.parametrisation) === 'mup';
  const tied = typeof options.tieEmbeddings === 'boolean' ? options.tieEmbeddings : !mup;
  const qk = (config.qkNorm ?? GPT_DEFAULTS.qkNorm) === true ? 4 * (c / heads) : 0;
  const v = 256;
  const block = 2 * c + (3 * c * c + 3 * c) + qk + (c * c + c) + 2 * c + (c * hidden + hidden) + (hidden * c + c);
  return v * c + t * c + depth * block + 2 * c + (tied ? 0 : c * v);
}
