/**
 * Shared shapes of @slab/curation. A dataset is a row-major Float32Array of n rows × dim features plus
 * integer class labels; every score and policy works on this plain shape so the trainer can hand over
 * whatever it loaded without conversion.
 */
export interface CurationData {
  /** Row-major features, length n·dim. */
  x: Float32Array;
  /** Class label per row, each < classes. */
  y: Uint8Array;
  n: number;
  dim: number;
  classes: number;
}

/** Options every scorer accepts; scorer-specific fields are documented on each scorer. */
export interface ScoreOptions {
  /** Seed of every random choice (init, shuffles, k-means++). Same seed + data → same scores. */
  seed: number;
  [key: string]: unknown;
}

export interface ScoreResult {
  /**
   * One score per example. Orientation for every scorer: HIGH = HARD (less typical, larger error,
   * farther from its prototype, more often forgotten). Keep-easy keeps the lowest scores.
   */
  scores: Float64Array;
  /** Floating-point operations this scoring pass cost (training + inference + clustering). */
  flops: number;
}

export interface Scorer {
  readonly name: string;
  /** Whether the score reads labels (prototype-ssp and random do not). */
  readonly usesLabels: boolean;
  score(data: CurationData, opts: ScoreOptions): ScoreResult;
}

/** Which end of a score ranking a policy keeps. */
export type KeepEnd = 'easy' | 'hard';
