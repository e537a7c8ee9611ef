/**
 * Seed design for the adaptive planner (used while no fit exists): IsoFLOP-like slices.
 * The compute range under `cap` is cut into `slices` bands, each a factor `ratio` wide, from the
 * dearest affordable candidate down; each band gets `perSlice` runs, one drawn from each
 * rank-stratum of N inside the band. Several runs per slice pin the trade-off between N and D
 * (α against β); two or more slices pin how the loss falls with compute, so a first fit on
 * 8 points is identifiable. Keeping the slices just under the cap puts the seed as close to the
 * target's scale as its FLOP share allows: on the Chinchilla runs the law's misfit grows fast
 * towards the smallest runs, and seeds far down bias every later fit (bench/planner).
 * Rank strata (not the N extremes) because a slice's extremes are its most off-optimal,
 * worst-fitted runs. Already planned runs in a band take its first strata.
 */
import type { Rng } from './rng';
import type { Candidate } from './types';

export interface SliceSeedOptions {
  /** Largest cost of one seed point. */
  cap: number;
  slices: number;
  perSlice: number;
  /** Width of a band as a cost ratio (> 1). */
  ratio: number;
}

/** The seed points in buying order (band by band from the cap down); `logN` sizes a candidate. */
export function sliceSeed(pool: Candidate[], planned: Candidate[], opts: SliceSeedOptions, rng: Rng, logN: (c: Candidate) => number): Candidate[] {
  if (!(opts.ratio > 1)) throw new Error(`planner: seed band ratio must be > 1, got ${opts.ratio}`);
  if (!(opts.perSlice >= 1)) throw new Error(`planner: seed perSlice must be ≥ 1, got ${opts.perSlice}`);
  const out: Candidate[] = [];
  const under = (c: Candidate) => c.estFlops <= opts.cap;
  const affordable = pool.filter(under);
  if (affordable.length === 0) return out;
  // Bands hang from the dearest affordable candidate, planned ones included so they stay put
  // from batch to batch.
  const top = Math.max(...[...affordable, ...planned.filter(under)].map((c) => c.estFlops));
  for (let s = 0; s < opts.slices; s++) {
    const hi = top / opts.ratio ** s;
    const lo = hi / opts.ratio;
    const inBand = (c: Candidate) => c.estFlops > lo && c.estFlops <= hi;
    const band = affordable.filter(inBand).sort((a, b) => logN(a) - logN(b) || a.estFlops - b.estFlops);
    const want = opts.perSlice - planned.filter(inBand).length;
    if (band.length === 0 || want <= 0) continue;
    // `want` rank strata of the band's unplanned runs, one uniform draw in each.
    for (let k = 0; k < Math.min(want, band.length); k++) {
      const from = Math.floor((k * band.length) / Math.min(want, band.length));
      const to = Math.floor(((k + 1) * band.length) / Math.min(want, band.length));
      out.push(band[from + Math.floor(rng() * (to - from))]);
    }
  }
  return out;
}
