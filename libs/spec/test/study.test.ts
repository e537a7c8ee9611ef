/** The `study` section: a known kind, its own keys, and the dimensions the study compares. */
import { describe, expect, it } from 'vitest';
import { formatIssues, parseSpec, type SweepSpec } from '../src/index';

const base = (dims: string, study: string) => `name: s
task: { dataset: sotu, model: gpt, plugin: tfjs }
dimensions:
  width: { values: [16, 32] }
  data: { values: [8192] }
${dims}
study: ${study}
`;
const SENS = '  learningRate: { values: [0.001, 0.01] }\n  qkNorm: { values: [true, false] }';
const ANNEAL = '  learningRate: { values: [0.003] }\n  schedule: { values: [constant, cosine, wsd] }';

const ok = (text: string): SweepSpec => {
  const r = parseSpec(text);
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.spec;
};
const messages = (text: string): string[] => {
  const r = parseSpec(text);
  if (r.ok) throw new Error('expected issues');
  return r.issues.map((i) => `${i.path}: ${i.message}`);
};

describe('study', () => {
  it('is kept on the spec when valid', () => {
    expect(ok(base(SENS, '{ kind: lr-sensitivity, cap: 5.5 }')).study).toEqual({ kind: 'lr-sensitivity', cap: 5.5 });
    expect(ok(base(ANNEAL, '{ kind: lr-annealing, holdout: [wsd], lambda: 0.999 }')).study).toEqual({ kind: 'lr-annealing', holdout: ['wsd'], lambda: 0.999 });
    expect(ok(base(SENS, '{ kind: lr-sensitivity }').replace(/\nstudy:.*\n/, '\n')).study).toBeUndefined();
  });

  it('names a misspelt kind and keys of another study', () => {
    expect(messages(base(SENS, '{ kind: lr-sensitivty }'))).toEqual([expect.stringMatching(/^study\.kind: expected one of lr-sensitivity, lr-annealing, repetition, .*got "lr-sensitivty" \(did you mean "lr-sensitivity"\?\)/)]);
    expect(messages(base(SENS, '{ kind: lr-sensitivity, holdout: [wsd], cap: -1 }'))).toEqual([
      expect.stringMatching(/^study\.holdout: unknown key for study lr-sensitivity, expected one of kind, metric, cap/),
      expect.stringMatching(/^study\.cap: expected a positive loss/),
    ]);
  });

  it('repetition needs unique-token budgets to compare', () => {
    const REP = '  uniqueData: { values: [8192, 262144] }';
    expect(ok(base(REP, '{ kind: repetition, tolerance: 0.02, bootstrap: 100 }')).study).toEqual({ kind: 'repetition', tolerance: 0.02, bootstrap: 100 });
    expect(messages(base('  learningRate: { values: [0.003] }', '{ kind: repetition }'))).toEqual([expect.stringMatching(/^dimensions\.uniqueData: study repetition sweeps uniqueData; add it as a dimension/)]);
    expect(messages(base('  uniqueData: { values: [8192] }', '{ kind: repetition, tolerance: 1.5, bootstrap: 2.5 }'))).toEqual([
      expect.stringMatching(/^dimensions\.uniqueData\.values: study repetition compares unique-token budgets: list at least 2/),
      expect.stringMatching(/^study\.tolerance: expected a relative loss gap in \(0, 1\)/),
      expect.stringMatching(/^study\.bootstrap: expected a whole number of resamples in \[0, 2000\]/),
    ]);
  });

  it('needs the dimensions the study compares', () => {
    expect(messages(base('  learningRate: { values: [0.001] }', '{ kind: lr-sensitivity }'))).toEqual([expect.stringMatching(/^dimensions\.learningRate\.values: study lr-sensitivity needs at least 2 learning rates/)]);
    expect(messages(base('  learningRate: { values: [0.003] }\n  schedule: { values: [cosine] }', '{ kind: lr-annealing }'))).toEqual([expect.stringMatching(/^dimensions\.schedule: study lr-annealing compares schedules/)]);
    expect(messages(base(ANNEAL, '{ kind: lr-annealing, holdout: [linear], lambda: 1 }'))).toEqual([
      expect.stringMatching(/^study\.holdout\[0\]: expected one of the swept schedules \(constant, cosine, wsd\), got "linear"/),
      expect.stringMatching(/^study\.lambda: expected a decay factor in \[0, 1\)/),
    ]);
    expect(messages(base(ANNEAL, '{ kind: lr-annealing, holdout: [constant, cosine, wsd] }'))).toEqual([expect.stringMatching(/^study\.holdout: leave at least one schedule to fit on/)]);
  });
});
