/** LR schedules and AdamW, checked against values worked out by hand. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { adamwUpdate, globalNorm, learningRateAt, selectBackend, type Schedule } from '../src';

beforeAll(async () => {
  await selectBackend('auto', () => undefined);
});

const base: Schedule = { kind: 'cosine', peak: 1, steps: 100, warmup: 10, floor: 0.1, cooldown: 0.2 };

describe('learning-rate schedules', () => {
  it('warm up linearly from 0 to the peak', () => {
    for (const kind of ['constant', 'cosine', 'linear', 'wsd'] as const) {
      expect(learningRateAt({ ...base, kind }, 1)).toBeCloseTo(0.1);
      expect(learningRateAt({ ...base, kind }, 10)).toBe(1);
    }
  });

  it('cosine and linear reach the floor at the last step; cosine is halfway at mid-decay', () => {
    expect(learningRateAt(base, 100)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(base, 55)).toBeCloseTo(0.55, 12);
    expect(learningRateAt({ ...base, kind: 'linear' }, 100)).toBeCloseTo(0.1, 12);
    expect(learningRateAt({ ...base, kind: 'linear' }, 55)).toBeCloseTo(0.55, 12);
    expect(learningRateAt({ ...base, kind: 'constant' }, 100)).toBe(1);
  });

  it('wsd stays at the peak until the cooldown fraction, then decays linearly to the floor', () => {
    const wsd = { ...base, kind: 'wsd' as const };
    expect(learningRateAt(wsd, 80)).toBe(1);
    expect(learningRateAt(wsd, 90)).toBeCloseTo(0.55, 12);
    expect(learningRateAt(wsd, 100)).toBeCloseTo(0.1, 12);
  });
});

describe('AdamW', () => {
  it('first step moves each weight by lr·sign(g), decays only marked tensors, clips by the global norm', () => {
    const cfg = { beta1: 0.9, beta2: 0.95, epsilon: 0, weightDecay: 0.5, gradClip: 0 };
    const params = [tf.tensor1d([1, 2]), tf.tensor1d([3])];
    const grads = [tf.tensor1d([4, -1]), tf.tensor1d([2])];
    const state = { m: [tf.zeros([2]), tf.zeros([1])], v: [tf.zeros([2]), tf.zeros([1])] };
    const rules = [{ lrScale: 1, decay: true }, { lrScale: 0.5, decay: false }];
    const out = adamwUpdate(cfg, rules, 1, 0.1, params, grads, state);
    // p − lr·sign(g) − lr·λ·p for the decayed tensor; p − (lr·0.5)·sign(g) for the other
    const [p0, p1] = out.params[0].dataSync();
    expect(p0).toBeCloseTo(1 - 0.1 - 0.1 * 0.5 * 1, 6);
    expect(p1).toBeCloseTo(2 + 0.1 - 0.1 * 0.5 * 2, 6);
    expect(out.params[1].dataSync()[0]).toBeCloseTo(3 - 0.05, 6);
    expect(out.gradNorm.dataSync()[0]).toBeCloseTo(Math.sqrt(16 + 1 + 4), 5);
    // clipping to norm 1 scales every gradient by 1/‖g‖: m = (1 − β1)·g/‖g‖
    const clipped = adamwUpdate({ ...cfg, gradClip: 1 }, rules, 1, 0.1, params, grads, state);
    expect(clipped.m[0].dataSync()[0]).toBeCloseTo((0.1 * 4) / Math.sqrt(21), 5);
    expect(globalNorm([tf.tensor1d([3]), tf.tensor1d([4])]).dataSync()[0]).toBeCloseTo(5, 6);
    tf.dispose([...params, ...grads, ...state.m, ...state.v, ...out.params, ...out.m, ...out.v, out.gradNorm]);
    tf.dispose([...clipped.params, ...clipped.m, ...clipped.v, clipped.gradNorm]);
  });
});
