/**
 * `slab status`'s study section: the answer the orchestrator stored after the sweep's last batch
 * (GET /api/sweeps/:id/study), or, when none is stored (a gateway without the route, a sweep whose
 * fits failed), the answer computed here from the stored trials and curves.
 */
import { GatewayError, type GatewayClient, type StudyAnswer, type TrialRow } from '@slab/api';
import { parseSpec } from '@slab/spec';
import { answerStudy, formatStudy, studyFromSweep, studyMetrics, type StudyMetric, type StudyResult, type StudySpec } from '@slab/studies';

/**
 * The study named by the sweep's spec computed from its stored trials and curves, or undefined when
 * it names none. Throws with the reason when the answer cannot be computed yet (no finished trial,
 * a trial without the config the study needs).
 */
export async function sweepStudy(client: GatewayClient, id: string, specYaml: string, trials: TrialRow[]): Promise<StudyResult | undefined> {
  const study = studyOf(specYaml);
  if (!study) return undefined;
  return studyFromSweep(study, ...(await studyInputs(client, id, study, trials)));
}

/**
 * The sweep's study answer: the stored one when the orchestrator has computed one, else computed
 * here (`computedAt` is then now and `batch` null). Undefined when the spec names no study.
 */
export async function studyAnswer(client: GatewayClient, id: string, specYaml: string, trials: TrialRow[]): Promise<StudyAnswer | undefined> {
  const study = studyOf(specYaml);
  if (!study) return undefined;
  try {
    const stored = await client.study(id);
    if (stored.computedAt !== null) return stored;
  } catch (err) {
    // 404: a gateway that serves no stored answers; computed here instead.
    if (!(err instanceof GatewayError && err.status === 404)) throw err;
  }
  return answerStudy(study, ...(await studyInputs(client, id, study, trials)), { batch: null, computedAt: new Date().toISOString() });
}

function studyOf(specYaml: string): StudySpec | undefined {
  const parsed = parseSpec(specYaml);
  return parsed.ok ? (parsed.spec.study as StudySpec | undefined) : undefined;
}

async function studyInputs(client: GatewayClient, id: string, study: StudySpec, trials: TrialRow[]) {
  const rows = (await Promise.all(studyMetrics(study).map((name) => client.sweepMetrics(id, name)))).flat();
  const metrics: StudyMetric[] = rows.map((r) => ({ trialId: r.trialId, step: r.step, name: r.name, value: r.value }));
  const studyTrials = trials.map((t) => ({ id: t.id, status: t.status, config: { ...t.config }, final: t.final, params: t.params, data: t.data, flops: t.flops }));
  return [studyTrials, metrics] as const;
}

/** The study section's text: the answer, or why there is none yet, and when it was computed. */
export function studyText(answer: StudyAnswer): string {
  const when =
    answer.computedAt === null
      ? ''
      : answer.batch === null
        ? `computed here from ${answer.trials} finished trials (no stored answer)`
        : `computed after batch ${answer.batch + 1} at ${answer.computedAt} from ${answer.trials} finished trials`;
  // The analysis names its study in its errors already; said once.
  const why = (answer.error ?? 'unknown reason').replace(new RegExp(`^study ${answer.kind}: `), '');
  if (!answer.result) return `study ${answer.kind}: no answer yet: ${why}${when ? ` (${when})` : ''}`;
  return `${formatStudy(answer.result)}\n  ${when}`;
}

/** Prints the study section of `slab status` (nothing when the spec names no study). */
export async function printStudy(client: GatewayClient, id: string, specYaml: string, trials: TrialRow[]): Promise<void> {
  const answer = await studyAnswer(client, id, specYaml, trials);
  if (answer) console.log(`\n${studyText(answer)}`);
}
