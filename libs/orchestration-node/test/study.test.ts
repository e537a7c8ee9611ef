// The fitLaws activity answers the spec's study beside the fit, in the fit thread, from the finished
// trials (configs from the workflow's plan) and the curves it reads through the gateway, and stores the
// answer inside the fit report the gateway serves as GET /api/sweeps/:id/study.
import type { TrialConfig, TrialResult } from '@slab/spec';
import type { StudyAnswer } from '@slab/studies';
import { describe, expect, it } from 'vitest';
import { createOrchestratorActivities } from '../src';
import { collectingGateway, testSpec } from './helpers';

const LRS = [1e-3, 3e-3, 1e-2, 3e-2];
const planned: TrialConfig[] = LRS.map((learningRate) => ({ width: 16, learningRate, params: 1000, data: 1000 }) as TrialConfig);
// Loss is lowest at 3e-3; the highest LR diverged.
const loss = [2.6, 2.2, 2.4, null];
const results: TrialResult[] = LRS.map((_, i) => ({
  trialId: `s-t${String(i).padStart(4, '0')}`, status: loss[i] === null ? 'diverged' : 'completed', params: 1000, data: 1000, flops: 6e6,
  final: { eval_loss: loss[i] }, resumedFromStep: 0, steps: 10, backend: 'test', wallSeconds: 1,
}));

describe('fitLaws with a study', () => {
  it('stores the study answer, computed from the planned configs and the read curves, in the fit report', async () => {
    const asked: string[] = [];
    const gateway = {
      ...collectingGateway(),
      async sweepMetrics(sweepId: string, name: string) {
        asked.push(`${sweepId}:${name}`);
        return name === 'attn_logit_max' ? results.map((r, i) => ({ trialId: r.trialId, step: 10, name, value: 5 * (i + 1) })) : [];
      },
    };
    const acts = createOrchestratorActivities({ gateway });
    const spec = testSpec({ study: { kind: 'lr-sensitivity' } });
    await acts.fitLaws({ sweepId: 's', spec, results, planned, batch: 3 });
    expect(asked.sort()).toEqual(['s:attn_logit_max', 's:output_logit_max', 's:output_logit_mean']);
    const study = (gateway.fits[0].report as { study?: StudyAnswer }).study;
    expect(study).toMatchObject({ kind: 'lr-sensitivity', batch: 3, trials: 4 });
    expect(Date.parse(study!.computedAt!)).not.toBeNaN();
    if (study?.result?.kind !== 'lr-sensitivity') throw new Error(`expected an lr-sensitivity answer, got ${JSON.stringify(study)}`);
    const w = study.result.result.variants[0].widths[0];
    expect(w.bestLearningRate).toBe(3e-3);
    expect(w.diverged).toBe(1);
    expect(w.curve.map((c) => c.attnLogitMax)).toEqual([5, 10, 15, 20]);
  }, 60_000);

  it('stores why a study has no answer yet, and nothing for a spec without a study', async () => {
    const gateway = { ...collectingGateway(), sweepMetrics: async () => [] };
    const acts = createOrchestratorActivities({ gateway });
    // No configs planned for these trials: the study cannot place them.
    await acts.fitLaws({ sweepId: 's', spec: testSpec({ study: { kind: 'lr-sensitivity' } }), results });
    expect((gateway.fits[0].report as { study?: StudyAnswer }).study).toMatchObject({ kind: 'lr-sensitivity', batch: null, error: expect.stringMatching(/needs config\.width and config\.learningRate/) });
    await acts.fitLaws({ sweepId: 's', spec: testSpec(), results, planned });
    expect(gateway.fits[1].report).not.toHaveProperty('study');
  }, 60_000);
});
