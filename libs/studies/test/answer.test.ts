import { describe, expect, it } from 'vitest';
import { answerStudy, studyMetrics, type StudyTrial } from '../src/index';

const at = { batch: 2, computedAt: '2026-01-01T00:00:00.000Z' };

describe('answerStudy', () => {
  it('stamps the answer with its batch, time and the finished trials it rests on', () => {
    const trials: StudyTrial[] = [
      { id: 's-0', status: 'completed', config: { width: 16, learningRate: 1e-3 }, final: { eval_loss: 2.5 } },
      { id: 's-1', status: 'diverged', config: { width: 16, learningRate: 1e-1 }, final: { eval_loss: null } },
      { id: 's-2', status: 'failed', config: { width: 16, learningRate: 3e-2 } },
    ];
    const a = answerStudy({ kind: 'lr-sensitivity' }, trials, [], at);
    expect(a).toMatchObject({ kind: 'lr-sensitivity', batch: 2, computedAt: at.computedAt, trials: 2 });
    expect(a.error).toBeUndefined();
    if (a.result?.kind !== 'lr-sensitivity') throw new Error(`expected an lr-sensitivity result, got ${JSON.stringify(a)}`);
    expect(a.result.result.variants[0].widths[0].diverged).toBe(1);
    // What the gateway stores and serves is plain JSON.
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });

  it('keeps why there is no answer as text instead of throwing', () => {
    const none = answerStudy({ kind: 'lr-annealing' }, [{ id: 'a', status: 'running', config: {} }], [], at);
    expect(none).toEqual({ kind: 'lr-annealing', batch: 2, computedAt: at.computedAt, trials: 0, error: 'study lr-annealing: no trial has finished yet' });
    const bad = answerStudy({ kind: 'lr-annealing' }, [{ id: 'a', status: 'completed', config: {} }], [], at);
    expect(bad.result).toBeUndefined();
    expect(bad.error).toMatch(/trial a has no config\.schedule/);
  });

  it('names the curves each kind reads', () => {
    expect(studyMetrics({ kind: 'lr-sensitivity' })).toEqual(['attn_logit_max', 'output_logit_max', 'output_logit_mean']);
    expect(studyMetrics({ kind: 'lr-annealing', metric: 'eval_loss_austen' })).toEqual(['lr', 'eval_loss_austen']);
  });
});
