/**
 * Quality pools (`task.options.pools`, selected per trial by the `curation.pools` dimension).
 * A pool is one or more quality tiers of the task's candidate rows, each tier the rows a curation
 * strategy keeps (e.g. `el2n-keep-easy` at 0.1 = the top-10% by quality); tiers are made disjoint
 * in order (a later tier only gets rows no earlier tier took) and mixed by temperature sampling.
 * Shared by spec validation and the trainers, so both report the same paths. Universal code.
 */
import { describe, type PathSegment } from './issues';
import type { PoolSpec, PoolTierSpec } from './types';

export type PoolsResult =
  | { ok: true; pools: Record<string, PoolSpec> }
  | { ok: false; issues: { path: PathSegment[]; message: string }[] };

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const STRATEGY = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFraction = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= 1;

/**
 * Normalises `task.options.pools`: a mapping of pool name → either one tier written inline
 * (`{ strategy, keep }`, keep defaults to 1) or `{ tiers: [{ strategy, keep }, ...], temperature }`
 * (temperature > 0, default 1 = proportional to tier size). `path` prefixes every issue.
 */
export function normalizePools(raw: unknown, path: readonly PathSegment[] = ['task', 'options', 'pools']): PoolsResult {
  const issues: { path: PathSegment[]; message: string }[] = [];
  const bad = (p: PathSegment[], what: string, got: unknown) => issues.push({ path: [...path, ...p], message: `expected ${what}, got ${describe(got)}` });
  if (!isObj(raw) || Object.keys(raw).length === 0) {
    issues.push({ path: [...path], message: `expected a non-empty mapping of pool name → { strategy, keep } or { tiers, temperature }, got ${describe(raw)}` });
    return { ok: false, issues };
  }
  const pools: Record<string, PoolSpec> = {};
  const tier = (t: unknown, p: PathSegment[]): PoolTierSpec | undefined => {
    if (!isObj(t)) return void bad(p, 'a mapping { strategy, keep }', t);
    let ok = true;
    for (const k of Object.keys(t)) {
      if (k !== 'strategy' && k !== 'keep') {
        issues.push({ path: [...path, ...p, k], message: 'unknown key, expected one of strategy, keep' });
        ok = false;
      }
    }
    if (typeof t.strategy !== 'string' || !STRATEGY.test(t.strategy)) {
      bad([...p, 'strategy'], 'a strategy name of lowercase letters, digits and "-" (e.g. full, el2n-keep-easy)', t.strategy);
      ok = false;
    }
    const keep = t.keep ?? 1;
    if (!isFraction(keep)) {
      bad([...p, 'keep'], 'a number in (0, 1]', t.keep);
      ok = false;
    }
    return ok ? { strategy: t.strategy as string, keep: keep as number } : undefined;
  };
  for (const [name, def] of Object.entries(raw)) {
    if (!NAME.test(name)) {
      issues.push({ path: [...path, name], message: 'expected a pool name of letters, digits, ".", "_" or "-"' });
      continue;
    }
    if (!isObj(def)) {
      bad([name], '{ strategy, keep } or { tiers: [...], temperature }', def);
      continue;
    }
    if (!('tiers' in def)) {
      const t = tier(def, [name]);
      if (t) pools[name] = { tiers: [t] };
      continue;
    }
    let ok = true;
    for (const k of Object.keys(def)) {
      if (k !== 'tiers' && k !== 'temperature') {
        issues.push({ path: [...path, name, k], message: 'unknown key, expected one of tiers, temperature' });
        ok = false;
      }
    }
    const tiers = def.tiers;
    if (!Array.isArray(tiers) || tiers.length === 0) {
      bad([name, 'tiers'], 'a non-empty list of { strategy, keep }', tiers);
      continue;
    }
    const parsed = tiers.map((t, i) => tier(t, [name, 'tiers', i]));
    const temperature = def.temperature ?? 1;
    if (!(typeof temperature === 'number' && Number.isFinite(temperature) && temperature > 0)) {
      bad([name, 'temperature'], 'a positive number (1 = proportional to tier size, larger = flatter)', def.temperature);
      ok = false;
    }
    if (ok && parsed.every((t) => t !== undefined)) {
      pools[name] = { tiers: parsed as PoolTierSpec[], ...(def.temperature !== undefined && { temperature: temperature as number }) };
    }
  }
  return issues.length ? { ok: false, issues } : { ok: true, pools };
}
