import { describe, expect, it } from 'vitest';
import { BYTE_LOSS_AT_INIT, fitLine, lrSensitivity, studentT, type SensitivityRun } from '../src/index';

const run = (width: number, learningRate: number, finalLoss: number | null, extra: Partial<SensitivityRun> = {}): SensitivityRun => ({
  width, learningRate, finalLoss, diverged: finalLoss === null, ...extra,
});

describe('lrSensitivity (Wortsman et al. 2023, eq. 1)', () => {
  it('is the mean over LRs of the capped loss minus the best, diverged runs at the cap', () => {
    const r = lrSensitivity([run(32, 1e-3, 2.5), run(32, 1e-2, 2.0), run(32, 1e-1, null)], { cap: 5 });
    const w = r.variants[0].widths[0];
    expect(w.bestLoss).toBe(2.0);
    expect(w.bestLearningRate).toBe(1e-2);
    expect(w.sensitivity).toBeCloseTo((0.5 + 0 + 3) / 3, 12);
    expect(w.diverged).toBe(1);
    expect(w.curve.map((c) => c.loss)).toEqual([2.5, 2.0, 5]);
  });

  it('caps a finite loss above the cap, and the default cap is ln 256', () => {
    const r = lrSensitivity([run(16, 1e-3, 3), run(16, 1e-1, 9)]);
    expect(r.cap).toBeCloseTo(Math.log(256), 12);
    expect(r.variants[0].widths[0].sensitivity).toBeCloseTo((BYTE_LOSS_AT_INIT - 3) / 2, 12);
  });

  it('splits runs by qk-layernorm and z-loss, and fits sensitivity against ln width', () => {
    const runs: SensitivityRun[] = [];
    for (const [width, s] of [[16, 0.2], [32, 0.4], [64, 0.6]] as const) {
      runs.push(run(width, 1e-3, 3 + 2 * s), run(width, 1e-2, 3), run(width, 3e-2, 3 + s));
      runs.push(run(width, 1e-3, 3, { qkNorm: true }), run(width, 1e-2, 3, { qkNorm: true }), run(width, 3e-2, 3, { qkNorm: true }));
    }
    const r = lrSensitivity(runs);
    expect(r.variants.map((v) => v.label)).toEqual(['no qk-layernorm', 'qk-layernorm']);
    const [plain, qk] = r.variants;
    expect(plain.widths.map((w) => w.sensitivity)).toEqual([0.2, 0.4, 0.6].map((s) => expect.closeTo(s, 12)));
    // Exactly linear in ln width: +0.2 per doubling, a zero-width interval.
    expect(plain.trend!.perDoubling).toBeCloseTo(0.2, 10);
    expect(plain.trend!.slopeHi - plain.trend!.slopeLo).toBeLessThan(1e-9);
    expect(qk.widths.every((w) => w.sensitivity === 0)).toBe(true);
    expect(qk.trend!.slope).toBeCloseTo(0, 12);
  });

  it('keeps the instability signals per LR, sorted by LR', () => {
    const r = lrSensitivity([run(8, 1e-1, 4, { attnLogitMax: 300, outputLogitMax: 40 }), run(8, 1e-3, 3, { attnLogitMax: 12, outputLogitMax: Number.NaN })]);
    expect(r.variants[0].widths[0].curve.map((c) => [c.learningRate, c.attnLogitMax, c.outputLogitMax])).toEqual([[1e-3, 12, null], [1e-1, 300, 40]]);
  });

  it('names the field of a bad run', () => {
    expect(() => lrSensitivity([run(0, 1e-3, 3)])).toThrow(/runs\[0\]\.width must be a positive number, got 0/);
    expect(() => lrSensitivity([run(8, -1, 3)])).toThrow(/runs\[0\]\.learningRate/);
    expect(() => lrSensitivity([], { cap: -1 })).toThrow(/cap must be a positive finite loss/);
  });
});

describe('fitLine and studentT', () => {
  it('match tabulated t quantiles', () => {
    expect(studentT(0.975, 1)).toBeCloseTo(12.706, 3);
    expect(studentT(0.975, 10)).toBeCloseTo(2.228, 3);
    expect(studentT(0.95, 30)).toBeCloseTo(1.697, 3);
    expect(studentT(0.025, 4)).toBeCloseTo(-2.776, 3);
  });

  it('gives the textbook slope interval', () => {
    // y = 1 + 2x with residuals +-0.1: slope SE = sqrt(SSE/(n-2)/Sxx).
    const x = [0, 1, 2, 3];
    const y = [1.1, 2.9, 5.1, 6.9];
    const f = fitLine(x, y);
    expect(f.slope).toBeCloseTo(1.96, 12);
    const sse = y.reduce((s, v, i) => s + (v - f.intercept - f.slope * x[i]) ** 2, 0);
    const half = studentT(0.975, 2) * Math.sqrt(sse / 2 / 5);
    expect(f.slopeHi - f.slope).toBeCloseTo(half, 12);
    expect(() => fitLine([1, 1], [2, 3])).toThrow(/all x values are equal/);
  });
});
