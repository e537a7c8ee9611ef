/**
 * A decoder-only, pre-norm transformer over bytes (vocab 256), the structure of nanoGPT's model.py
 * (Karpathy): token + learned position embeddings, `depth` blocks of
 *   x += proj(attn(ln1(x)));  x += mlp(ln2(x))   with mlp = fc(r·C) → GELU (tanh) → proj(C),
 * a final LayerNorm and a linear readout, tied to the token embedding or not. Options beyond
 * nanoGPT: qk-layernorm (Dehghani et al. 2023; Wortsman et al. 2023, "Small-scale proxies for
 * large-scale Transformer training instabilities") and μP (Yang et al. 2022, "Tensor Programs V").
 *
 * Weights are a flat list of tensors (order of `gptParamShapes`) so they checkpoint like the MLP's.
 * Every product goes through `matmul`/`dense` (ops.ts). The token embedding is a one-hot matmul
 * rather than a gather: wasm has no UnsortedSegmentSum kernel for gather's gradient, and with 256
 * rows the matmul costs what the readout costs.
 */
import * as tf from '@tensorflow/tfjs';
import { mixSeed, mulberry32, normalSampler } from '@slab/datasets';
import { dense, matmul } from '../ops';

export const BYTE_VOCAB = 256;
export const PARAMETRISATIONS = ['standard', 'mup'] as const;
export type Parametrisation = (typeof PARAMETRISATIONS)[number];

export interface GptSpec {
  /** d_model, C. */
  width: number;
  /** Transformer blocks. */
  depth: number;
  /** Attention heads; must divide width (d_head = width / heads). */
  heads: number;
  /** MLP hidden size = mlpRatio · width (4 in GPT-2). */
  mlpRatio: number;
  /** Context length T in tokens. */
  context: number;
  vocab: number;
  /** Readout weight = token embedding (transposed), as nanoGPT. */
  tieEmbeddings: boolean;
  /** LayerNorm on queries and keys (per head, over d_head) before the dot product. */
  qkNorm: boolean;
  parametrisation: Parametrisation;
  /** μP base width: the width at which μP equals standard parametrisation's LR and init. */
  baseWidth: number;
}

/**
 * How the optimiser treats a tensor. `embedding`: token/position tables; `hidden`: matrices with
 * both dimensions growing with width; `readout`: the untied output matrix; `gain`/`bias`: vectors.
 */
export type ParamRole = 'embedding' | 'hidden' | 'readout' | 'gain' | 'bias';

export interface GptParam {
  name: string;
  shape: number[];
  role: ParamRole;
  /** Initial standard deviation (normal), or the constant for gains (1) and biases (0). */
  initStd: number;
  /** Multiplier of the schedule's learning rate (μP: 1/m for hidden matrices, else 1). */
  lrScale: number;
  /** Whether AdamW's weight decay applies: matrices only, not norms, biases or embeddings. */
  decay: boolean;
}

const STD = 0.02;

/** Width multiplier m = width / baseWidth (1 under standard parametrisation). */
export function widthMultiplier(spec: GptSpec): number {
  return spec.parametrisation === 'mup' ? spec.width / spec.baseWidth : 1;
}

/**
 * The parameter list. Standard (nanoGPT): N(0, 0.02) for matrices and embeddings, residual
 * projections 0.02/√(2·depth), gains 1, biases 0. μP (Tensor Programs V, Table 3, Adam): hidden
 * matrices init 0.02/√m and LR η/m, embeddings and vectors unchanged, the readout zero-initialised
 * with its logits multiplied by 1/m (see `gptForward`); μP needs an untied readout.
 */
export function gptParamShapes(spec: GptSpec): GptParam[] {
  const { width: c, depth, context: t, vocab: v } = spec;
  const dh = c / spec.heads;
  const hidden = Math.round(spec.mlpRatio * c);
  const mup = spec.parametrisation === 'mup';
  const m = widthMultiplier(spec);
  const hStd = mup ? STD / Math.sqrt(m) : STD;
  const hLr = mup ? 1 / m : 1;
  const resid = hStd / Math.sqrt(2 * depth);
  const mat = (name: string, shape: number[], initStd: number): GptParam => ({ name, shape, role: 'hidden', initStd, lrScale: hLr, decay: true });
  const vec = (name: string, n: number, role: 'gain' | 'bias'): GptParam => ({ name, shape: [n], role, initStd: role === 'gain' ? 1 : 0, lrScale: 1, decay: false });
  const out: GptParam[] = [
    { name: 'wte', shape: [v, c], role: 'embedding', initStd: STD, lrScale: 1, decay: false },
    { name: 'wpe', shape: [t, c], role: 'embedding', initStd: STD, lrScale: 1, decay: false },
  ];
  for (let i = 0; i < depth; i++) {
    const p = `h${i}`;
    out.push(vec(`${p}/ln1/gain`, c, 'gain'), vec(`${p}/ln1/bias`, c, 'bias'));
    out.push(mat(`${p}/attn/qkv/kernel`, [c, 3 * c], hStd), vec(`${p}/attn/qkv/bias`, 3 * c, 'bias'));
    if (spec.qkNorm) {
      out.push(vec(`${p}/attn/qnorm/gain`, dh, 'gain'), vec(`${p}/attn/qnorm/bias`, dh, 'bias'));
      out.push(vec(`${p}/attn/knorm/gain`, dh, 'gain'), vec(`${p}/attn/knorm/bias`, dh, 'bias'));
    }
    out.push(mat(`${p}/attn/proj/kernel`, [c, c], resid), vec(`${p}/attn/proj/bias`, c, 'bias'));
    out.push(vec(`${p}/ln2/gain`, c, 'gain'), vec(`${p}/ln2/bias`, c, 'bias'));
    out.push(mat(`${p}/mlp/fc/kernel`, [c, hidden], hStd), vec(`${p}/mlp/fc/bias`, hidden, 'bias'));
    out.push(mat(`${p}/mlp/proj/kernel`, [hidden, c], resid), vec(`${p}/mlp/proj/bias`, c, 'bias'));
  }
  out.push(vec('lnf/gain', c, 'gain'), vec('lnf/bias', c, 'bias'));
  if (!spec.tieEmbeddings) out.push({ name: 'lm_head', shape: [c, v], role: 'readout', initStd: mup ? 0 : STD, lrScale: 1, decay: true });
  return out;
}

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

export interface GptParamCount {
  /** Every trained scalar. */
  total: number;
  /**
   * Total minus the token and position embeddings and an untied readout: Kaplan et al. (2020)'s N,
   * ≈ 12·depth·width² for mlpRatio 4.
   */
  nonEmbedding: number;
}

export function gptParamCount(spec: GptSpec): GptParamCount {
  let total = 0;
  let embedding = 0;
  for (const p of gptParamShapes(spec)) {
    total += size(p.shape);
    if (p.role === 'embedding' || p.role === 'readout') embedding += size(p.shape);
  }
  return { total, nonEmbedding: total - embedding };
}

export interface GptFlops {
  /** Forward FLOPs per token (2 per multiply-accumulate), attention included. */
  forward: number;
  /** Forward + backward per training token. */
  train: number;
  /** Kaplan/Chinchilla's estimate 6·N per training token, N = total parameters. */
  sixN: number;
}

/**
 * FLOPs per token counted from the shapes of the products this model runs (cf. Chinchilla,
 * Hoffmann et al. 2022, Appendix F): per block QKV 3C², attention logits T·C and values T·C (the
 * full T×T product is computed, then masked), output projection C², MLP 2·r·C²; the one-hot
 * embedding V·C and the readout C·V. Backward is twice the forward for every product except the
 * embedding, whose one-hot input needs no gradient (weight gradient only). Norms, softmax and
 * element-wise ops are O(C) per token and left out, as in 6·N·D.
 */
export function gptFlopsPerToken(spec: GptSpec): GptFlops {
  const { width: c, context: t, vocab: v, depth } = spec;
  const hidden = Math.round(spec.mlpRatio * c);
  const block = 3 * c * c + t * c + t * c + c * c + 2 * c * hidden;
  const macs = depth * block + c * v;
  const embed = v * c;
  return {
    forward: 2 * (macs + embed),
    train: 6 * macs + 4 * embed,
    sixN: 6 * gptParamCount(spec).total,
  };
}

/** Seeded initial values, one Float32Array per entry of `gptParamShapes`. */
export function gptInitParams(spec: GptSpec, seed: number): Float32Array[] {
  return gptParamShapes(spec).map((p, i) => {
    const out = new Float32Array(size(p.shape));
    if (p.role === 'gain') return out.fill(1);
    if (p.role === 'bias' || p.initStd === 0) return out;
    const gauss = normalSampler(mulberry32(mixSeed(seed, 0x6e7, i)));
    for (let k = 0; k < out.length; k++) out[k] = gauss() * p.initStd;
    return out;
  });
}

const LN_EPS = 1e-5;
/** Added to masked attention logits: finite, so p·log p stays 0 (not NaN) in the entropy. */
const MASKED = -1e9;

function layerNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const mean = tf.mean(x, -1, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), -1, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, LN_EPS))), gain), bias);
}

/** GELU, tanh approximation (GPT-2). */
function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

function transposeLast2(t: tf.Tensor): tf.Tensor {
  return tf.transpose(t, [0, 1, 3, 2]);
}

/** [T, T] additive causal mask: 0 on and below the diagonal, MASKED above. */
function causalMask(t: number): tf.Tensor2D {
  const m = new Float32Array(t * t);
  for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) m[i * t + j] = MASKED;
  return tf.tensor2d(m, [t, t]);
}

/** Wortsman et al.'s early-warning signals of one forward pass, as scalars. */
export interface GptStats {
  /** Largest pre-softmax attention logit (after scaling), per block. */
  attnLogitMax: tf.Scalar[];
  /** Smallest attention entropy (nats) of any query row in any head and block. */
  attnEntropyMin: tf.Scalar;
  outputLogitMean: tf.Scalar;
  outputLogitMax: tf.Scalar;
}

export interface GptOutput {
  /** [B·T, vocab] next-token logits. */
  logits: tf.Tensor2D;
  stats?: GptStats;
}

/**
 * Logits for tokens of shape [B, T'] (T' ≤ context, int32). With `stats`, also the attention and
 * output-logit statistics (extra reductions only; they add nothing to the gradient).
 */
export function gptForward(spec: GptSpec, params: tf.Tensor[], tokens: tf.Tensor2D, opts: { stats?: boolean } = {}): GptOutput {
  const [b, t] = tokens.shape;
  if (t > spec.context) throw new RangeError(`gptForward: ${t} tokens exceed the context length ${spec.context}`);
  const c = spec.width;
  const h = spec.heads;
  const dh = c / h;
  const mup = spec.parametrisation === 'mup';
  // μP scales attention logits by 1/d_head (Tensor Programs V, §4), standard by 1/√d_head.
  const scale = mup ? 1 / dh : 1 / Math.sqrt(dh);
  let k = 0;
  const next = (): tf.Tensor => params[k++];

  const wte = next();
  const wpe = next();
  const onehot = tf.oneHot(tokens.reshape([b * t]), spec.vocab).toFloat() as tf.Tensor2D;
  let x = tf.add(matmul(onehot, wte).reshape([b, t, c]), tf.slice(wpe, [0, 0], [t, c]));
  const mask = causalMask(t);
  const attnMax: tf.Scalar[] = [];
  const entropyMins: tf.Scalar[] = [];
  const heads = (y: tf.Tensor): tf.Tensor => y.reshape([b, t, h, dh]).transpose([0, 2, 1, 3]);

  for (let i = 0; i < spec.depth; i++) {
    const ln1 = layerNorm(x, next(), next());
    const qkv = dense(ln1, next() as tf.Tensor2D, next() as tf.Tensor1D);
    let q = heads(tf.slice(qkv, [0, 0, 0], [b, t, c]));
    let kk = heads(tf.slice(qkv, [0, 0, c], [b, t, c]));
    const v = heads(tf.slice(qkv, [0, 0, 2 * c], [b, t, c]));
    if (spec.qkNorm) {
      q = layerNorm(q, next(), next());
      kk = layerNorm(kk, next(), next());
    }
    const logits = tf.mul(matmul(q, transposeLast2(kk)), scale);
    const masked = tf.add(logits, mask);
    const att = tf.softmax(masked);
    if (opts.stats) {
      attnMax.push(tf.max(masked) as tf.Scalar);
      const logp = tf.sub(masked, tf.logSumExp(masked, -1, true));
      entropyMins.push(tf.min(tf.neg(tf.sum(tf.mul(att, logp), -1))) as tf.Scalar);
    }
    const y = matmul(att, v).transpose([0, 2, 1, 3]).reshape([b, t, c]);
    x = tf.add(x, dense(y, next() as tf.Tensor2D, next() as tf.Tensor1D));
    const ln2 = layerNorm(x, next(), next());
    const fc = gelu(dense(ln2, next() as tf.Tensor2D, next() as tf.Tensor1D));
    x = tf.add(x, dense(fc, next() as tf.Tensor2D, next() as tf.Tensor1D));
  }
  const xf = layerNorm(x, next(), next()).reshape([b * t, c]) as tf.Tensor2D;
  let logits: tf.Tensor2D = spec.tieEmbeddings ? matmul(xf, tf.transpose(wte)) : matmul(xf, next());
  if (mup) logits = tf.mul(logits, 1 / widthMultiplier(spec));
  if (k !== params.length) throw new RangeError(`gptForward: expected ${k} parameter tensors, got ${params.length}`);
  if (!opts.stats) return { logits };
  return {
    logits,
    stats: {
      attnLogitMax: attnMax,
      attnEntropyMin: tf.min(tf.stack(entropyMins)) as tf.Scalar,
      outputLogitMean: tf.mean(logits) as tf.Scalar,
      outputLogitMax: tf.max(logits) as tf.Scalar,
    },
  };
}

export interface GptLoss {
  /** Mean next-token cross-entropy (nats per token). */
  ce: tf.Scalar;
  /** ce + zLoss · mean(log Z²) (PaLM's z-loss, Chowdhery et al. 2022): what is minimised. */
  total: tf.Scalar;
}

/**
 * Loss of logits [N, V] against next tokens [N] (int32).
 */
export function gptLoss(logits: tf.Tensor2D, targets: tf.Tensor1D, zLoss: number): GptLoss {
  const lse = tf.logSumExp(logits, -1, true);
  const logp = tf.sub(logits, lse);
  const onehot = tf.oneHot(targets, logits.shape[1]).toFloat();
  const ce = tf.neg(tf.mean(tf.sum(tf.mul(onehot, logp), -1))) as tf.Scalar;
  const total = zLoss > 0 ? (tf.add(ce, tf.mul(tf.mean(tf.square(lse)), zLoss)) as tf.Scalar) : ce;
  return { ce, total };
}

/**
 * Next-token top-1 accuracy of logits [N, V] against targets [N] (int32): the fraction of positions
 * whose most likely token is the true one, in [0, 1]. The proxies' downstream metric (top-1 error
 * 1 − acc plays Err in Gadre et al. 2024's Err(L) = ε − k·exp(−γL)). Ties go to the lowest token id.
 */
export function gptTop1Accuracy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.equal(tf.argMax(logits, -1).toInt(), targets.toInt()).toFloat()) as tf.Scalar);
}

/**
 * Splits windows [B, T+1] into inputs [B, T] and flattened next-token targets [B·T].
 */
export function windowsToBatch(windows: Int32Array, batch: number, context: number): { x: tf.Tensor2D; y: tf.Tensor1D } {
  if (windows.length !== batch * (context + 1)) {
    throw new RangeError(`windowsToBatch: expected ${batch}×${context + 1} tokens, got ${windows.length}`);
  }
  const x = new Int32Array(batch * context);
  const y = new Int32Array(batch * context);
  for (let r = 0; r < batch; r++) {
    const row = windows.subarray(r * (context + 1), (r + 1) * (context + 1));
    x.set(row.subarray(0, context), r * context);
    y.set(row.subarray(1), r * context);
  }
  return { x: tf.tensor2d(x, [batch, context], 'int32'), y: tf.tensor1d(y, 'int32') };
}
