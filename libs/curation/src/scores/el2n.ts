import type { Scorer } from '../types';
import { earlyTrainingScore } from './early';

/**
 * EL2N (Paul et al. 2021): ‖softmax(f(x)) − onehot(y)‖₂ after a few epochs, averaged over seeds.
 * High = hard. Options: epochs (3), seeds (3), hidden (64; 0 = softmax regression), lr, batchSize, momentum.
 */
export const el2nScorer: Scorer = {
  name: 'el2n',
  usesLabels: true,
  score: (data, opts) =>
    earlyTrainingScore(data, opts, ({ probs }, d) => {
      const out = new Float64Array(d.n);
      for (let i = 0; i < d.n; i++) {
        let s = 0;
        for (let c = 0; c < d.classes; c++) {
          const e = probs[i * d.classes + c] - (d.y[i] === c ? 1 : 0);
          s += e * e;
        }
        out[i] = Math.sqrt(s);
      }
      return out;
    }),
};
