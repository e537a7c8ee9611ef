/** law.metrics: one fit per metric (e.g. in- and out-of-distribution eval losses), side by side. */
import type { TrialResult } from '@slab/spec';
import { describe, expect, it } from 'vitest';
import { fitSweep } from '../src';
import { lossAt, testSpec } from './helpers';

const grid = [1e3, 4e3, 1.6e4, 6.4e4].flatMap((n) => [1e3, 1e4, 1e5].map((d) => [n, d] as const));
// The OOD loss: the same law shifted up by 0.5 (a higher irreducible term).
const ood = (n: number, d: number): number => lossAt(n, d) + 0.5;
const results: TrialResult[] = grid.map(([n, d], i) => ({
  trialId: `s-t${String(i).padStart(4, '0')}`, status: 'completed', params: n, data: d, flops: 6 * n * d,
  final: { eval_loss: lossAt(n, d), eval_loss_ood: ood(n, d) }, resumedFromStep: 0, steps: 10, backend: 'test', wallSeconds: 1,
}));

describe('fitSweep with law.metrics', () => {
  it('fits every metric, keeps the primary as the summary and lists both as groups', () => {
    const spec = testSpec({
      law: { name: 'chinchilla', metric: 'eval_loss', metrics: ['eval_loss', 'eval_loss_ood'], bootstrap: 10 },
      target: { kind: 'loss', at: { N: 1e6, D: 1e7 } },
    });
    const { summary, report } = fitSweep(spec, results);
    expect(summary.group).toBe('metric=eval_loss');
    expect(summary.groups!.map((g) => g.key)).toEqual(['metric=eval_loss', 'metric=eval_loss_ood']);
    const [id, out] = summary.groups!.map((g) => g.summary);
    expect(summary.target!.value).toBeCloseTo(lossAt(1e6, 1e7), 2);
    expect(id.target!.label).toBe('eval_loss at N=1.00e+6, D=1.00e+7');
    expect(out.target!.label).toBe('eval_loss_ood at N=1.00e+6, D=1.00e+7');
    expect(out.target!.value).toBeCloseTo(ood(1e6, 1e7), 2);
    expect((report as { metrics: { metric: string }[] }).metrics.map((m) => m.metric)).toEqual(['eval_loss', 'eval_loss_ood']);
    // Grouped-fit readers (the console) find every metric's report under the same keys.
    expect((report as { groups: { key: string }[] }).groups.map((g) => g.key)).toEqual(summary.groups!.map((g) => g.key));
  });

  it('a metric no trial reports is skipped with its reason, the others still fit', () => {
    const spec = testSpec({ law: { name: 'chinchilla', metric: 'eval_loss', metrics: ['eval_loss', 'eval_loss_brown'], bootstrap: 0 } });
    const { summary } = fitSweep(spec, results);
    expect(summary.skipped).toBeUndefined();
    expect(summary.groups![1].summary.skipped).toMatch(/^too few points: 0/);
  });
});
