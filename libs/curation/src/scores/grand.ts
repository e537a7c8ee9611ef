import { optEnum } from '../errors';
import type { Scorer } from '../types';
import { earlyTrainingScore } from './early';

/**
 * GraNd (Paul et al. 2021): norm of the per-example loss gradient after a few epochs of training
 * (the at-initialisation variant was withdrawn), averaged over seeds. High = hard.
 * `scope: 'full'` (default) is the exact gradient w.r.t. every weight and bias of the proxy, computed in
 * closed form for the 1-hidden-layer MLP; `'last-layer'` is DeepCore's variant, exactly
 * ‖p−y‖·sqrt(1+‖h‖²). Unlike DeepCore, no double softmax is applied. Other options as EL2N.
 */
export const grandScorer: Scorer = {
  name: 'grand',
  usesLabels: true,
  score: (data, opts) => {
    const scope = optEnum(opts, 'scope', 'full', ['full', 'last-layer'] as const);
    return earlyTrainingScore(data, opts, ({ gradNorm }) => gradNorm as Float64Array, scope);
  },
};
