/**
 * The option schema a trainer plugin declares, so `slab validate` and the gateway check
 * `task.options` and the swept dimensions before any trial runs, without loading the plugin's code
 * (the CLI and gateway never import tfjs). Universal: data and pure checks only.
 *
 * Adding a plugin's schema: write `plugins/<name>.ts` exporting a `PluginSchema` and list it in
 * `plugins/index.ts` (BUILTIN_PLUGIN_SCHEMAS); callers may also pass their own to parseSpec.
 */
import { closest, describe, type IssueList, type PathSegment } from '../issues';
import type { DimensionName } from '../types';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** One `task.options` key. Numbers accept `min`/`max` (inclusive) and `integer`. */
export type OptionRule =
  | { type: 'number'; min?: number; max?: number; integer?: boolean; doc: string }
  | { type: 'string'; oneOf?: readonly string[]; doc: string }
  | { type: 'boolean'; doc: string }
  /** Checked elsewhere (e.g. `pools` by pools.ts, a scorer mapping by the trainer). */
  | { type: 'any'; doc: string };

export interface PluginSchema {
  /** `task.plugin` value. */
  name: string;
  /** Every key the plugin reads from `task.options`; others are unknown keys (with did-you-mean). */
  options: Record<string, OptionRule>;
  /**
   * Who receives the keys not in `options` (e.g. "the program" for `process`): set, such keys are
   * allowed and only a near miss of a declared key is reported.
   */
  otherOptions?: string;
  /** Dimensions the plugin honours; a spec sweeping any other is refused, with `dimensionsNote` saying why. */
  dimensions: readonly DimensionName[];
  dimensionsNote?: string;
  /** Whether this schema governs the task at all (e.g. tfjs defers `model: gpt` options to gpt.ts). */
  appliesTo?(task: Obj): boolean;
  /** Checks across options and dimensions on the raw spec (e.g. a seed dimension needs replay noise). */
  check?(root: Obj, issues: IssueList): void;
}

function describeRule(r: OptionRule): string {
  if (r.type === 'number') {
    const kind = r.integer ? 'an integer' : 'a number';
    if (r.min !== undefined && r.max !== undefined) return `${kind} in [${r.min}, ${r.max}]`;
    if (r.min !== undefined) return `${kind} ≥ ${r.min}`;
    if (r.max !== undefined) return `${kind} ≤ ${r.max}`;
    return kind;
  }
  if (r.type === 'string') return r.oneOf ? `one of ${r.oneOf.join(', ')}` : 'a string';
  if (r.type === 'boolean') return 'true or false';
  return 'a value';
}

function checkValue(issues: IssueList, path: PathSegment[], r: OptionRule, v: unknown): void {
  if (r.type === 'number') {
    // A quoted number ("5e-2", as PyYAML users write it) is a string in YAML: say so, by name.
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) {
      issues.add(path, `expected ${describeRule(r)}, got the string ${describe(v)} (write it without quotes: ${v.trim()})`);
      return;
    }
    const ok = isNum(v) && (!r.integer || Number.isInteger(v)) && (r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max);
    if (!ok) issues.expected(path, describeRule(r), v);
  } else if (r.type === 'string') {
    if (typeof v !== 'string' || (r.oneOf && !r.oneOf.includes(v))) {
      const near = typeof v === 'string' && r.oneOf ? closest(v, r.oneOf) : undefined;
      issues.add(path, `expected ${describeRule(r)}, got ${describe(v)}${near ? ` (did you mean "${near}"?)` : ''}`);
    }
  } else if (r.type === 'boolean' && typeof v !== 'boolean') issues.expected(path, describeRule(r), v);
}

/**
 * Checks the raw spec's task against the schema of its plugin: option keys and values, dimensions
 * the plugin cannot honour, and the schema's own cross-checks. An unknown plugin close to a known
 * name is a typo; any other name is left to the workers that host it.
 */
export function checkPlugin(root: Obj, schemas: Record<string, PluginSchema>, issues: IssueList): void {
  const task = isObj(root.task) ? root.task : undefined;
  if (!task || typeof task.plugin !== 'string') return;
  const schema = schemas[task.plugin];
  if (!schema) {
    const near = closest(task.plugin, Object.keys(schemas));
    if (near) issues.add(['task', 'plugin'], `unknown plugin ${describe(task.plugin)}, did you mean "${near}"?`);
    return;
  }
  if (schema.appliesTo && !schema.appliesTo(task)) return;
  const options = isObj(task.options) ? task.options : {};
  const known = Object.keys(schema.options);
  for (const [k, v] of Object.entries(options)) {
    const path = ['task', 'options', k];
    const rule = schema.options[k];
    if (rule) {
      checkValue(issues, path, rule, v);
      continue;
    }
    const near = closest(k, known);
    if (schema.otherOptions !== undefined) {
      if (near) issues.add(path, `unknown key, did you mean "${near}"? (keys other than ${known.join(', ')} go to ${schema.otherOptions})`);
      continue;
    }
    // "unknown key" first: the YAML layer then points at the key, not its value.
    issues.add(path, near ? `unknown key, did you mean "${near}"? (an option of the ${schema.name} plugin)` : `unknown key, expected one of the ${schema.name} options ${known.join(', ')}`);
  }
  const dims = isObj(root.dimensions) ? root.dimensions : {};
  for (const d of Object.keys(dims)) {
    if ((schema.dimensions as readonly string[]).includes(d)) continue;
    issues.add(['dimensions', d], `the ${schema.name} plugin cannot honour this dimension${schema.dimensionsNote ? ` (${schema.dimensionsNote})` : ''}; it sweeps ${schema.dimensions.join(', ')}`);
  }
  schema.check?.(root, issues);
}
