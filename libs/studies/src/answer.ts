/**
 * A study's answer as stored and served: the StudyResult of studyFromSweep, or why there is none
 * yet, stamped with when it was computed. The orchestrator computes one after every batch and the
 * gateway serves the newest (GET /api/sweeps/:id/study); `slab status` and the console read it.
 */
import { studyFromSweep, type StudyMetric, type StudyResult, type StudySpec, type StudyTrial } from './sweep';

export interface StudyAnswer {
  /** The spec's `study.kind`. */
  kind: string;
  /** Batch index (0-based) after which it was computed; null when none has been computed yet. */
  batch: number | null;
  /** ISO time it was computed; null when none has been computed yet. */
  computedAt: string | null;
  /** Finished (completed or diverged) trials the answer rests on. */
  trials: number;
  /** The answer; absent when it could not be computed (see `error`). */
  result?: StudyResult;
  /** Why there is no answer (no trial finished yet, a trial without the config the study needs). */
  error?: string;
}

/**
 * studyFromSweep with its failure kept as data: an answer that cannot be computed yet (no trial has
 * finished, a trial lacks the config the study compares) is an `error` text, never a throw.
 */
export function answerStudy(
  spec: StudySpec,
  trials: readonly StudyTrial[],
  metrics: readonly StudyMetric[],
  at: { batch: number | null; computedAt: string },
): StudyAnswer {
  const ended = trials.filter((t) => t.status === 'completed' || t.status === 'diverged').length;
  const base = { kind: spec.kind, batch: at.batch, computedAt: at.computedAt, trials: ended };
  try {
    return { ...base, result: studyFromSweep(spec, trials, metrics) };
  } catch (err) {
    return { ...base, error: err instanceof Error ? err.message : String(err) };
  }
}
