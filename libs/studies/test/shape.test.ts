import { describe, expect, it } from 'vitest';
import { formatStudy, modelShapeStudy, studyFromSweep, type ShapeRun, type StudyMetric, type StudyTrial } from '../src/index';

/** A 3 × 3 grid of widths 16, 32, 64 × depths 1, 4, 16, with loss = f(N) + a shape term and time ∝ N·depth^0.3. */
function grid(shapeTerm: (w: number, d: number) => number): ShapeRun[] {
  return [16, 32, 64].flatMap((width) =>
    [1, 4, 16].map((depth) => {
      const N = 12 * depth * width * width;
      return { trialId: `t-${width}x${depth}`, width, depth, nonEmbeddingParams: N, flops: 6 * N * 1e5, loss: 2 + 20 / N ** 0.3 + shapeTerm(width, depth), wallSeconds: (N / 1000) * depth ** 0.3 };
    }),
  );
}

describe('modelShapeStudy', () => {
  it('places runs on the width, depth and compound paths and compares them at equal compute', () => {
    const s = modelShapeStudy(grid(() => 0));
    expect(s.base).toEqual({ width: 16, depth: 1 });
    expect(s.strategies.width.map((p) => `${p.width}x${p.depth}`)).toEqual(['16x1', '32x1', '64x1']);
    expect(s.strategies.depth.map((p) => `${p.width}x${p.depth}`)).toEqual(['16x1', '16x4', '16x16']);
    // Depth's share 1/2: width² and depth grow by the same factor.
    expect(s.strategies.compound.map((p) => `${p.width}x${p.depth}`)).toEqual(['16x1', '32x4', '64x16']);
    expect(s.offPath.map((x) => x.trialId).sort()).toEqual(['t-32x16', 't-64x4']);
    expect(s.levels.map((l) => l.multiple)).toEqual([4, 16]);
    const k16 = s.levels[1];
    expect(Object.keys(k16.points).sort()).toEqual(['compound', 'depth', 'width']);
    // Equal N, no shape term: equal losses; the deepest is the slowest and the widest the fastest.
    expect(k16.points.width!.loss).toBeCloseTo(k16.points.depth!.loss!, 12);
    expect(k16.fastest).toBe('width');
  });

  it('finds a shape effect at fixed N when there is one, and none when there is not', () => {
    const flat = modelShapeStudy(grid(() => 0));
    // N ≈ 12k (2 shapes), 49k (3 shapes), 197k (2 shapes).
    expect(flat.fixedN.map((g) => g.runs.length)).toEqual([2, 3, 2]);
    expect(flat.fixedN[1].runs.map((r) => r.aspectRatio)).toEqual([1, 8, 64]);
    expect(flat.kaplan).toEqual({ groups: 3, maxRelativeSpread: expect.closeTo(0, 12), holds: true });

    // Deep-narrow models pay 0.3 nats per unit of ln(depth/width·16): a strong shape effect.
    const shaped = modelShapeStudy(grid((w, d) => 0.3 * Math.max(0, Math.log((d / w) * 16))));
    expect(shaped.kaplan.holds).toBe(false);
    const g49 = shaped.fixedN[1];
    expect(g49.spread).toBeCloseTo(0.3 * Math.log(16), 12);
    expect(g49.littleEffect).toBe(false);
    expect(shaped.levels[1].bestLoss).toBe('width');
    // A 1% effect passes at the default 3% tolerance and fails at 0.5%.
    const small = grid((w) => (w === 16 ? 0.025 : 0));
    expect(modelShapeStudy(small).kaplan.holds).toBe(true);
    expect(modelShapeStudy(small, { tolerance: 0.005 }).kaplan.holds).toBe(false);
  });

  it('never lets a diverged run win, and needs a base run', () => {
    const runs = grid(() => 0).map((r) => (r.trialId === 't-64x1' ? { ...r, loss: null } : r));
    const s = modelShapeStudy(runs);
    expect(s.levels[1].bestLoss).not.toBe('width');
    expect(s.levels[1].bestLoss).not.toBeNull();
    expect(() => modelShapeStudy(grid(() => 0).filter((r) => r.trialId !== 't-16x1'))).toThrow(/no run at the base shape \(width 16, depth 1\)/);
    expect(() => modelShapeStudy([{ ...grid(() => 0)[0], depth: 0 }])).toThrow(/needs a positive width and depth/);
  });
});

describe('studyFromSweep model-shape', () => {
  it('reads shape from the config, N and tokens from the final metrics and time from tokens_per_s', () => {
    const trials: StudyTrial[] = grid(() => 0).map((r) => ({
      id: r.trialId, status: 'completed', config: { width: r.width, depth: r.depth }, flops: r.flops,
      final: { eval_loss: r.loss, params_non_embedding: r.nonEmbeddingParams, tokens_seen: 1000 },
    }));
    const metrics: StudyMetric[] = trials.flatMap((t) => [100, 200, 5000].map((value, i) => ({ trialId: t.id, step: 16 * (i + 1), name: 'tokens_per_s', value })));
    const s = studyFromSweep({ kind: 'model-shape' }, trials, metrics);
    if (s.kind !== 'model-shape') throw new Error('kind');
    // 1000 tokens at the median rate 200 tokens/s.
    expect(s.result.strategies.width[0].wallSeconds).toBe(5);
    expect(s.result.kaplan.holds).toBe(true);
    const text = formatStudy(s);
    expect(text).toMatch(/k 16: width 64×1 [\d.]+ in 5 s; depth 16×16 [\d.]+ in 5 s; compound 32×4/);
    expect(text).toMatch(/N ≈ 49200: 16×16 \(aspect 1\) [\d.]+, 32×4 \(aspect 8\) [\d.]+, 64×1 \(aspect 64\)/);
    expect(text).toMatch(/verdict: largest spread at fixed N 0\.00% over 3 groups: shape matters little here/);
    expect(() => studyFromSweep({ kind: 'model-shape' }, [{ id: 'x', status: 'completed', config: { width: 16 } }], [])).toThrow(/trial x needs config\.width and config\.depth/);
  });
});
