import { ProxyModel, type ForwardOut } from '../model';
import { deriveSeed, Rng } from '../rng';
import { validateData } from '../validate';
import type { CurationData, ScoreOptions, ScoreResult } from '../types';
import { readEarlyTraining } from './proxy-options';

/**
 * Shared driver of the early-training scores (EL2N, GraNd, loss): for each of `seeds` independent
 * initialisations train `epochs` epochs, run one forward pass and average the per-example statistic.
 * Cost: seeds · (epochs · n · train + n · forward [+ n · backward for gradients]).
 */
export function earlyTrainingScore(
  data: CurationData,
  opts: ScoreOptions,
  stat: (out: ForwardOut & { gradNorm?: Float64Array }, data: CurationData) => Float64Array,
  gradNorms?: 'full' | 'last-layer',
): ScoreResult {
  validateData(data);
  const { epochs, seeds, proxy } = readEarlyTraining(opts);
  const scores = new Float64Array(data.n);
  let flops = 0;
  for (let s = 0; s < seeds; s++) {
    const seed = deriveSeed(opts.seed, s);
    const model = new ProxyModel(data.dim, data.classes, proxy, seed);
    try {
      const rng = new Rng(deriveSeed(seed, 1));
      for (let e = 0; e < epochs; e++) flops += model.trainEpoch(data, rng);
      const out = model.forward(data, gradNorms);
      flops += data.n * model.forwardFlopsPerExample() * (gradNorms ? 3 : 1);
      const v = stat(out, data);
      for (let i = 0; i < data.n; i++) scores[i] += v[i] / seeds;
    } finally {
      model.dispose();
    }
  }
  return { scores, flops };
}
