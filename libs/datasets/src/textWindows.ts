/**
 * Byte-level token streams for language-model proxies: a seeded train/validation split by
 * document, a pool of U unique training tokens (so that D training tokens repeat it D/U times —
 * the repetition axis of Muennighoff et al. 2023, "Scaling Data-Constrained Language Models"),
 * a sampler that walks that pool epoch by epoch, and a fixed evaluation set of windows.
 *
 * A window is `context + 1` consecutive tokens: the model reads the first `context` and predicts
 * each next one. Windows are returned as row-major Int32Array [count, context + 1].
 */
import { mixSeed, mulberry32, randomInt, seededPermutation, seededSubset } from './prng';
import type { TextCorpus, TextDocument } from './textCorpus';

/** Byte placed between documents when they are joined: ASCII ETX, "end of text". */
export const DOCUMENT_SEPARATOR = 0x03;

export interface DocumentSplit {
  train: Uint8Array;
  valid: Uint8Array;
  /** Document ids in each part, in the order they were joined. */
  trainIds: string[];
  validIds: string[];
}

/** Documents joined in order, each followed by DOCUMENT_SEPARATOR. */
export function joinDocuments(docs: readonly TextDocument[]): Uint8Array {
  let n = 0;
  for (const d of docs) n += d.bytes.length + 1;
  const out = new Uint8Array(n);
  let at = 0;
  for (const d of docs) {
    out.set(d.bytes, at);
    at += d.bytes.length;
    out[at++] = DOCUMENT_SEPARATOR;
  }
  return out;
}

/**
 * Splits a corpus by whole documents: a seeded permutation puts round(validFraction · n)
 * documents (at least one when validFraction > 0) into validation and the rest into training,
 * each part joined in permuted order with a separator byte. No document is in both parts.
 * validFraction 0 → everything is training; 1 → everything is validation (an OOD eval corpus).
 */
export function splitByDocument(c: TextCorpus, o: { validFraction: number; seed: number }): DocumentSplit {
  const { validFraction, seed } = o;
  if (!(validFraction >= 0 && validFraction <= 1)) {
    throw new RangeError(`validFraction: expected a number in [0, 1], got ${String(validFraction)}`);
  }
  checkSeed(seed);
  const n = c.documents.length;
  let nValid = Math.round(validFraction * n);
  if (validFraction > 0 && nValid === 0) nValid = 1;
  const order = seededPermutation(n, seed);
  const valid = Array.from(order.subarray(0, nValid), (i) => c.documents[i]);
  const train = Array.from(order.subarray(nValid), (i) => c.documents[i]);
  return {
    train: joinDocuments(train),
    valid: joinDocuments(valid),
    trainIds: train.map((d) => d.id),
    validIds: valid.map((d) => d.id),
  };
}

/** Length of the contiguous chunks a unique-token pool is assembled from. */
export const POOL_CHUNK_TOKENS = 2048;

/**
 * U unique training tokens: `ceil(U / chunk)` distinct contiguous chunks of `train` (a seeded
 * choice, in drawn order; the last chunk cut to make exactly U). For one seed, a smaller pool is a
 * prefix of a larger one, so unique-data sweeps nest. D training tokens are then drawn from the
 * pool by a WindowSampler: epochs = D / U.
 */
export function uniqueTokenPool(
  train: Uint8Array,
  o: { uniqueTokens: number; seed: number; chunk?: number },
): Uint8Array {
  const { uniqueTokens: u, seed } = o;
  const chunk = o.chunk ?? POOL_CHUNK_TOKENS;
  checkSeed(seed);
  if (!Number.isInteger(chunk) || chunk < 1) throw new RangeError(`chunk: expected a positive integer, got ${String(chunk)}`);
  if (!Number.isInteger(u) || u < 1) throw new RangeError(`uniqueTokens: expected a positive integer, got ${String(u)}`);
  if (u > train.length) {
    throw new RangeError(`uniqueTokens: expected at most ${train.length} (the training split's size), got ${u}`);
  }
  const chunks = Math.floor(train.length / chunk);
  const needed = Math.ceil(u / chunk);
  if (needed > chunks) return train.slice(0, u); // U close to the whole split: take it as is
  const picked = seededSubset(chunks, needed, seed);
  const out = new Uint8Array(u);
  for (let i = 0; i < needed; i++) {
    const start = picked[i] * chunk;
    const take = Math.min(chunk, u - i * chunk);
    out.set(train.subarray(start, start + take), i * chunk);
  }
  return out;
}

/**
 * Walks a token pool in windows of `context + 1` tokens, epoch after epoch. Each epoch tiles the
 * pool with W = floor((n − 1 − shift) / context) windows that overlap by one token (the last
 * target of one is the first input of the next) and visits them in a fresh seeded order; the
 * tiling shift (0 … slack) is also drawn per epoch, so boundaries move between epochs. Every token
 * of the pool is thus predicted once per epoch (up to the slack of fewer than `context` tokens),
 * and D predicted tokens repeat the pool D / (W·context) times — not i.i.d. windows.
 *
 * Deterministic in (tokens, context, seed, windows drawn): `start` resumes at any window count.
 */
export class WindowSampler {
  readonly context: number;
  readonly seed: number;
  /** Windows in one epoch (fixed; the shift only moves them within the slack). */
  readonly windowsPerEpoch: number;
  private readonly tokens: Uint8Array;
  private readonly slack: number;
  private drawn: number;
  private epochOrder: Uint32Array | undefined;
  private epochShift = 0;
  private orderEpoch = -1;

  constructor(tokens: Uint8Array, o: { context: number; seed: number; start?: number }) {
    const { context, seed } = o;
    if (!Number.isInteger(context) || context < 1) throw new RangeError(`context: expected a positive integer, got ${String(context)}`);
    checkSeed(seed);
    if (tokens.length < context + 1) {
      throw new RangeError(`tokens: expected at least context + 1 = ${context + 1} tokens, got ${tokens.length}`);
    }
    const start = o.start ?? 0;
    if (!Number.isInteger(start) || start < 0) throw new RangeError(`start: expected a non-negative integer, got ${String(start)}`);
    this.tokens = tokens;
    this.context = context;
    this.seed = seed;
    this.windowsPerEpoch = Math.floor((tokens.length - 1) / context);
    this.slack = tokens.length - 1 - this.windowsPerEpoch * context;
    this.drawn = start;
  }

  /** Windows handed out so far (pass as `start` to resume). */
  get windowsDrawn(): number {
    return this.drawn;
  }

  /** Completed passes over the pool (fractional). */
  get epochs(): number {
    return this.drawn / this.windowsPerEpoch;
  }

  /** Tokens predicted per epoch: W · context (≤ pool size − 1). */
  get tokensPerEpoch(): number {
    return this.windowsPerEpoch * this.context;
  }

  /** The next `batch` windows, row-major [batch, context + 1]. */
  next(batch: number): Int32Array {
    if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch: expected a positive integer, got ${String(batch)}`);
    const width = this.context + 1;
    const out = new Int32Array(batch * width);
    for (let b = 0; b < batch; b++) {
      const epoch = Math.floor(this.drawn / this.windowsPerEpoch);
      if (epoch !== this.orderEpoch) this.startEpoch(epoch);
      const slot = this.epochOrder![this.drawn - epoch * this.windowsPerEpoch];
      const from = this.epochShift + slot * this.context;
      for (let j = 0; j < width; j++) out[b * width + j] = this.tokens[from + j];
      this.drawn++;
    }
    return out;
  }

  private startEpoch(epoch: number): void {
    const s = mixSeed(this.seed, epoch);
    this.epochOrder = seededPermutation(this.windowsPerEpoch, s);
    this.epochShift = this.slack > 0 ? randomInt(mulberry32(mixSeed(s, 1)), this.slack + 1) : 0;
    this.orderEpoch = epoch;
  }
}

/**
 * A fixed evaluation set: `count` non-overlapping windows of `context + 1` tokens at seeded
 * positions (sorted), row-major [count, context + 1]. Throws when the tokens hold fewer than
 * `count` such windows.
 */
export function evalWindows(tokens: Uint8Array, o: { context: number; count: number; seed: number }): Int32Array {
  const { context, count, seed } = o;
  if (!Number.isInteger(context) || context < 1) throw new RangeError(`context: expected a positive integer, got ${String(context)}`);
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count: expected a positive integer, got ${String(count)}`);
  checkSeed(seed);
  const width = context + 1;
  const slots = Math.floor(tokens.length / width);
  if (count > slots) {
    throw new RangeError(`count: expected at most ${slots} windows of ${width} tokens in ${tokens.length} tokens, got ${count}`);
  }
  const picked = Array.from(seededSubset(slots, count, seed)).sort((a, b) => a - b);
  const out = new Int32Array(count * width);
  picked.forEach((slot, r) => {
    for (let j = 0; j < width; j++) out[r * width + j] = tokens[slot * width + j];
  });
  return out;
}

function checkSeed(seed: number): void {
  if (!Number.isInteger(seed)) throw new RangeError(`seed: expected an integer, got ${String(seed)}`);
}
