/**
 * The study input of the fitLaws activity: the spec's `study`, the sweep's finished trials with
 * their configs, and the metric curves the study reads (loaded through the gateway). The answer
 * itself is computed in the fit thread (answerStudy), off the orchestrator's event loop.
 */
import type { SweepMetricRow } from '@slab/api';
import type { SweepSpec, TrialConfig, TrialResult } from '@slab/spec';
import { studyMetrics, type StudyMetric, type StudySpec, type StudyTrial } from '@slab/studies';

/** What the fit thread needs to compute a study's answer (structured-cloned into it). */
export interface StudyJob {
  spec: StudySpec;
  trials: StudyTrial[];
  metrics: StudyMetric[];
  /** Batch index the answer is stamped with (null when the workflow did not say). */
  batch: number | null;
}

/** Reads one stored metric of every trial of a sweep (GatewayClient.sweepMetrics). */
export type SweepMetricsReader = (sweepId: string, name: string) => Promise<Pick<SweepMetricRow, 'trialId' | 'step' | 'name' | 'value'>[]>;

/** Trial index from `${sweepId}-t0007`, to find the config in the workflow's `planned` list. */
function configOf(trialId: string, planned: readonly TrialConfig[] | undefined): TrialConfig {
  const m = /-t(\d+)$/.exec(trialId);
  return (m && planned?.[Number(m[1])]) || {};
}

/**
 * The study job of a fit, or undefined when the spec names no study. Trials are the fit's results
 * (every finished trial, stored or carried) with the configs the workflow planned for them.
 */
export async function studyJob(
  sweepId: string,
  spec: SweepSpec,
  results: readonly TrialResult[],
  planned: readonly TrialConfig[] | undefined,
  readMetrics: SweepMetricsReader,
  batch: number | null,
): Promise<StudyJob | undefined> {
  const study = spec.study as StudySpec | undefined;
  if (!study) return undefined;
  const rows = (await Promise.all(studyMetrics(study).map((name) => readMetrics(sweepId, name)))).flat();
  const metrics: StudyMetric[] = rows.map((r) => ({ trialId: r.trialId, step: r.step, name: r.name, value: r.value }));
  const trials: StudyTrial[] = results.map((r) => ({ id: r.trialId, status: r.status, config: { ...configOf(r.trialId, planned) }, final: r.final, params: r.params, data: r.data, flops: r.flops }));
  return { spec: study, trials, metrics, batch };
}
