import { describe, expect, it } from 'vitest';
import { formatStudy, studyFromSweep, type StudyMetric, type StudyTrial } from '../src/index';

describe('studyFromSweep', () => {
  it('lr-sensitivity reads final losses, divergence and the last logged instability signals', () => {
    const trials: StudyTrial[] = [
      { id: 's-0', status: 'completed', config: { width: 16, learningRate: 1e-3 }, final: { eval_loss: 2.5 } },
      { id: 's-1', status: 'completed', config: { width: 16, learningRate: 1e-2 }, final: { eval_loss: 2.1 } },
      { id: 's-2', status: 'diverged', config: { width: 16, learningRate: 1e-1 }, final: { eval_loss: null } },
      { id: 's-3', status: 'running', config: { width: 16, learningRate: 3e-2 } },
    ];
    const metrics: StudyMetric[] = [
      { trialId: 's-1', step: 8, name: 'attn_logit_max', value: 5 },
      { trialId: 's-1', step: 16, name: 'attn_logit_max', value: 7 },
      { trialId: 's-2', step: 8, name: 'attn_logit_max', value: 90 },
    ];
    const s = studyFromSweep({ kind: 'lr-sensitivity' }, trials, metrics);
    if (s.kind !== 'lr-sensitivity') throw new Error('kind');
    const w = s.result.variants[0].widths[0];
    expect(w.runs).toBe(3);
    expect(w.curve.map((c) => c.attnLogitMax)).toEqual([null, 7, 90]);
    expect(w.sensitivity).toBeCloseTo((0.4 + 0 + (Math.log(256) - 2.1)) / 3, 12);
    expect(formatStudy(s)).toMatch(/width 16: sensitivity 1\.28 \(best 2\.1 at LR 0\.01; 1\/3 diverged\)/);
  });

  it('says which config a study needs, and that nothing has finished', () => {
    expect(() => studyFromSweep({ kind: 'lr-sensitivity' }, [{ id: 'a', status: 'running', config: {} }], [])).toThrow(/no trial has finished yet/);
    expect(() => studyFromSweep({ kind: 'lr-sensitivity' }, [{ id: 'a', status: 'completed', config: { width: 8 } }], [])).toThrow(/trial a needs config\.width and config\.learningRate/);
    expect(() => studyFromSweep({ kind: 'lr-annealing' }, [{ id: 'a', status: 'completed', config: {} }], [])).toThrow(/trial a has no config\.schedule/);
  });
});
