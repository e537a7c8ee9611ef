import { optInt } from '../errors';
import { ProxyModel } from '../model';
import { deriveSeed, Rng } from '../rng';
import type { Scorer } from '../types';
import { validateData } from '../validate';
import { readEarlyTraining } from './proxy-options';

/**
 * Forgetting events (Toneva et al. 2019): over one training run, count correct→incorrect transitions
 * between successive presentations, recording correctness on the batch *before* its update.
 * Toneva convention: an example never classified correctly is the most forgettable and scores
 * `epochs + 1` (more than any possible count). Averaged over `seeds` runs (default 1). High = hard.
 * Options: epochs (default 10), seeds (1), hidden, lr, batchSize, momentum.
 */
export const forgettingScorer: Scorer = {
  name: 'forgetting',
  usesLabels: true,
  score: (data, opts) => {
    validateData(data);
    const { proxy } = readEarlyTraining(opts);
    const epochs = optInt(opts, 'epochs', 10, 1, 10000);
    const seeds = optInt(opts, 'seeds', 1, 1, 1000);
    const scores = new Float64Array(data.n);
    let flops = 0;
    for (let s = 0; s < seeds; s++) {
      const seed = deriveSeed(opts.seed, s);
      const model = new ProxyModel(data.dim, data.classes, proxy, seed);
      const prev = new Uint8Array(data.n);
      const everLearned = new Uint8Array(data.n);
      const forgets = new Float64Array(data.n);
      try {
        const rng = new Rng(deriveSeed(seed, 1));
        for (let e = 0; e < epochs; e++) {
          flops += model.trainEpoch(data, rng, {
            onBatch: (idx, correct) => {
              for (let r = 0; r < idx.length; r++) {
                const i = idx[r];
                if (prev[i] === 1 && correct[r] === 0) forgets[i]++;
                if (correct[r]) everLearned[i] = 1;
                prev[i] = correct[r];
              }
            },
          });
        }
      } finally {
        model.dispose();
      }
      for (let i = 0; i < data.n; i++) scores[i] += (everLearned[i] ? forgets[i] : epochs + 1) / seeds;
    }
    return { scores, flops };
  },
};
