/** `slab predict ID --hyperparameters N=…,D=…`: the Step Law answer of a hyperparameters study. */
import { describe, expect, it } from 'vitest';
import { hyperparameterStudy, type HyperparameterRun } from '@slab/studies';
import { hyperparameterAnswer } from '../src/commands/predict';

/** Loss bowls around η* = 0.1·N^−0.5·D^0.25 and B* = 0.02·D^0.5 on a 5 × 4 grid per (N, D). */
function study() {
  const runs: HyperparameterRun[] = [];
  let k = 0;
  for (const N of [1e4, 4e4])
    for (const D of [5e4, 2e5])
      for (const learningRate of [0.003, 0.006, 0.012, 0.024, 0.048])
        for (const batchSize of [2, 4, 8, 16]) {
          const du = Math.log(learningRate / (0.1 * N ** -0.5 * D ** 0.25));
          const dv = Math.log(batchSize / (0.02 * D ** 0.5));
          runs.push({ params: N, data: D, learningRate, batchSize, loss: 2 + 0.08 * du * du + 0.05 * dv * dv + 0.001 * Math.sin(k++) });
        }
  return hyperparameterStudy(runs, { bootstrap: 60 });
}

describe('slab predict --hyperparameters', () => {
  const s = study();

  it('answers η*(N, D) and B*(D) with intervals, and says what the fit rests on', () => {
    const { out, lines } = hyperparameterAnswer(s, 'N=1e5,D=1e6');
    const lr = out.learningRate as { value: number; lo: number; hi: number };
    expect(lr.value / (0.1 * 1e5 ** -0.5 * 1e6 ** 0.25)).toBeCloseTo(1, 1);
    expect(lr.lo).toBeLessThan(lr.value);
    expect(lr.hi).toBeGreaterThan(lr.value);
    expect(lines[0]).toMatch(/^peak learning rate η\*\(N=1\.000e5, D=1\.000e6\): [\d.e+-]+ \(95% \[[\d.e+-]+, [\d.e+-]+\]\)$/);
    expect(lines[1]).toMatch(/^batch size B\*\(D=1\.000e6\): [\d.]+ sequences \(95% \[/);
    expect(lines.join('\n')).toMatch(/note: η\*\(N, D\) has 3 parameters from 4 optima/);
    expect(hyperparameterAnswer(s, 'N=1e7,D=1e9').lines.join('\n')).toMatch(/more than 10× the largest swept model/);
  });

  it('names a malformed point or a study without laws', () => {
    expect(() => hyperparameterAnswer(s, 'N=1e5')).toThrow(/--hyperparameters: expected N=<parameters>,D=<tokens>, both positive, got "N=1e5"/);
    expect(() => hyperparameterAnswer(s, 'N=1e5,D=1e6,B=4')).toThrow(/expected N=<parameters>,D=<tokens>/);
    expect(() => hyperparameterAnswer(s, 'N=abc')).toThrow(/--hyperparameters: expected NAME=NUMBER items/);
    expect(() => hyperparameterAnswer(s, 'N=1e5,D=1e6', '2')).toThrow(/--level: expected a number in \(0, 1\)/);
    // Without a B*(D) law (no bracketed batch optimum) the LR is still answered, and the batch says why not.
    const lrOnly = { ...s, batchSize: null, notes: [...s.notes, 'B*(D) not fitted: no bracketed batch optimum'] };
    const partial = hyperparameterAnswer(lrOnly, 'N=1e5,D=1e6');
    expect(partial.lines[1]).toBe('batch size: no B*(D) law (see the notes)');
    expect(partial.lines.join('\n')).toMatch(/note: B\*\(D\) not fitted/);
    expect(partial.out.batchSize).toBeNull();
    const none = hyperparameterStudy([{ params: 1e4, data: 1e5, learningRate: 0.01, batchSize: 4, loss: 3 }]);
    expect(() => hyperparameterAnswer(none, 'N=1e5,D=1e6')).toThrow(/no fitted law yet: η\*\(N, D\) not fitted/);
  });
});
