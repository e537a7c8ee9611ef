/**
 * Model shape. Dollár, Singh & Girshick 2021, "Fast and Accurate Model Scaling" (arXiv:2103.06877), §3–4:
 * scale a base model's compute by width alone, depth alone, or a compound rule that grows both, and
 * compare loss and run time at equal FLOPs. Kaplan et al. 2020, "Scaling Laws for Neural Language
 * Models" (arXiv:2001.08361), §3.1 and Fig. 5: at a fixed number of non-embedding parameters N the loss
 * depends only weakly on shape (aspect ratio d_model / n_layer), within a few per cent over a wide range.
 *
 * For a Transformer block the non-embedding parameters, and so the compute per token, grow as
 * width² · depth (N ≈ 12 · n_layer · d_model², Kaplan eq. 2.1). A run's compute multiple over the base
 * (the narrowest, shallowest run) is therefore k = (w/w₀)² · (d/d₀), and the share of that growth that
 * came from depth is e = ln(d/d₀) / ln k: 0 for width-only scaling, 1 for depth-only, in between for a
 * compound rule (e = 1/2 grows width² and depth by the same factor; Dollár et al.'s uniform compound
 * scaling of a Transformer's two dimensions).
 */

/** One finished trial of a width × depth sweep. */
export interface ShapeRun {
  trialId: string;
  width: number;
  depth: number;
  /** Non-embedding parameters (the trainer's params_non_embedding; else 12 · depth · width²). */
  nonEmbeddingParams: number;
  /** Training FLOPs the trainer counted (embedding, attention and readout included). */
  flops: number;
  /** Final loss; null when the run diverged. */
  loss: number | null;
  /** Seconds the run's training took (tokens seen / median tokens per second); null when unknown. */
  wallSeconds: number | null;
}

export interface ShapeOptions {
  /** Depth's share e of the compound rule's compute growth, in (0, 1) (default 0.5). */
  compound?: number;
  /** Relative loss spread at fixed N under which shape "matters little" (default 0.03, Kaplan's few per cent). */
  tolerance?: number;
}

export type ShapeStrategy = 'width' | 'depth' | 'compound';

/** One run placed on a strategy's path from the base. */
export interface ShapePoint {
  trialId: string;
  width: number;
  depth: number;
  /** Compute multiple over the base, (w/w₀)² · (d/d₀). */
  multiple: number;
  nonEmbeddingParams: number;
  flops: number;
  loss: number | null;
  wallSeconds: number | null;
}

/** The three strategies at one compute multiple that at least two of them reach. */
export interface EqualComputeLevel {
  multiple: number;
  points: Partial<Record<ShapeStrategy, ShapePoint>>;
  /** Strategy with the lowest loss at this multiple (diverged runs never win); null when none finished. */
  bestLoss: ShapeStrategy | null;
  /** Strategy with the shortest wall time; null when no time is known. */
  fastest: ShapeStrategy | null;
}

/** Runs of (about) the same non-embedding N with different shapes. */
export interface FixedNGroup {
  /** Geometric mean N of the group. */
  nonEmbeddingParams: number;
  runs: { trialId: string; width: number; depth: number; aspectRatio: number; loss: number | null; wallSeconds: number | null }[];
  /** max − min finished loss, and that over the min (null with fewer than 2 finished runs). */
  spread: number | null;
  relativeSpread: number | null;
  /** relativeSpread ≤ tolerance. */
  littleEffect: boolean | null;
}

export interface ShapeStudy {
  base: { width: number; depth: number };
  compound: number;
  tolerance: number;
  /** Each strategy's runs, by compute multiple (the base is on every path). */
  strategies: Record<ShapeStrategy, ShapePoint[]>;
  /** Compute multiples reached by two or more strategies: the equal-FLOPs comparison. */
  levels: EqualComputeLevel[];
  /** Groups of equal N with 2+ shapes, by N: Kaplan's fixed-N comparison. */
  fixedN: FixedNGroup[];
  /** Runs on no strategy path (another compound share); they still count in the fixed-N groups. */
  offPath: { trialId: string; width: number; depth: number }[];
  /** Verdict on Kaplan's claim over every group: the largest relative spread and whether all are within tolerance. */
  kaplan: { groups: number; maxRelativeSpread: number | null; holds: boolean | null };
}

/** Runs whose N lies within this factor of each other are "the same N" (12·d·w² grids hit it exactly). */
const SAME_N = 1.1;
/** Tolerance on the depth share when placing a run on a strategy path. */
const SHARE_TOLERANCE = 0.05;

const TARGET: Record<ShapeStrategy, (compound: number) => number> = { width: () => 0, depth: () => 1, compound: (c) => c };
const STRATEGIES: ShapeStrategy[] = ['width', 'depth', 'compound'];

/**
 * Places each run on the width-only, depth-only or compound path from the base run (the smallest width
 * and depth; it must have been trained), compares the strategies at each compute multiple two of them
 * reach, and measures the loss spread across shapes at equal non-embedding N. Throws when there is no
 * base run, or when a run's width or depth is not a positive number.
 */
export function modelShapeStudy(runs: readonly ShapeRun[], options: ShapeOptions = {}): ShapeStudy {
  const compound = options.compound ?? 0.5;
  const tolerance = options.tolerance ?? 0.03;
  for (const r of runs) {
    if (!(r.width > 0) || !(r.depth > 0)) throw new Error(`model-shape: trial ${r.trialId} needs a positive width and depth, got ${r.width} × ${r.depth}`);
  }
  const w0 = Math.min(...runs.map((r) => r.width));
  const d0 = Math.min(...runs.map((r) => r.depth));
  if (!runs.some((r) => r.width === w0 && r.depth === d0)) throw new Error(`model-shape: no run at the base shape (width ${w0}, depth ${d0}); the strategies are scaled from it`);

  const strategies: Record<ShapeStrategy, ShapePoint[]> = { width: [], depth: [], compound: [] };
  const offPath: ShapeStudy['offPath'] = [];
  for (const r of runs) {
    const multiple = (r.width / w0) ** 2 * (r.depth / d0);
    const point: ShapePoint = { trialId: r.trialId, width: r.width, depth: r.depth, multiple, nonEmbeddingParams: r.nonEmbeddingParams, flops: r.flops, loss: r.loss, wallSeconds: r.wallSeconds };
    if (multiple === 1) {
      for (const s of STRATEGIES) strategies[s].push(point);
      continue;
    }
    const share = Math.log(r.depth / d0) / Math.log(multiple);
    const on = STRATEGIES.filter((s) => Math.abs(share - TARGET[s](compound)) <= SHARE_TOLERANCE);
    if (on.length) on.forEach((s) => strategies[s].push(point));
    else offPath.push({ trialId: r.trialId, width: r.width, depth: r.depth });
  }
  for (const s of STRATEGIES) strategies[s].sort((a, b) => a.multiple - b.multiple);

  const multiples = [...new Set(STRATEGIES.flatMap((s) => strategies[s].map((p) => p.multiple)))].filter((m) => m > 1).sort((a, b) => a - b);
  const levels: EqualComputeLevel[] = [];
  for (const multiple of multiples) {
    const points: Partial<Record<ShapeStrategy, ShapePoint>> = {};
    for (const s of STRATEGIES) {
      const p = strategies[s].find((q) => Math.abs(q.multiple / multiple - 1) < 1e-9);
      if (p) points[s] = p;
    }
    const present = STRATEGIES.filter((s) => points[s]);
    if (present.length < 2) continue;
    levels.push({ multiple, points, bestLoss: argmin(present, (s) => points[s]!.loss), fastest: argmin(present, (s) => points[s]!.wallSeconds) });
  }

  const fixedN = groupsOfEqualN(runs, tolerance);
  const spreads = fixedN.map((g) => g.relativeSpread).filter((v): v is number => v !== null);
  const maxRelativeSpread = spreads.length ? Math.max(...spreads) : null;
  return {
    base: { width: w0, depth: d0 },
    compound,
    tolerance,
    strategies,
    levels,
    fixedN,
    offPath,
    kaplan: { groups: spreads.length, maxRelativeSpread, holds: maxRelativeSpread === null ? null : maxRelativeSpread <= tolerance },
  };
}

function argmin<T>(items: T[], value: (t: T) => number | null): T | null {
  let best: T | null = null;
  let bestValue = Infinity;
  for (const t of items) {
    const v = value(t);
    if (v !== null && Number.isFinite(v) && v < bestValue) {
      best = t;
      bestValue = v;
    }
  }
  return best;
}

/** Runs sorted by N, chained into groups while each N is within SAME_N of the group's smallest. */
function groupsOfEqualN(runs: readonly ShapeRun[], tolerance: number): FixedNGroup[] {
  const sorted = [...runs].sort((a, b) => a.nonEmbeddingParams - b.nonEmbeddingParams);
  const groups: ShapeRun[][] = [];
  for (const r of sorted) {
    const g = groups[groups.length - 1];
    if (g && r.nonEmbeddingParams <= g[0].nonEmbeddingParams * SAME_N) g.push(r);
    else groups.push([r]);
  }
  return groups
    .filter((g) => new Set(g.map((r) => `${r.width}x${r.depth}`)).size >= 2)
    .map((g) => {
      const finished = g.map((r) => r.loss).filter((v): v is number => v !== null && Number.isFinite(v));
      const spread = finished.length >= 2 ? Math.max(...finished) - Math.min(...finished) : null;
      const relativeSpread = spread === null ? null : spread / Math.min(...finished);
      return {
        nonEmbeddingParams: Math.exp(g.reduce((s, r) => s + Math.log(r.nonEmbeddingParams), 0) / g.length),
        runs: g
          .map((r) => ({ trialId: r.trialId, width: r.width, depth: r.depth, aspectRatio: r.width / r.depth, loss: r.loss, wallSeconds: r.wallSeconds }))
          .sort((a, b) => a.aspectRatio - b.aspectRatio),
        spread,
        relativeSpread,
        littleEffect: relativeSpread === null ? null : relativeSpread <= tolerance,
      };
    });
}
