/**
 * Sobol low-discrepancy points in up to 8 dimensions (Joe & Kuo direction numbers), with a seeded
 * random digital shift so different seeds give different but equally space-filling designs.
 */
import { createRng } from './rng';

const BITS = 32;
// Joe–Kuo (new-joe-kuo-6.21201) for dimensions 2..8: degree s, coefficients a, initial m.
const JOE_KUO: { s: number; a: number; m: number[] }[] = [
  { s: 1, a: 0, m: [1] },
  { s: 2, a: 1, m: [1, 3] },
  { s: 3, a: 1, m: [1, 3, 1] },
  { s: 3, a: 2, m: [1, 1, 1] },
  { s: 4, a: 1, m: [1, 1, 3, 3] },
  { s: 4, a: 4, m: [1, 3, 5, 13] },
  { s: 5, a: 2, m: [1, 1, 5, 5, 17] },
];
export const SOBOL_MAX_DIM = JOE_KUO.length + 1;

function directions(dim: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (dim === 0) {
    for (let i = 0; i < BITS; i++) v[i] = 1 << (BITS - 1 - i);
    return v;
  }
  const { s, a, m } = JOE_KUO[dim - 1];
  for (let i = 0; i < s; i++) v[i] = (m[i] << (BITS - 1 - i)) >>> 0;
  for (let i = s; i < BITS; i++) {
    let x = v[i - s] ^ (v[i - s] >>> s);
    for (let k = 1; k < s; k++) if ((a >>> (s - 1 - k)) & 1) x ^= v[i - k];
    v[i] = x >>> 0;
  }
  return v;
}

/** Points `from`..`from+count-1` of the d-dimensional sequence (point 0 is the origin before shifting). */
export function sobolPoints(d: number, from: number, count: number, seed?: number): number[][] {
  if (d < 1 || d > SOBOL_MAX_DIM) throw new RangeError(`sobol: dimension must be 1..${SOBOL_MAX_DIM}, got ${d}`);
  const dirs = Array.from({ length: d }, (_, j) => directions(j));
  const rng = seed === undefined ? undefined : createRng(seed);
  const shift = Array.from({ length: d }, () => (rng ? Math.floor(rng() * 2 ** 32) >>> 0 : 0));
  const out: number[][] = [];
  for (let n = from; n < from + count; n++) {
    const p: number[] = [];
    for (let j = 0; j < d; j++) {
      let x = 0;
      let i = n;
      for (let b = 0; i > 0; b++, i = Math.floor(i / 2)) if (i & 1) x ^= dirs[j][b];
      p.push(((x ^ shift[j]) >>> 0) / 2 ** 32);
    }
    out.push(p);
  }
  return out;
}
