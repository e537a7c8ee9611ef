/**
 * Structural validation of a sweep spec (any JSON-like value) into a typed `SweepSpec` with
 * defaults applied. Every mistake is reported (not just the first), each with the exact path.
 * Universal code: no Node built-ins (runs in the gateway, CLI, browser and workflow sandbox).
 */
import { checkGptSpec, GPT_DIMENSION_NAMES, GPT_DIMENSION_RULES } from './gpt';
import { closest, IssueList, type PathSegment } from './issues';
import { checkLaw } from './law-check';
import { checkSystemLimits } from './limits';
import { BUILTIN_PLUGIN_SCHEMAS, checkPlugin, type PluginSchema } from './plugins/index';
import { normalizePools } from './pools';
import { readStudy } from './study';
import type {
  DimensionName,
  DimensionsSpec,
  HoldoutSpec,
  LawSpec,
  PlannerKind,
  PlannerSpec,
  SpecIssue,
  SweepSpec,
  TargetSpec,
  TaskSpec,
} from './types';

export type SpecResult = { ok: true; spec: SweepSpec } | { ok: false; issues: SpecIssue[] };

/** Internal result keeping raw paths so the YAML layer can attach line numbers. */
export type RawSpecResult =
  | { ok: true; spec: SweepSpec }
  | { ok: false; issues: { path: PathSegment[]; message: string }[] };

type Obj = Record<string, unknown>;

export const PLANNER_KINDS: readonly PlannerKind[] = ['grid', 'random', 'sobol', 'adaptive'];
/** Canonical dimension order: grids enumerate in this order, the last one varying fastest. */
export const DIMENSION_NAMES: readonly DimensionName[] = [
  'width',
  'params',
  'data',
  'learningRate',
  'seed',
  'curation.strategy',
  'curation.keep',
  'curation.epochs',
  'curation.pools',
  ...GPT_DIMENSION_NAMES,
];
/** Trial quantities a law variable may map to (besides `final.<metric>`, see FINAL_QUANTITY). */
export const TRIAL_QUANTITIES = ['params', 'data', 'flops', 'width', 'learningRate', 'curation.keep', 'curation.epochs', 'depth', 'heads', 'batchSize', 'uniqueData', 'warmup', 'weightDecay', 'zLoss'];

/** A law variable may also read a final metric of the trial's result, e.g. `final.curation_kept`. */
export const FINAL_QUANTITY = /^final\.[A-Za-z0-9_]+$/;

export const DEFAULTS = {
  parallelism: 1,
  resourceClass: 'cpu',
  planner: { kind: 'grid' as PlannerKind, seed: 0 },
  law: { name: 'power-law-plus-constant', metric: 'eval_loss', bootstrap: 200 },
  trial: { logEvery: 10, evalEvery: 100, checkpointEvery: 50, timeoutSeconds: 1800, heartbeatSeconds: 30, maxAttempts: 3 },
} as const;

interface ValueRule {
  what: string;
  test: (v: unknown) => boolean;
}
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const POS_INT: ValueRule = { what: 'a positive integer', test: (v) => isNum(v) && Number.isInteger(v) && v > 0 };
const NONNEG_INT: ValueRule = { what: 'a non-negative integer', test: (v) => isNum(v) && Number.isInteger(v) && v >= 0 };
const POS_NUM: ValueRule = { what: 'a positive number', test: (v) => isNum(v) && v > 0 };
const FRACTION: ValueRule = { what: 'a number in (0, 1]', test: (v) => isNum(v) && v > 0 && v <= 1 };
const NON_EMPTY: ValueRule = { what: 'a non-empty string', test: (v) => typeof v === 'string' && v.trim() !== '' };
const IDENT: ValueRule = {
  what: 'a name of letters, digits, ".", "_" or "-"',
  test: (v) => typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v),
};

/**
 * Curation strategy names are checked for shape only: the known names live in @slab/curation (Node
 * code), so each trainer's validate() rejects names it does not implement, listing the ones it does.
 */
const STRATEGY: ValueRule = {
  what: 'a strategy name of lowercase letters, digits and "-" (e.g. random, el2n-keep-hard)',
  test: (v) => typeof v === 'string' && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(v),
};

type DimRule = { kind: 'numeric'; rule: ValueRule; integer: boolean } | { kind: 'seed' } | { kind: 'categorical'; rule: ValueRule };
const DIM_RULES: Record<DimensionName, DimRule> = {
  width: { kind: 'numeric', rule: POS_INT, integer: true },
  params: { kind: 'numeric', rule: POS_INT, integer: true },
  data: { kind: 'numeric', rule: POS_INT, integer: true },
  learningRate: { kind: 'numeric', rule: POS_NUM, integer: false },
  seed: { kind: 'seed' },
  'curation.strategy': { kind: 'categorical', rule: STRATEGY },
  'curation.keep': { kind: 'numeric', rule: FRACTION, integer: false },
  'curation.epochs': { kind: 'numeric', rule: POS_INT, integer: true },
  'curation.pools': { kind: 'categorical', rule: IDENT },
  ...GPT_DIMENSION_RULES,
};

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Walks one spec, collecting issues. Each `read*` returns the value only when it is valid. */
class Checker {
  readonly issues = new IssueList();

  keys(obj: Obj, path: PathSegment[], known: readonly string[]): void {
    for (const k of Object.keys(obj)) {
      if (known.includes(k)) continue;
      const near = closest(k, known);
      this.issues.add(
        [...path, k],
        near ? `unknown key, did you mean "${near}"?` : `unknown key, expected one of ${known.join(', ')}`,
      );
    }
  }

  obj(parent: Obj, key: string, path: PathSegment[], required: boolean): Obj | undefined {
    const v = parent[key];
    if (v === undefined && !required) return undefined;
    if (!isObj(v)) {
      this.issues.expected([...path, key], 'a mapping', v);
      return undefined;
    }
    return v;
  }

  value<T>(parent: Obj, key: string, path: PathSegment[], rule: ValueRule, fallback?: T): T | undefined {
    const v = parent[key];
    if (v === undefined) {
      if (fallback === undefined) this.issues.expected([...path, key], rule.what, v);
      return fallback;
    }
    if (!rule.test(v)) {
      this.issues.expected([...path, key], rule.what, v);
      return undefined;
    }
    return v as T;
  }

  optional<T>(parent: Obj, key: string, path: PathSegment[], rule: ValueRule): T | undefined {
    if (parent[key] === undefined) return undefined;
    return this.value<T>(parent, key, path, rule);
  }

  oneOf<T extends string>(parent: Obj, key: string, path: PathSegment[], options: readonly T[], fallback?: T): T | undefined {
    const v = parent[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v === 'string' && (options as readonly string[]).includes(v)) return v as T;
    const near = typeof v === 'string' ? closest(v, options) : undefined;
    const hint = near ? ` (did you mean "${near}"?)` : '';
    this.issues.expected([...path, key], `one of ${options.join(', ')}`, v);
    if (hint) this.issues.items[this.issues.items.length - 1].message += hint;
    return undefined;
  }
}

function readTask(c: Checker, root: Obj): TaskSpec | undefined {
  const t = c.obj(root, 'task', [], true);
  if (!t) return undefined;
  const p = ['task'];
  c.keys(t, p, ['dataset', 'model', 'plugin', 'options']);
  const dataset = c.value<string>(t, 'dataset', p, NON_EMPTY);
  const model = c.value<string>(t, 'model', p, NON_EMPTY);
  const plugin = c.value<string>(t, 'plugin', p, IDENT);
  const options = c.obj(t, 'options', p, false);
  if (options?.pools !== undefined) {
    const r = normalizePools(options.pools);
    if (!r.ok) for (const i of r.issues) c.issues.add(i.path, i.message);
  }
  if (dataset === undefined || model === undefined || plugin === undefined) return undefined;
  return options ? { dataset, model, plugin, options } : { dataset, model, plugin };
}

function readDimension(c: Checker, name: DimensionName, raw: unknown, path: PathSegment[], grid: boolean) {
  const rule = DIM_RULES[name];
  const valueRule: ValueRule =
    rule.kind === 'seed' ? NONNEG_INT : rule.rule;
  if (!isObj(raw)) {
    c.issues.expected(path, rule.kind === 'numeric' ? '{ values: [...] } or { min, max, scale }' : '{ values: [...] }', raw);
    return undefined;
  }
  if ('values' in raw || rule.kind !== 'numeric') {
    c.keys(raw, path, ['values']);
    const values = raw.values;
    if (!Array.isArray(values) || values.length === 0) {
      c.issues.expected([...path, 'values'], `a non-empty list of ${valueRule.what.replace(/^an? /, '')}s`, values);
      return undefined;
    }
    let ok = true;
    const seen = new Set<unknown>();
    values.forEach((v, i) => {
      if (!valueRule.test(v)) {
        c.issues.expected([...path, 'values', i], valueRule.what, v);
        ok = false;
      } else if (seen.has(v)) {
        c.issues.add([...path, 'values', i], `duplicate value ${JSON.stringify(v)}`);
        ok = false;
      }
      seen.add(v);
    });
    return ok ? { values: values as (number | string)[] } : undefined;
  }
  // Range form: only for numeric dimensions; sampled by random/sobol/adaptive planners.
  c.keys(raw, path, ['min', 'max', 'scale', 'integer', 'values']);
  const min = c.value<number>(raw, 'min', path, valueRule);
  const max = c.value<number>(raw, 'max', path, valueRule);
  const scale = c.oneOf(raw, 'scale', path, ['log', 'linear'] as const, 'log');
  const integer = c.optional<boolean>(raw, 'integer', path, { what: 'true or false', test: (v) => typeof v === 'boolean' });
  if (min !== undefined && max !== undefined && max < min) c.issues.expected([...path, 'max'], `a number ≥ min (${min})`, max);
  if (grid) c.issues.add(path, 'planner "grid" needs explicit values, got a min/max range');
  if (min === undefined || max === undefined || scale === undefined || max < min) return undefined;
  const isInt = integer ?? (rule.kind === 'numeric' && rule.integer);
  return isInt ? { min, max, scale, integer: true } : { min, max, scale };
}

function readDimensions(c: Checker, root: Obj, plannerKind: PlannerKind | undefined): DimensionsSpec | undefined {
  const d = c.obj(root, 'dimensions', [], true);
  if (!d) return undefined;
  c.keys(d, ['dimensions'], DIMENSION_NAMES);
  const out: Record<string, unknown> = {};
  let ok = true;
  for (const name of DIMENSION_NAMES) {
    if (d[name] === undefined) continue;
    const dim = readDimension(c, name, d[name], ['dimensions', name], plannerKind === 'grid');
    if (dim === undefined) ok = false;
    else out[name] = dim;
  }
  if (d.width === undefined && d.params === undefined)
    c.issues.add(['dimensions'], 'expected a model size: width or params, got neither');
  if (d.width !== undefined && d.params !== undefined)
    c.issues.add(['dimensions', 'params'], 'expected either width or params, got both');
  if (d.data === undefined) c.issues.expected(['dimensions', 'data'], 'a data-size dimension', undefined);
  if (ok && out['curation.pools']) checkPoolDimension(c, root, out as DimensionsSpec);
  return ok ? (out as DimensionsSpec) : undefined;
}

/**
 * `curation.pools` names pools of `task.options.pools`; a pool names its own strategies and kept
 * fractions, so it does not combine with `curation.strategy` / `.keep` / `.epochs`.
 */
function checkPoolDimension(c: Checker, root: Obj, dims: DimensionsSpec): void {
  const path = ['dimensions', 'curation.pools'];
  for (const other of ['curation.strategy', 'curation.keep', 'curation.epochs'] as const) {
    if (dims[other]) c.issues.add(path, `expected no ${other} dimension alongside curation.pools (each pool names its own tiers), got both`);
  }
  const task = root.task;
  const raw = isObj(task) && isObj(task.options) ? task.options.pools : undefined;
  if (raw === undefined) {
    c.issues.expected(['task', 'options', 'pools'], 'a mapping of the pools named by dimensions.curation.pools', undefined);
    return;
  }
  if (!isObj(raw)) return; // reported by readTask
  const names = Object.keys(raw);
  dims['curation.pools']!.values.forEach((v, i) => {
    if (names.includes(v)) return;
    const near = closest(v, names);
    c.issues.add([...path, 'values', i], `unknown pool "${v}", expected one of task.options.pools: ${names.join(', ')}${near ? ` (did you mean "${near}"?)` : ''}`);
  });
}

function readPlanner(c: Checker, root: Obj, parallelism: number): PlannerSpec | undefined {
  const raw = root.planner ?? {};
  if (!isObj(raw)) {
    c.issues.expected(['planner'], 'a mapping', raw);
    return undefined;
  }
  const p = ['planner'];
  c.keys(raw, p, ['kind', 'batchSize', 'seed', 'tolerance']);
  const kind = c.oneOf(raw, 'kind', p, PLANNER_KINDS, DEFAULTS.planner.kind);
  const batchSize = c.value<number>(raw, 'batchSize', p, POS_INT, parallelism);
  const seed = c.value<number>(raw, 'seed', p, NONNEG_INT, DEFAULTS.planner.seed);
  const tolerance = c.optional<number>(raw, 'tolerance', p, POS_NUM);
  if (kind === undefined || batchSize === undefined || seed === undefined) return undefined;
  return tolerance === undefined ? { kind, batchSize, seed } : { kind, batchSize, seed, tolerance };
}

function readLaw(c: Checker, root: Obj): LawSpec | undefined {
  const raw = root.law ?? {};
  if (!isObj(raw)) {
    c.issues.expected(['law'], 'a mapping', raw);
    return undefined;
  }
  const p = ['law'];
  c.keys(raw, p, ['name', 'metric', 'metrics', 'variables', 'bootstrap']);
  const name = c.value<string>(raw, 'name', p, IDENT, DEFAULTS.law.name);
  const metrics = readLawMetrics(c, raw);
  const metric = c.value<string>(raw, 'metric', p, IDENT, metrics?.[0] ?? DEFAULTS.law.metric);
  if (metrics && metric !== undefined && !metrics.includes(metric)) c.issues.expected([...p, 'metric'], `one of law.metrics (${metrics.join(', ')})`, metric);
  const bootstrap = c.value<number>(raw, 'bootstrap', p, NONNEG_INT, DEFAULTS.law.bootstrap);
  let variables: Record<string, string> | undefined;
  const vars = c.obj(raw, 'variables', p, false);
  if (vars) {
    variables = {};
    for (const [k, v] of Object.entries(vars)) {
      if (typeof v === 'string' && (TRIAL_QUANTITIES.includes(v) || FINAL_QUANTITY.test(v))) variables[k] = v;
      else {
        const near = typeof v === 'string' ? closest(v, TRIAL_QUANTITIES) : undefined;
        c.issues.expected([...p, 'variables', k], `one of ${TRIAL_QUANTITIES.join(', ')} or final.<metric>`, v);
        if (near) c.issues.items[c.issues.items.length - 1].message += ` (did you mean "${near}"?)`;
        variables = undefined;
        break;
      }
    }
  } else if (raw.variables !== undefined) return undefined;
  if (name === undefined || metric === undefined || bootstrap === undefined) return undefined;
  if (raw.variables !== undefined && variables === undefined) return undefined;
  if (raw.metrics !== undefined && metrics === undefined) return undefined;
  const law: LawSpec = variables ? { name, metric, variables, bootstrap } : { name, metric, bootstrap };
  return metrics ? { ...law, metrics } : law;
}

/** `law.metrics`: several measured metrics, each fitted with the same law (e.g. one per eval set). */
function readLawMetrics(c: Checker, raw: Obj): string[] | undefined {
  const v = raw.metrics;
  if (v === undefined) return undefined;
  const path = ['law', 'metrics'];
  if (!Array.isArray(v) || v.length === 0) {
    c.issues.expected(path, 'a non-empty list of metric names (e.g. [eval_loss, eval_loss_austen])', v);
    return undefined;
  }
  let ok = true;
  v.forEach((m, i) => {
    if (!IDENT.test(m)) {
      c.issues.expected([...path, i], IDENT.what, m);
      ok = false;
    } else if (v.indexOf(m) !== i) {
      c.issues.add([...path, i], `duplicate metric ${JSON.stringify(m)}`);
      ok = false;
    }
  });
  return ok ? (v as string[]) : undefined;
}

function readTarget(c: Checker, root: Obj, law: LawSpec | undefined): TargetSpec | undefined | null {
  const raw = c.obj(root, 'target', [], false);
  if (!raw) return root.target === undefined ? undefined : null;
  const p = ['target'];
  const kind = c.oneOf(raw, 'kind', p, ['loss', 'frontier', 'best-keep'] as const);
  if (kind === undefined) return null;
  if (kind === 'loss') {
    c.keys(raw, p, ['kind', 'at']);
    const at = c.obj(raw, 'at', p, true);
    if (!at) return null;
    let ok = true;
    const entries = Object.entries(at);
    if (entries.length === 0) {
      c.issues.expected([...p, 'at'], 'at least one variable, e.g. { N: 1e9 }', at);
      ok = false;
    }
    for (const [k, v] of entries) {
      if (!POS_NUM.test(v)) {
        c.issues.expected([...p, 'at', k], POS_NUM.what, v);
        ok = false;
      } else if (law?.variables && !(k in law.variables)) {
        c.issues.add([...p, 'at', k], `unknown law variable, expected one of ${Object.keys(law.variables).join(', ')}`);
        ok = false;
      }
    }
    return ok ? { kind, at: at as Record<string, number> } : null;
  }
  c.keys(raw, p, ['kind', 'compute']);
  const compute = c.value<number>(raw, 'compute', p, POS_NUM);
  return compute === undefined ? null : { kind, compute };
}

function readHoldout(c: Checker, root: Obj): HoldoutSpec | undefined | null {
  const raw = c.obj(root, 'holdout', [], false);
  if (!raw) return root.holdout === undefined ? undefined : null;
  const p = ['holdout'];
  c.keys(raw, p, ['by', 'largest']);
  const by = c.oneOf(raw, 'by', p, ['flops', 'params', 'data'] as const, 'flops');
  const largest = c.value<number>(raw, 'largest', p, {
    what: 'a fraction in (0, 1) or a whole count ≥ 1',
    test: (v) => isNum(v) && v > 0 && (v < 1 || Number.isInteger(v)),
  });
  return by === undefined || largest === undefined ? null : { by, largest };
}

function readTrial(c: Checker, root: Obj): SweepSpec['trial'] | undefined {
  const raw = root.trial ?? {};
  if (!isObj(raw)) {
    c.issues.expected(['trial'], 'a mapping', raw);
    return undefined;
  }
  const p = ['trial'];
  const d = DEFAULTS.trial;
  c.keys(raw, p, Object.keys(d));
  const logEvery = c.value<number>(raw, 'logEvery', p, POS_INT, d.logEvery);
  const evalEvery = c.value<number>(raw, 'evalEvery', p, POS_INT, d.evalEvery);
  const checkpointEvery = c.value<number>(raw, 'checkpointEvery', p, POS_INT, d.checkpointEvery);
  const timeoutSeconds = c.value<number>(raw, 'timeoutSeconds', p, POS_NUM, d.timeoutSeconds);
  const heartbeatSeconds = c.value<number>(raw, 'heartbeatSeconds', p, POS_NUM, d.heartbeatSeconds);
  const maxAttempts = c.value<number>(raw, 'maxAttempts', p, POS_INT, d.maxAttempts);
  if ([logEvery, evalEvery, checkpointEvery, timeoutSeconds, heartbeatSeconds, maxAttempts].some((v) => v === undefined)) return undefined;
  return { logEvery: logEvery!, evalEvery: evalEvery!, checkpointEvery: checkpointEvery!, timeoutSeconds: timeoutSeconds!, heartbeatSeconds: heartbeatSeconds!, maxAttempts: maxAttempts! };
}

const TOP_KEYS = [
  'name', 'description', 'task', 'dimensions', 'budget', 'parallelism', 'resourceClass',
  'planner', 'law', 'target', 'holdout', 'study', 'trial',
];

export interface ValidateOptions {
  /** Plugin option schemas to check `task.options` and dimensions against (default: the built-in plugins). */
  plugins?: Record<string, PluginSchema>;
}

/** Validates with raw paths; `validateSpec` and `parseSpec` format them. */
export function validateRaw(obj: unknown, opts: ValidateOptions = {}): RawSpecResult {
  const c = new Checker();
  if (!isObj(obj)) {
    c.issues.expected([], 'a mapping with name, task, dimensions, ...', obj);
    return { ok: false, issues: c.issues.items };
  }
  c.keys(obj, [], TOP_KEYS);
  const name = c.value<string>(obj, 'name', [], NON_EMPTY);
  const description = c.optional<string>(obj, 'description', [], { what: 'a string', test: (v) => typeof v === 'string' });
  const task = readTask(c, obj);
  const parallelism = c.value<number>(obj, 'parallelism', [], POS_INT, DEFAULTS.parallelism);
  const resourceClass = c.value<string>(obj, 'resourceClass', [], IDENT, DEFAULTS.resourceClass);
  const planner = readPlanner(c, obj, parallelism ?? DEFAULTS.parallelism);
  const dimensions = readDimensions(c, obj, planner?.kind);

  const budgetRaw = obj.budget ?? {};
  let budget: SweepSpec['budget'] | undefined;
  if (!isObj(budgetRaw)) c.issues.expected(['budget'], 'a mapping', budgetRaw);
  else {
    c.keys(budgetRaw, ['budget'], ['flops', 'trials']);
    const flops = c.optional<number>(budgetRaw, 'flops', ['budget'], POS_NUM);
    const trials = c.optional<number>(budgetRaw, 'trials', ['budget'], POS_INT);
    const bad = (budgetRaw.flops !== undefined && flops === undefined) || (budgetRaw.trials !== undefined && trials === undefined);
    if (!bad) {
      budget = {};
      if (flops !== undefined) budget.flops = flops;
      if (trials !== undefined) budget.trials = trials;
      if (planner && planner.kind !== 'grid' && flops === undefined && trials === undefined)
        c.issues.expected(['budget'], `flops and/or trials (planner "${planner.kind}" needs a limit)`, undefined);
    }
  }

  const law = readLaw(c, obj);
  if (law?.variables && planner?.kind === 'adaptive') {
    // The adaptive planner places candidates by the law's inputs before they are trained.
    for (const [k, v] of Object.entries(law.variables)) {
      if (FINAL_QUANTITY.test(v)) c.issues.add(['law', 'variables', k], `"${v}" is measured after training, so the adaptive planner cannot place runs by it; use planner grid, random or sobol`);
    }
  }
  const target = readTarget(c, obj, law);
  const holdout = readHoldout(c, obj);
  const study = readStudy(obj, c.issues);
  const trial = readTrial(c, obj);
  checkLaw(obj, c.issues);
  checkSystemLimits(obj, c.issues);
  checkPlugin(obj, opts.plugins ?? BUILTIN_PLUGIN_SCHEMAS, c.issues);
  checkGptSpec(obj, c.issues);

  if (c.issues.items.length > 0) return { ok: false, issues: c.issues.items };
  const spec: SweepSpec = {
    name: name!,
    task: task!,
    dimensions: dimensions!,
    budget: budget!,
    parallelism: parallelism!,
    resourceClass: resourceClass!,
    planner: planner!,
    law: law!,
    trial: trial!,
  };
  if (description !== undefined) spec.description = description;
  if (target) spec.target = target;
  if (holdout) spec.holdout = holdout;
  if (study) spec.study = study;
  return { ok: true, spec };
}

/** Validates a plain object (e.g. JSON from the API) as a sweep spec, applying defaults. */
export function validateSpec(obj: unknown, opts: ValidateOptions = {}): SpecResult {
  const r = validateRaw(obj, opts);
  if (r.ok) return r;
  const list = new IssueList();
  for (const i of r.issues) list.add(i.path, i.message);
  return { ok: false, issues: list.toIssues() };
}
