import type { ScoreResult } from './types';

/** What identifies a score vector: same key → same scores (every scorer is deterministic). */
export interface ScoreKey {
  /** Dataset identity including its preprocessing and subset, e.g. `fashion-mnist:train:pool2x2:n=4000`. */
  dataset: string;
  scorer: string;
  /** Scorer settings (epochs, seeds, hidden, k, ...); plain JSON values. */
  settings: Record<string, unknown>;
  seed: number;
}

/**
 * Score cache. Synchronous because scoring is synchronous and the store's SQLite driver is too; the
 * store-backed implementation lives with the store, this interface is all the curation code needs.
 */
export interface ScoreCache {
  get(key: ScoreKey): ScoreResult | undefined;
  set(key: ScoreKey, value: ScoreResult): void;
}

/** Stable string form of a key: object keys sorted, so option order never splits the cache. */
export function scoreKeyString(key: ScoreKey): string {
  return stableStringify({ dataset: key.dataset, scorer: key.scorer, settings: key.settings, seed: key.seed });
}

function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (ArrayBuffer.isView(v)) throw new Error('scoreKeyString: settings must be plain JSON (found a typed array)');
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** In-process cache; stores copies so callers cannot mutate cached scores. */
export class InMemoryScoreCache implements ScoreCache {
  private readonly map = new Map<string, ScoreResult>();
  get(key: ScoreKey): ScoreResult | undefined {
    const hit = this.map.get(scoreKeyString(key));
    return hit && { scores: hit.scores.slice(), flops: hit.flops };
  }
  set(key: ScoreKey, value: ScoreResult): void {
    this.map.set(scoreKeyString(key), { scores: value.scores.slice(), flops: value.flops });
  }
  get size(): number {
    return this.map.size;
  }
}
