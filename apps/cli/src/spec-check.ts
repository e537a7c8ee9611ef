/**
 * The whole pre-run check of a spec: `parseSpec` against every plugin's option schema, then the
 * checks that need files (a replay table has runs at the spec's sizes). `slab validate`, `submit`
 * and `run` use it, and the stack hands it to the gateway, so a submit is checked the same way.
 */
// The preflight module alone: the package's index loads the Temporal client, which validate never needs.
import { preflightSpec } from '@slab/orchestration-node/preflight';
import { BUILTIN_PLUGIN_SCHEMAS, parseSpec, type PluginSchema, type SpecResult } from '@slab/spec';

/**
 * Option schemas by `task.plugin`. The built-in ones live in @slab/spec (libs/spec/src/plugins);
 * a plugin that keeps its schema in its own package adds one line here.
 */
export const PLUGIN_SCHEMAS: Record<string, PluginSchema> = { ...BUILTIN_PLUGIN_SCHEMAS };

export function checkSpec(yamlText: string, cwd = process.cwd()): SpecResult {
  const r = parseSpec(yamlText, { plugins: PLUGIN_SCHEMAS });
  if (!r.ok) return r;
  const issues = preflightSpec(r.spec, cwd);
  return issues.length > 0 ? { ok: false, issues } : r;
}
