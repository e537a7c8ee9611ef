import { describe, expect, it } from 'vitest';
import { fitLaw, getLaw, runBootstrap, resolveOptions } from '../src/index';

describe('a parameter at its bound', () => {
  // Straight power-law data: the best "plus constant" fit drives E to 0 (exp underflow).
  const x = [1, 2, 4, 8, 16, 32, 64, 128].map((v) => ({ x: v * 1000 }));
  const y = x.map((p, i) => 5 * p.x ** -0.3 * (1 + 0.01 * Math.sin(i * 7)));

  it('bootstraps from a best fit whose E underflowed to 0 instead of throwing', () => {
    const o = resolveOptions({ law: 'power-law-plus-constant', seed: 3 }, getLaw('power-law-plus-constant'));
    const best = { E: 0, A: 5, alpha: 0.3 };
    const { samples } = runBootstrap({ x, y }, o, best, 0, 5);
    expect(samples).toHaveLength(5);
    for (const s of samples) expect(Number.isFinite(s.alpha)).toBe(true);
  });

  it('fits with a bootstrap end to end on data that do not bend', () => {
    const report = fitLaw({ x, y }, { law: 'power-law-plus-constant', bootstrap: 20, seed: 1 });
    expect(report.bootstrap?.samples).toHaveLength(20);
    expect(report.params.alpha).toBeGreaterThan(0.25);
    expect(report.params.alpha).toBeLessThan(0.35);
  });

  it('still rejects a negative value for a log-scale parameter, naming it', () => {
    const o = resolveOptions({ law: 'power-law-plus-constant' }, getLaw('power-law-plus-constant'));
    expect(() => runBootstrap({ x, y }, o, { E: -1, A: 5, alpha: 0.3 }, 0, 1)).toThrow('parameter "E" must be >= 0, got -1');
  });
});

describe('a log-scale parameter driven to 0', () => {
  it('is named in the diagnostics', () => {
    const x = [1, 2, 4, 8, 16, 32, 64, 128].map((v) => ({ x: v * 1000 }));
    const y = x.map((p) => 5 * p.x ** -0.3);
    const report = fitLaw({ x, y }, { law: 'power-law-plus-constant', seed: 1 });
    expect(report.params.E).toBeLessThan(1e-9);
    expect(report.diagnostics.some((d) => d.startsWith('parameter E went to 0'))).toBe(true);
    expect(report.params.alpha).toBeCloseTo(0.3, 6);
  });
});
