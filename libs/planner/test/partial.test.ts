import { describe, expect, it } from 'vitest';
import { assimilate, predictFinal, type CurvePoint } from '../src/index';

/** The replay plugin's synthetic curve: L(f) = L_final · f^(−0.08), f = step / total. */
const synth = (final: number, total: number, upTo: number, every: number): CurvePoint[] =>
  Array.from({ length: Math.floor(upTo / every) }, (_, i) => (i + 1) * every).map((s) => ({ step: s, value: final * (s / total) ** -0.08 }));

describe('predictFinal', () => {
  it('recovers the final loss of an exact power-law curve from its first 40%', () => {
    const p = predictFinal(synth(2.5, 1000, 400, 20), 1000);
    if ('skip' in p) throw new Error(p.skip);
    expect(p.value).toBeCloseTo(2.5, 12);
    expect(p.exponent).toBeCloseTo(0.08, 12);
    expect(p.sdLog).toBeLessThan(1e-9);
    expect(p.points).toBe(11); // steps 200, 220, …, 400: the last half of the steps seen
    expect(p.fraction).toBe(0.4);
  });

  it('matches an independent least-squares fit on the tail, with a ±2 s.e. prediction interval', () => {
    const curve = [
      { step: 100, value: 9 }, // before the last half: ignored
      { step: 250, value: 3.0 },
      { step: 300, value: 2.95 },
      { step: 400, value: 2.8 },
      { step: 500, value: 2.78 },
    ];
    const p = predictFinal(curve, 1000);
    if ('skip' in p) throw new Error(p.skip);
    const x = [250, 300, 400, 500].map(Math.log);
    const y = [3.0, 2.95, 2.8, 2.78].map(Math.log);
    const xm = x.reduce((a, b) => a + b) / 4;
    const ym = y.reduce((a, b) => a + b) / 4;
    const sxx = x.reduce((a, xi) => a + (xi - xm) ** 2, 0);
    const b = x.reduce((a, xi, i) => a + (xi - xm) * (y[i] - ym), 0) / sxx;
    const s2 = y.reduce((a, yi, i) => a + (yi - ym - b * (x[i] - xm)) ** 2, 0) / 2;
    const x0 = Math.log(1000);
    const se = Math.sqrt(s2 * (1 + 1 / 4 + (x0 - xm) ** 2 / sxx));
    expect(p.value).toBeCloseTo(Math.exp(ym + b * (x0 - xm)), 12);
    expect(p.sdLog).toBeCloseTo(se, 12);
    expect(p.lo).toBeCloseTo(p.value * Math.exp(-2 * se), 12);
    expect(p.hi).toBeCloseTo(p.value * Math.exp(2 * se), 12);
    expect(p.points).toBe(4);
  });

  it('says why it cannot predict: too early, too few points, a rising curve; the final step is the answer', () => {
    expect(predictFinal([], 1000)).toEqual({ skip: 'no usable curve points yet' });
    expect(predictFinal(synth(2, 1000, 200, 20), 1000)).toEqual({ skip: 'only 20.0% of 1000 steps seen, need 25%' });
    expect(predictFinal(synth(2, 1000, 300, 100), 1000)).toEqual({ skip: '2 points in the last half of the steps seen, need 4' });
    const rising = [300, 350, 400, 450].map((s) => ({ step: s, value: s / 100 }));
    expect(predictFinal(rising, 1000)).toEqual({ skip: 'the curve rises over the last half of the steps seen: no decreasing power law to extrapolate' });
    const done = predictFinal([...synth(2, 1000, 980, 20), { step: 1000, value: 2.01 }], 1000);
    expect(done).toMatchObject({ value: 2.01, lo: 2.01, hi: 2.01, sdLog: 0, fraction: 1 });
    expect(() => predictFinal([], 0)).toThrow('totalSteps: expected a positive number of steps, got 0');
  });

  it('ignores non-finite values and keeps the last value streamed for a step', () => {
    const curve = [...synth(2, 1000, 400, 20), { step: 420, value: NaN }, { step: 400, value: 9 }, { step: 400, value: 2 * 0.4 ** -0.08 }];
    const p = predictFinal(curve, 1000);
    if ('skip' in p) throw new Error(p.skip);
    expect(p.value).toBeCloseTo(2, 12);
  });
});

describe('assimilate', () => {
  // Observed row x with mean 0 and sample variance v; the target row t = 2x (perfectly correlated).
  const x = [-1.5, -0.5, 0.5, 1.5];
  const v = x.reduce((a, b) => a + b * b, 0) / 3;
  const rows = () => [Float64Array.from(x, (a) => 2 * a), Float64Array.from(x)];
  const mean = (r: Float64Array) => r.reduce((a, b) => a + b, 0) / r.length;
  const variance = (r: Float64Array) => r.reduce((a, b) => a + (b - mean(r)) ** 2, 0) / (r.length - 1);
  const sigma2 = 0.25;

  it('without a prediction, shrinks the spread as the coming observation will and leaves the means', () => {
    const r = rows();
    assimilate(r, [undefined, undefined], [{ row: 1 }], { sigma2, length: 1 });
    expect(variance(r[1])).toBeCloseTo((v * sigma2) / (v + sigma2), 12);
    expect(variance(r[0])).toBeCloseTo((4 * v * sigma2) / (v + sigma2), 12);
    expect(mean(r[0])).toBeCloseTo(0, 12);
    expect(mean(r[1])).toBeCloseTo(0, 12);
  });

  it('with a predicted final, moves the means by the Kalman gain with the prediction noise added', () => {
    const r = rows();
    assimilate(r, [undefined, undefined], [{ row: 1, y: 1, yVar: 0.5 }], { sigma2, length: 1 });
    expect(mean(r[1])).toBeCloseTo(v / (v + sigma2 + 0.5), 12);
    expect(mean(r[0])).toBeCloseTo((2 * v) / (v + sigma2 + 0.5), 12);
    // The spread is the same as without a prediction: the trial will be observed either way.
    expect(variance(r[1])).toBeCloseTo((v * sigma2) / (v + sigma2), 12);
  });

  it('tapers the update of a row two decades away by exp(−2²/2)', () => {
    const r = rows();
    assimilate(r, [{ N: 1e10 }, { N: 1e8 }], [{ row: 1, y: 1 }], { sigma2, length: 1 });
    expect(mean(r[0])).toBeCloseTo(((2 * v) / (v + sigma2)) * Math.exp(-2), 12);
  });
});
