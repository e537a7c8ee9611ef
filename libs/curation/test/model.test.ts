import { beforeAll, describe, expect, it } from 'vitest';
import { accuracy, initCurationBackend, ProxyModel, Rng } from '../src';
import { blobs } from './fixtures';

beforeAll(async () => {
  await initCurationBackend('wasm');
});

describe('ProxyModel', () => {
  const { data } = blobs();
  it('learns the blobs (softmax regression and MLP)', () => {
    for (const hidden of [0, 8]) {
      const m = new ProxyModel(data.dim, data.classes, { hidden, lr: 0.05, batchSize: 10 }, 1);
      const rng = new Rng(2);
      for (let e = 0; e < 10; e++) m.trainEpoch(data, rng);
      // 3 of 60 labels are flipped, so ≤ 57/60 is reachable without memorising
      expect(accuracy(m.forward(data).probs, data.y, 3)).toBeGreaterThanOrEqual(55 / 60);
      m.dispose();
    }
  });
  it('zero loss weights leave the parameters unchanged (InfoBatch rescaling path)', () => {
    const m = new ProxyModel(data.dim, data.classes, { hidden: 8 }, 1);
    const before = m.forward(data).probs;
    m.trainEpoch(data, new Rng(3), { weights: new Float32Array(data.n) });
    expect([...m.forward(data).probs]).toEqual([...before]);
    m.trainEpoch(data, new Rng(3), { weights: new Float32Array(data.n).fill(1) });
    expect([...m.forward(data).probs]).not.toEqual([...before]);
    m.dispose();
  });
  it('trains only on the given order and reports its FLOPs', () => {
    const m = new ProxyModel(data.dim, data.classes, { hidden: 8 }, 1);
    const seen: number[] = [];
    const flops = m.trainEpoch(data, new Rng(1), { order: Uint32Array.from([4, 9, 2]), onBatch: (idx) => seen.push(...idx) });
    expect(seen).toEqual([4, 9, 2]);
    expect(flops).toBe(3 * 3 * 2 * (4 * 8 + 8 * 3));
    m.dispose();
  });
});
