import type { TrialConfig, TrialResult } from '@slab/spec';
import { describe, expect, it } from 'vitest';
import { fitSweep, groupDimensions } from '../src';
import { testSpec } from './helpers';

// Two curation strategies on one model size: keep-hard scales better with data than random.
const N = 5e4;
const sizes = [500, 1000, 2000, 4000, 8000, 16000];
const truth: Record<string, (d: number) => number> = {
  random: (d) => 0.3 + 40 * d ** -0.5,
  'el2n-keep-hard': (d) => 0.3 + 90 * d ** -0.65,
};
const planned: TrialConfig[] = [];
const results: TrialResult[] = [];
for (const strategy of Object.keys(truth)) {
  for (const d of sizes) {
    const i = planned.length;
    planned.push({ width: 64, data: d, 'curation.strategy': strategy });
    results.push({
      trialId: `s-t${String(i).padStart(4, '0')}`, status: 'completed', params: N, data: d, flops: 6 * N * d,
      final: { eval_loss: truth[strategy](d) }, resumedFromStep: 0, steps: 10, backend: 'test', wallSeconds: 1,
    });
  }
}

const spec = (compute: number) =>
  testSpec({
    dimensions: { width: { values: [64] }, data: { values: sizes }, 'curation.strategy': { values: Object.keys(truth) } },
    law: { name: 'power-law-plus-constant', metric: 'eval_loss', variables: { x: 'data' }, bootstrap: 10 },
    target: { kind: 'best-keep', compute },
  });

describe('grouped fits over curation strategies', () => {
  it('groups by a varying curation dimension that no law variable uses', () => {
    expect(groupDimensions(spec(1e12))).toEqual(['curation.strategy']);
    expect(groupDimensions(testSpec())).toEqual([]);
  });

  it('fits one law per strategy and names the best at compute C', () => {
    const C = 6 * N * 64_000; // D = 64k samples: keep-hard's steeper curve wins
    const { summary, report } = fitSweep(spec(C), results, planned);
    expect(summary.groups?.map((g) => g.key)).toEqual(['curation.strategy=el2n-keep-hard', 'curation.strategy=random']);
    const alpha = Object.fromEntries(summary.groups!.map((g) => [g.values['curation.strategy'], g.summary.params.alpha]));
    expect(alpha.random).toBeCloseTo(0.5, 2);
    expect(alpha['el2n-keep-hard']).toBeCloseTo(0.65, 2);
    expect(summary.group).toBe('curation.strategy=el2n-keep-hard');
    expect(summary.target!.value).toBeCloseTo(truth['el2n-keep-hard'](64_000), 3);
    expect(summary.target!.label).toContain('C=');
    expect((report as { groups: unknown[] }).groups).toHaveLength(2);
  });

  it('at a small budget the other strategy is best', () => {
    const C = 6 * N * 100; // D = 100 samples: random's smaller constant wins
    expect(truth.random(100)).toBeLessThan(truth['el2n-keep-hard'](100));
    expect(fitSweep(spec(C), results, planned).summary.group).toBe('curation.strategy=random');
  });
});
