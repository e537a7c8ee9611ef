import { describe, expect, it } from 'vitest';
import { defaultYScale, LOSS_VIEW, metricGroups, readCurveChoice, writeCurveChoice } from '../web/curveChoice';
import { SeriesStore } from '../web/series';

/** What a GPT trial streams (workers/trainer-tfjs/src/gpt/train.ts), in arrival order. */
const GPT = ['train_loss', 'lr', 'grad_norm', 'tokens_per_s', 'attn_logit_max', 'attn_logit_max_l10', 'attn_logit_max_l2', 'attn_logit_max_l0', 'attn_entropy_min', 'output_logit_mean', 'output_logit_max', 'eval_loss', 'eval_loss_austen', 'my_custom'];

describe('curve metric picker', () => {
  it('groups what a GPT trial streams, losses first, layers in natural order', () => {
    expect(metricGroups(GPT)).toEqual([
      { label: 'Losses', metrics: [LOSS_VIEW, 'eval_loss', 'eval_loss_austen', 'train_loss'] },
      { label: 'Optimiser', metrics: ['grad_norm', 'lr'] },
      { label: 'Attention and logits', metrics: ['attn_entropy_min', 'attn_logit_max', 'attn_logit_max_l0', 'attn_logit_max_l2', 'attn_logit_max_l10', 'output_logit_max', 'output_logit_mean'] },
      { label: 'Throughput', metrics: ['tokens_per_s'] },
      { label: 'Other', metrics: ['my_custom'] },
    ]);
  });

  it('offers no loss view when no trial streams a loss', () => {
    expect(metricGroups(['score_a', 'wall_s'])[0].metrics).not.toContain(LOSS_VIEW);
  });

  it('reads learning rate, entropies and means linear, the rest log', () => {
    expect(['lr', 'attn_entropy_min', 'output_logit_mean'].map(defaultYScale)).toEqual(['linear', 'linear', 'linear']);
    expect(['train_loss', 'attn_logit_max', 'grad_norm'].map(defaultYScale)).toEqual(['log', 'log', 'log']);
  });

  it('keeps the choice in the address next to other keys', () => {
    expect(readCurveChoice('#/sweeps/s1')).toEqual({ metric: LOSS_VIEW, y: 'log' });
    const hash = writeCurveChoice('#/sweeps/s1?level=90', { metric: 'attn_logit_max', y: 'linear' });
    expect(hash).toBe('#/sweeps/s1?level=90&curve=attn_logit_max&y=linear');
    expect(readCurveChoice(hash)).toEqual({ metric: 'attn_logit_max', y: 'linear' });
    // The default scale is not written, and the default view writes nothing.
    expect(writeCurveChoice(hash, { metric: 'lr', y: 'linear' })).toBe('#/sweeps/s1?level=90&curve=lr');
    expect(writeCurveChoice(hash, { metric: LOSS_VIEW, y: 'log' })).toBe('#/sweeps/s1?level=90');
    expect(readCurveChoice('#/sweeps/s1?curve=lr&y=sideways')).toEqual({ metric: 'lr', y: 'linear' });
  });

  it('lists the metric names the series hold', () => {
    const s = new SeriesStore();
    s.add('t1', 'train_loss', 1, 3);
    s.add('t2', 'attn_logit_max', 1, 12);
    s.add('t2', 'train_loss', 2, 2.5);
    expect(s.names().sort()).toEqual(['attn_logit_max', 'train_loss']);
  });
});
