import { describe, expect, it } from 'vitest';
import { dataUnit, ema, readCurveAxes, writeCurveAxes } from '../web/curveAxis';
import { fileStem } from '../web/download';
import { forTheme, toHsl } from '../web/theme';
import { durationSeconds, formatDuration, timelines } from '../web/trialInfo';
import type { SweepEventRow, TrialRow } from '../web/types';
import { filterTrials, knownData, knownFlops, knownParams, sortRows } from '../web/views/trials';

const trial = (index: number, over: Partial<TrialRow> = {}): TrialRow => ({
  id: `s-t${index}`,
  sweepId: 's',
  index,
  config: { width: 16 * (index + 1), data: 1000 },
  status: 'completed',
  lastSeq: 0,
  createdAt: '',
  updatedAt: '',
  ...over,
});
const ev = (trialId: string, seq: number, status: string, wallTime: number, info: Record<string, unknown> = {}): SweepEventRow => ({ trialId, seq, status, wallTime, info });

describe('curve axes in the address', () => {
  it('round-trips x, its scale and smoothing next to other keys, leaving defaults out', () => {
    expect(readCurveAxes('#/sweeps/s')).toEqual({ x: 'step', xScale: 'log', smooth: 0 });
    const hash = writeCurveAxes('#/sweeps/s?curve=lr', { x: 'flops', xScale: 'linear', smooth: 0.6 });
    expect(hash).toBe('#/sweeps/s?curve=lr&x=flops&xs=linear&smooth=0.6');
    expect(readCurveAxes(hash)).toEqual({ x: 'flops', xScale: 'linear', smooth: 0.6 });
    expect(writeCurveAxes(hash, { x: 'step', xScale: 'log', smooth: 0 })).toBe('#/sweeps/s?curve=lr');
    // Nonsense falls back, smoothing is clamped below 1 (1 would never move).
    expect(readCurveAxes('#/x?x=epochs&smooth=7')).toEqual({ x: 'step', xScale: 'log', smooth: 0.99 });
  });

  it('names D by what the trials stream', () => {
    expect(dataUnit(['train_loss', 'tokens_per_s'])).toBe('tokens');
    expect(dataUnit(['samples_per_s'])).toBe('samples');
    expect(dataUnit(['train_loss'])).toBe('data');
  });
});

describe('EMA smoothing', () => {
  it('is debiased: a constant stays constant from the first point, and a step is approached geometrically', () => {
    expect(ema([2, 2, 2], 0.9)).toEqual([2, 2, 2].map(() => expect.closeTo(2, 12)));
    const s = ema([0, 0, 0, 10, 10, 10], 0.5);
    expect(s.slice(0, 3)).toEqual([0, 0, 0]);
    // After the step: weights 0.5, 0.25, 0.125 on the new value over a debiased total.
    expect(s[3]).toBeCloseTo((0.5 * 10) / (1 - 0.5 ** 4), 12);
    expect(s[5]).toBeLessThan(10);
    expect(ema([1, 2], 0)).toEqual([1, 2]);
  });

  it('leaves non-finite values as gaps without poisoning what follows', () => {
    const s = ema([1, NaN, 1], 0.5);
    expect(Number.isNaN(s[1])).toBe(true);
    expect(s[2]).toBeCloseTo(1, 12);
  });
});

describe('trial timelines from events', () => {
  it('takes durations, attempts, worker and per-step data and FLOPs from the events', () => {
    const tl = timelines([
      ev('a', 3, 'completed', 160, { steps: 100, data: 3200, flops: 6e9, wallSeconds: 55 }),
      ev('a', 1, 'running', 100, { attempt: 1, worker: 'n1', backend: 'cpu' }),
      ev('a', 2, 'running', 105, { attempt: 2, worker: 'n2', backend: 'cpu' }),
      ev('b', 1, 'running', 50, { attempt: 1 }),
    ]);
    expect(tl.get('a')).toMatchObject({ started: 100, ended: 160, attempts: 2, worker: 'n2', steps: 100, dataPerStep: 32, flopsPerStep: 6e7, wallSeconds: 55 });
    expect(durationSeconds(trial(0, { id: 'a' }), tl.get('a'))).toBe(60);
    // Running: up to now; planned (no events): unknown.
    expect(durationSeconds(trial(1, { id: 'b', status: 'running' }), tl.get('b'), 80)).toBe(30);
    expect(durationSeconds(trial(2, { status: 'planned' }), undefined)).toBeUndefined();
    // A stop before the end reports steps but neither D nor FLOPs: nothing per step is invented.
    const stopped = timelines([ev('c', 1, 'running', 0), ev('c', 2, 'stopped', 9, { steps: 40, reason: 'cancelled' })]).get('c')!;
    expect([stopped.steps, stopped.dataPerStep, stopped.flopsPerStep, stopped.reason]).toEqual([40, undefined, undefined, 'cancelled']);
  });

  it('formats durations for a table', () => {
    expect([4.25, 42, 185, 7260].map(formatDuration)).toEqual(['4.3 s', '42 s', '3 min 5 s', '2 h 01 min']);
    expect(formatDuration(undefined)).toBe('—');
  });
});

describe('trial table values, filter and sort', () => {
  it('never shows the 0 of a stopped run as a size or a cost', () => {
    const stopped = trial(0, { status: 'stopped', params: 0, data: 0, flops: 0, config: { width: 16, data: 5000 } });
    expect([knownParams(stopped), knownData(stopped), knownFlops(stopped)]).toEqual([undefined, 5000, undefined]);
    const planned = trial(1, { status: 'planned', config: { params: 2e6, data: 4e7 } });
    expect([knownParams(planned), knownData(planned)]).toEqual([2e6, 4e7]);
  });

  it('filters on every word over id, config and status, and on one status', () => {
    const ts = [trial(0), trial(1, { status: 'running' }), trial(3, { status: 'failed' })];
    expect(filterTrials(ts, 'width 32', '').map((t) => t.index)).toEqual([1]);
    expect(filterTrials(ts, 'FAILED', '').map((t) => t.index)).toEqual([3]);
    expect(filterTrials(ts, '', 'running').map((t) => t.index)).toEqual([1]);
    expect(filterTrials(ts, 'held', '', new Set(['s-t0'])).map((t) => t.index)).toEqual([0]);
  });

  it('sorts unknown values last in both directions and breaks ties by index', () => {
    const rows = [
      { i: 0, v: 3 },
      { i: 1, v: undefined },
      { i: 2, v: 1 },
      { i: 3, v: 3 },
    ];
    expect(sortRows(rows, (r) => r.v, false, (r) => r.i).map((r) => r.i)).toEqual([2, 0, 3, 1]);
    expect(sortRows(rows, (r) => r.v, true, (r) => r.i).map((r) => r.i)).toEqual([0, 3, 2, 1]);
    expect(sortRows([{ s: 'w10' }, { s: 'w9' }], (r) => r.s, false, () => 0).map((r) => r.s)).toEqual(['w9', 'w10']);
  });
});

describe('theme colours and file names', () => {
  it('parses the colour forms the plots use', () => {
    expect(toHsl('hsl(217 68% 45%)')).toEqual([217, 68, 45]);
    expect(toHsl('#ffffff')).toEqual([0, 0, 100]);
    const [h, s, l] = toHsl('rgb(68,1,84)')!;
    expect([Math.round(h), Math.round(s), Math.round(l)]).toEqual([288, 98, 17]);
    expect(toHsl('var(--ink)')).toBeUndefined();
  });

  it('lifts plot colours on the dark theme, keeping hue and the order of a lightness ramp', () => {
    expect(forTheme('hsl(217 68% 30%)', 'light')).toBe('hsl(217 68% 30%)');
    expect(forTheme('hsl(217 68% 30%)', 'dark')).toBe('hsl(217 68% 58%)');
    const ramp = ['rgb(68,1,84)', 'rgb(42,120,142)', 'rgb(200,200,40)'].map((c) => toHsl(forTheme(c, 'dark'))![2]);
    expect(ramp.every((l) => l >= 40)).toBe(true);
    expect(toHsl('rgb(68,1,84)')![2] < toHsl('rgb(42,120,142)')![2]).toBe(ramp[0] < ramp[1]);
    expect(forTheme('currentColor', 'dark')).toBe('currentColor');
  });

  it('makes safe file names', () => {
    expect(fileStem('lm sweep/eval_loss vs N')).toBe('lm-sweep-eval_loss-vs-N');
    expect(fileStem('///')).toBe('download');
  });
});
