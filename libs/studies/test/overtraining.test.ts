import { describe, expect, it } from 'vitest';
import { overtrainingStudy } from '../src/overtraining';
import { err, loss, runs } from './synthetic-scaling';

describe('over-training and loss → downstream (Gadre et al. 2024)', () => {
  it('fits L(C, M) and Err(L), and predicts a larger over-trained run with intervals that cover it', () => {
    const s = overtrainingStudy(runs(0.004), { bootstrap: 60 });
    expect(s.lossLaw?.points).toBe(9);
    expect(s.errorLaw?.points).toBe(9);
    expect(s.multipliers).toEqual({ min: 10, max: 160 });
    // η = α/2 = β/2 in C and M when α = β (C = 6ND, N = √(C/6M), D = √(CM/6)).
    expect(s.lossLaw!.params.eta.value).toBeCloseTo(0.15, 1);
    expect(s.errorLaw!.params.gamma.value).toBeCloseTo(0.9, 0);
    const [p] = s.predictions;
    expect(p.trialId).toBe('held-out');
    expect(p.multiplier).toBe(320);
    const truthL = loss(6e4, 320 * 6e4);
    expect(Math.abs(p.loss.relError!)).toBeLessThan(0.02);
    expect(p.loss.predicted.lo).toBeLessThan(truthL);
    expect(p.loss.predicted.hi).toBeGreaterThan(truthL);
    const e = p.error!;
    expect(Math.abs(e.predicted.value - err(truthL))).toBeLessThan(0.02);
    expect(e.predicted.lo).toBeLessThan(err(truthL));
    expect(e.predicted.hi).toBeGreaterThan(err(truthL));
    // The chained interval is at least as wide as the loss law's alone carried through Err(L).
    const gamma = s.errorLaw!.params.gamma.value;
    const k = s.errorLaw!.params.k.value;
    const slope = k * gamma * Math.exp(-gamma * truthL);
    expect(e.predicted.hi - e.predicted.lo).toBeGreaterThan(0.5 * slope * (p.loss.predicted.hi - p.loss.predicted.lo));
    expect(e.fromActualLoss!).toBeCloseTo(err(truthL), 1);
  });

  it('misses a held-out run whose loss left the law, and says how much', () => {
    const r = runs(0.004).map((x) => (x.heldOut ? { ...x, loss: (x.loss as number) + 0.3 } : x));
    const [p] = overtrainingStudy(r, { bootstrap: 50 }).predictions;
    expect(p.loss.relError!).toBeLessThan(-0.05);
    expect(p.loss.predicted.hi).toBeLessThan(p.loss.actual!);
  });

  it('fits nothing it cannot determine, and names bad input', () => {
    const few = overtrainingStudy(runs(0).slice(0, 3));
    expect(few.lossLaw).toBeNull();
    expect(few.notes.join(' ')).toMatch(/needs at least 5 runs, got 3/);
    const noAcc = overtrainingStudy(runs(0.002).map((x) => ({ ...x, accuracy: null })), { bootstrap: 20 });
    expect(noAcc.errorLaw).toBeNull();
    expect(noAcc.predictions[0].error).toBeNull();
    expect(() => overtrainingStudy([{ trialId: 'x', params: 1e4, data: 1e5, loss: 3, accuracy: 1.2 }])).toThrow(/runs\[0\]\.accuracy must be in \[0, 1\], got 1\.2/);
    expect(() => overtrainingStudy([{ trialId: 'x', params: 0, data: 1e5, loss: 3, accuracy: 0.2 }])).toThrow(/runs\[0\]\.params must be a positive number/);
  });
});
