import { describe, expect, it } from 'vitest';
import { effectiveFraction, repetitionStudy, type RepetitionRun } from '../src/repetition';

/** Muennighoff's law with N' = N: L = E + A/N^α + B/D'^β. */
const TRUE = { E: 0.6, A: 10, alpha: 0.3, B: 15, beta: 0.3, RD: 5 };
function lossAt(N: number, D: number, U: number): number {
  const ud = Math.min(D, U);
  const eff = ud * (1 + TRUE.RD * -Math.expm1(-(D / ud - 1) / TRUE.RD));
  return TRUE.E + TRUE.A / N ** TRUE.alpha + TRUE.B / eff ** TRUE.beta;
}

/** The example's design: 2 widths × 5 D × 3 U, with ±0.3% deterministic noise. */
function design(noise = 0.003): RepetitionRun[] {
  const runs: RepetitionRun[] = [];
  let i = 0;
  for (const N of [11712, 35712]) {
    for (const D of [16384, 32768, 65536, 131072, 262144]) {
      for (const U of [8192, 32768, 262144]) {
        const jitter = 1 + noise * Math.sin(++i * 12.9898);
        runs.push({ trialId: `t${i}`, N, D, U, loss: lossAt(N, D, U) * jitter });
      }
    }
  }
  return runs;
}

describe('repetitionStudy', () => {
  it('recovers R_D* of the law that made the runs, inside its interval', () => {
    const s = repetitionStudy(design(), { bootstrap: 40, seed: 3 });
    expect(s.rdStar.unbounded).toBe(false);
    expect(s.rdStar.value).toBeGreaterThan(3.5);
    expect(s.rdStar.value).toBeLessThan(7);
    expect(s.rdStar.lo).toBeLessThanOrEqual(TRUE.RD);
    expect(s.rdStar.hi).toBeGreaterThanOrEqual(TRUE.RD);
    // Fresh-data pairs at D = 16k, 32k (pools of 32,768 and 262,144) measure the jitter: ±0.3%.
    expect(s.noise).toBeGreaterThan(0);
    expect(s.noise).toBeLessThan(0.007);
    expect(s.repeatedRelError).toBeLessThan(0.01);
    expect(s.fresh.points).toBe(14); // 10 at U = 262,144 and D ≤ U at U = 32,768 for D = 16k, 32k
    expect(s.notes[0]).toMatch(/R_N\* is not fitted/);
  });

  it('says how many epochs were almost as good as fresh data, measured and by the law', () => {
    const s = repetitionStudy(design(0), { bootstrap: 20, tolerance: 0.01 });
    // With R_D* = 5 the measured gap passes 1% between 2 and 4 epochs at these sizes.
    const gapAt = (e: number) => Math.max(...s.runs.filter((r) => r.epochs === e).map((r) => r.gap ?? 0));
    expect(gapAt(2)).toBeLessThan(0.01);
    expect(s.almostAsGoodMeasured).toBeGreaterThanOrEqual(2);
    expect(gapAt((s.almostAsGoodMeasured as number) * 2)).toBeGreaterThan(0.01);
    expect(s.almostAsGoodLaw).not.toBeNull();
    // The fraction curve starts at 1 and falls with epochs.
    expect(s.curve[0]).toMatchObject({ epochs: 1, fraction: 1 });
    for (let k = 1; k < s.curve.length; k++) expect(s.curve[k].fraction).toBeLessThan(s.curve[k - 1].fraction);
  });

  it('bounds R_D* from below only when repetition cost nothing, instead of a tight interval around a huge value', () => {
    // Loss independent of U: every repeated run is as good as fresh data.
    const runs = design().map((r) => ({ ...r, loss: lossAt(r.N, r.D, 1e9) * (1 + 0.003 * Math.sin(r.D + r.U)) }));
    const s = repetitionStudy(runs, { bootstrap: 40, seed: 2 });
    expect(s.rdStar.unbounded).toBe(true);
    expect(s.rdStar.hi).toBeNull();
    expect(s.rdStar.lo).toBeGreaterThan(1);
    expect(s.notes.some((n) => /bounded from below only/.test(n))).toBe(true);
    expect(s.almostAsGoodMeasured).toBe(32);
  });

  it('judges "almost as good" on the median gap per epoch count, not on one outlier', () => {
    const runs = design(0);
    // One 2-epoch run stuck 7% above its fresh twin (a plateau left late), the other three 2-epoch runs fine.
    const i = runs.findIndex((r) => r.N === 11712 && r.D === 65536 && r.U === 32768);
    runs[i] = { ...runs[i], loss: (runs[i].loss as number) * 1.07 };
    const s = repetitionStudy(runs, { bootstrap: 10 });
    const g2 = s.gaps.find((g) => g.epochs === 2)!;
    expect(g2.runs).toBe(4);
    expect(g2.maxGap).toBeGreaterThan(0.06);
    expect(g2.medianGap).toBeLessThan(0.01);
    expect(s.almostAsGoodMeasured).toBeGreaterThanOrEqual(2);
  });

  it('leaves out runs without a finite loss and says so', () => {
    const runs = design();
    runs[20] = { ...runs[20], loss: null };
    const s = repetitionStudy(runs, { bootstrap: 10 });
    expect(s.runs).toHaveLength(29);
    expect(s.notes.some((n) => /1 run\(s\) without a finite final loss/.test(n))).toBe(true);
  });

  it('refuses a sweep it cannot answer, naming what is missing', () => {
    const fresh = design().filter((r) => r.D <= r.U);
    expect(() => repetitionStudy(fresh)).toThrow(/no finished run repeats its data/);
    expect(() => repetitionStudy(design().filter((r) => r.N === 11712))).toThrow(/one model size/);
    expect(() => repetitionStudy(design(), { tolerance: 2 })).toThrow(/tolerance must be in \(0, 1\)/);
  });

  it('effective fraction: 1 at one epoch, (1 + R_D*)/epochs in the limit', () => {
    expect(effectiveFraction(1, 15.4)).toBe(1);
    expect(effectiveFraction(4, 15.4)).toBeCloseTo((1 + 15.4 * (1 - Math.exp(-3 / 15.4))) / 4, 12);
    expect(effectiveFraction(1e6, 5) * 1e6).toBeCloseTo(6, 3);
  });
});
