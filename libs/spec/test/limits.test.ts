// Validation knows the system's limits: Temporal's int32 attempts, the grid a planning step
// enumerates, and the plan payload a sweep workflow carries. Properties over random grids check the
// boundary exactly and that every refusal names the dimensions and the count.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MAX_GRID_POINTS, MAX_PLAN_BYTES, TEMPORAL_INT32_MAX, validateSpec } from '../src/index';

const quickstart = parse(readFileSync(new URL('../../../examples/quickstart.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;
type Doc = { dimensions: Record<string, unknown>; budget: Record<string, unknown>; trial: Record<string, unknown>; law: Record<string, unknown>; planner: unknown; target?: unknown; holdout?: unknown };
const withChanges = (f: (s: Doc) => void): Record<string, unknown> => {
  const s = structuredClone(quickstart) as unknown as Doc;
  f(s);
  return s as unknown as Record<string, unknown>;
};
const range = (n: number, from: number): number[] => Array.from({ length: n }, (_, i) => from + i);

describe('trial.maxAttempts', () => {
  it('accepts Temporal\'s largest int32 and refuses one more, naming the field', () => {
    expect(validateSpec(withChanges((s) => (s.trial.maxAttempts = TEMPORAL_INT32_MAX))).ok).toBe(true);
    const r = validateSpec(withChanges((s) => (s.trial.maxAttempts = TEMPORAL_INT32_MAX + 1)));
    expect(r).toEqual({ ok: false, issues: [{ path: 'trial.maxAttempts', message: 'expected at most 2,147,483,647 (Temporal keeps attempts in an int32), got 2,147,483,648' }] });
  });
});

describe('grid size', { timeout: 60_000 }, () => {
  it('refuses a 1e6-point grid at once, naming each dimension and the product', () => {
    const r = validateSpec(
      withChanges((s) => {
        s.dimensions.width = { values: range(1000, 16) };
        s.dimensions.data = { values: range(1000, 2000) };
        s.budget.trials = 1_000_000;
      }),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual([
      {
        path: 'dimensions',
        message:
          'expected a grid of at most 100,000 points, got width (1,000) × data (1,000) = 1,000,000 (every planning step enumerates the grid); sample it with planner random or sobol and budget.trials instead',
      },
    ]);
  });

  it('any grid is accepted exactly when it is within the grid and payload caps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 3 }), (widths, datas, lrs) => {
        const spec = withChanges((s) => {
          s.dimensions.width = { values: range(widths, 16) };
          s.dimensions.data = { values: range(datas, 2000) };
          s.dimensions.learningRate = { values: [0.003, 0.01, 0.03].slice(0, lrs) };
          delete s.budget.trials;
          delete s.target;
          delete s.holdout;
        });
        const points = widths * datas * lrs;
        // The largest config of this grid as JSON, the size the payload check estimates.
        const bytes = JSON.stringify({ width: 16 + widths - 1, data: 2000 + datas - 1, learningRate: lrs === 1 ? 0.003 : 0.03 }).length;
        const fits = points <= MAX_GRID_POINTS && points * bytes <= MAX_PLAN_BYTES;
        const r = validateSpec(spec);
        expect(r.ok, `${widths}×${datas}×${lrs}`).toBe(fits);
        if (!r.ok) {
          expect(r.issues).toHaveLength(1);
          expect(r.issues[0].path).toBe('dimensions');
          expect(r.issues[0].message).toContain(points.toLocaleString('en-US'));
          if (points > MAX_GRID_POINTS) expect(r.issues[0].message).toContain(`width (${widths.toLocaleString('en-US')})`);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a budget of more trials than the workflow payload holds, naming budget.trials', () => {
    const r = validateSpec(
      withChanges((s) => {
        s.planner = { kind: 'random', seed: 0 };
        s.dimensions.width = { min: 16, max: 1024 };
        s.dimensions.data = { min: 1000, max: 60000 };
        s.budget.trials = 200_000;
        delete s.target;
        delete s.holdout;
      }),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path)).toEqual(['budget.trials']);
    expect(r.issues[0].message).toMatch(/^expected at most [\d,]+ trials, got 200,000: each planned trial's config \(about \d+ bytes\) rides in the sweep workflow's state/);
  });

  it('a 10,000-trial sweep is within the limits', () => {
    const r = validateSpec(
      withChanges((s) => {
        s.dimensions.width = { values: range(100, 16) };
        s.dimensions.data = { values: range(100, 2000) };
        s.budget.trials = 10_000;
        delete s.target;
        delete s.holdout;
      }),
    );
    expect(r.ok).toBe(true);
  });
});

describe('law variables', () => {
  it('a misspelt quantity and a variable the law does not have are named', () => {
    const r = validateSpec(withChanges((s) => (s.law.variables = { N: 'parms', Q: 'data' })));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const byPath = Object.fromEntries(r.issues.map((i) => [i.path, i.message]));
    expect(byPath['law.variables.N']).toMatch(/got "parms" \(did you mean "params"\?\)/);
    expect(byPath['law.variables.Q']).toBe('not a variable of law chinchilla: expected N, D');
    expect(byPath['law.variables']).toMatch(/no mapping for D/);
  });
});
