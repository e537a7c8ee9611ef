/**
 * GET /api/sweeps/:id/study: the newest answer of the sweep's study. The orchestrator computes it
 * after each batch (beside the fit, off any event loop) and stores it inside that fit's report, so
 * serving it is a read: no analysis runs on the gateway.
 */
import type { FitRow, StudyAnswer, SweepRow } from '@slab/api';
import type { Store } from '@slab/store';
import type { ParseSpec } from './spec';

/** The study answer a fit report carries, if any. */
function answerIn(fit: FitRow | undefined): StudyAnswer | undefined {
  const study = (fit?.report as { study?: unknown } | null | undefined)?.study;
  return typeof study === 'object' && study !== null && typeof (study as StudyAnswer).kind === 'string' ? (study as StudyAnswer) : undefined;
}

/**
 * The newest stored answer; a `computedAt: null` answer naming the kind when the spec has a study
 * that has not been answered yet; undefined when the spec names no study.
 */
export async function sweepStudy(store: Pick<Store, 'latestFit' | 'listFits'>, sweep: Pick<SweepRow, 'id' | 'specYaml'>, parseSpec: ParseSpec): Promise<StudyAnswer | undefined> {
  // The newest fit carries it (every fitLaws stores one); only a failed fit, posted whole by the
  // workflow, comes without: then the fits before it are searched, newest first.
  const latest = answerIn(await store.latestFit(sweep.id));
  if (latest) return latest;
  const parsed = parseSpec(sweep.specYaml);
  const kind = parsed.ok ? parsed.spec.study?.kind : undefined;
  if (!kind) return undefined;
  const fits = await store.listFits(sweep.id);
  for (let i = fits.length - 1; i >= 0; i--) {
    const answer = answerIn(fits[i]);
    if (answer) return answer;
  }
  return { kind, batch: null, computedAt: null, trials: 0, error: 'not computed yet: the orchestrator computes the study after each batch of trials' };
}
