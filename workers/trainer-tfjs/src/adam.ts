/**
 * Adam over a flat parameter list. Written out (not tf.train.adam) so the whole optimizer state
 * is three arrays of tensors plus the step count: easy to checkpoint, and bias correction is a
 * pure function of the step, so a restored run continues bit-for-bit.
 */
import * as tf from '@tensorflow/tfjs';

export interface AdamConfig {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const ADAM_DEFAULTS: Omit<AdamConfig, 'learningRate'> = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

export interface AdamState {
  m: tf.Tensor[];
  v: tf.Tensor[];
}

/**
 * One update at 1-based step `t`. Returns new tensors; the caller owns (and disposes) the old ones.
 * Call inside tf.tidy.
 */
export function adamUpdate(
  cfg: AdamConfig,
  t: number,
  params: tf.Tensor[],
  grads: tf.Tensor[],
  state: AdamState,
): { params: tf.Tensor[]; state: AdamState } {
  const { beta1, beta2, epsilon, learningRate } = cfg;
  const c1 = 1 - beta1 ** t;
  const c2 = 1 - beta2 ** t;
  const out: tf.Tensor[] = [];
  const m: tf.Tensor[] = [];
  const v: tf.Tensor[] = [];
  params.forEach((p, i) => {
    const g = grads[i];
    const mi = tf.add(tf.mul(state.m[i], beta1), tf.mul(g, 1 - beta1));
    const vi = tf.add(tf.mul(state.v[i], beta2), tf.mul(tf.square(g), 1 - beta2));
    const step = tf.div(tf.mul(mi, learningRate / c1), tf.add(tf.sqrt(tf.div(vi, c2)), epsilon));
    out.push(tf.sub(p, step));
    m.push(mi);
    v.push(vi);
  });
  return { params: out, state: { m, v } };
}
