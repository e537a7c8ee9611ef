import { CurationInputError, optEnum, optInt } from '../errors';
import { pcaEmbedding, type Embedding } from '../embed';
import { kmeans, normalizeRows } from '../kmeans';
import { ProxyModel } from '../model';
import { deriveSeed, Rng } from '../rng';
import type { CurationData, ScoreOptions, Scorer } from '../types';
import { validateData } from '../validate';
import { readEarlyTraining } from './proxy-options';

/** Caller-supplied embeddings (`opts.embeddings`, n × `opts.embeddingDim`) win over computed ones. */
function suppliedEmbedding(data: CurationData, opts: ScoreOptions): Embedding | undefined {
  const e = opts.embeddings;
  if (e === undefined) return undefined;
  if (opts.embeddingDim === undefined) throw new CurationInputError('opts.embeddingDim', 'the embedding width when opts.embeddings is given', undefined);
  const dim = optInt(opts, 'embeddingDim', 1, 1);
  if (!(e instanceof Float32Array) || e.length !== data.n * dim) {
    throw new CurationInputError('opts.embeddings', `a Float32Array of length n·embeddingDim = ${data.n * dim}`, e);
  }
  return { x: e, dim, flops: 0 };
}

/**
 * Self-supervised prototypes (Sorscher et al. 2022): embed without labels, k-means (seeded k-means++),
 * score = distance to the nearest centroid. Near a centroid = prototypical = easy, so high = hard.
 * Options: k (default 30, as nn_example_difficulty), components (PCA dims, 32), metric ('euclidean' |
 * 'cosine': cosine clusters unit-normalised embeddings), maxIter (100), embeddings/embeddingDim.
 */
export const sspScorer: Scorer = {
  name: 'ssp',
  usesLabels: false,
  score: (data, opts) => {
    validateData(data);
    const k = optInt(opts, 'k', Math.min(30, data.n), 1, data.n);
    const metric = optEnum(opts, 'metric', 'euclidean', ['euclidean', 'cosine'] as const);
    const emb =
      suppliedEmbedding(data, opts) ??
      pcaEmbedding(data.x, data.n, data.dim, optInt(opts, 'components', Math.min(32, data.dim), 1, data.dim), deriveSeed(opts.seed, 7));
    const pts = metric === 'cosine' ? normalizeRows(emb.x, data.n, emb.dim) : emb.x;
    const km = kmeans(pts, data.n, emb.dim, k, { seed: opts.seed, maxIter: optInt(opts, 'maxIter', 100, 1) });
    const scores = new Float64Array(data.n);
    for (let i = 0; i < data.n; i++) scores[i] = Math.sqrt(km.dist2[i]);
    return { scores, flops: emb.flops + km.flops };
  },
};

/**
 * Supervised prototypes: distance of each example's embedding to its own class centroid (mean).
 * Embeddings are the hidden activations of a proxy trained `epochs` (default 3) epochs on the labels,
 * or `opts.embeddings`. High = far from the class prototype = hard.
 */
export const supervisedPrototypeScorer: Scorer = {
  name: 'sup-prototype',
  usesLabels: true,
  score: (data, opts) => {
    validateData(data);
    let emb = suppliedEmbedding(data, opts);
    if (!emb) {
      const { epochs, proxy } = readEarlyTraining(opts);
      const model = new ProxyModel(data.dim, data.classes, proxy, deriveSeed(opts.seed, 0));
      try {
        const rng = new Rng(deriveSeed(opts.seed, 1));
        let flops = 0;
        for (let e = 0; e < epochs; e++) flops += model.trainEpoch(data, rng);
        const out = model.forward(data);
        emb = { x: out.penultimate, dim: out.penultimateDim, flops: flops + data.n * model.forwardFlopsPerExample() };
      } finally {
        model.dispose();
      }
    }
    const { x, dim } = emb;
    const C = new Float64Array(data.classes * dim);
    const counts = new Float64Array(data.classes);
    for (let i = 0; i < data.n; i++) {
      counts[data.y[i]]++;
      for (let j = 0; j < dim; j++) C[data.y[i] * dim + j] += x[i * dim + j];
    }
    for (let c = 0; c < data.classes; c++) for (let j = 0; j < dim; j++) C[c * dim + j] /= Math.max(1, counts[c]);
    const scores = new Float64Array(data.n);
    for (let i = 0; i < data.n; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += (x[i * dim + j] - C[data.y[i] * dim + j]) ** 2;
      scores[i] = Math.sqrt(s);
    }
    return { scores, flops: emb.flops + 3 * data.n * dim };
  },
};
