/**
 * Public types of @slab/laws. Everything a FitReport holds is plain JSON so it can travel through
 * Temporal payloads, the gateway's SQLite store and the browser unchanged.
 */

/** One named parameter of a law. `scale: 'log'` means the optimiser moves in log(param) (keeps it > 0). */
export interface ParamSpec {
  name: string;
  description: string;
  lower?: number;
  upper?: number;
  scale: 'log' | 'linear';
}

/** Space the law's fast evaluator returns its prediction in. */
export type ModelSpace = 'log' | 'linear';

export type ObjectiveKind = 'huber-log' | 'mse-log' | 'mae-log' | 'mse-log1p' | 'mse';

/**
 * Values a variable may take: 'positive' (> 0, it goes through a log), 'nonnegative' (>= 0, e.g. an annealing
 * area that is 0 during a constant-LR phase), 'above-minus-one' (> -1, log1p targets) or 'real' (any finite).
 */
export type Domain = 'positive' | 'nonnegative' | 'above-minus-one' | 'real';

/** Grid of starting values: one list per parameter, in the optimiser's coordinates (log for log-scale params). */
export type StartGrid = Record<string, number[]>;

export interface LawDefinition {
  name: string;
  title: string;
  /** Formula as text, e.g. `L = E + A/N^alpha + B/D^beta`. */
  formula: string;
  /** Where the form comes from (paper, section). */
  reference: string;
  /** Input variables in the order the evaluator expects (e.g. ['N','D']). */
  variables: string[];
  /** Domain of each input variable; rows outside it are dropped with a reason, never silently. */
  domains: Record<string, Domain>;
  params: ParamSpec[];
  /** Objective used when FitOptions.objective is not given. */
  defaultObjective: ObjectiveKind;
  /** Start presets; `defaultStarts` names the one used when FitOptions.starts is not given. */
  starts: Record<string, StartGrid>;
  defaultStarts: string;
  /** Optimise only the best `screen` starts of the default grid (cost bound for laws with expensive evaluations). */
  screen?: number;
  /** Evaluate the law at one point with named parameters (linear space). */
  predict(params: Record<string, number>, x: Record<string, number>): number;
  /** One-line formula with the numbers filled in. */
  format(params: Record<string, number>): string;
  /** Space `evaluate` predicts in. */
  space: ModelSpace;
  /** Per-point features computed once per fit (e.g. log N); one array per feature. */
  features(x: Record<string, number>[]): Float64Array[];
  /**
   * Predictions for all points in `space` into `out`, and if `jac` is given the Jacobian with respect to
   * the optimiser coordinates theta (row-major n × params.length).
   */
  evaluate(theta: Float64Array, feats: Float64Array[], out: Float64Array, jac: Float64Array | null): void;
  /** True for laws of the form E + A/N^alpha + B/D^beta in (N, D): enables the compute-optimal frontier. */
  frontier?: boolean;
}

export type StartsOption = string | Record<string, number>[];

export interface FitOptions {
  law: string;
  /** Huber threshold on the residual (default 1e-3). */
  delta?: number;
  /** Start preset name (e.g. 'chinchilla-4500', 'small') or explicit starting parameter sets. */
  starts?: StartsOption;
  /** Evaluate every start, then optimise only the best `screen` of them (brute-force stage 1). */
  screen?: number;
  /** Bootstrap resamples over runs (0 = none). */
  bootstrap?: number;
  seed?: number;
  maxIterations?: number;
  objective?: ObjectiveKind;
  /** 'sum' (default) or 'mean' of the per-point losses. 'mean' exists to demonstrate the loss-scale pitfall. */
  scale?: 'sum' | 'mean';
  /** Optimiser stop on the projected gradient (inf-norm, in the objective's own scale). */
  gtol?: number;
  /** Optimiser stop on relative objective change: (f_k - f_k+1) / max(|f|, ftolFloor) <= ftol. */
  ftol?: number;
  /** scipy L-BFGS-B uses 1 here, which is what makes small objectives stop early. Default 0. */
  ftolFloor?: number;
  /** Gradient inf-norm of the sum-scaled objective above which a fit is never called converged (default 1e-5). */
  convergenceTol?: number;
  /** Parameters held at fixed values (public names). */
  fixed?: Record<string, number>;
  /** Outlier rule: drop the points with the `dropHighest` largest y (keeps y strictly below the k-th largest). */
  dropHighest?: number;
  /** Confidence level of bootstrap intervals (default 0.95). */
  level?: number;
  /** Wall-clock budget for the multi-start stage in ms; starts not optimised in time are counted in the report. */
  timeBudgetMs?: number;
  /** Called after each optimised start (done, total): progress for long fits. Not part of the report. */
  onProgress?: (done: number, total: number) => void;
}

export interface ResolvedFitOptions {
  law: string;
  delta: number;
  starts: StartsOption;
  screen: number | null;
  bootstrap: number;
  seed: number;
  maxIterations: number;
  objective: ObjectiveKind;
  scale: 'sum' | 'mean';
  gtol: number;
  ftol: number;
  ftolFloor: number;
  convergenceTol: number;
  fixed: Record<string, number>;
  dropHighest: number;
  level: number;
  timeBudgetMs: number | null;
}

export interface DroppedPoints {
  rule: string;
  /** Indices into the input data. */
  indices: number[];
  y: number[];
}

export interface BootstrapResult {
  samples: Record<string, number>[];
  intervals: Record<string, [number, number]>;
  /** Bootstrap standard deviation per parameter. */
  se: Record<string, number>;
  resamples: number;
  /** Refits whose optimiser did not converge (they are kept; listed so it is visible). */
  notConverged: number;
  /**
   * Resamples that drew fewer distinct runs than the law has free parameters: such a refit cannot determine
   * the parameters, so it is excluded from `samples`, intervals and s.e. (`resamples` counts the rest).
   */
  degenerate: number;
  /** Distinct runs the resampling draws from (duplicate rows count once). */
  distinctRuns: number;
  level: number;
}

/** Why one parameter is or is not determined by the data. */
export interface ParameterIdentifiability {
  determined: boolean;
  /** Reasons it is not (empty when determined). */
  reasons: string[];
  /** Width of the bootstrap interval in decades (log10 hi/lo), for positive parameters. */
  decades?: number;
}

/**
 * Identifiability diagnostics: a parameter is "not determined" when it sits at a bound or went to 0, when
 * distant minima fit within a relative 1e-3 of the best objective, or when its bootstrap interval is wider
 * than 2 decades (positive parameters) or than twice its value (exponents). Not-determined parameters are
 * never findings, and predictions resting on them say so.
 */
export interface Identifiability {
  verdict: 'identified' | 'partly-identified' | 'unidentified';
  /** Names of the parameters the data do not determine. */
  undetermined: string[];
  parameters: Record<string, ParameterIdentifiability>;
  /** Distinct minima (other than the best) within a relative 1e-3 of the best objective. */
  nearEqualBasins: number;
  /** Distinct runs fitted (identical rows count once). */
  distinctRuns: number;
  /** Distinct runs fitted per free parameter. */
  runsPerParameter: number;
  /** Resamples with fewer distinct runs than free parameters (excluded from the intervals). */
  degenerateResamples?: number;
}

export interface FitReport {
  law: string;
  formula: string;
  params: Record<string, number>;
  objective: number;
  objectiveKind: ObjectiveKind;
  converged: boolean;
  /** Projected gradient inf-norm of the sum-scaled objective at the reported parameters. */
  gradNorm: number;
  iterations: number;
  stopReason: string;
  starts: number;
  startsConverged: number;
  startsInBestBasin: number;
  nPoints: number;
  /** R^2 on linear y over the fitted points. */
  r2: number;
  /** Root mean squared log error over the fitted points. */
  rmsle: number;
  dropped?: DroppedPoints;
  /** Rows that repeat another row exactly (same inputs and value): fitted as given, resampled as one run. */
  duplicateRows?: number;
  /** Starts screened by objective, and starts optimised (<= starts when screened or out of time). */
  screenedStarts?: number;
  /** Starts not optimised because timeBudgetMs ran out. */
  startsSkippedForTime?: number;
  bootstrap?: BootstrapResult;
  identifiability: Identifiability;
  diagnostics: string[];
  options: ResolvedFitOptions;
}

export interface FitData {
  x: Record<string, number>[];
  y: number[];
  /** Optional per-point weights (>= 0) multiplying each point's loss, e.g. IsoFLOP or importance weights. */
  w?: number[];
}
