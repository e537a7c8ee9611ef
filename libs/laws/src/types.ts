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
  /** Variables that must be strictly positive (they go through a log). */
  positiveVariables: string[];
  params: ParamSpec[];
  /** Objective used when FitOptions.objective is not given. */
  defaultObjective: ObjectiveKind;
  /** Start presets; `defaultStarts` names the one used when FitOptions.starts is not given. */
  starts: Record<string, StartGrid>;
  defaultStarts: string;
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
  level: number;
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
  bootstrap?: BootstrapResult;
  diagnostics: string[];
  options: ResolvedFitOptions;
}

export interface FitData {
  x: Record<string, number>[];
  y: number[];
}
