/**
 * Matrix products whose gradients transpose explicitly.
 *
 * Autodiff of `matMul(a, b)` computes its gradients as `matMul(dy, b, false, true)` and
 * `matMul(a, dy, true, false)`. On the wasm backend a matMul with a transpose flag runs about 10×
 * slower than an explicit `transpose` followed by a plain matMul (measured in
 * bench/trainer/dense-grad.ts), so every trainable product here goes through a `tf.customGrad`
 * whose backward pass transposes first. The maths is identical; only the kernel path differs.
 * On the native `tensorflow` backend the flags cost nothing and the extra transposes do, so there
 * the plain matMul is kept (measured in the same bench).
 */
import * as tf from '@tensorflow/tfjs';

/** Swaps the last two axes (a no-op permutation for the leading batch axes). */
function transposeLast2(t: tf.Tensor): tf.Tensor {
  const r = t.rank;
  const perm = Array.from({ length: r }, (_, i) => i);
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return tf.transpose(t, perm);
}

const matmulGrad = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved;
      return [tf.matMul(dy, transposeLast2(sb)), tf.matMul(transposeLast2(sa), dy)];
    },
  };
}) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

let explicitTranspose: boolean | 'auto' = 'auto';

/**
 * Forces the explicit-transpose backward on or off, or back to `auto` (on for every backend but
 * the native `tensorflow` one), so bench/trainer/dense-grad.ts can measure both paths in one
 * process. Off, `matmul` is plain `tf.matMul` with autodiff's gradient.
 */
export function useExplicitTransposeGrad(on: boolean | 'auto'): void {
  explicitTranspose = on;
}

function explicitNow(): boolean {
  return explicitTranspose === 'auto' ? tf.getBackend() !== 'tensorflow' : explicitTranspose;
}

/**
 * `a @ b` for rank-2 ([m, k] @ [k, n]) or equal-rank batched operands ([..., m, k] @ [..., k, n],
 * same leading shape), with the explicit-transpose backward described above.
 * Throws a RangeError naming the shapes when they do not multiply.
 */
export function matmul<T extends tf.Tensor>(a: T, b: tf.Tensor): T {
  if (a.rank !== b.rank || a.rank < 2 || a.shape[a.rank - 1] !== b.shape[b.rank - 2]) {
    throw new RangeError(`matmul: cannot multiply [${a.shape.join(', ')}] by [${b.shape.join(', ')}]`);
  }
  return (explicitNow() ? matmulGrad(a, b) : tf.matMul(a, b)) as T;
}

/**
 * A dense layer `x @ w (+ bias)` for x of shape [..., k] and w of shape [k, n]; leading axes are
 * flattened into one matmul. Returns [..., n].
 */
export function dense(x: tf.Tensor, w: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor {
  const k = x.shape[x.rank - 1];
  const lead = x.shape.slice(0, -1);
  const flat = x.rank === 2 ? (x as tf.Tensor2D) : x.reshape([-1, k]);
  const y = matmul(flat, w);
  const out = bias ? tf.add(y, bias) : y;
  return x.rank === 2 ? out : out.reshape([...lead, w.shape[1]]);
}
