/**
 * Which training samples each step sees. The stream of samples is a pure function of
 * (seed, position): position i lies in epoch floor(i / P) of a pool of P samples, and each epoch
 * is its own seeded permutation of the pool. So a resumed run sees exactly the batches an
 * uninterrupted one would have, without storing any sampler state.
 *   - poolSize set: the pool is a seeded subset of that size (epochs over a fixed subset);
 *   - else the pool is the whole training split (fresh samples while they last, then repeats);
 *   - or an explicit pool (the kept rows of a curation strategy), walked in the order given.
 */
import { mixSeed, seededPermutation, seededSubset } from '@slab/datasets';

export class SampleOrder {
  private readonly pool: Uint32Array;
  private epoch = -1;
  private perm: Uint32Array = new Uint32Array(0);

  /** `trainSize` draws the pool from the split; a Uint32Array is the pool itself (epoch 0 in its order). */
  constructor(
    private readonly seed: number,
    trainSize: number | Uint32Array,
    poolSize?: number,
  ) {
    if (typeof trainSize !== 'number') {
      if (trainSize.length === 0) throw new RangeError('SampleOrder: an explicit pool must not be empty');
      this.pool = trainSize.slice();
      return;
    }
    this.pool =
      poolSize === undefined
        ? seededPermutation(trainSize, mixSeed(seed, 0xf00d))
        : seededSubset(trainSize, poolSize, mixSeed(seed, 0xf00d));
  }

  get poolSize(): number {
    return this.pool.length;
  }

  /** Training-set index of the sample at stream position `i`. */
  at(i: number): number {
    const p = this.pool.length;
    const e = Math.floor(i / p);
    if (e !== this.epoch) {
      // Epoch 0 uses the pool's own order; later epochs reshuffle it.
      this.perm = e === 0 ? identity(p) : seededPermutation(p, mixSeed(this.seed, 0xe90c, e));
      this.epoch = e;
    }
    return this.pool[this.perm[i - e * p]];
  }

  /** Indices of the batch at 0-based `step`: positions [step·batch, min((step+1)·batch, total)). */
  batch(step: number, batchSize: number, total: number): Uint32Array {
    const from = step * batchSize;
    const to = Math.min(from + batchSize, total);
    const out = new Uint32Array(Math.max(0, to - from));
    for (let i = from; i < to; i++) out[i - from] = this.at(i);
    return out;
  }
}

function identity(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** A precomputed sample stream (a quality pool's schedule): the batch at `step` is a slice of it. */
export class StreamOrder {
  constructor(private readonly rows: Uint32Array) {
    if (rows.length === 0) throw new RangeError('StreamOrder: the stream must not be empty');
  }

  batch(step: number, batchSize: number, total: number): Uint32Array {
    const to = Math.min((step + 1) * batchSize, total, this.rows.length);
    return this.rows.slice(Math.min(step * batchSize, to), to);
  }
}
