import { describe, expect, it } from 'vitest';
import { logDomain, logScale, logTicks, formatTick } from '../web/plot/scale';
import { bandAt, degenerate, logSpace, readFit, targetAt } from '../web/fit';
import { formatFlops, formatValue } from '../web/format';
import type { FitRow } from '../web/types';

describe('log scale', () => {
  it('maps decades evenly and inverts', () => {
    const s = logScale([1, 1000], [0, 300]);
    expect(s(1)).toBeCloseTo(0);
    expect(s(10)).toBeCloseTo(100);
    expect(s(1000)).toBeCloseTo(300);
    expect(s.invert(200)).toBeCloseTo(100);
  });

  it('ignores non-positive and non-finite values and widens a single point', () => {
    expect(logDomain([0, -1, NaN, Infinity])).toBeUndefined();
    const [lo, hi] = logDomain([5], 0.3, 0)!;
    expect(Math.log10(hi) - Math.log10(lo)).toBeCloseTo(0.3);
    expect(Math.sqrt(lo * hi)).toBeCloseTo(5);
  });

  it('puts major ticks on decades and labels only them on long axes', () => {
    const ticks = logTicks(1, 1e6);
    expect(ticks.filter((t) => t.major).map((t) => t.value)).toEqual([1, 10, 100, 1e3, 1e4, 1e5, 1e6]);
    expect(ticks.filter((t) => t.label).length).toBe(7);
    expect(ticks.find((t) => t.value === 1e6)!.label).toBe('10⁶');
  });

  it('labels 2x, 3x and 5x ticks when the axis spans less than two decades, all under 0.7', () => {
    const labels = logTicks(0.3, 3).filter((t) => t.label).map((t) => t.label);
    expect(labels).toEqual(['0.3', '0.5', '1', '2', '3']);
    expect(logTicks(0.35, 0.65).filter((t) => t.label).map((t) => t.label)).toEqual(['0.4', '0.5', '0.6']);
  });

  it('formats small and large powers with superscripts', () => {
    expect(formatTick(1, -4)).toBe('10⁻⁴');
    expect(formatTick(5, 7)).toBe('5·10⁷');
    expect(formatTick(2, 1)).toBe('20');
  });
});

function fitRow(summary: Record<string, unknown>, report: unknown = {}): FitRow {
  return { id: 1, sweepId: 's', createdAt: '2026-01-01T00:00:00Z', summary: summary as unknown as FitRow['summary'], report };
}

describe('readFit', () => {
  const chinchilla = { law: 'chinchilla', params: { E: 1.5, A: 400, alpha: 0.34, B: 2000, beta: 0.28 }, converged: true, nPoints: 9, formula: 'L = 1.5 + 400/N^0.34 + 2000/D^0.28' };

  it('evaluates a two-variable law at (N, D)', () => {
    const fit = readFit(fitRow(chinchilla));
    expect(fit.vars).toEqual(['N', 'D']);
    const expected = 1.5 + 400 / 1e6 ** 0.34 + 2000 / 1e7 ** 0.28;
    expect(fit.evaluate!({ N: 1e6, D: 1e7 })).toBeCloseTo(expected, 10);
    expect(fit.evaluate!({ N: 1e6 })).toBeNaN();
  });

  it('maps a one-term law onto D when its formula names only D', () => {
    const fit = readFit(fitRow({ law: 'power-law-plus-constant', params: { E: 0.5, A: 10, alpha: 0.5 }, formula: 'L = 0.5 + 10/D^0.5' }));
    expect(fit.vars).toEqual(['D']);
    expect(fit.evaluate!({ D: 100 })).toBeCloseTo(1.5);
  });

  it('reads params from the report when the summary has none, with intervals', () => {
    const fit = readFit(fitRow({ law: 'x', formula: '' }, { params: { E: { value: 1, lo: 0.9, hi: 1.1 }, A: 10, alpha: { estimate: 1 } } }));
    expect(fit.params).toEqual({ E: 1, A: 10, alpha: 1 });
    expect(fit.intervals.E).toEqual([0.9, 1.1]);
    expect(bandAt(fit, { N: 10 })).toEqual([1.9, 2.1]);
  });

  it('turns bootstrap samples into a band that contains the fitted curve', () => {
    const samples = Array.from({ length: 40 }, (_, i) => ({ ...chinchilla.params, E: 1.3 + (0.4 * i) / 39 }));
    const fit = readFit(fitRow(chinchilla, { bootstrap: { samples } }));
    expect(fit.samples.length).toBe(40);
    const at = { N: 1e5, D: 1e6 };
    const [lo, hi] = bandAt(fit, at)!;
    const mid = fit.evaluate!(at);
    expect(lo).toBeLessThan(mid);
    expect(hi).toBeGreaterThan(mid);
    // One level per view: 95% by default, any other on request.
    expect(hi - lo).toBeCloseTo(0.4 * 0.95, 6);
    const [lo90, hi90] = bandAt(fit, at, 0.9)!;
    expect(hi90 - lo90).toBeCloseTo(0.4 * 0.9, 6);
  });

  it('recomputes the target interval at the view level from the inputs in its label', () => {
    const samples = Array.from({ length: 41 }, (_, i) => ({ ...chinchilla.params, E: 1.3 + (0.4 * i) / 40 }));
    const at = { N: 1e6, D: 1e7 };
    const base = readFit(fitRow(chinchilla, { bootstrap: { samples } }));
    const value = base.evaluate!(at);
    const target = { value, lo: value - 0.19, hi: value + 0.19, label: 'eval_loss at N=1.00e+6, D=1.00e+7' };
    const fit = readFit(fitRow({ ...chinchilla, target }, { bootstrap: { samples, level: 0.95 } }));
    expect(targetAt(fit, 0.95)).toEqual({ ...target, level: 0.95 });
    const t68 = targetAt(fit, 0.68)!;
    expect(t68.level).toBe(0.68);
    expect(t68.hi - t68.lo).toBeCloseTo(0.4 * 0.68, 6);
    // A label whose inputs do not reproduce the stored estimate keeps the stored interval and says its level.
    const odd = readFit(fitRow({ ...chinchilla, target: { ...target, label: 'eval_loss at N=5' } }, { bootstrap: { samples } }));
    expect(targetAt(odd, 0.68)).toMatchObject({ lo: target.lo, hi: target.hi, level: 0.95 });
  });

  it('flags a fit the data do not identify', () => {
    const fit = readFit(fitRow({ ...chinchilla, identifiability: { verdict: 'unidentified', undetermined: ['A', 'alpha'] } }));
    expect(degenerate(fit)).toBe('unidentified: A, alpha not determined by the data');
    expect(degenerate(readFit(fitRow({ ...chinchilla, identifiability: { verdict: 'identified', undetermined: [] } })))).toBeUndefined();
    expect(degenerate(readFit(fitRow({ ...chinchilla, diagnostics: ['parameter E is at its bound (0)'] })))).toBe('parameter E is at its bound (0)');
  });

  it('gives no curve for an unknown form or a skipped fit', () => {
    expect(readFit(fitRow({ law: 'mystery', params: { q: 1 }, formula: 'L = ?' })).evaluate).toBeUndefined();
    expect(readFit(fitRow({ ...chinchilla, skipped: 'too few points' })).evaluate).toBeUndefined();
    expect(readFit(fitRow(null as unknown as Record<string, unknown>, 'garbage')).params).toEqual({});
  });

  it('spaces points evenly in log space', () => {
    expect(logSpace(1, 100, 3).map((v) => +v.toFixed(9))).toEqual([1, 10, 100]);
  });
});

describe('formats', () => {
  it('shows FLOPs with units and divergence as data', () => {
    expect(formatFlops(2.5e15)).toBe('2.50 PFLOP');
    expect(formatFlops(undefined)).toBe('—');
    expect(formatValue(null)).toBe('NaN');
    expect(formatValue(Infinity)).toBe('∞');
    expect(formatValue(0.123456)).toBe('0.1235');
  });
});
