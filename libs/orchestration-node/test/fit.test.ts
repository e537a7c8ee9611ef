import type { TrialResult } from '@slab/spec';
import { describe, expect, it } from 'vitest';
import { createOrchestratorActivities, fitSweep } from '../src';
import { collectingGateway, lossAt, testSpec } from './helpers';

const grid = [1e3, 4e3, 1.6e4, 6.4e4].flatMap((n) => [1e3, 1e4, 1e5].map((d) => [n, d] as const));
const results: TrialResult[] = grid.map(([n, d], i) => ({
  trialId: `s-t${String(i).padStart(4, '0')}`, status: 'completed', params: n, data: d, flops: 6 * n * d,
  final: { eval_loss: lossAt(n, d) }, resumedFromStep: 0, steps: 10, backend: 'test', wallSeconds: 1,
}));

describe('fitSweep', () => {
  it('skips with a reason while too few completed trials exist', () => {
    const few = [...results.slice(0, 4), { ...results[4], status: 'diverged' as const, final: { eval_loss: null } }];
    const fit = fitSweep(testSpec(), few);
    expect(fit.summary.skipped).toBe('too few points: 4 usable completed trials, law chinchilla needs at least 6');
    expect(fit.report).toEqual({ skipped: fit.summary.skipped });
  });

  it('recovers a known law, predicts the target with a bootstrap interval', () => {
    const spec = testSpec({ law: { name: 'chinchilla', metric: 'eval_loss', bootstrap: 20 }, target: { kind: 'loss', at: { N: 1e6, D: 1e7 } } });
    const { summary } = fitSweep(spec, results);
    expect(summary.nPoints).toBe(12);
    // The FLOPs spent when the fit was made, for the console's fit-history chart.
    expect(summary.trainingFlops).toBe(results.reduce((s, r) => s + r.flops, 0));
    expect(fitSweep(spec, results.slice(0, 8)).summary.trainingFlops).toBe(results.slice(0, 8).reduce((s, r) => s + r.flops, 0));
    expect(summary.params.alpha).toBeCloseTo(0.34, 2);
    expect(summary.params.beta).toBeCloseTo(0.28, 2);
    expect(summary.formula).toContain('L =');
    const t = summary.target!;
    expect(t.label).toBe('eval_loss at N=1.00e+6, D=1.00e+7');
    expect(t.value).toBeCloseTo(lossAt(1e6, 1e7), 2);
    expect(t.lo).toBeLessThanOrEqual(t.value);
    expect(t.hi).toBeGreaterThanOrEqual(t.value);
    expect((summary.detail as { bootstrap: { samples: unknown[] } }).bootstrap.samples).toHaveLength(20);
  });

  it('holds out the largest runs and reports their error', () => {
    const spec = testSpec({ holdout: { by: 'flops', largest: 3 } });
    const { summary } = fitSweep(spec, results);
    expect(summary.nPoints).toBe(9);
    expect(summary.holdoutError).toBeGreaterThanOrEqual(0);
    expect(summary.holdoutError).toBeLessThan(0.01);
    // The summary names the held-out trials: the three with the most FLOPs.
    const largest = [...results].sort((a, b) => b.flops - a.flops).slice(0, 3).map((r) => r.trialId);
    expect([...summary.heldOut!].sort()).toEqual(largest.sort());
    expect(fitSweep(testSpec({}), results).summary.heldOut).toBeUndefined();
  });

  it('reads law variables from the trial config when mapped there', () => {
    const planned = results.map((r) => ({ params: r.params, data: r.data, 'curation.keep': 0.5 }));
    const spec = testSpec({ law: { name: 'chinchilla', metric: 'eval_loss', bootstrap: 0, variables: { N: 'params', D: 'curation.keep' } } });
    // Every D is 0.5 here, so the fit is degenerate but it must see the config values, not NaN.
    expect(fitSweep(spec, results, planned).summary.skipped).toBeUndefined();
    expect(fitSweep(spec, results).summary.skipped).toMatch(/^too few points: 0/);
  });
});

describe('orchestrator activities', () => {
  it('plans through @slab/planner and fails a bad spec non-retryably', async () => {
    const acts = createOrchestratorActivities({ gateway: collectingGateway() });
    const input = { sweepId: 's', spec: testSpec(), batchIndex: 0, results: [], planned: [], flopsSpent: 0, trialsStarted: 0 };
    const plan = await acts.planBatch(input);
    expect(plan.points).toHaveLength(4);
    expect(plan.points[0].estFlops).toBe(6 * plan.points[0].config.params! * plan.points[0].config.data!);
    const capped = await acts.planBatch({ ...input, trialsStarted: 8 });
    expect(capped.stop).toMatch(/trial cap/);
    const bad = await acts.fitLaws({ sweepId: 's', spec: testSpec({ law: { name: 'no-such-law', metric: 'eval_loss', bootstrap: 0 } }), results }).catch((e: unknown) => e);
    expect((bad as { nonRetryable?: boolean }).nonRetryable).toBe(true);
    expect((bad as Error).message).toMatch(/^fitLaws: .*no-such-law/);
  });

  it('fitLaws stores the full report through the gateway and returns only its summary and id', async () => {
    const gateway = collectingGateway();
    const acts = createOrchestratorActivities({ gateway });
    const spec = testSpec({ law: { name: 'chinchilla', metric: 'eval_loss', bootstrap: 2000 }, target: { kind: 'loss', at: { N: 1e6, D: 1e7 } } });
    const out = await acts.fitLaws({ sweepId: 's', spec, results });
    expect(Object.keys(out)).toEqual(['summary']);
    expect(out.summary.reportId).toBe(1);
    const stored = gateway.fits[0].report as { bootstrap: { samples: unknown[] } };
    expect(stored.bootstrap.samples.length).toBeGreaterThan(1900);
    // What travels through workflow history: the planner's bounded sample, not 2000 of them.
    const carried = (out.summary.detail as { bootstrap: { samples: unknown[] } }).bootstrap.samples;
    expect(carried.length).toBeLessThanOrEqual(200);
    expect(JSON.stringify(out).length).toBeLessThan(JSON.stringify(stored).length / 5);
  });

  it('reportSweep retries gateway outages but not rejections', async () => {
    const failWith = (status: number) =>
      createOrchestratorActivities({ gateway: { ...collectingGateway(), report: async () => { throw Object.assign(new Error(`HTTP ${status}`), { status }); } } });
    const status = { sweepId: 's', name: 'n', phase: 'running' as const, batch: 0, trials: { planned: 0, running: 0, completed: 0, diverged: 0, failed: 0 }, flopsSpent: 0, budget: {} };
    const rejected = await failWith(400).reportSweep('s', { status }).catch((e: unknown) => e);
    expect((rejected as { nonRetryable?: boolean }).nonRetryable).toBe(true);
    const outage = await failWith(0).reportSweep('s', { status }).catch((e: unknown) => e);
    expect((outage as { nonRetryable?: boolean }).nonRetryable).toBeUndefined();
  });
});
