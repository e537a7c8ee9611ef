/** The `study` sections of the hyperparameter-law (Step Law) and over-training (Gadre et al.) studies. */
import { describe, expect, it } from 'vitest';
import { formatIssues, parseSpec, type SweepSpec } from '../src/index';

const spec = (dims: string, study: string) => `name: s
task: { dataset: sotu, model: gpt, plugin: tfjs }
dimensions:
${dims}
study: ${study}
`;
const HP = '  width: { values: [8, 16] }\n  data: { values: [32768, 131072] }\n  learningRate: { values: [0.006, 0.015, 0.04] }\n  batchSize: { values: [4, 8, 16] }';
const OT = '  width: { values: [8, 16] }\n  data: { values: [262144, 786432] }';

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

describe('study hyperparameters', () => {
  it('takes bootstrap and needs LR, batch size, width and data swept, LR and batch with 3 values each', () => {
    expect(ok(spec(HP, '{ kind: hyperparameters, bootstrap: 100 }')).study).toEqual({ kind: 'hyperparameters', bootstrap: 100 });
    expect(messages(spec('  width: { values: [8] }\n  data: { values: [1000] }\n  learningRate: { values: [0.01, 0.02] }', '{ kind: hyperparameters, bootstrap: 5 }'))).toEqual([
      'dimensions.batchSize: study hyperparameters sweeps batchSize; add it as a dimension',
      expect.stringMatching(/^dimensions\.learningRate\.values: study hyperparameters fits a quadratic in log learningRate around the optimum: list at least 3 values/),
      expect.stringMatching(/^study\.bootstrap: expected an integer number of resamples in \[20, 10000\], got 5/),
    ]);
  });
});

describe('study overtraining', () => {
  it('takes downstream, holdout and bootstrap; a held-out run must be a swept { width, data }', () => {
    expect(ok(spec(OT, '{ kind: overtraining, downstream: eval_acc, holdout: [{ width: 16, data: 786432 }] }')).study).toEqual({
      kind: 'overtraining',
      downstream: 'eval_acc',
      holdout: [{ width: 16, data: 786432 }],
    });
    expect(messages(spec(OT, '{ kind: overtraining, downstream: "top 1", holdout: [{ width: 24, data: 786432 }, { width: 8 }] }'))).toEqual([
      expect.stringMatching(/^study\.downstream: expected an accuracy metric name such as eval_acc/),
      expect.stringMatching(/^study\.holdout\[0\]\.width: expected one of the swept values \(8, 16\), got 24/),
      expect.stringMatching(/^study\.holdout\[1\]\.data: expected a positive data of a swept run/),
    ]);
    expect(messages(spec('  width: { values: [8] }\n  data: { values: [262144, 786432] }', '{ kind: overtraining }'))).toEqual([
      expect.stringMatching(/^dimensions\.width\.values: study overtraining fits L\(C, M\) over several N and D: list at least 2 width values/),
    ]);
  });
});
