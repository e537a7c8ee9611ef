import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { mulberry32 } from '@slab/datasets';
import { ADAM_DEFAULTS, adamUpdate } from '../src/adam';
import { forward, initParams, loadableBackends, paramShapes, selectBackend, type ModelSpec } from '../src';

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

/**
 * A width-16 MLP trained for `steps` Adam steps on fixed random images and labels, on the active
 * backend. Returns the cross-entropy after each step.
 */
function tinyTrainingLosses(steps: number): number[] {
  const mlp: ModelSpec = { kind: 'mlp', width: 16, inputDim: 784, imageSize: 28, classes: 10 };
  const r = mulberry32(11);
  const x = Float32Array.from({ length: 32 * 784 }, () => r());
  const labels = Int32Array.from({ length: 32 }, () => Math.floor(r() * 10));
  let params = paramShapes(mlp).map((s, i) => tf.tensor(initParams(mlp, 5)[i], s.shape));
  let state = { m: params.map((p) => tf.zerosLike(p)), v: params.map((p) => tf.zerosLike(p)) };
  const losses: number[] = [];
  for (let t = 1; t <= steps; t++) {
    const k = params.length;
    const out = tf.tidy(() => {
      const xt = tf.tensor2d(x, [32, 784]);
      const yt = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
      const { value, grads } = tf.valueAndGrads((...ps: tf.Tensor[]) =>
        tf.losses.softmaxCrossEntropy(yt, forward(mlp, ps, xt)) as tf.Scalar,
      )(params);
      const upd = adamUpdate({ ...ADAM_DEFAULTS, learningRate: 3e-3 }, t, params, grads, state);
      return [value, ...upd.params, ...upd.state.m, ...upd.state.v];
    });
    losses.push(out[0].dataSync()[0]);
    tf.dispose([out[0], ...params, ...state.m, ...state.v]);
    params = out.slice(1, 1 + k);
    state = { m: out.slice(1 + k, 1 + 2 * k), v: out.slice(1 + 2 * k) };
  }
  tf.dispose([params, state.m, state.v]);
  return losses;
}

afterEach(async () => {
  await selectBackend('auto', quiet);
});

describe('selectBackend', () => {
  it('picks the fastest backend that loads and logs the choice', async () => {
    const lines: string[] = [];
    const loadable = await loadableBackends();
    const c = await selectBackend('auto', (l) => lines.push(l));
    expect(c.backend).toBe(loadable[0].backend);
    expect(tf.getBackend()).toBe(c.backend);
    expect(lines[0]).toMatch(/^tfjs backend: /);
    if (c.backend === 'tensorflow') expect(c.label).toMatch(/^tensorflow \(tfjs-node(-gpu)?\)$/);
    else expect(c.skipped.join(' ')).toMatch(/tfjs-node-gpu.*tfjs-node/);
    // Without an NVIDIA device nothing tells the user to build the GPU package.
    if (!existsSync('/proc/driver/nvidia') && !existsSync('/dev/nvidia0')) {
      expect(lines[0]).not.toContain('tfjs-node.sh gpu');
    }
  });

  it('lists wasm and cpu among the loadable backends on every machine', async () => {
    const names = (await loadableBackends()).map((b) => b.backend);
    expect(names).toEqual(expect.arrayContaining(['wasm', 'cpu']));
    expect(names[names.length - 1]).toBe('cpu');
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

  it('trains a tiny model to the same losses on every backend that loads', async () => {
    const runs: Record<string, number[]> = {};
    for (const b of await loadableBackends()) {
      await selectBackend(b.backend as 'tensorflow' | 'wasm' | 'cpu', quiet);
      runs[b.backend] = tinyTrainingLosses(6);
    }
    const [first, ...others] = Object.entries(runs);
    expect(others.length).toBeGreaterThanOrEqual(1);
    // Training makes progress (the losses are real), and every backend follows the same path.
    expect(first[1][5]).toBeLessThan(first[1][0] - 0.05);
    for (const [name, losses] of others) {
      losses.forEach((l, i) => expect(Math.abs(l - first[1][i]), `${name} vs ${first[0]} at step ${i + 1}`).toBeLessThan(1e-3));
    }
  });

  it("switches to 'tensorflow' when a native package loads, and fails loudly when none does", async () => {
    const native = (await loadableBackends()).some((b) => b.backend === 'tensorflow');
    if (native) {
      const c = await selectBackend('tensorflow', quiet);
      expect(tf.getBackend()).toBe('tensorflow');
      expect(c.label).toMatch(/tfjs-node/);
    } else {
      await expect(selectBackend('tensorflow', quiet)).rejects.toThrow(/backend 'tensorflow' requested but unavailable/);
    }
  });

  it('SLAB_TFJS_BACKEND pins an auto choice and is validated', async () => {
    process.env.SLAB_TFJS_BACKEND = 'cpu';
    try {
      expect((await selectBackend('auto', quiet)).backend).toBe('cpu');
      process.env.SLAB_TFJS_BACKEND = 'gpu';
      expect(() => selectBackend('auto', quiet)).toThrow(/SLAB_TFJS_BACKEND: expected one of auto, tensorflow, wasm, cpu, got "gpu"/);
    } finally {
      delete process.env.SLAB_TFJS_BACKEND;
    }
  });
});
