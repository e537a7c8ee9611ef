import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { annealingAreas } from '@slab/laws';
import { lrAnnealingStudy, lrPerStep, type ScheduleCurve } from '../src/index';

// The GPT trainer's schedules (workers/trainer-tfjs/src/gpt/schedule.ts), no warm-up: LR of 1-based step t.
const STEPS = 600;
const PEAK = 3e-3;
const FLOOR = 0.1;
const schedules: Record<string, (t: number) => number> = {
  constant: () => PEAK,
  cosine: (t) => FLOOR * PEAK + 0.5 * (PEAK - FLOOR * PEAK) * (1 + Math.cos((Math.PI * t) / STEPS)),
  wsd: (t) => (t <= 0.8 * STEPS ? PEAK : PEAK - (PEAK - FLOOR * PEAK) * ((t - 0.8 * STEPS) / (0.2 * STEPS))),
};
const TRUE = { L0: 2, A: 0.4, C: 0.5, alpha: 0.5 };

/** Curves as a trial streams them: lr every 4 steps, the loss every 8, made by the law itself (+ optional noise). */
function curve(name: string, noise = 0, seed = 1): ScheduleCurve {
  const lr = Array.from({ length: STEPS }, (_, i) => schedules[name](i + 1));
  const { S1, S2 } = annealingAreas(lr, 0.999);
  let r = seed;
  const rand = () => ((r = (r * 16807) % 2147483647) / 2147483647 - 0.5) * 2;
  const loss = [];
  for (let s = 8; s <= STEPS; s += 8) loss.push({ step: s, value: TRUE.L0 + TRUE.A * S1[s - 1] ** -TRUE.alpha - TRUE.C * S2[s - 1] + noise * rand() });
  const logged = [];
  for (let s = 4; s <= STEPS; s += 4) logged.push({ step: s, value: lr[s - 1] });
  return { schedule: name, trialId: `t-${name}`, lr: logged, loss };
}

describe('lrPerStep', () => {
  it('rebuilds linear pieces exactly and holds the ends flat', () => {
    const lr = lrPerStep([{ step: 2, value: 1 }, { step: 6, value: 0.6 }], 8);
    expect(Array.from(lr)).toEqual([1, 1, 0.9, 0.8, 0.7, 0.6, 0.6, 0.6].map((v) => expect.closeTo(v, 12)));
    expect(() => lrPerStep([], 4)).toThrow(/no finite learning-rate values/);
  });

  it('S2 follows the paper: m_i = λ m_{i-1} + (η_{i-1} − η_i), S2 = Σ m_i', () => {
    const { S1, S2 } = annealingAreas([1, 1, 0.5, 0.5], 0.5);
    expect(Array.from(S1)).toEqual([1, 2, 2.5, 3]);
    expect(Array.from(S2)).toEqual([0, 0, 0.5, 0.75]);
  });
});

describe('lrAnnealingStudy (Tissue et al. 2024)', () => {
  it('predicts a held-out schedule from fits on the others (curves from the law: near-exact)', () => {
    const r = lrAnnealingStudy(['constant', 'cosine', 'wsd'].map((n) => curve(n)), { holdout: ['wsd'], bootstrap: 20 });
    expect(r.predictions).toHaveLength(1);
    const p = r.predictions[0];
    expect(p.fittedOn).toEqual(['constant', 'cosine']);
    // Only the cosine LR is interpolated between logged steps; the rest is exact.
    expect(p.meanRelError).toBeLessThan(2e-3);
    expect(p.finalRelError).toBeLessThan(2e-3);
    expect(p.params.alpha.value).toBeCloseTo(TRUE.alpha, 1);
    expect(p.points[0].step).toBeGreaterThanOrEqual(60); // the first 10% is skipped
    // Curves made by the law determine every parameter: nothing is flagged.
    expect(Object.values(p.params).filter((e) => e.undetermined)).toEqual([]);
  });

  it('flags a parameter the data do not determine, with why (the stored GPT runs: L0 at its bound at width 32)', () => {
    const stored = JSON.parse(readFileSync(new URL('../../../bench/studies/data/annealing-curves.json', import.meta.url), 'utf8')) as (ScheduleCurve & { width: number })[];
    const r = lrAnnealingStudy(stored.filter((c) => c.width === 32), { holdout: [], bootstrap: 100 });
    const L0 = r.all!.params.L0;
    expect(L0.value).toBe(0);
    expect(L0.undetermined).toMatch(/bound/);
  });

  it('leaves each schedule out in turn by default, with intervals from the bootstrap', () => {
    const r = lrAnnealingStudy(['constant', 'cosine', 'wsd'].map((n, i) => curve(n, 0.01, i + 1)), { bootstrap: 30 });
    expect(r.predictions.map((p) => p.schedule)).toEqual(['constant', 'cosine', 'wsd']);
    for (const p of r.predictions) expect(p.meanRelError).toBeLessThan(0.02);
    const C = r.all!.params.C;
    expect(C.lo).toBeLessThanOrEqual(C.value);
    expect(C.hi).toBeGreaterThanOrEqual(C.value);
    expect(C.lo).toBeLessThan(TRUE.C * 1.5);
    expect(C.hi).toBeGreaterThan(TRUE.C / 1.5);
  });

  it('without annealing data the held-out annealed curve is mispredicted (the test can fail)', () => {
    // Fitted on constant LR only, C is not determined, so the WSD cooldown's drop is not predicted.
    const r = lrAnnealingStudy([curve('constant'), curve('wsd')], { holdout: ['wsd'], bootstrap: 0 });
    expect(r.predictions[0].finalRelError).toBeGreaterThan(0.01);
  });

  it('fixing C = 0 (no annealing term) mispredicts an annealed curve the full law predicts', () => {
    const curves = ['constant', 'cosine', 'wsd'].map((n) => curve(n));
    const full = lrAnnealingStudy(curves, { holdout: ['wsd'], bootstrap: 0 }).predictions[0];
    const noS2 = lrAnnealingStudy(curves, { holdout: ['wsd'], bootstrap: 0, fixed: { C: 0 } }).predictions[0];
    expect(noS2.params.C.value).toBe(0);
    expect(noS2.finalRelError).toBeGreaterThan(10 * full.finalRelError);
  });

  it('names a held-out schedule that has no curve', () => {
    expect(() => lrAnnealingStudy([curve('constant')], { holdout: ['wsd'] })).toThrow(/held-out schedule "wsd" has no curve \(schedules: constant\)/);
    expect(() => lrAnnealingStudy([curve('constant')], { lambda: 1 })).toThrow(/lambda must be in \[0, 1\)/);
  });
});
