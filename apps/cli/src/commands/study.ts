/** `slab status`'s study section: the paper's answer computed from the sweep's stored trials and curves. */
import type { GatewayClient, TrialRow } from '@slab/api';
import { parseSpec } from '@slab/spec';
import { formatStudy, studyFromSweep, type StudyMetric, type StudyResult } from '@slab/studies';

/** Metric curves each study reads (fetched by name: a sweep stores many more). */
function metricsFor(study: { kind: string; metric?: string }): string[] {
  return study.kind === 'lr-sensitivity' ? ['attn_logit_max', 'output_logit_max', 'output_logit_mean'] : ['lr', study.metric ?? 'eval_loss'];
}

/**
 * The study named by the sweep's spec, or undefined when it names none. Throws with the reason when
 * the answer cannot be computed yet (no finished trial, a trial without the config the study needs).
 */
export async function sweepStudy(client: GatewayClient, id: string, specYaml: string, trials: TrialRow[]): Promise<StudyResult | undefined> {
  const parsed = parseSpec(specYaml);
  if (!parsed.ok || !parsed.spec.study) return undefined;
  const study = parsed.spec.study;
  const rows = (await Promise.all(metricsFor(study).map((name) => client.sweepMetrics(id, name)))).flat();
  const metrics: StudyMetric[] = rows.map((r) => ({ trialId: r.trialId, step: r.step, name: r.name, value: r.value }));
  return studyFromSweep(study, trials.map((t) => ({ id: t.id, status: t.status, config: { ...t.config }, final: t.final, params: t.params, data: t.data })), metrics);
}

/** Prints the study section of `slab status` (nothing when the spec names no study). */
export async function printStudy(client: GatewayClient, id: string, specYaml: string, trials: TrialRow[]): Promise<void> {
  let study: StudyResult | undefined;
  try {
    study = await sweepStudy(client, id, specYaml, trials);
  } catch (e) {
    console.log(`\nstudy: no answer yet: ${(e as Error).message}`);
    return;
  }
  if (study) console.log(`\n${formatStudy(study)}`);
}
