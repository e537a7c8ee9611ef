/**
 * Tiny real GPT trainings on the real SOTU corpus (Austen as the OOD set) through the plugin's
 * boundary (a fake TrialContext), on the backend that loads here.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTfjsPlugin, gptFlopsPerToken, gptParamCount, learningRateAt, planGptTrial, readCheckpoint } from '../src';
import { fakeContext, lastOf, removeContextDirs, request } from './fakeContext';

const quiet = (): void => undefined;
const plugin = createTfjsPlugin({ log: quiet });

/** d16, 1 block, 2 heads, context 32, batch 8: 256 tokens per step. */
function gptRequest(config: Record<string, unknown>, over: { options?: Record<string, unknown>; logEvery?: number; evalEvery?: number; checkpointEvery?: number } = {}) {
  const req = request({
    model: 'gpt',
    dataset: 'sotu',
    config: { width: 16, depth: 1, heads: 2, data: 256 * 24, seed: 1, learningRate: 1e-2, ...config } as never,
    logEvery: over.logEvery ?? 4,
    evalEvery: over.evalEvery ?? 12,
    checkpointEvery: over.checkpointEvery ?? 6,
  });
  req.task.options = { context: 32, batchSize: 8, evalSize: 8, evalSets: ['austen'], ...over.options };
  return req;
}

beforeAll(async () => {
  await plugin.init?.();
}, 60_000);
afterAll(removeContextDirs);

describe('gpt trainer on SOTU', () => {
  it('trains: loss falls, N and FLOPs exact, every signal emitted, LR follows the schedule, memory flat', async () => {
    const before = tf.memory().numTensors;
    const req = gptRequest({ schedule: 'wsd', warmup: 4, qkNorm: true });
    const ctx = fakeContext(req);
    const res = await plugin.run(ctx);
    expect(tf.memory().numTensors).toBe(before);
    expect(res.status).toBe('completed');
    expect(res.steps).toBe(24);
    const plan = planGptTrial(req);
    expect(res.params).toBe(gptParamCount(plan.model).total);
    expect(res.final.params_non_embedding).toBe(gptParamCount(plan.model).nonEmbedding);
    expect(res.flops).toBe(gptFlopsPerToken(plan.model).train * 24 * 256);
    expect(res.final.flops_6nd).toBe(6 * res.params * 24 * 256);
    const train = ctx.series('train_loss');
    expect(train.map((p) => p.step)).toEqual([4, 8, 12, 16, 20, 24]);
    expect(lastOf(train).value).toBeLessThan(train[0].value - 0.5);
    expect(ctx.series('lr').map((p) => p.value)).toEqual(train.map((p) => learningRateAt(plan.schedule, p.step)));
    expect(ctx.series('lr')[0].value).toBe(1e-2); // end of warm-up
    for (const name of ['grad_norm', 'attn_logit_max_l0', 'attn_logit_max', 'attn_entropy_min', 'output_logit_mean', 'output_logit_max', 'tokens_per_s']) {
      expect(ctx.series(name).map((p) => p.step), name).toEqual(train.map((p) => p.step));
      expect(ctx.series(name).every((p) => Number.isFinite(p.value)), name).toBe(true);
    }
    expect(ctx.series('eval_loss').map((p) => p.step)).toEqual([12, 24]);
    expect(ctx.series('eval_loss_austen').map((p) => p.step)).toEqual([12, 24]);
    expect(res.final.eval_loss).toBe(lastOf(ctx.series('eval_loss')).value);
    expect(res.final.eval_loss_austen).toBe(lastOf(ctx.series('eval_loss_austen')).value);
    expect(res.final.eval_loss!).toBeLessThan(Math.log(256) - 1.5);
    // Next-byte top-1 accuracy beside each eval loss: a trained model beats chance (1/256) by far.
    expect(ctx.series('eval_acc').map((p) => p.step)).toEqual([12, 24]);
    expect(ctx.series('eval_acc_austen').map((p) => p.step)).toEqual([12, 24]);
    expect(res.final.eval_acc).toBe(lastOf(ctx.series('eval_acc')).value);
    expect(res.final.eval_acc_austen).toBe(lastOf(ctx.series('eval_acc_austen')).value);
    expect(res.final.eval_acc!).toBeGreaterThan(0.1);
    expect(res.final.eval_acc!).toBeLessThanOrEqual(1);
    expect(readCheckpoint(lastOf(ctx.progressLog).checkpointUri ?? '').step).toBe(24);
  }, 120_000);

  it('resumes exactly: weights, AdamW moments, sampler position and step', async () => {
    const req = gptRequest({ uniqueData: 2000, schedule: 'cosine' }, { logEvery: 1, evalEvery: 6 });
    const full = fakeContext(req);
    const a = await plugin.run(full);
    expect(a.status).toBe('completed');
    expect(a.final.epochs).toBeCloseTo((24 * 256) / 2000, 10);

    const first = fakeContext(req, {
      onProgress: (p, c) => {
        if (p.step >= 12 && p.checkpointUri) c.controller.abort();
      },
    });
    const r1 = await plugin.run(first);
    expect(r1.status).toBe('stopped');
    const resumeFrom = lastOf(first.progressLog);
    expect(resumeFrom.step).toBe(12);
    expect(readCheckpoint(resumeFrom.checkpointUri ?? '').loop.windowsDrawn).toBe(12 * 8);

    const second = fakeContext(req, { resume: resumeFrom, checkpointDir: first.checkpointDir });
    const r2 = await plugin.run(second);
    expect(r2.status).toBe('completed');
    expect(r2.resumedFromStep).toBe(12);
    const after = (c: typeof full, name: string) => c.series(name).filter((p) => p.step > 12).map((p) => [p.step, p.value]);
    for (const name of ['train_loss', 'eval_loss', 'eval_loss_austen', 'lr', 'grad_norm']) expect(after(second, name), name).toEqual(after(full, name));
    expect(r2.final).toEqual(a.final);
  }, 120_000);

  it('ends as diverged with its step on a huge learning rate without clipping or qk-norm', async () => {
    const before = tf.memory().numTensors;
    const ctx = fakeContext(gptRequest({ learningRate: 1e8, weightDecay: 0 }, { options: { gradClip: 0 }, logEvery: 1 }));
    const res = await plugin.run(ctx);
    expect(res.status).toBe('diverged');
    expect(res.reason).toMatch(/loss\w* became (NaN|Infinity|-Infinity) at step \d+/);
    expect(res.steps).toBeLessThan(24);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('trains under μP (untied readout by default, zero-initialised: the first loss is exactly ln 256)', async () => {
    const req = gptRequest({ parametrisation: 'mup', width: 32, heads: 4, zLoss: 1e-4 }, { options: { baseWidth: 16 }, logEvery: 1 });
    const ctx = fakeContext(req);
    const res = await plugin.run(ctx);
    expect(res.status).toBe('completed');
    expect(planGptTrial(req).model.tieEmbeddings).toBe(false);
    const train = ctx.series('train_loss');
    expect(train[0].value).toBeCloseTo(Math.log(256), 5);
    // Signals are read in the step's forward pass: 0 before the first update, then the readout grows.
    expect(ctx.series('output_logit_max')[0].value).toBe(0);
    expect(lastOf(ctx.series('output_logit_max')).value).toBeGreaterThan(0);
    expect(lastOf(train).value).toBeLessThan(train[0].value - 0.5);
  }, 120_000);

  it('rejects a unique-token pool larger than the training split, naming the field', async () => {
    await expect(plugin.run(fakeContext(gptRequest({ uniqueData: 1e9 })))).rejects.toThrow(/config.uniqueData: expected at most \d+/);
  }, 120_000);
});
