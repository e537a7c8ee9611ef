import { CurationInputError, requireInt, requireNumber } from '../errors';
import { deriveSeed, Rng } from '../rng';

export interface DynamicPrunerOptions {
  /** Examples in the training set. */
  n: number;
  /** Fraction of well-learned examples dropped each epoch. */
  pruneRatio: number;
  /** Planned epochs. */
  totalEpochs: number;
  /** Prune only during the first `delta` fraction of epochs (annealing afterwards). @default 0.875 */
  delta?: number;
  seed: number;
}

export interface EpochSelection {
  /** Indices to train on this epoch, ascending. */
  indices: Uint32Array;
  /** Loss multiplier per entry of `indices` (1/(1−r) for kept well-learned examples, else 1). */
  weights: Float64Array;
}

/**
 * InfoBatch (Qin et al. 2024) dynamic pruning: each epoch, examples whose current loss is below the
 * mean are "well learned"; a seeded random `pruneRatio` of them is skipped this epoch and the surviving
 * well-learned ones are up-weighted by 1/(1 − pruneRatio) so the expected gradient is unchanged. In the
 * last (1 − delta) of epochs every example is used with weight 1. Tracks sample visits saved.
 */
export class DynamicPruner {
  private readonly o: Required<DynamicPrunerOptions>;
  private visits = 0;
  private fullVisits = 0;

  constructor(opts: DynamicPrunerOptions) {
    this.o = {
      n: requireInt('n', opts.n, 1),
      pruneRatio: requireNumber('pruneRatio', opts.pruneRatio, 0, 0.999),
      totalEpochs: requireInt('totalEpochs', opts.totalEpochs, 1),
      delta: requireNumber('delta', opts.delta ?? 0.875, 0, 1),
      seed: requireInt('seed', opts.seed, 0),
    };
  }

  /** Selection for `epoch` (0-based) given each example's latest loss. */
  select(epoch: number, losses: ArrayLike<number>): EpochSelection {
    const { n, pruneRatio, totalEpochs, delta, seed } = this.o;
    requireInt('epoch', epoch, 0, totalEpochs - 1);
    if (losses.length !== n) throw new CurationInputError('losses', `an array of length n = ${n}`, losses.length);
    this.fullVisits += n;
    if (epoch >= Math.floor(delta * totalEpochs) || pruneRatio === 0) {
      this.visits += n;
      return { indices: Uint32Array.from({ length: n }, (_, i) => i), weights: new Float64Array(n).fill(1) };
    }
    let mean = 0;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(losses[i])) throw new CurationInputError(`losses[${i}]`, 'a finite number', losses[i]);
      mean += losses[i] / n;
    }
    const rng = new Rng(deriveSeed(seed, epoch));
    const idx: number[] = [];
    const w: number[] = [];
    const up = 1 / (1 - pruneRatio);
    for (let i = 0; i < n; i++) {
      const wellLearned = losses[i] < mean;
      const u = rng.next(); // drawn for every example so the stream does not depend on the loss split
      if (wellLearned && u < pruneRatio) continue;
      idx.push(i);
      w.push(wellLearned ? up : 1);
    }
    this.visits += idx.length;
    return { indices: Uint32Array.from(idx), weights: Float64Array.from(w) };
  }

  /** Fraction of sample visits skipped so far, relative to full-data training. */
  savedFraction(): number {
    return this.fullVisits === 0 ? 0 : 1 - this.visits / this.fullVisits;
  }
}
