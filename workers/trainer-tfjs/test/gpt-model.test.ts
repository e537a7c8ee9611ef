/** The GPT proxy's shapes, counts, FLOPs, initial loss and the gradient path through it. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gptParamsOf } from '@slab/spec';
import { gptFlopsPerToken, gptForward, gptInitParams, gptLoss, gptParamCount, gptParamShapes, gptTop1Accuracy, selectBackend, type GptSpec } from '../src';

const base: GptSpec = {
  width: 32, depth: 2, heads: 4, mlpRatio: 4, context: 16, vocab: 256,
  tieEmbeddings: true, qkNorm: false, parametrisation: 'standard', baseWidth: 32,
};

beforeAll(async () => {
  await selectBackend('auto', () => undefined);
});

describe('gpt model', () => {
  it('counts parameters exactly: 12·L·C² + biases and norms, embeddings apart', () => {
    const { width: c, depth: l, context: t } = base;
    const block = 2 * c + (3 * c * c + 3 * c) + (c * c + c) + 2 * c + (4 * c * c + 4 * c) + (4 * c * c + c);
    const count = gptParamCount(base);
    expect(count.total).toBe(256 * c + t * c + l * block + 2 * c);
    expect(count.nonEmbedding).toBe(l * block + 2 * c);
    const untied = gptParamCount({ ...base, tieEmbeddings: false, qkNorm: true });
    expect(untied.total).toBe(count.total + c * 256 + l * 4 * (c / 4));
    expect(untied.nonEmbedding).toBe(count.nonEmbedding + l * 4 * (c / 4));
    const init = gptInitParams(base, 1);
    expect(init.reduce((n, a) => n + a.length, 0)).toBe(count.total);
  });

  it('agrees with the spec library\'s formula the planner costs configs with', () => {
    for (const over of [{}, { tieEmbeddings: false, qkNorm: true }, { parametrisation: 'mup' as const, tieEmbeddings: false, width: 48, heads: 3, depth: 3 }]) {
      const spec = { ...base, ...over };
      const config = { width: spec.width, depth: spec.depth, heads: spec.heads, qkNorm: spec.qkNorm, parametrisation: spec.parametrisation };
      expect(gptParamsOf(config, { context: spec.context, mlpRatio: spec.mlpRatio, tieEmbeddings: spec.tieEmbeddings })).toBe(gptParamCount(spec).total);
    }
    expect(gptParamsOf({ width: 32, parametrisation: 'mup' }, { context: 16 })).toBe(gptParamCount({ ...base, parametrisation: 'mup', tieEmbeddings: false }).total);
  });

  it('counts FLOPs per token from shapes, attention included, beside 6N', () => {
    const { width: c, depth: l, context: t } = base;
    const f = gptFlopsPerToken(base);
    const macs = l * (12 * c * c + 2 * t * c) + c * 256;
    expect(f.forward).toBe(2 * (macs + 256 * c));
    expect(f.train).toBe(6 * macs + 4 * 256 * c);
    expect(f.sixN).toBe(6 * gptParamCount(base).total);
    // attention's share grows with the context
    const long = gptFlopsPerToken({ ...base, context: 64 });
    expect(long.train - f.train).toBe(6 * l * 2 * 48 * c);
  });

  it('μP: hidden matrices get init 0.02/√m and LR 1/m, the readout is zeroed; standard scales residual projections', () => {
    const mup = gptParamShapes({ ...base, width: 128, parametrisation: 'mup', tieEmbeddings: false });
    const byName = Object.fromEntries(mup.map((p) => [p.name, p]));
    expect(byName['h0/attn/qkv/kernel'].lrScale).toBeCloseTo(1 / 4);
    expect(byName['h0/attn/qkv/kernel'].initStd).toBeCloseTo(0.02 / 2);
    expect(byName['wte'].lrScale).toBe(1);
    expect(byName['lm_head'].initStd).toBe(0);
    expect(byName['h0/ln1/gain'].decay).toBe(false);
    expect(byName['wte'].decay).toBe(false);
    const sp = Object.fromEntries(gptParamShapes(base).map((p) => [p.name, p]));
    expect(sp['h1/mlp/proj/kernel'].initStd).toBeCloseTo(0.02 / Math.sqrt(4));
    expect(sp['h1/mlp/proj/kernel'].decay).toBe(true);
  });

  it('top-1 accuracy counts the positions whose argmax is the target (ties to the lowest id)', () => {
    const acc = tf.tidy(() => {
      const logits = tf.tensor2d([[0, 5, 1], [2, 2, 0], [0, 0, 9], [1, 0, 0]], [4, 3]);
      return gptTop1Accuracy(logits, tf.tensor1d([1, 1, 2, 0], 'int32')).dataSync()[0];
    });
    expect(acc).toBeCloseTo(0.75); // row 2's tie [2, 2, 0] picks token 0, not the target 1
  });

  it('starts near ln 256 and returns the attention signals; causal: a later token never changes earlier logits', () => {
    const spec = { ...base, qkNorm: true };
    const params = gptInitParams(spec, 3).map((d, i) => tf.tensor(d, gptParamShapes(spec)[i].shape));
    const tokens = Int32Array.from({ length: 2 * 16 }, (_, i) => (i * 37) % 256);
    let loss = NaN;
    let stats: number[] = [];
    let early: number[] = [];
    let changed: number[] = [];
    tf.tidy(() => {
      const x = tf.tensor2d(tokens, [2, 16], 'int32');
      const out = gptForward(spec, params, x, { stats: true });
      const y = tf.tensor1d(tokens.map((v) => (v + 1) % 256), 'int32');
      const l = gptLoss(out.logits, y, 0).ce.dataSync()[0];
      const s = out.stats!;
      const altered = tokens.slice();
      altered[15] = 7;
      const out2 = gptForward(spec, params, tf.tensor2d(altered, [2, 16], 'int32'));
      loss = l;
      stats = [...s.attnLogitMax.map((a) => a.dataSync()[0]), s.attnEntropyMin.dataSync()[0], s.outputLogitMax.dataSync()[0]];
      early = Array.from(out.logits.slice([0, 0], [15, 256]).dataSync());
      changed = Array.from(out2.logits.slice([0, 0], [15, 256]).dataSync());
    });
    tf.dispose(params);
    expect(loss).toBeGreaterThan(Math.log(256) - 0.2);
    expect(loss).toBeLessThan(Math.log(256) + 0.2);
    expect(stats).toHaveLength(4);
    expect(stats.every(Number.isFinite)).toBe(true);
    expect(stats[2]).toBeGreaterThanOrEqual(0); // entropy; the first query row attends to itself only
    expect(changed).toEqual(early);
  });

  it('gives the same loss and gradients on cpu and wasm (every forward and gradient kernel exists there)', async () => {
    const spec = { ...base, qkNorm: true, tieEmbeddings: false, depth: 1 };
    const tokens = Int32Array.from({ length: 2 * 16 }, (_, i) => (i * 53 + 7) % 256);
    const lossAndGrads = (): number[][] =>
      tf.tidy(() => {
        const params = gptInitParams(spec, 5).map((d, i) => tf.tensor(d, gptParamShapes(spec)[i].shape));
        const x = tf.tensor2d(tokens, [2, 16], 'int32');
        const y = tf.tensor1d(tokens.map((v) => (v * 3) % 256), 'int32');
        const { value, grads } = tf.valueAndGrads((...ps: tf.Tensor[]) => {
          const out = gptForward(spec, ps, x, { stats: true });
          return gptLoss(out.logits, y, 1e-3).total;
        })(params);
        return [Array.from(value.dataSync()), ...grads.map((g) => Array.from(g.dataSync()))];
      });
    await selectBackend('cpu', () => undefined);
    const cpu = lossAndGrads();
    await selectBackend('wasm', () => undefined);
    const wasm = lossAndGrads();
    await selectBackend('auto', () => undefined);
    expect(wasm[0][0]).toBeCloseTo(cpu[0][0], 4);
    cpu.slice(1).forEach((g, i) => g.forEach((v, j) => expect(wasm[i + 1][j]).toBeCloseTo(v, 3)));
  }, 60_000);

  it('z-loss adds zLoss·mean(log Z²) to the cross-entropy', () => {
    const [ce, total, lse] = tf.tidy(() => {
      const logits = tf.tensor2d([[1, 2, 3], [0, 0, 5]]);
      const y = tf.tensor1d([2, 0], 'int32');
      const l = gptLoss(logits, y, 1e-2);
      return [l.ce.dataSync()[0], l.total.dataSync()[0], tf.logSumExp(logits, -1).dataSync()];
    });
    expect(total - ce).toBeCloseTo(1e-2 * ((lse[0] ** 2 + lse[1] ** 2) / 2), 6);
  });
});
