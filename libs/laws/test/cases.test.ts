/**
 * Inputs the fitter once got wrong (test/cases/*.csv, each with what is right). One test per kind of fault:
 * domain-aware row filtering, law definitions that follow their paper, unidentified parameters flagged.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { completeComputeVariables, fitLaw, getLaw, lawDomains, predictInterval, readRunsCsv, summarizeDropped, type ColumnMap } from '../src/index';

const CASES = fileURLToPath(new URL('./cases/', import.meta.url));

function load(file: string, columns: Omit<ColumnMap, 'domains'>, law: string) {
  const t = readRunsCsv(readFileSync(CASES + file, 'utf8'), { ...columns, domains: lawDomains(getLaw(law)) });
  return { x: completeComputeVariables(t.x), y: t.y, dropped: t.dropped };
}

describe('kind 1: rows are dropped only outside the law\'s domain', () => {
  it('lr-annealing-wsd.csv: the 18 constant-LR rows (S2 = 0) are inside the domain; all 20 rows fit the generating law', () => {
    const d = load('lr-annealing-wsd.csv', { x: { S1: 'S1', S2: 'S2' }, y: 'loss' }, 'lr-annealing');
    expect(d.dropped).toEqual([]);
    expect(d.y).toHaveLength(20);
    const r = fitLaw(d, { law: 'lr-annealing', bootstrap: 50 });
    expect(r.nPoints).toBe(20);
    expect(r.converged).toBe(true);
    // Data made from L0 = 2.0, A = 0.8, C = 0.5, alpha = 0.45 with noise; the fit on all rows:
    expect(r.params.L0).toBeCloseTo(1.98, 1);
    expect(r.params.A).toBeCloseTo(0.82, 1);
    expect(r.params.C).toBeCloseTo(0.40, 1);
    expect(r.params.alpha).toBeCloseTo(0.45, 1);
    expect(r.identifiability.parameters.alpha.determined).toBe(true);
  });

  it('the decay rows alone cannot determine the law, and the fit says so instead of "converged"', () => {
    const d = load('lr-annealing-wsd.csv', { x: { S1: 'S1', S2: 'S2' }, y: 'loss' }, 'lr-annealing');
    const decay = { x: d.x.filter((r) => r.S2 > 0), y: d.y.filter((_, i) => d.x[i].S2 > 0) };
    expect(() => fitLaw(decay, { law: 'lr-annealing' })).toThrow('law lr-annealing has 4 free parameters but only 2 usable points');
  });

  it('a row outside a domain is dropped with the column, the domain and a count', () => {
    const text = 'S1,S2,loss\n0.1,0,4.2\n0.2,-0.01,3.6\n0,0,3.5\n0.4,0.02,3.2\n';
    const t = readRunsCsv(text, { x: { S1: 'S1', S2: 'S2' }, y: 'loss', domains: lawDomains(getLaw('lr-annealing')) });
    expect(t.y).toEqual([4.2, 3.2]);
    expect(t.dropped).toEqual([
      { line: 3, reason: 'S2 must be >= 0 (got -0.01)', cause: 'S2 must be >= 0' },
      { line: 4, reason: 'S1 must be > 0 (got 0)', cause: 'S1 must be > 0' },
    ]);
    expect(summarizeDropped(t.dropped, 4)).toBe('2 of 4 rows dropped: 1 because S2 must be >= 0, 1 because S1 must be > 0');
  });

  it('downstream-error: a loss used as the input and an error rate of 0 under the linear objective are kept', () => {
    const law = getLaw('downstream-error');
    const truth = { epsilon: 0.8, k: 0.8, gamma: 1 }; // Err = 0 exactly at L = 0
    const L = [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5];
    const y = L.map((l) => law.predict(truth, { L: l }));
    const text = `loss,err\n${L.map((l, i) => `${l},${y[i]}`).join('\n')}\n`;
    const t = readRunsCsv(text, { x: { L: 'loss' }, y: 'err', domains: lawDomains(law) });
    expect(t.dropped).toEqual([]);
    expect(y[0]).toBe(0);
    const r = fitLaw(t, { law: 'downstream-error' });
    expect(r.nPoints).toBe(8);
    // A log objective needs y > 0: then (and only then) the zero error rate is outside the domain.
    const logT = readRunsCsv(text, { x: { L: 'loss' }, y: 'err', domains: lawDomains(law, 'huber-log') });
    expect(logT.dropped.map((d) => d.cause)).toEqual(['err must be > 0']);
  });
});

describe('kind 2: the data-constrained law uses the unique tokens actually seen', () => {
  // Muennighoff et al.'s fitted constants as their code stores them (log A, log B, log E unrounded).
  const PAPER = { A: Math.exp(6.255414), B: Math.exp(7.3049974), E: Math.exp(0.6254804), alpha: 0.3526596, beta: 0.3526596, RD: 15.387756, RN: 5.309743 };

  it('a run of less than one epoch (D < U) has seen D unique tokens: 3.0833 at N=1e9, D=2e9, U=1e11', () => {
    const law = getLaw('data-constrained');
    expect(law.predict(PAPER, { N: 1e9, D: 2e9, U: 1e11 })).toBeCloseTo(3.0833, 4);
    // Below one epoch U no longer matters: the same run from a pool of 2e9 or 1e12 tokens.
    expect(law.predict(PAPER, { N: 1e9, D: 2e9, U: 2e9 })).toBeCloseTo(law.predict(PAPER, { N: 1e9, D: 2e9, U: 1e12 }), 12);
  });

  it('data-constrained-under-one-epoch.csv: the fit returns the generating parameters with objective ~ 0', () => {
    const d = load('data-constrained-under-one-epoch.csv', { x: { N: 'params', D: 'tokens', U: 'unique_tokens' }, y: 'loss' }, 'data-constrained');
    expect(d.y).toHaveLength(56);
    const r = fitLaw(d, { law: 'data-constrained' });
    expect(r.converged).toBe(true);
    expect(r.objective).toBeLessThan(1e-9);
    for (const [k, v] of Object.entries(PAPER)) expect(Math.abs(r.params[k] / v - 1)).toBeLessThan(2e-3);
    // Printed (rounded) values of the paper: E = 1.869, alpha = beta = 0.3527, R_D* = 15.39, R_N* = 5.31.
    expect(r.params.E).toBeCloseTo(1.869, 3);
    expect(r.params.RD).toBeCloseTo(15.39, 1);
    expect(r.params.RN).toBeCloseTo(5.31, 2);
    expect(getLaw('data-constrained').predict(r.params, { N: 1e9, D: 2e9, U: 1e11 })).toBeCloseTo(3.0833, 3);
  });
});

describe('kind 3: a prediction resting on too few runs says so', () => {
  it('overtraining-5pt.csv: a number with its interval at N=1.4e9, D=8.96e11, degenerate resamples counted and a warning', () => {
    const d = load('overtraining-5pt.csv', { x: { N: 'params', D: 'tokens' }, y: 'loss' }, 'overtraining');
    const r = fitLaw(d, { law: 'overtraining', bootstrap: 200, seed: 1 });
    const x = completeComputeVariables([{ N: 1.4e9, D: 8.96e11 }])[0];
    expect(x.C).toBeCloseTo(6 * 1.4e9 * 8.96e11, -8);
    expect(x.M).toBeCloseTo(640, 9);
    const p = predictInterval(r, x);
    // Truth (E = 1.9, a = 150, b = 300, eta = 0.14): 2.3259. 5 runs with 0.3% noise extrapolated 10^3 x in compute.
    expect(Math.abs(p.value / 2.3259 - 1)).toBeLessThan(0.015);
    expect(p.lo).toBeLessThan(2.3259);
    expect(p.hi).toBeGreaterThan(2.3259);
    // 5 runs, 4 parameters: a resample with < 4 distinct runs cannot determine them (P ~ 58%).
    const b = r.bootstrap!;
    expect(b.distinctRuns).toBe(5);
    expect(b.degenerate).toBeGreaterThan(90);
    expect(b.degenerate).toBeLessThan(140);
    expect(b.resamples + b.degenerate).toBe(200);
    expect(r.identifiability.degenerateResamples).toBe(b.degenerate);
    expect(r.diagnostics.join('\n')).toMatch(/of 200 bootstrap resamples drew fewer distinct runs than the 4 free parameters \(5 runs in all\) and were excluded; the intervals are not trustworthy/);
    expect(p.warning).toMatch(/^interval not trustworthy: \d+ of 200 bootstrap resamples had fewer distinct runs than parameters/);
  });
});
