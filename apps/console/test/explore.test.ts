import { describe, expect, it } from 'vitest';
import { axisPosition, brushed, brushFromPositions, trialColumns } from '../web/columns';
import { compareIds, frontierLoss, optimalLoss, paramIntervals } from '../web/comparison';
import { optimalD, optimalN } from '../web/frontier';
import { fitHistory, toleranceOf } from '../web/fitHistory';
import { indistinguishable, separation } from '../web/separation';
import { readFit, targetAt, targetSamples } from '../web/fit';
import type { FitRow, TrialRow } from '../web/types';

const trial = (index: number, over: Partial<TrialRow>): TrialRow =>
  ({ id: `s-t${index}`, sweepId: 's', index, config: {}, status: 'completed', lastSeq: 0, createdAt: '', updatedAt: '2026-01-01T00:00:00Z', ...over }) as TrialRow;

/** Deterministic pseudo-normal draws (sum of 12 uniforms from a fixed LCG), mean m, sd s. */
function draws(n: number, m: number, s: number, seed = 1): number[] {
  let x = seed;
  const u = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, () => m + s * (Array.from({ length: 12 }, u).reduce((a, b) => a + b) - 6));
}

describe('separation of the best group from another', () => {
  it('separates predictions whose bootstrap difference excludes zero, and not overlapping ones', () => {
    const best = { value: 2.0, samples: draws(200, 2.0, 0.01, 1) };
    const far = separation(best, { value: 2.1, samples: draws(200, 2.1, 0.01, 2) }, 0.95)!;
    expect(far).toMatchObject({ separable: true, method: 'bootstrap', level: 0.95 });
    expect(far.difference![0]).toBeGreaterThan(0.05);
    expect(far.otherAsGood).toBe(0);
    const near = separation(best, { value: 2.005, samples: draws(200, 2.005, 0.01, 3) }, 0.95)!;
    expect(near.separable).toBe(false);
    expect(near.difference![0]).toBeLessThan(0);
    expect(near.otherAsGood!).toBeGreaterThan(0.2);
  });

  it('depends on the level: a gap separable at 68% is not at 99%', () => {
    const best = { value: 2.0, samples: draws(300, 2.0, 0.01, 4) };
    const other = { value: 2.025, samples: draws(300, 2.025, 0.01, 5) };
    expect(separation(best, other, 0.68)!.separable).toBe(true);
    expect(separation(best, other, 0.99)!.separable).toBe(false);
  });

  it('falls back to the intervals without samples, and says nothing without either', () => {
    expect(separation({ value: 1, lo: 0.9, hi: 1.1 }, { value: 1.3, lo: 1.2, hi: 1.4 }, 0.95)).toEqual({ separable: true, method: 'intervals', level: 0.95 });
    expect(separation({ value: 1, lo: 0.9, hi: 1.1 }, { value: 1.15, lo: 1.05, hi: 1.3 }, 0.95)!.separable).toBe(false);
    expect(separation({ value: 1, samples: [1, 1, 1] }, { value: 1.2 }, 0.95)).toBeUndefined();
    expect(() => separation({ value: 1 }, { value: 2 }, 95)).toThrow(/level: expected a coverage between 0 and 1.*got 95/);
  });

  it('lists the candidates tied with the best and those that cannot be tested', () => {
    const best = { value: 2.0, samples: draws(100, 2.0, 0.01, 6) };
    const out = indistinguishable(
      best,
      [
        { key: 'close', prediction: { value: 2.003, samples: draws(100, 2.003, 0.01, 7) } },
        { key: 'far', prediction: { value: 2.5, samples: draws(100, 2.5, 0.01, 8) } },
        { key: 'unknown', prediction: { value: 2.1 } },
      ],
      0.95,
    );
    expect(out.ties.map((t) => t.key)).toEqual(['close']);
    expect(out.untested).toEqual(['unknown']);
  });

  it('reads the bootstrap predictions at the target from a stored fit', () => {
    const samples = draws(50, 0.5, 0.02, 9).map((alpha) => ({ E: 1, A: 10, alpha }));
    const fit = readFit({
      id: 1, sweepId: 's', createdAt: '',
      summary: { law: 'power-law-plus-constant', params: { E: 1, A: 10, alpha: 0.5 }, converged: true, nPoints: 5, formula: '', target: { value: 1 + 10 / 1e4 ** 0.5, lo: 1.08, hi: 1.12, label: 'eval_loss at C=1e9 (x=1.0e4)' } },
      report: { bootstrap: { samples, level: 0.95 } },
    });
    const at = targetSamples(fit)!;
    expect(at).toHaveLength(50);
    expect(at[0]).toBeCloseTo(1 + 10 / 1e4 ** samples[0].alpha, 12);
    // The recomputed interval at another level comes from the same draws.
    const t68 = targetAt(fit, 0.68)!;
    expect(t68.level).toBe(0.68);
    expect(t68.hi - t68.lo).toBeLessThan(Math.max(...at) - Math.min(...at));
    // A label whose inputs do not reproduce the stored value gives no draws (never a wrong interval).
    expect(targetSamples({ ...fit, target: { ...fit.target!, value: 7 } })).toBeUndefined();
  });
});

describe('fit history', () => {
  const fitRow = (id: number, summary: Record<string, unknown>, createdAt = `2026-01-01T00:0${id}:00Z`): FitRow =>
    ({ id, sweepId: 's', createdAt, summary: { law: 'chinchilla', params: {}, converged: true, nPoints: 4, formula: 'L', ...summary }, report: {} }) as FitRow;

  it('gives one point per fit with a target, at its recorded FLOPs, with the relative half-width', () => {
    const fits = [
      fitRow(1, { skipped: 'too few points' }),
      fitRow(2, { trainingFlops: 1e18, target: { value: 2, lo: 1.8, hi: 2.2, label: 'eval_loss at N=1e9, D=2e10' } }),
      fitRow(3, { trainingFlops: 3e18, target: { value: 2.1, lo: 2.05, hi: 2.15, label: 'eval_loss at N=1e9, D=2e10' }, identifiability: { verdict: 'unidentified', undetermined: ['E'] } }),
    ];
    const h = fitHistory(fits, [], 0.95);
    expect(h.withoutTarget).toBe(1);
    expect(h.flopsFrom).toBe('fits');
    expect(h.label).toBe('eval_loss at N=1e9, D=2e10');
    expect(h.points.map((p) => [p.batch, p.flops, p.value, p.level])).toEqual([
      [2, 1e18, 2, 0.95],
      [3, 3e18, 2.1, 0.95],
    ]);
    expect(h.points[0].relHalfWidth).toBeCloseTo(0.1, 12);
    expect(h.points[1].relHalfWidth).toBeCloseTo(0.05 / 2.1, 12);
    expect(h.points[0].degenerate).toBeUndefined();
    expect(h.points[1].degenerate).toMatch(/unidentified: E not determined/);
  });

  it('counts the FLOPs of trials finished by the fit when the fit did not record them', () => {
    const trials = [
      trial(0, { flops: 1e15, updatedAt: '2026-01-01T00:00:30Z' }),
      trial(1, { flops: 2e15, status: 'diverged', updatedAt: '2026-01-01T00:01:30Z' }),
      trial(2, { flops: 4e15, status: 'running', updatedAt: '2026-01-01T00:00:10Z' }),
      trial(3, { flops: 8e15, updatedAt: '2026-01-01T00:05:00Z' }),
    ];
    const h = fitHistory([fitRow(1, { target: { value: 2, lo: 1.9, hi: 2.1, label: 't' } }), fitRow(2, { target: { value: 2, lo: 1.95, hi: 2.05, label: 't' } })], trials, 0.95);
    expect(h.flopsFrom).toBe('trials');
    expect(h.points.map((p) => p.flops)).toEqual([1e15, 3e15]);
  });

  it("reads the planner's tolerance from its stop reason", () => {
    expect(toleranceOf('target interval ±0.84% (eval_loss at N=5.50e+9, D=6.70e+10) is within the tolerance ±1.00%')).toBe(0.01);
    expect(toleranceOf('trial cap reached: 48 of 48 trials started')).toBeUndefined();
    expect(toleranceOf(undefined)).toBeUndefined();
  });
});

describe('explore columns', () => {
  const trials = [
    trial(0, { config: { width: 16, data: 1000, seed: 0, 'curation.strategy': 'random' }, params: 800, data: 1000, flops: 4.8e6, final: { eval_loss: 3.1, train_loss: null } }),
    trial(1, { config: { width: 32, data: 4000, seed: 0, 'curation.strategy': 'el2n' }, params: 3200, data: 4000, flops: 7.68e7, final: { eval_loss: 2.6 } }),
    trial(2, { config: { width: 64, data: 4000, seed: 0, 'curation.strategy': 'random' }, status: 'running' }),
  ];

  it('keeps varying config dimensions, derives N, D, C and D/N, lists final metrics', () => {
    const cols = trialColumns(trials);
    expect(cols.map((c) => c.key)).toEqual(['config.curation.strategy', 'config.data', 'config.width', 'params', 'flops', 'dataPerParam', 'final.eval_loss']);
    const by = (k: string) => cols.find((c) => c.key === k)!;
    expect(by('config.curation.strategy')).toMatchObject({ kind: 'category', distinct: ['el2n', 'random'], positive: false });
    expect(by('config.width')).toMatchObject({ kind: 'number', positive: true, distinct: [16, 32, 64] });
    // `data` equals config.data cell for cell except where the trial has not reported yet: D comes from the config then.
    expect(by('params').cells).toEqual([800, 3200, undefined]);
    expect(by('dataPerParam').cells).toEqual([1.25, 1.25, undefined]);
    expect(by('final.eval_loss').cells).toEqual([3.1, 2.6, undefined]);
  });

  it('places values on log, linear and categorical axes', () => {
    const cols = trialColumns(trials);
    const width = cols.find((c) => c.key === 'config.width')!;
    expect([16, 32, 64].map(axisPosition(width, true)).map((v) => +v!.toFixed(12))).toEqual([0, 0.5, 1]);
    expect(axisPosition(width, false)(32)).toBeCloseTo(16 / 48, 12);
    expect(axisPosition(width, true)(undefined)).toBeUndefined();
    const strategy = cols.find((c) => c.key === 'config.curation.strategy')!;
    expect(['el2n', 'random', 'other'].map(axisPosition(strategy, false))).toEqual([0, 1, undefined]);
  });

  it('selects the trials every brush keeps', () => {
    const cols = trialColumns(trials);
    expect(brushed(cols, [{ key: 'config.width', range: [20, 100] }], 3)).toEqual([1, 2]);
    expect(brushed(cols, [{ key: 'config.width', range: [100, 20] }, { key: 'config.curation.strategy', values: ['random'] }], 3)).toEqual([2]);
    // A trial without the metric fails a brush on it.
    expect(brushed(cols, [{ key: 'final.eval_loss', range: [0, 10] }], 3)).toEqual([0, 1]);
    expect(() => brushed(cols, [{ key: 'config.depth', range: [0, 1] }], 3)).toThrow('brush: no column config.depth');
  });

  it('turns a drag on an axis into a value range or a set of categories', () => {
    const cols = trialColumns(trials);
    const width = cols.find((c) => c.key === 'config.width')!;
    const log = brushFromPositions(width, true, 0.75, 0.25) as { key: string; range: [number, number] };
    expect(log.range[0]).toBeCloseTo(16 * 4 ** 0.25, 9);
    expect(log.range[1]).toBeCloseTo(16 * 4 ** 0.75, 9);
    expect(brushed(cols, [log], 3)).toEqual([1]);
    expect((brushFromPositions(width, false, 0, 0.5) as { range: number[] }).range).toEqual([16, 40]);
    const strategy = cols.find((c) => c.key === 'config.curation.strategy')!;
    expect(brushFromPositions(strategy, false, 0.6, 1)).toEqual({ key: 'config.curation.strategy', values: ['random'] });
  });
});

describe('comparison', () => {
  it('reads the compared sweep ids from the address', () => {
    expect(compareIds('#/compare?ids=a,b')).toEqual(['a', 'b']);
    expect(compareIds('#/compare?ids=a,%20b,,a&level=90')).toEqual(['a', 'b']);
    expect(compareIds('#/compare')).toEqual([]);
  });

  const p = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 };
  const fit = (samples: Record<string, number>[]) =>
    readFit({ id: 1, sweepId: 's', createdAt: '', summary: { law: 'chinchilla', params: p, converged: true, nPoints: 9, formula: '' }, report: { bootstrap: { samples } } });

  it('evaluates a Chinchilla law at its compute-optimal allocation, the minimum over N at fixed C', () => {
    const C = 1e21;
    const at = optimalLoss(p, C);
    const loss = (N: number) => p.E + p.A / N ** p.alpha + p.B / (C / 6 / N) ** p.beta;
    expect(at).toBeCloseTo(loss(optimalN(p, C)), 12);
    expect(optimalD(p, C) * optimalN(p, C) * 6).toBeCloseTo(C, -8);
    for (const f of [0.5, 0.9, 1.1, 2]) expect(loss(optimalN(p, C) * f)).toBeGreaterThan(at);
  });

  it('draws the loss along the frontier with a band from the bootstrap, and parameter intervals at the level', () => {
    const samples = [0.3, 0.32, 0.33, 0.34, 0.35, 0.36, 0.38].map((alpha) => ({ ...p, alpha }));
    const curve = frontierLoss(fit(samples), [1e19, 1e21], 0.95)!;
    expect(curve.map((c) => c.loss)).toEqual([optimalLoss(p, 1e19), optimalLoss(p, 1e21)]);
    expect(curve[1].band![0]).toBeLessThanOrEqual(curve[1].loss);
    expect(curve[1].band![1]).toBeGreaterThanOrEqual(curve[1].loss);
    expect(frontierLoss(fit([]), [1e19], 0.95)![0].band).toBeUndefined();
    const iv = paramIntervals(fit(samples), 0.68);
    expect(iv.alpha.level).toBe(0.68);
    expect(iv.alpha.lo).toBeGreaterThan(0.3);
    expect(iv.alpha.hi).toBeLessThan(0.38);
    expect(iv.E).toEqual({ lo: p.E, hi: p.E, level: 0.68 });
  });
});
