/** The hyperparameters and overtraining studies computed from stored trials (studyFromSweep) and printed (formatStudy). */
import { describe, expect, it } from 'vitest';
import { formatStudy, studyFromSweep } from '../src/index';
import { grid, runs } from './synthetic-scaling';

describe('hyperparameters study from a sweep', () => {
  it('groups stored trials by (N, D), reads final eval_loss, and prints the laws with their doubts', () => {
    const trials = grid([1e4, 4e4], [5e4, 2e5], 0.004).map((r, i) => ({
      id: `t${i}`,
      status: 'completed',
      config: { width: r.params === 1e4 ? 8 : 16, data: r.data, learningRate: r.learningRate, batchSize: r.batchSize },
      params: r.params,
      data: r.data,
      final: { eval_loss: r.loss },
    }));
    // A diverged run reports no N: it joins its width's group and is left out of the surface.
    trials[0] = { ...trials[0], status: 'diverged', params: undefined as unknown as number, final: { eval_loss: null as unknown as number } };
    const s = studyFromSweep({ kind: 'hyperparameters', bootstrap: 50 }, trials, []);
    if (s.kind !== 'hyperparameters') throw new Error('wrong kind');
    expect(s.result.groups.map((g) => [g.params, g.data, g.runs, g.finished])).toEqual([[1e4, 5e4, 20, 19], [1e4, 2e5, 20, 20], [4e4, 5e4, 20, 20], [4e4, 2e5, 20, 20]]);
    const text = formatStudy(s);
    expect(text).toMatch(/^study hyperparameters \(Step Law, Li et al\. 2025\) on final eval_loss/);
    expect(text).toMatch(/η\*\(N, D\) = [\d.]+ \[[\d.]+, [\d.]+\] · N\^-0\.5\d* \[/);
    expect(text).toMatch(/B\*\(D\) = .* · D\^0\.\d+ \[/);
    expect(text).toMatch(/note: η\*\(N, D\) has 3 parameters from 4 optima/);
    expect(() => studyFromSweep({ kind: 'hyperparameters' }, [{ id: 'x', status: 'completed', config: { learningRate: 0.01 }, params: 1e4, data: 1e5, final: { eval_loss: 3 } }], [])).toThrow(/trial x needs config\.learningRate and config\.batchSize/);
  });
});

describe('overtraining study from a sweep', () => {
  const trials = runs(0.004).map((r) => ({
    id: r.trialId,
    status: 'completed',
    config: { width: r.params, data: r.data },
    params: r.params,
    data: r.data,
    final: { eval_loss: r.loss, eval_acc: r.accuracy },
  }));

  it('holds out the largest-compute run by default, or the spec\'s { width, data }, and prints both laws and the prediction', () => {
    const s = studyFromSweep({ kind: 'overtraining', bootstrap: 30 }, trials, []);
    if (s.kind !== 'overtraining') throw new Error('wrong kind');
    expect(s.result.predictions.map((p) => p.trialId)).toEqual(['held-out']);
    expect(s.downstream).toBe('eval_acc');
    const text = formatStudy(s);
    expect(text).toMatch(/^study overtraining \(Gadre et al\. 2024\) on final eval_loss and top-1 error = 1 − eval_acc; M = D\/N from 10 to 160/);
    expect(text).toMatch(/L\(C, M\) \(9 runs/);
    expect(text).toMatch(/Err\(L\) \(9 runs/);
    expect(text).toMatch(/held out N 60000 D 1\.92e\+7 \(M 320/);
    expect(text).toMatch(/top-1 error predicted [\d.]+ \[[\d.]+, [\d.]+\] \(95%, both fits' bootstrap\), measured [\d.]+/);
    const chosen = studyFromSweep({ kind: 'overtraining', bootstrap: 20, holdout: [{ width: 3e4, data: 160 * 3e4 }] }, trials, []);
    if (chosen.kind !== 'overtraining') throw new Error('wrong kind');
    expect(chosen.result.predictions.map((p) => p.trialId)).toEqual(['N30000-M160']);
    expect(chosen.result.lossLaw?.points).toBe(9); // the default held-out run is now fitted
  });
});
