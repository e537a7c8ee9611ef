import { describe, expect, it } from 'vitest';
import { categoricalDimensions, groupColors, inGroup, trialColoring } from '../web/coloring';
import { placeSingleVar, readFit } from '../web/fit';
import { frontier, hasFrontier, optimalD, optimalN } from '../web/frontier';
import { describeGroup, readGroups, targetCompute } from '../web/groups';
import { linearTicks } from '../web/plot/intervals';
import type { FitRow, TrialRow } from '../web/types';

const row = (summary: unknown, report: unknown = {}): FitRow => ({ id: 1, sweepId: 's', createdAt: '2026-01-01T00:00:00Z', summary: summary as FitRow['summary'], report });
const trial = (index: number, config: Record<string, unknown>): TrialRow =>
  ({ id: `s-t${index}`, sweepId: 's', index, config, status: 'completed', lastSeq: 0, createdAt: '', updatedAt: '' }) as TrialRow;

describe('grouped fits', () => {
  const params = (E: number) => ({ E, A: 10, alpha: 0.5 });
  const g = (strategy: string) => ({ key: `curation.strategy=${strategy}`, values: { 'curation.strategy': strategy } });
  const fitRow = row(
    { law: 'power-law-plus-constant', params: params(1), group: 'curation.strategy=b', groups: [{ ...g('a'), summary: { law: 'power-law-plus-constant', params: params(2), formula: 'fa', nPoints: 3 } }, { ...g('b'), summary: { law: 'power-law-plus-constant', params: params(1), formula: 'fb', nPoints: 4 } }] },
    { group: 'curation.strategy=b', groups: [{ ...g('a'), report: { bootstrap: { samples: Array(6).fill(params(2)) } } }, { ...g('b'), report: { skipped: 'x' } }] },
  );

  it('reads one fit per group, merging summary and report halves, and marks the best', () => {
    const grouped = readGroups(fitRow)!;
    expect(grouped.dims).toEqual(['curation.strategy']);
    expect(grouped.groups.map((x) => [x.key, x.fit.formula, x.fit.nPoints, x.fit.samples.length, x.best])).toEqual([
      ['curation.strategy=a', 'fa', 3, 6, false],
      ['curation.strategy=b', 'fb', 4, 0, true],
    ]);
    expect(describeGroup(grouped.best!)).toBe('curation.strategy=b');
    expect(readGroups(row({ law: 'x', params: {} }))).toBeUndefined();
  });

  it('reads the compute of a best-keep target label', () => {
    expect(targetCompute('eval_loss at C=1.00e+10 (x=3.03e+4)')).toBe('1.00e+10');
    expect(targetCompute('eval_loss at N=5')).toBeUndefined();
  });

  it('places a one-variable law on the variable whose values it predicts', () => {
    const fit = readFit(row({ law: 'power-law-plus-constant', params: { E: 0.5, A: 10, alpha: 0.5 }, formula: 'y = 0.5 + 10 * x^-0.5' }));
    expect(fit.vars).toEqual(['N']);
    const obs = [100, 400, 1600].map((D, i) => ({ N: 1000 * (i + 1), D, loss: 0.5 + 10 / Math.sqrt(D) }));
    expect(placeSingleVar(fit, obs).vars).toEqual(['D']);
    // Only N varies: N it is, whatever the residuals.
    expect(placeSingleVar(fit, obs.map((o) => ({ ...o, D: 100 }))).vars).toEqual(['N']);
  });
});

describe('colouring', () => {
  const trials = [trial(0, { width: 8, 'curation.strategy': 'random' }), trial(1, { width: 8, 'curation.strategy': 'el2n' }), trial(2, { width: 8, 'curation.strategy': 'random' })];

  it('colours by strategy when the sweep varies it, else per trial with colours that never re-map', () => {
    expect(categoricalDimensions(trials)).toEqual(['curation.strategy']);
    const c = trialColoring(trials);
    expect(c.by).toBe('curation.strategy');
    expect(c.legend.map((e) => e.label)).toEqual(['el2n', 'random']);
    expect(c.of(trials[0])).toBe(c.of(trials[2]));
    expect(c.of(trials[0])).not.toBe(c.of(trials[1]));
    const two = [trial(0, { width: 8 }), trial(1, { width: 8 })];
    const perTrial = trialColoring(two);
    expect(perTrial.by).toBe('trial');
    expect(perTrial.legend).toEqual([]);
    expect(perTrial.of(two[0])).not.toBe(perTrial.of(two[1]));
    // A wider trial arriving later leaves the earlier colours as they were.
    const more = trialColoring([...two, trial(2, { width: 512 })]);
    expect(two.map((t) => more.of(t))).toEqual(two.map((t) => perTrial.of(t)));
  });

  it('gives groups the hue of their strategy and a shade per kept fraction', () => {
    const groups = ['el2n', 'random'].flatMap((s) => [0.25, 0.5].map((k) => ({ key: `${s} ${k}`, values: { 'curation.strategy': s, 'curation.keep': k } })));
    const colors = groupColors(groups, ['curation.strategy', 'curation.keep'], trials);
    const hue = (c?: string) => /hsl\((\d+)/.exec(c ?? '')?.[1];
    expect(hue(colors.get('el2n 0.25'))).toBe(hue(colors.get('el2n 0.5')));
    expect(colors.get('el2n 0.25')).not.toBe(colors.get('el2n 0.5'));
    expect(hue(colors.get('random 0.5'))).toBe(hue(trialColoring(trials).of(trials[0])));
    expect(inGroup(trial(3, { 'curation.strategy': 'el2n', 'curation.keep': 0.5 }), groups[1].values)).toBe(true);
    expect(inGroup(trial(3, { 'curation.strategy': 'el2n', 'curation.keep': 0.25 }), groups[1].values)).toBe(false);
  });
});

describe('compute-optimal frontier', () => {
  const params = { E: 1.69, A: 406.4, alpha: 0.34, B: 410.7, beta: 0.28 };

  it('minimises the law along C = 6ND', () => {
    const C = 1e21;
    const N = optimalN(params, C);
    expect(6 * N * optimalD(params, C)).toBeCloseTo(C, -8);
    const L = (n: number) => params.E + params.A / n ** params.alpha + params.B / (C / 6 / n) ** params.beta;
    expect(L(N)).toBeLessThan(L(N * 1.1));
    expect(L(N)).toBeLessThan(L(N / 1.1));
  });

  it('gives the exponents and bands from bootstrap samples', () => {
    const samples = Array.from({ length: 20 }, (_, k) => ({ ...params, beta: 0.26 + k * 0.002 }));
    const fit = readFit(row({ law: 'chinchilla', params, formula: '' }, { bootstrap: { samples } }));
    expect(hasFrontier(fit)).toBe(true);
    const f = frontier(fit, [1e18, 1e20]);
    expect(f.a.value).toBeCloseTo(0.28 / 0.62, 12);
    expect(f.a.value + f.b.value).toBeCloseTo(1, 12);
    expect(f.a.lo!).toBeLessThan(f.a.value);
    expect(f.a.hi!).toBeGreaterThan(f.a.value);
    for (const p of f.points) expect(p.nBand![0]).toBeLessThanOrEqual(p.N * 1.0001);
    expect(hasFrontier(readFit(row({ law: 'kaplan', params, formula: '' })))).toBe(false);
  });
});

describe('linear ticks', () => {
  it('picks 1-2-5 steps inside the range', () => {
    expect(linearTicks(0.47, 0.58)).toEqual([0.48, 0.5, 0.52, 0.54, 0.56, 0.58]);
    expect(linearTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
  });
});
