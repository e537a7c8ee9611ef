import { Rng } from '../rng';
import type { Scorer } from '../types';
import { validateData } from '../validate';

/** Uniform random scores in [0, 1): the baseline every strategy is compared against. Costs 0 FLOPs. */
export const randomScorer: Scorer = {
  name: 'random',
  usesLabels: false,
  score: (data, opts) => {
    validateData(data);
    const rng = new Rng(opts.seed);
    const scores = new Float64Array(data.n);
    for (let i = 0; i < data.n; i++) scores[i] = rng.next();
    return { scores, flops: 0 };
  },
};
