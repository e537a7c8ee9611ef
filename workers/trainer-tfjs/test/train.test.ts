/**
 * Tiny real trainings on real Fashion-MNIST through the plugin's boundary (a fake TrialContext).
 * Backend 'auto' picks what loads here (wasm on a machine without tfjs-node).
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTfjsPlugin, readCheckpoint } from '../src';
import { fakeContext, lastOf, removeContextDirs, request } from './fakeContext';

const quiet = (): void => undefined;
const plugin = createTfjsPlugin({ log: quiet });

beforeAll(async () => {
  await plugin.init?.();
});
afterAll(removeContextDirs);

describe('tfjs trainer on Fashion-MNIST', () => {
  it('trains an MLP: loss goes down, N exact, FLOPs counted, metrics emitted, memory flat', async () => {
    const before = tf.memory().numTensors;
    const ctx = fakeContext(request({ config: { width: 16, data: 2048, seed: 1, learningRate: 3e-3 } }));
    const res = await plugin.run(ctx);
    expect(tf.memory().numTensors).toBe(before);
    expect(res.status).toBe('completed');
    expect(res.steps).toBe(32);
    expect(res.params).toBe(784 * 16 + 16 + 16 * 16 + 16 + 16 * 10 + 10);
    expect(res.flops).toBe((6 * (784 * 16 + 16 * 16 + 160) - 2 * 784 * 16) * 2048);
    expect(res.final.eval_flops).toBe(2 * (784 * 16 + 16 * 16 + 160) * 500 * 4);
    expect(res.backend.split(' ')[0]).toBe(tf.getBackend()); // label, e.g. `tensorflow (tfjs-node)`
    const train = ctx.series('train_loss');
    expect(train.map((p) => p.step)).toEqual(Array.from({ length: 16 }, (_, i) => 2 * (i + 1)));
    expect(lastOf(train).value).toBeLessThan(train[0].value * 0.7);
    const evals = ctx.series('eval_loss');
    expect(evals.map((p) => p.step)).toEqual([8, 16, 24, 32]);
    expect(evals[0].value).toBeLessThan(Math.log(10));
    expect(res.final.eval_loss).toBe(lastOf(evals).value);
    expect(res.final.eval_accuracy).toBeGreaterThan(0.55);
    expect(ctx.series('samples_per_s')[0].value).toBeGreaterThan(0);
    const last = lastOf(ctx.progressLog);
    expect(last.step).toBe(32);
    expect(readCheckpoint(last.checkpointUri ?? '').step).toBe(32);
  });

  it('resumes exactly: k steps + resume + k steps equals 2k uninterrupted', async () => {
    const req = request({ config: { width: 12, data: 16 * 32, seed: 4 }, options: { batchSize: 32, evalSize: 300, poolSize: 200 }, logEvery: 1, evalEvery: 4, checkpointEvery: 8 });
    const full = fakeContext(req);
    const a = await plugin.run(full);
    expect(a.status).toBe('completed');

    // Abort as soon as the step-8 checkpoint is reported.
    const first = fakeContext(req, {
      onProgress: (p, c) => {
        if (p.step >= 8 && p.checkpointUri) c.controller.abort();
      },
    });
    const r1 = await plugin.run(first);
    expect(r1.status).toBe('stopped');
    expect(r1.steps).toBe(8);
    const resumeFrom = lastOf(first.progressLog);
    expect(resumeFrom.step).toBe(8);

    const second = fakeContext(req, { resume: resumeFrom, checkpointDir: first.checkpointDir });
    const r2 = await plugin.run(second);
    expect(r2.status).toBe('completed');
    expect(r2.resumedFromStep).toBe(8);
    expect(second.series('train_loss')[0].step).toBe(9);
    const after = (c: typeof full, name: string) => c.series(name).filter((p) => p.step > 8).map((p) => [p.step, p.value]);
    expect(after(second, 'train_loss')).toEqual(after(full, 'train_loss'));
    expect(after(second, 'eval_loss')).toEqual(after(full, 'eval_loss'));
    expect(r2.final).toEqual(a.final);
    expect(r2.flops).toBe(a.flops);
  });

  it('ends with status diverged (not a throw) on a huge learning rate', async () => {
    const before = tf.memory().numTensors;
    const ctx = fakeContext(request({ config: { width: 16, data: 64 * 40, learningRate: 1e12 }, logEvery: 1 }));
    const res = await plugin.run(ctx);
    expect(res.status).toBe('diverged');
    expect(res.reason).toMatch(/_loss became (NaN|Infinity|-Infinity) at step \d+/);
    expect(res.steps).toBeLessThan(40);
    expect(res.final.train_loss).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops on abort with a checkpoint, and ignores a missing resume checkpoint', async () => {
    const ctx = fakeContext(request({ config: { width: 8, data: 640 } }), { resume: { step: 3, checkpointUri: '/nonexistent/step-3.ckpt' } });
    ctx.controller.abort();
    const res = await plugin.run(ctx);
    expect(res.status).toBe('stopped');
    expect(res.resumedFromStep).toBe(0);
    expect(res.steps).toBe(0);
    expect(ctx.logs.some((l) => l.includes('not found'))).toBe(true);
    expect(existsSync(lastOf(ctx.progressLog).checkpointUri ?? '')).toBe(true);
  });

  it('trains the small CNN with exact N', async () => {
    const ctx = fakeContext(request({ model: 'cnn', config: { width: 2, data: 256, seed: 2, learningRate: 3e-3 }, options: { batchSize: 32, evalSize: 200 }, evalEvery: 4 }));
    const res = await plugin.run(ctx);
    expect(res.status).toBe('completed');
    expect(res.params).toBe(9 * 2 + 2 + 9 * 2 * 4 + 4 + 49 * 4 * 10 + 10);
    const train = ctx.series('train_loss');
    expect(lastOf(train).value).toBeLessThan(train[0].value);
  });

  it('trains on the synthetic-teacher task', async () => {
    const ctx = fakeContext(request({ dataset: 'synthetic-teacher', config: { width: 16, data: 1024 }, options: { trainSize: 1000, testSize: 300, evalSize: 300 } }));
    const res = await plugin.run(ctx);
    expect(res.status).toBe('completed');
    const train = ctx.series('train_loss');
    expect(lastOf(train).value).toBeLessThan(train[0].value);
  });
});
