/**
 * The explicit-transpose products give the same values and gradients as tfjs's own matMul,
 * on the backend that loads here, on cpu and on wasm.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '@slab/datasets';
import { dense, matmul, selectBackend, useExplicitTransposeGrad } from '../src';

const quiet = (): void => undefined;

function rand(shape: number[], seed: number): tf.Tensor {
  const r = mulberry32(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => r() * 2 - 1), shape);
}

/** Value and gradients wrt a and b of sum(f(a, b) ⊙ w) for a fixed random w. */
function valueAndGrads(f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, aShape: number[], bShape: number[]): number[][] {
  return tf.tidy(() => {
    const a = rand(aShape, 1);
    const b = rand(bShape, 2);
    const outShape = tf.matMul(a, b).shape;
    const w = rand(outShape, 3);
    const { value, grads } = tf.valueAndGrads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(f(x, y), w)) as tf.Scalar)([a, b]);
    return [Array.from(value.dataSync()), ...grads.map((g) => Array.from(g.dataSync()))];
  });
}

function expectClose(a: number[][], b: number[][]): void {
  expect(a.length).toBe(b.length);
  a.forEach((xs, i) => xs.forEach((x, j) => expect(x).toBeCloseTo(b[i][j], 4)));
}

describe('matmul with explicit-transpose gradients', () => {
  // Forced on: under 'auto' the native tensorflow backend keeps the plain matMul.
  beforeAll(() => useExplicitTransposeGrad(true));
  afterAll(() => useExplicitTransposeGrad('auto'));

  for (const pref of ['auto', 'cpu', 'wasm'] as const) {
    it(`matches tf.matMul's value and gradients, rank 2 and batched (${pref})`, async () => {
      await selectBackend(pref, quiet);
      for (const [as, bs] of [
        [[5, 7], [7, 3]],
        [[2, 3, 4, 6], [2, 3, 6, 5]],
      ]) {
        expectClose(valueAndGrads(matmul, as, bs), valueAndGrads((a, b) => tf.matMul(a, b), as, bs));
      }
    });
  }

  it('dense flattens leading axes and adds the bias', async () => {
    await selectBackend('auto', quiet);
    const [got, want] = tf.tidy(() => {
      const x = rand([2, 3, 4], 5);
      const w = rand([4, 6], 6) as tf.Tensor2D;
      const bias = rand([6], 7) as tf.Tensor1D;
      return [dense(x, w, bias).arraySync(), tf.add(tf.matMul(x.reshape([6, 4]), w), bias).reshape([2, 3, 6]).arraySync()];
    });
    expect((got as number[][][])[1][2][5]).toBeCloseTo((want as number[][][])[1][2][5], 5);
    expect(tf.tidy(() => dense(rand([2, 3, 4], 5), rand([4, 6], 6) as tf.Tensor2D).shape)).toEqual([2, 3, 6]);
  });

  it('names the shapes that do not multiply', () => {
    expect(() => tf.tidy(() => matmul(tf.zeros([2, 3]), tf.zeros([4, 5])))).toThrow('cannot multiply [2, 3] by [4, 5]');
  });
});
