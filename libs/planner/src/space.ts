/** The search space of a spec: mapping unit-cube points to configs, costing configs, identifying them. */
import { DIMENSION_NAMES, gptParamsOf, type DimensionName, type SweepSpec, type TrialConfig } from '@slab/spec';
import type { Candidate, PlannerHooks } from './types';

type Dim = NonNullable<SweepSpec['dimensions'][DimensionName]>;

/** Dimensions present in the spec, canonical order. */
export function spaceDims(spec: SweepSpec): [DimensionName, Dim][] {
  const out: [DimensionName, Dim][] = [];
  for (const name of DIMENSION_NAMES) {
    const d = spec.dimensions[name];
    if (d) out.push([name, d as Dim]);
  }
  return out;
}

/** Stable identity of a config (key order independent), so a point is never planned twice. */
export function configKey(c: TrialConfig): string {
  return DIMENSION_NAMES.filter((n) => c[n] !== undefined)
    .map((n) => `${n}=${c[n]}`)
    .join(',');
}

/** Unit coordinate u ∈ [0,1) → a value of one dimension. */
function fromUnit(dim: Dim, u: number): number | string {
  if ('values' in dim) {
    const vals = dim.values as (number | string)[];
    return vals[Math.min(vals.length - 1, Math.floor(u * vals.length))];
  }
  const v = dim.scale === 'log' ? Math.exp(Math.log(dim.min) + u * (Math.log(dim.max) - Math.log(dim.min))) : dim.min + u * (dim.max - dim.min);
  return dim.integer ? Math.min(dim.max, Math.max(dim.min, Math.round(v))) : v;
}

/** A value → its unit coordinate (centre of its cell for listed values). */
function toUnit(dim: Dim, v: number | string | boolean | undefined): number {
  if (v === undefined) return 0.5;
  if ('values' in dim) {
    const i = (dim.values as (number | string)[]).indexOf(v as never);
    if (i >= 0) return (i + 0.5) / dim.values.length;
    // A value outside the list (replay candidates): place it by its numeric rank.
    const nums = (dim.values as unknown[]).filter((x): x is number => typeof x === 'number');
    if (typeof v !== 'number' || nums.length === 0) return 0.5;
    const lo = Math.min(...nums);
    const hi = Math.max(...nums);
    return hi > lo ? clamp01((Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))) : 0.5;
  }
  const x = Number(v);
  if (dim.max === dim.min) return 0.5;
  return clamp01(dim.scale === 'log' ? (Math.log(x) - Math.log(dim.min)) / (Math.log(dim.max) - Math.log(dim.min)) : (x - dim.min) / (dim.max - dim.min));
}
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

export function configFromUnit(spec: SweepSpec, u: number[]): TrialConfig {
  const c: Record<string, number | string> = {};
  spaceDims(spec).forEach(([name, dim], j) => (c[name] = fromUnit(dim, u[j])));
  return c as TrialConfig;
}

export function unitOf(spec: SweepSpec, c: TrialConfig): number[] {
  return spaceDims(spec).map(([name, dim]) => toUnit(dim, c[name]));
}

/**
 * Parameter count N of a config: `params` when given, else the host's width→params hook, else the
 * GPT count for task.model gpt (`gptParamsOf`), else the dense-MLP count from task.options (inputSize 784, outputSize 10, hiddenLayers 1 by default: the
 * Fashion-MNIST MLP of the tfjs plugin).
 */
export function paramsOf(spec: SweepSpec, c: TrialConfig, hooks: PlannerHooks): number {
  if (c.params !== undefined) return c.params;
  if (c.width === undefined) throw new Error('planner: a config needs params or width to estimate N');
  if (hooks.paramsForWidth) return hooks.paramsForWidth(c.width, spec);
  if (spec.task.model === 'gpt') return gptParamsOf(c as Record<string, unknown>, spec.task.options);
  if (spec.task.model !== 'mlp')
    throw new Error(`planner: cannot derive params from width for model "${spec.task.model}" without the plugin's paramsForWidth`);
  const o = spec.task.options ?? {};
  const num = (k: string, d: number) => (typeof o[k] === 'number' ? (o[k] as number) : d);
  const inputs = num('inputSize', 784);
  const outputs = num('outputSize', 10);
  const layers = num('hiddenLayers', 1);
  const w = c.width;
  return inputs * w + w + (layers - 1) * (w * w + w) + w * outputs + outputs;
}

/** Training FLOPs ≈ 6·N·D (forward + backward for a dense net), times curation epochs when repeated. */
export function estFlops(spec: SweepSpec, c: TrialConfig, hooks: PlannerHooks): number {
  if (c.data === undefined) throw new Error('planner: a config needs data (D) to estimate FLOPs');
  return 6 * paramsOf(spec, c, hooks) * c.data;
}

export function toCandidate(spec: SweepSpec, c: TrialConfig, hooks: PlannerHooks): Candidate {
  return { config: c, estFlops: estFlops(spec, c, hooks), unit: unitOf(spec, c) };
}

/** Law inputs (e.g. {N, D}) of a config, through the spec's law.variables map. */
export function lawInputs(spec: SweepSpec, c: TrialConfig, hooks: PlannerHooks, variables: Record<string, string>): Record<string, number> {
  const x: Record<string, number> = {};
  for (const [v, q] of Object.entries(variables)) {
    if (q === 'params') x[v] = paramsOf(spec, c, hooks);
    else if (q === 'flops') x[v] = estFlops(spec, c, hooks);
    else x[v] = Number(c[q as keyof TrialConfig]);
  }
  return x;
}

/** law.variables, or the usual mapping of the named law. */
export function lawVariables(spec: SweepSpec): Record<string, string> {
  if (spec.law.variables) return spec.law.variables;
  return spec.law.name === 'chinchilla' || spec.law.name === 'kaplan' ? { N: 'params', D: 'data' } : { x: 'params' };
}
