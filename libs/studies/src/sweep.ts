/**
 * A study's answer from what a sweep stored: its trials and their metric rows (the gateway's
 * /trials and /metrics shapes, typed structurally so this library needs no API dependency).
 */
import { lrAnnealingStudy, type AnnealingStudy, type ScheduleCurve } from './annealing';
import { hyperparameterStudy, type HyperparameterRun, type HyperparameterStudy } from './hyperparameters';
import { overtrainingStudy, type OvertrainingRun, type OvertrainingStudy } from './overtraining';
import { repetitionStudy, type RepetitionRun, type RepetitionStudy } from './repetition';
import { lrSensitivity, type SensitivityRun, type SensitivityStudy } from './sensitivity';
import { modelShapeStudy, type ShapeRun, type ShapeStudy } from './shape';

/** The spec's `study` section (libs/spec validates it). */
export type StudySpec =
  | { kind: 'lr-sensitivity'; cap?: number; metric?: string }
  | { kind: 'lr-annealing'; holdout?: string[]; lambda?: number; metric?: string }
  | { kind: 'hyperparameters'; metric?: string; bootstrap?: number }
  | { kind: 'overtraining'; metric?: string; downstream?: string; holdout?: { width: number; data: number }[]; bootstrap?: number }
  | { kind: 'repetition'; tolerance?: number; metric?: string; bootstrap?: number }
  | { kind: 'model-shape'; metric?: string; compound?: number; tolerance?: number };

export interface StudyTrial {
  id: string;
  status: string;
  config: Record<string, unknown>;
  final?: Record<string, number | null>;
  /** Parameters N and training tokens D as the trainer reported them (the repetition study reads them). */
  params?: number;
  data?: number;
  /** Training FLOPs the trainer counted (the model-shape study compares strategies at equal FLOPs). */
  flops?: number;
}

export interface StudyMetric {
  trialId: string;
  step: number;
  name: string;
  value: number | null;
}

/** lr-annealing is fitted per model (Tissue et al. fit one law per model size): one answer per width. */
export type StudyResult =
  | { kind: 'lr-sensitivity'; metric: string; result: SensitivityStudy }
  | { kind: 'lr-annealing'; metric: string; byWidth: { width: number | null; result: AnnealingStudy }[] }
  | { kind: 'hyperparameters'; metric: string; result: HyperparameterStudy }
  | { kind: 'overtraining'; metric: string; downstream: string; result: OvertrainingStudy }
  | { kind: 'repetition'; metric: string; result: RepetitionStudy }
  | { kind: 'model-shape'; metric: string; result: ShapeStudy };

/**
 * Metric curves a study reads besides the trials' final metrics, fetched by name (a sweep stores many
 * more): what the orchestrator and `slab status` load before calling studyFromSweep.
 */
export function studyMetrics(spec: StudySpec): string[] {
  if (spec.kind === 'lr-sensitivity') return ['attn_logit_max', 'output_logit_max', 'output_logit_mean'];
  if (spec.kind === 'lr-annealing') return ['lr', spec.metric ?? 'eval_loss'];
  if (spec.kind === 'model-shape') return ['tokens_per_s'];
  return [];
}

/** Finished statuses: planned and running trials are not part of an answer yet. */
const ENDED = new Set(['completed', 'diverged']);

/** Last value of `name` per trial (by step), or null when the trial never logged it. */
function lastValues(metrics: readonly StudyMetric[], name: string): Map<string, number | null> {
  const best = new Map<string, { step: number; value: number | null }>();
  for (const m of metrics) {
    if (m.name !== name) continue;
    const cur = best.get(m.trialId);
    if (!cur || m.step >= cur.step) best.set(m.trialId, { step: m.step, value: m.value });
  }
  return new Map([...best].map(([k, v]) => [k, v.value]));
}

/**
 * Computes the study named by `spec` from the sweep's ended trials. lr-sensitivity reads each trial's
 * final `metric` (default eval_loss) and last attn_logit_max / output_logit_max / output_logit_mean;
 * lr-annealing reads each trial's `lr` and `metric` curves, one curve per trial named by its schedule,
 * and fits each width's curves apart.
 * Throws when no trial has ended or a trial lacks the config the study needs.
 */
export function studyFromSweep(spec: StudySpec, trials: readonly StudyTrial[], metrics: readonly StudyMetric[]): StudyResult {
  const ended = trials.filter((t) => ENDED.has(t.status));
  if (!ended.length) throw new Error(`study ${spec.kind}: no trial has finished yet`);
  const metric = spec.metric ?? 'eval_loss';
  if (spec.kind === 'hyperparameters') return { kind: spec.kind, metric, result: hyperparameterStudy(hyperparameterRuns(ended, metric), { bootstrap: spec.bootstrap }) };
  if (spec.kind === 'overtraining') {
    const downstream = spec.downstream ?? 'eval_acc';
    return { kind: spec.kind, metric, downstream, result: overtrainingStudy(overtrainingRuns(spec, ended, metric, downstream), { bootstrap: spec.bootstrap }) };
  }
  if (spec.kind === 'repetition') {
    const runs: RepetitionRun[] = ended.map((t) => {
      const N = Number(t.params);
      const D = Number(t.data ?? t.config.data);
      if (!(N > 0) || !(D > 0)) throw new Error(`study repetition: trial ${t.id} has no params/data (its result reports them when it completes)`);
      const U = t.config.uniqueData === undefined ? D : Number(t.config.uniqueData);
      const loss = t.status === 'completed' ? t.final?.[metric] ?? null : null;
      return { trialId: t.id, N, D, U, loss };
    });
    return { kind: spec.kind, metric, result: repetitionStudy(runs, { tolerance: spec.tolerance, bootstrap: spec.bootstrap }) };
  }
  if (spec.kind === 'model-shape') return { kind: spec.kind, metric, result: modelShapeStudy(shapeRuns(ended, metrics, metric), { compound: spec.compound, tolerance: spec.tolerance }) };
  if (spec.kind === 'lr-sensitivity') {
    const attn = lastValues(metrics, 'attn_logit_max');
    const outMax = lastValues(metrics, 'output_logit_max');
    const outMean = lastValues(metrics, 'output_logit_mean');
    const runs: SensitivityRun[] = ended.map((t) => {
      const width = Number(t.config.width);
      const learningRate = Number(t.config.learningRate);
      if (!(width > 0) || !(learningRate > 0)) throw new Error(`study lr-sensitivity: trial ${t.id} needs config.width and config.learningRate (sweep them as dimensions)`);
      const finalLoss = t.final?.[metric] ?? null;
      return {
        width,
        learningRate,
        finalLoss,
        diverged: t.status === 'diverged',
        qkNorm: Boolean(t.config.qkNorm),
        zLoss: Number(t.config.zLoss ?? 0),
        attnLogitMax: attn.get(t.id) ?? null,
        outputLogitMax: outMax.get(t.id) ?? null,
        outputLogitMean: outMean.get(t.id) ?? null,
      };
    });
    return { kind: spec.kind, metric, result: lrSensitivity(runs, { cap: spec.cap }) };
  }
  const curves: (ScheduleCurve & { width: number | null })[] = ended
    .filter((t) => t.status === 'completed')
    .map((t) => {
      const schedule = t.config.schedule;
      if (typeof schedule !== 'string') throw new Error(`study lr-annealing: trial ${t.id} has no config.schedule (sweep schedule as a dimension)`);
      const of = (name: string) => metrics.filter((m) => m.trialId === t.id && m.name === name && m.value !== null).map((m) => ({ step: m.step, value: m.value as number }));
      const width = Number(t.config.width);
      return { schedule, trialId: t.id, width: width > 0 ? width : null, lr: of('lr'), loss: of(metric) };
    })
    .filter((c) => c.lr.length > 0 && c.loss.length > 0);
  const widths = [...new Set(curves.map((c) => c.width))].sort((a, b) => (a ?? 0) - (b ?? 0));
  const byWidth = widths.map((width) => ({
    width,
    result: lrAnnealingStudy(curves.filter((c) => c.width === width), { holdout: spec.holdout, lambda: spec.lambda }),
  }));
  return { kind: spec.kind, metric, byWidth };
}

/** N as the trainer reported it (completed trials), else undefined. */
const reportedParams = (t: StudyTrial): number | undefined => (Number(t.params) > 0 ? Number(t.params) : undefined);

function hyperparameterRuns(ended: readonly StudyTrial[], metric: string): HyperparameterRun[] {
  return ended.flatMap((t) => {
    const params = reportedParams(t);
    const data = Number(t.data ?? t.config.data);
    const learningRate = Number(t.config.learningRate);
    const batchSize = Number(t.config.batchSize);
    if (!(learningRate > 0) || !(batchSize > 0)) throw new Error(`study hyperparameters: trial ${t.id} needs config.learningRate and config.batchSize (sweep them as dimensions)`);
    // A diverged run reports no N; its (N, D) group is the one of its width, found through a sibling.
    const N = params ?? ended.find((o) => o.config.width === t.config.width && reportedParams(o))?.params;
    if (!N || !(data > 0)) return [];
    const loss = t.status === 'completed' ? t.final?.[metric] ?? null : null;
    return [{ params: N, data, learningRate, batchSize, loss }];
  });
}

/** Held out: the spec's { width, data } runs, else the run with the largest compute 6ND. */
function overtrainingRuns(spec: Extract<StudySpec, { kind: 'overtraining' }>, ended: readonly StudyTrial[], metric: string, downstream: string): OvertrainingRun[] {
  const done = ended.filter((t) => t.status === 'completed' && reportedParams(t));
  const runs = done.map((t) => {
    const acc = t.final?.[downstream];
    return {
      trialId: t.id,
      params: reportedParams(t) as number,
      data: Number(t.data ?? t.config.data),
      loss: t.final?.[metric] ?? null,
      accuracy: typeof acc === 'number' && Number.isFinite(acc) ? acc : null,
      heldOut: spec.holdout ? spec.holdout.some((h) => h.width === t.config.width && h.data === t.config.data) : false,
    };
  });
  if (!spec.holdout && runs.length) {
    const largest = runs.reduce((a, b) => (b.params * b.data > a.params * a.data ? b : a));
    largest.heldOut = true;
  }
  return runs;
}

/**
 * model-shape runs: width and depth from the config, N from the trainer's params_non_embedding (else
 * 12·depth·width²), FLOPs as counted, wall time as tokens seen over the median logged tokens_per_s
 * (training throughput: evals and checkpoints excluded, and robust to a stalled log step).
 */
function shapeRuns(ended: readonly StudyTrial[], metrics: readonly StudyMetric[], metric: string): ShapeRun[] {
  const rates = new Map<string, number[]>();
  for (const m of metrics) {
    if (m.name !== 'tokens_per_s' || m.value === null || !(m.value > 0)) continue;
    rates.set(m.trialId, [...(rates.get(m.trialId) ?? []), m.value]);
  }
  return ended.map((t) => {
    const width = Number(t.config.width);
    const depth = Number(t.config.depth);
    if (!(width > 0) || !(depth > 0)) throw new Error(`study model-shape: trial ${t.id} needs config.width and config.depth (sweep them as dimensions)`);
    const nonEmbedding = Number(t.final?.params_non_embedding);
    const tokens = Number(t.final?.tokens_seen ?? t.data ?? t.config.data);
    const r = (rates.get(t.id) ?? []).sort((a, b) => a - b);
    const rate = r.length ? r[Math.floor((r.length - 1) / 2)] : NaN;
    const wallSeconds = tokens > 0 && rate > 0 ? tokens / rate : null;
    return {
      trialId: t.id,
      width,
      depth,
      nonEmbeddingParams: nonEmbedding > 0 ? nonEmbedding : 12 * depth * width * width,
      flops: Number(t.flops ?? t.final?.flops_6nd ?? NaN),
      loss: t.status === 'completed' ? (t.final?.[metric] ?? null) : null,
      wallSeconds,
    };
  });
}
