import { scoreKeyString, type ScoreCache } from './cache';
import { CurationInputError } from './errors';
import { pcaEmbedding } from './embed';
import { dedupExact, semDedup } from './policies/dedup';
import { classBalanced, selectByScore, selectCoverage, selectRandom } from './policies/select';
import { deriveSeed } from './rng';
import { SCORERS } from './scores/index';
import type { CurationData, KeepEnd, ScoreResult } from './types';
import { validateData } from './validate';

export interface CurationOptions {
  seed: number;
  /** Dataset identity for the score cache; without it (or without `cache`) scores are recomputed. */
  dataset?: string;
  cache?: ScoreCache;
  /** Settings passed to the scorer (epochs, seeds, hidden, k, ...). */
  scorer?: Record<string, unknown>;
  /** Keep-hard: fraction of the hardest skipped first. @default 0 */
  offset?: number;
  /** CCS: hardest fraction dropped. @default 0.1 */
  beta?: number;
  /** CCS: score strata. @default 50 */
  bins?: number;
  /** semdedup: cosine threshold 1 − eps. @default 0.01 */
  eps?: number;
  /** semdedup: clusters. @default max(1, round(n / 100)) */
  dedupClusters?: number;
}

export interface CurationReport {
  strategy: string;
  total: number;
  kept: number;
  /** Kept examples per class. */
  classes: number[];
  /** FLOPs of computing the scores used (charge once per cache key; see `cacheHit`). */
  scoringFlops: number;
  cacheHit: boolean;
  /** Dedup strategies: examples removed as duplicates. */
  duplicatesRemoved?: number;
}

export interface CurationResult {
  /** Kept row indices into `data`, ascending. */
  indices: Uint32Array;
  report: CurationReport;
}

const SCORED = ['el2n', 'grand', 'loss', 'forgetting', 'ssp', 'sup-prototype'] as const;

/** Every strategy name `applyCuration` accepts (the values of the `curation.strategy` dimension). */
export function listStrategies(): string[] {
  const out = ['full', 'random', 'random-balanced', 'dedup', 'semdedup'];
  for (const s of SCORED) {
    for (const end of ['easy', 'hard']) out.push(`${s}-keep-${end}`, `${s}-keep-${end}-balanced`);
    out.push(`${s}-ccs`);
  }
  return out;
}

type Parsed =
  | { kind: 'full' | 'random' | 'random-balanced' | 'dedup' | 'semdedup' }
  | { kind: 'score'; scorer: string; end: KeepEnd; balanced: boolean }
  | { kind: 'ccs'; scorer: string };

function parseStrategy(strategy: string): Parsed {
  if (['full', 'random', 'random-balanced', 'dedup', 'semdedup'].includes(strategy)) {
    return { kind: strategy as 'full' };
  }
  const m = /^(.+?)-(?:keep-(easy|hard)(-balanced)?|(ccs))$/.exec(strategy);
  if (m && (SCORED as readonly string[]).includes(m[1])) {
    return m[4] ? { kind: 'ccs', scorer: m[1] } : { kind: 'score', scorer: m[1], end: m[2] as KeepEnd, balanced: !!m[3] };
  }
  throw new CurationInputError('strategy', `one of listStrategies() (e.g. 'random', 'el2n-keep-hard')`, strategy);
}

/**
 * Select the rows to train on for sweep dimensions `curation.strategy` and `curation.keep`.
 * Pure given (strategy, keep, data, opts.seed, opts settings): kept count = round(keep · n) (at least 1).
 * Dedup strategies remove duplicates first and then keep a seeded random subset of at most that count.
 */
export function applyCuration(strategy: string, keep: number, data: CurationData, opts: CurationOptions): CurationResult {
  validateData(data);
  const parsed = parseStrategy(strategy);
  if (typeof keep !== 'number' || !(keep > 0 && keep <= 1)) throw new CurationInputError('keep', 'a fraction in (0, 1]', keep);
  const count = Math.max(1, Math.round(keep * data.n));
  const seed = opts.seed;
  let indices: Uint32Array;
  let scoringFlops = 0;
  let cacheHit = false;
  let duplicatesRemoved: number | undefined;

  const scoresFor = (name: string): ScoreResult => {
    const settings = opts.scorer ?? {};
    const scorerSeed = deriveSeed(seed, 0x5c0e); // scoring seeds disjoint from the trial's own seed stream
    const key = opts.cache && opts.dataset ? { dataset: opts.dataset, scorer: name, settings, seed: scorerSeed } : undefined;
    if (key) scoreKeyString(key); // throws before any work on non-JSON settings
    const hit = key && opts.cache?.get(key);
    if (hit) {
      cacheHit = true;
      scoringFlops = hit.flops;
      return hit;
    }
    const res = SCORERS[name].score(data, { ...settings, seed: scorerSeed });
    if (key) opts.cache?.set(key, res);
    scoringFlops = res.flops;
    return res;
  };

  switch (parsed.kind) {
    case 'full':
      indices = Uint32Array.from({ length: data.n }, (_, i) => i);
      break;
    case 'random':
      indices = selectRandom(data.n, count, seed);
      break;
    case 'random-balanced':
      indices = classBalanced(data.y, data.classes, count, (g, q, c) => selectRandom(data.n, q, deriveSeed(seed, c), g));
      break;
    case 'dedup':
    case 'semdedup': {
      const d =
        parsed.kind === 'dedup'
          ? dedupExact(data.x, data.n, data.dim)
          : (() => {
              const emb = pcaEmbedding(data.x, data.n, data.dim, Math.min(32, data.dim), deriveSeed(seed, 3));
              const r = semDedup(emb.x, data.n, emb.dim, {
                eps: opts.eps ?? 0.01,
                k: opts.dedupClusters ?? Math.max(1, Math.round(data.n / 100)),
                seed: deriveSeed(seed, 4),
              });
              return { ...r, flops: r.flops + emb.flops };
            })();
      scoringFlops = d.flops;
      duplicatesRemoved = d.removed.length;
      indices = d.kept.length <= count ? d.kept : selectRandom(data.n, count, seed, d.kept);
      break;
    }
    case 'score': {
      const { scores } = scoresFor(parsed.scorer);
      const offset = opts.offset ?? 0;
      indices = parsed.balanced
        ? classBalanced(data.y, data.classes, count, (g, q) => selectByScore(scores, q, parsed.end, { offset, among: g }))
        : selectByScore(scores, count, parsed.end, { offset });
      break;
    }
    case 'ccs': {
      const { scores } = scoresFor(parsed.scorer);
      indices = selectCoverage(scores, count, { seed, beta: opts.beta, bins: opts.bins });
      break;
    }
  }
  const classes = new Array<number>(data.classes).fill(0);
  for (const i of indices) classes[data.y[i]]++;
  return {
    indices,
    report: { strategy, total: data.n, kept: indices.length, classes, scoringFlops, cacheHit, ...(duplicatesRemoved !== undefined && { duplicatesRemoved }) },
  };
}
