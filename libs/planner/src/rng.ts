/** Seeded PRNG (mulberry32) so every planner decision is reproducible from the spec's seed. */
import { mulberry32 } from '@slab/laws';

export type Rng = () => number;

/** Mixes integers into one 32-bit seed (FNV-1a over their bytes). */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    let v = Math.floor(p) >>> 0;
    for (let i = 0; i < 4; i++) {
      h ^= v & 0xff;
      h = Math.imul(h, 0x01000193);
      v >>>= 8;
    }
  }
  return h >>> 0;
}

/** The same mulberry32 the fits use (@slab/laws), so one generator serves the whole pipeline. */
export function createRng(seed: number): Rng {
  return mulberry32(seed);
}
