/**
 * Small seeded PRNGs. Everything that must be reproducible (subsets, data order, synthetic data,
 * weight init) draws from here so a (seed, position) pair always yields the same numbers on any
 * machine: integer maths only, no Math.random.
 */

/** mulberry32: 32-bit state, full period 2^32, good enough for shuffles and init. Returns [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes several integers into one 32-bit seed (splitmix-style), e.g. (trialSeed, epoch). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    // Fold in the high bits of values beyond 32 bits (e.g. large step counts).
    h = (h + Math.floor(p / 4294967296)) >>> 0;
  }
  return h >>> 0;
}

/** Uniform integer in [0, n). */
export function randomInt(rng: () => number, n: number): number {
  return Math.floor(rng() * n);
}

/** Standard normal draws (Box-Muller), deterministic given rng. */
export function normalSampler(rng: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = rng();
    const v = rng();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

function checkCount(name: string, value: number, max?: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name}: expected a non-negative integer, got ${String(value)}`);
  }
  if (max !== undefined && value > max) {
    throw new RangeError(`${name}: expected at most ${max}, got ${value}`);
  }
}

/** A seeded permutation of 0..n-1 (Fisher-Yates). */
export function seededPermutation(n: number, seed: number): Uint32Array {
  checkCount('n', n);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  const rng = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

/**
 * `size` distinct indices from 0..n-1, chosen by `seed`, in the drawn order (a partial
 * Fisher-Yates shuffle, so the first k of a larger subset equal the subset of size k).
 */
export function seededSubset(n: number, size: number, seed: number): Uint32Array {
  checkCount('n', n);
  checkCount('size', size, n);
  const pool = new Uint32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  const rng = mulberry32(seed);
  for (let i = 0; i < size; i++) {
    const j = i + randomInt(rng, n - i);
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.slice(0, size);
}
