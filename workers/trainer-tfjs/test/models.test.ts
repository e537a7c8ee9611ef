import { describe, expect, it } from 'vitest';
import { countParams, flopsPerSample, initParams, paramShapes, widthForParams, type ModelSpec } from '../src';

const base = { inputDim: 784, imageSize: 28, classes: 10 };

describe('models', () => {
  it('counts MLP parameters exactly', () => {
    for (const w of [8, 32, 128]) {
      const spec: ModelSpec = { kind: 'mlp', width: w, ...base };
      expect(countParams(spec)).toBe(784 * w + w + w * w + w + w * 10 + 10);
      expect(initParams(spec, 1).reduce((n, a) => n + a.length, 0)).toBe(countParams(spec));
    }
  });

  it('counts CNN parameters exactly (c = width, 2c, 7·7·2c → 10)', () => {
    const c = 4;
    const spec: ModelSpec = { kind: 'cnn', width: c, ...base };
    expect(countParams(spec)).toBe(9 * c + c + 9 * c * 2 * c + 2 * c + 49 * 2 * c * 10 + 10);
    expect(paramShapes(spec)[2].shape).toEqual([3, 3, c, 2 * c]);
  });

  it('counts FLOPs from shapes: ≈6N for dense, conv by output pixels', () => {
    const w = 64;
    const mlp = flopsPerSample({ kind: 'mlp', width: w, ...base });
    const macs = 784 * w + w * w + w * 10;
    expect(mlp.forward).toBe(2 * macs);
    // first layer needs no input gradient
    expect(mlp.train).toBe(6 * macs - 2 * 784 * w);
    const c = 8;
    const cnn = flopsPerSample({ kind: 'cnn', width: c, ...base });
    const convMacs = 28 * 28 * 9 * c + 14 * 14 * 9 * c * 2 * c + 49 * 2 * c * 10;
    expect(cnn.forward).toBe(2 * convMacs);
    // conv work far exceeds 2·N: weights are reused at every pixel
    expect(cnn.forward).toBeGreaterThan(20 * countParams({ kind: 'cnn', width: c, ...base }));
  });

  it('init is seeded', () => {
    const spec: ModelSpec = { kind: 'mlp', width: 8, ...base };
    expect(Array.from(initParams(spec, 3)[0].slice(0, 5))).toEqual(Array.from(initParams(spec, 3)[0].slice(0, 5)));
    expect(initParams(spec, 3)[0][0]).not.toBe(initParams(spec, 4)[0][0]);
  });

  it('finds the width for a parameter target', () => {
    const spec = { kind: 'mlp' as const, ...base };
    expect(widthForParams(spec, countParams({ ...spec, width: 48 }))).toBe(48);
    expect(widthForParams(spec, countParams({ ...spec, width: 48 }) + 5)).toBe(48);
  });
});
