import type { SweepSpec, TrialResult } from '@slab/spec';
import { describe, expect, it } from 'vitest';
import { budgetStop, buildStatus, countByStatus, failureCause, initialState, syntheticResult, trialIdFor, validateWorkflowInput, chargedFlops } from '../src/state';

const spec = (over: Partial<SweepSpec> = {}): SweepSpec => ({
  name: 'unit', task: { dataset: 'd', model: 'mlp', plugin: 'tfjs' }, dimensions: {}, budget: { trials: 4, flops: 1e9 },
  parallelism: 2, resourceClass: 'cpu', planner: { kind: 'grid', batchSize: 2, seed: 1 },
  law: { name: 'chinchilla', metric: 'eval_loss', bootstrap: 0 },
  trial: { logEvery: 1, evalEvery: 1, checkpointEvery: 1, timeoutSeconds: 60, heartbeatSeconds: 30, maxAttempts: 2 }, ...over,
});
const result = (status: TrialResult['status'], flops = 0): TrialResult => ({ ...syntheticResult('x', {}, status, ''), flops });

describe('sweep state helpers', () => {
  it('pads trial ids to four digits', () => {
    expect(trialIdFor('sw', 7)).toBe('sw-t0007');
    expect(trialIdFor('sw', 12345)).toBe('sw-t12345');
  });

  it('stops on the trial cap, then on the FLOP budget, else goes on', () => {
    const s = initialState();
    expect(budgetStop(spec(), s)).toBeUndefined();
    expect(budgetStop(spec(), { ...s, nextTrialIndex: 4 })).toMatch(/^trial cap reached \(4 trials\)/);
    expect(budgetStop(spec(), { ...s, flopsSpent: 2e9 })).toMatch(/^FLOP budget spent/);
    expect(budgetStop(spec({ budget: { flops: 1e9 } }), { ...s, nextTrialIndex: 99 })).toBeUndefined();
  });

  it('counts results by status and builds a plain-JSON status', () => {
    const s = { ...initialState(), planned: [{}, {}, {}, {}], results: [result('completed', 5), result('diverged'), result('failed'), result('stopped')] };
    expect(countByStatus(s.results)).toEqual({ completed: 1, diverged: 1, failed: 1, stopped: 1 });
    const st = buildStatus('sw', spec(), s, 'running', 0);
    expect(st.trials).toEqual({ planned: 4, running: 0, completed: 1, diverged: 1, failed: 1 });
    expect(JSON.parse(JSON.stringify(st))).toEqual(st);
  });

  it('names every bad field of the workflow input', () => {
    const bad = spec({ parallelism: 0, resourceClass: '', budget: {}, planner: { ...spec().planner, kind: 'random' }, trial: { ...spec().trial, maxAttempts: 1.5, timeoutSeconds: -1, heartbeatSeconds: 0 } });
    expect(validateWorkflowInput({ sweepId: '', spec: bad })).toEqual([
      'sweepId: expected a non-empty string, got ""',
      'spec.parallelism: expected a positive integer, got 0',
      'spec.resourceClass: expected a task queue name, got ""',
      'spec.trial.timeoutSeconds: expected a positive number, got -1',
      'spec.trial.heartbeatSeconds: expected a positive number, got 0',
      'spec.trial.maxAttempts: expected a positive integer, got 1.5',
      `spec.budget: expected flops and/or trials for planner "${bad.planner.kind}", got {}`,
    ]);
    expect(validateWorkflowInput({ sweepId: 'ok', spec: spec() })).toEqual([]);
  });

  it('lets a grid run without a budget (it is finite) but no other planner', () => {
    const grid = spec({ budget: {}, planner: { ...spec().planner, kind: 'grid' } });
    expect(validateWorkflowInput({ sweepId: 'ok', spec: grid })).toEqual([]);
    const random = spec({ budget: {}, planner: { ...spec().planner, kind: 'random' } });
    expect(validateWorkflowInput({ sweepId: 'ok', spec: random })).toEqual(['spec.budget: expected flops and/or trials for planner "random", got {}']);
  });

  it('charges data-scoring FLOPs to the budget beside training FLOPs', () => {
    const r = { trialId: 't', status: 'completed' as const, params: 1, data: 1, flops: 100, final: { scoring_flops: 40 }, resumedFromStep: 0, steps: 1, backend: 'cpu', wallSeconds: 0 };
    expect(chargedFlops(r)).toEqual({ total: 140, scoring: 40 });
    expect(chargedFlops({ ...r, final: { scoring_flops: null } })).toEqual({ total: 100, scoring: 0 });
  });
});

describe('failures say their cause', () => {
  it('takes the innermost message of a wrapped activity failure', () => {
    const inner = new Error('planBatch: no table run lies near these sizes; nearest runs are N=1.1e8 D=2.5e9');
    const wrapped = Object.assign(new Error('Activity task failed'), { cause: inner });
    expect(failureCause(wrapped)).toBe(inner.message);
    expect(failureCause(Object.assign(new Error('outer'), { cause: Object.assign(new Error('middle'), { cause: new Error('root') }) }))).toBe('root');
    expect(failureCause(new Error('plain'))).toBe('plain');
    expect(failureCause('a string')).toBe('a string');
  });

  it('a completed sweep whose last fit produced no law carries fitFailed; others do not', () => {
    const state = { ...initialState(), lastFit: { law: 'power-law', params: {}, converged: false, nPoints: 0, formula: '', skipped: 'fit failed: Complete result exceeds size limit' } };
    expect(buildStatus('s', spec(), state, 'completed', 0).fitFailed).toBe('fit failed: Complete result exceeds size limit');
    expect(buildStatus('s', spec(), state, 'running', 0).fitFailed).toBeUndefined();
    const fitted = { ...state, lastFit: { ...state.lastFit, skipped: undefined, formula: 'y = 35.9·x^-0.0573' } };
    expect(buildStatus('s', spec(), fitted, 'completed', 0).fitFailed).toBeUndefined();
  });
});
