/**
 * The typed sweep spec. `parseSpec(yaml)` (see parse.ts) turns YAML into this shape or a list of
 * `SpecIssue`s naming the exact path of each mistake. Everything here is plain JSON so a spec can
 * travel through Temporal history unchanged.
 */

/** A dimension is either an explicit list of values or a range to sample from. */
export type NumericDimension =
  | { values: number[] }
  | { min: number; max: number; scale: 'log' | 'linear'; integer?: boolean };

export type CategoricalDimension = { values: string[] };

export interface TaskSpec {
  /** Dataset id, e.g. `fashion-mnist`, `synthetic-teacher`. */
  dataset: string;
  /** Model family understood by the plugin, e.g. `mlp`, `cnn`. */
  model: string;
  /** Trainer plugin name: `tfjs` or `replay`. */
  plugin: string;
  /** Plugin-specific settings (replay table path, batch size, eval size, ...). */
  options?: Record<string, unknown>;
}

export interface DimensionsSpec {
  /** Hidden width of the proxy model (the plugin derives the parameter count). */
  width?: NumericDimension;
  /** Target parameter count N (alternative to width). */
  params?: NumericDimension;
  /** Training samples seen, D (samples; training tokens for task.model gpt). */
  data?: NumericDimension;
  learningRate?: NumericDimension;
  seed?: { values: number[] };
  /** Curation strategy names (see @slab/curation), e.g. `random`, `el2n-keep-hard`. */
  'curation.strategy'?: CategoricalDimension;
  /** Kept fraction in (0, 1]. */
  'curation.keep'?: NumericDimension;
  'curation.epochs'?: NumericDimension;
  /** Names of quality pools defined in `task.options.pools` (see PoolSpec); one per trial. */
  'curation.pools'?: CategoricalDimension;
  /** task.model gpt only (see gpt.ts): transformer blocks, attention heads (dividing width). */
  depth?: NumericDimension;
  heads?: NumericDimension;
  /** Sequences per optimiser step (gpt). */
  batchSize?: NumericDimension;
  /** LR schedule: constant, cosine, linear, wsd (gpt). */
  schedule?: CategoricalDimension;
  /** Warm-up: a fraction of the steps in [0, 1) or a whole number of steps (gpt). */
  warmup?: NumericDimension;
  /** AdamW decoupled weight decay (gpt). */
  weightDecay?: NumericDimension;
  /** Unique training tokens U the D tokens are drawn from (epochs = D / U) (gpt). */
  uniqueData?: NumericDimension;
  /** LayerNorm on queries and keys (gpt). */
  qkNorm?: { values: boolean[] };
  /** z-loss coefficient (gpt). */
  zLoss?: NumericDimension;
  /** standard or mup (gpt). */
  parametrisation?: CategoricalDimension;
}

/** One quality tier of a pool: the candidate rows `strategy` keeps at fraction `keep`. */
export interface PoolTierSpec {
  strategy: string;
  keep: number;
}

/**
 * A named pool of `task.options.pools`: tiers made disjoint in order (a tier gets only rows no earlier
 * tier took), mixed by temperature sampling p ∝ size^(1/temperature) (default 1: proportional to size).
 */
export interface PoolSpec {
  tiers: PoolTierSpec[];
  temperature?: number;
}

export type DimensionName = keyof DimensionsSpec;

export interface BudgetSpec {
  /** Total training FLOPs the sweep may spend. */
  flops?: number;
  /** Maximum number of trials. */
  trials?: number;
}

export type PlannerKind = 'grid' | 'random' | 'sobol' | 'adaptive';

export interface PlannerSpec {
  kind: PlannerKind;
  /** Trials per batch (between refits). */
  batchSize: number;
  /** Seed for every random choice the planner makes. */
  seed: number;
  /** Adaptive: stop when the target's interval half-width / value falls below this. */
  tolerance?: number;
}

/** Law ids from @slab/laws, e.g. `chinchilla`, `power-law-plus-constant`. */
export interface LawSpec {
  name: string;
  /** Which measured quantity is the loss (default `eval_loss`, or the first of `metrics`). */
  metric: string;
  /**
   * Several measured metrics fitted side by side with the same law, one fit each (e.g. `eval_loss`
   * and `eval_loss_austen`, in- and out-of-distribution). `metric` (the primary) is one of them:
   * targets, held-out error and planning read its fit.
   */
  metrics?: string[];
  /**
   * Map of law variable -> trial quantity, e.g. { N: 'params', D: 'data' }; `final.<name>` reads a
   * final metric of the trial's result (e.g. `final.curation_kept`, the unique rows of its pool).
   */
  variables?: Record<string, string>;
  bootstrap: number;
}

export type TargetSpec =
  | { kind: 'loss'; at: Record<string, number> }
  | { kind: 'frontier'; compute: number }
  | { kind: 'best-keep'; compute: number };

/**
 * lr-sensitivity: Wortsman et al. 2023 (cap: loss a diverged run counts as, default ln 256);
 * lr-annealing: Tissue et al. 2024 (holdout: schedules predicted from the others' fit, default each in
 * turn; lambda: the annealing momentum's decay, default 0.999); repetition: Muennighoff et al. 2023
 * (tolerance: relative loss gap to fresh data an epoch count may have and still count as "almost as good",
 * default 0.01); hyperparameters: Li et al. 2025's Step Law, η*(N, D) and B*(D) (bootstrap: resamples, default
 * 200); overtraining: Gadre et al. 2024, L(C, M) and Err(L) (downstream: an accuracy metric, error = 1 − it,
 * default eval_acc; holdout: runs predicted from the fits, default the largest-compute run). metric: the
 * loss read (default eval_loss).
 */
export type StudySpec =
  | { kind: 'lr-sensitivity'; metric?: string; cap?: number }
  | { kind: 'lr-annealing'; metric?: string; holdout?: string[]; lambda?: number }
  | { kind: 'repetition'; metric?: string; tolerance?: number; bootstrap?: number }
  | { kind: 'hyperparameters'; metric?: string; bootstrap?: number }
  | { kind: 'overtraining'; metric?: string; downstream?: string; holdout?: { width: number; data: number }[]; bootstrap?: number }
  | { kind: 'model-shape'; metric?: string; compound?: number; tolerance?: number };

export interface HoldoutSpec {
  /** Hold out the largest runs by this quantity (`flops`, `params`, `data`). */
  by: 'flops' | 'params' | 'data';
  /** Fraction (0..1) or count (>= 1) of runs held out. */
  largest: number;
}

export interface SweepSpec {
  name: string;
  description?: string;
  task: TaskSpec;
  dimensions: DimensionsSpec;
  budget: BudgetSpec;
  /** Trials running at once. */
  parallelism: number;
  /** Temporal task queue of the trainer workers (resource class), e.g. `cpu`, `gpu-a100`. */
  resourceClass: string;
  planner: PlannerSpec;
  law: LawSpec;
  target?: TargetSpec;
  holdout?: HoldoutSpec;
  /** Which paper's analysis the sweep answers (@slab/studies computes it; `slab status` prints it). */
  study?: StudySpec;
  /** Trial-level settings. */
  trial: {
    /** Emit train loss every `logEvery` steps. */
    logEvery: number;
    /** Evaluate on the test split every `evalEvery` steps (and at the end). */
    evalEvery: number;
    /** Checkpoint every `checkpointEvery` steps. */
    checkpointEvery: number;
    /** Per-attempt limit in seconds. */
    timeoutSeconds: number;
    /** A trial whose worker has not heartbeated for this long is retried elsewhere (dead node). */
    heartbeatSeconds: number;
    maxAttempts: number;
  };
}

/** One concrete point of the space: the values a single trial trains with. */
export interface TrialConfig {
  width?: number;
  params?: number;
  data?: number;
  learningRate?: number;
  seed?: number;
  'curation.strategy'?: string;
  'curation.keep'?: number;
  'curation.epochs'?: number;
  'curation.pools'?: string;
  depth?: number;
  heads?: number;
  batchSize?: number;
  schedule?: string;
  warmup?: number;
  weightDecay?: number;
  uniqueData?: number;
  qkNorm?: boolean;
  zLoss?: number;
  parametrisation?: string;
}

export interface SpecIssue {
  /** Dotted path with indices, e.g. `dimensions.width.values[2]`. */
  path: string;
  /** What was expected and what was found. */
  message: string;
  /** 1-based position in the YAML text, when the spec came from `parseSpec` and the node is known. */
  line?: number;
  col?: number;
}

/** What the workflow sends to the runTrial activity (plain JSON). */
export interface TrialRequest {
  sweepId: string;
  /** Stable id: `${sweepId}-t${index}` (index zero-padded to 4 digits). */
  trialId: string;
  task: TaskSpec;
  config: TrialConfig;
  logEvery: number;
  evalEvery: number;
  checkpointEvery: number;
}

export type TrialStatus = 'completed' | 'diverged' | 'failed' | 'stopped';

/** What runTrial returns to the workflow (small; per-step metrics go over the websocket). */
export interface TrialResult {
  trialId: string;
  status: TrialStatus;
  /** Parameter count N of the trained model. */
  params: number;
  /** Training samples (or tokens) seen, D. */
  data: number;
  /** Training FLOPs spent (measured or 6·N·D), including resumed attempts' work once. */
  flops: number;
  /** Final metrics, e.g. { eval_loss, eval_accuracy, train_loss }. NaN is not JSON: use null. */
  final: Record<string, number | null>;
  /** Step at which this attempt started (0, or the resumed checkpoint step). */
  resumedFromStep: number;
  steps: number;
  backend: string;
  wallSeconds: number;
  /** Why a trial diverged or failed, in words. */
  reason?: string;
}

/** Progress handed to heartbeats; a retried attempt receives the last one back. */
export interface TrialProgress {
  step: number;
  /** Where the plugin stored its last checkpoint (file path or URI), if any. */
  checkpointUri?: string;
}

