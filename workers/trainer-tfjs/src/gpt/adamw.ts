/**
 * AdamW (Loshchilov & Hutter 2019) over a flat parameter list, written out like adam.ts so the whole
 * state is m, v and the step: checkpointed as tensors, bias correction a pure function of the step.
 * Gradients are first clipped by their global L2 norm (Pascanu et al. 2013), as nanoGPT does.
 */
import * as tf from '@tensorflow/tfjs';

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Decoupled weight decay λ: p ← p − lr·λ·p on tensors marked `decay`. */
  weightDecay: number;
  /** Clip the global gradient norm to this value; 0 turns clipping off. */
  gradClip: number;
}

/** nanoGPT's defaults (β2 0.95 for transformers), with PyTorch's ε. */
export const ADAMW_DEFAULTS: AdamWConfig = { beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.1, gradClip: 1 };

export interface AdamWParamRule {
  /** Multiplier of the step's learning rate (μP). */
  lrScale: number;
  decay: boolean;
}

/** Global L2 norm of a list of gradients, as a scalar tensor. */
export function globalNorm(grads: tf.Tensor[]): tf.Scalar {
  return tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
}

/**
 * One AdamW update at 1-based step `t` with learning rate `lr`. Returns new tensors and the
 * gradient norm before clipping; the caller owns (and disposes) the old ones. Call inside tf.tidy.
 */
export function adamwUpdate(
  cfg: AdamWConfig,
  rules: readonly AdamWParamRule[],
  t: number,
  lr: number,
  params: tf.Tensor[],
  grads: tf.Tensor[],
  state: { m: tf.Tensor[]; v: tf.Tensor[] },
): { params: tf.Tensor[]; m: tf.Tensor[]; v: tf.Tensor[]; gradNorm: tf.Scalar } {
  const { beta1, beta2, epsilon, weightDecay, gradClip } = cfg;
  const gradNorm = globalNorm(grads);
  // clip factor = min(1, clip / (‖g‖ + 1e-6)), as torch.nn.utils.clip_grad_norm_.
  const factor = gradClip > 0 ? tf.minimum(1, tf.div(gradClip, tf.add(gradNorm, 1e-6))) : undefined;
  const c1 = 1 - beta1 ** t;
  const c2 = 1 - beta2 ** t;
  const out: tf.Tensor[] = [];
  const m: tf.Tensor[] = [];
  const v: tf.Tensor[] = [];
  params.forEach((p, i) => {
    const g = factor ? tf.mul(grads[i], factor) : grads[i];
    const mi = tf.add(tf.mul(state.m[i], beta1), tf.mul(g, 1 - beta1));
    const vi = tf.add(tf.mul(state.v[i], beta2), tf.mul(tf.square(g), 1 - beta2));
    const rate = lr * rules[i].lrScale;
    let next = tf.sub(p, tf.div(tf.mul(mi, rate / c1), tf.add(tf.sqrt(tf.div(vi, c2)), epsilon)));
    if (rules[i].decay && weightDecay > 0) next = tf.sub(next, tf.mul(p, rate * weightDecay));
    out.push(next);
    m.push(mi);
    v.push(vi);
  });
  return { params: out, m, v, gradNorm };
}
