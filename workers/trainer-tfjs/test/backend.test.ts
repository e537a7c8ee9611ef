import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@slab/datasets';
import { forward, initParams, paramShapes, selectBackend, type ModelSpec } from '../src';

const quiet = (): void => undefined;
const spec: ModelSpec = { kind: 'cnn', width: 3, inputDim: 784, imageSize: 28, classes: 10 };

/** Logits and the gradient of their sum wrt every parameter, on the active backend. */
function logitsAndGrads(x: Float32Array): number[][] {
  return tf.tidy(() => {
    const params = paramShapes(spec).map((s, i) => tf.tensor(initParams(spec, 9)[i], s.shape));
    const xt = tf.tensor2d(x, [2, 784]);
    const { value, grads } = tf.valueAndGrads((...ps: tf.Tensor[]) => tf.sum(forward(spec, ps, xt)) as tf.Scalar)(params);
    return [Array.from(value.dataSync()), ...grads.map((g) => Array.from(g.dataSync()))];
  });
}

describe('selectBackend', () => {
  it('falls through the missing native packages quietly and logs the choice', async () => {
    const lines: string[] = [];
    const c = await selectBackend('auto', (l) => lines.push(l));
    expect(['tensorflow', 'wasm', 'cpu']).toContain(c.backend);
    expect(tf.getBackend()).toBe(c.backend);
    expect(lines[0]).toMatch(/^tfjs backend: /);
    if (c.backend !== 'tensorflow') expect(c.skipped.join(' ')).toMatch(/tfjs-node-gpu.*tfjs-node/);
  });

  it('computes the same CNN logits and gradients on wasm (matmul conv) and cpu (native conv)', async () => {
    const r = mulberry32(3);
    const x = Float32Array.from({ length: 2 * 784 }, () => r());
    await selectBackend('wasm', quiet);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined(); // why the fallback exists
    const onWasm = logitsAndGrads(x);
    await selectBackend('cpu', quiet);
    const onCpu = logitsAndGrads(x);
    onCpu.forEach((arr, i) => arr.forEach((v, j) => expect(onWasm[i][j]).toBeCloseTo(v, 2)));
  });

  it("fails loudly when 'tensorflow' is demanded but not installed", async () => {
    await expect(selectBackend('tensorflow', quiet)).rejects.toThrow(/backend 'tensorflow' requested but unavailable/);
  });
});
