import type { Scorer } from '../types';
import { earlyTrainingScore } from './early';

/** Cross-entropy −log p_y after early training, averaged over seeds. High = hard. Options as EL2N. */
export const lossScorer: Scorer = {
  name: 'loss',
  usesLabels: true,
  score: (data, opts) =>
    earlyTrainingScore(data, opts, ({ probs }, d) => {
      const out = new Float64Array(d.n);
      for (let i = 0; i < d.n; i++) out[i] = -Math.log(Math.max(probs[i * d.classes + d.y[i]], 1e-12));
      return out;
    }),
};
