import { getLaw } from '@slab/laws';
import type { TrialConfig, TrialResult } from '@slab/spec';
import { describe, expect, it } from 'vitest';
import { fitSweep, groupDimensions } from '../src';
import { testSpec } from './helpers';

// Three quality pools (Goyal et al.): the small top pool is best per fresh sample but decays fast
// when repeated; the law variables are samples seen (data) and the pool's unique rows (final.curation_kept).
const law = getLaw('data-filtering');
const N = 5e4;
const truth: Record<string, { S: number; a: number; b: number; tau: number; d: number }> = {
  top10: { S: 600, a: 0.06, b: -0.35, tau: 1.5, d: 0.1 },
  top30: { S: 1800, a: 0.1, b: -0.3, tau: 3, d: 0.1 },
  all: { S: 6000, a: 0.14, b: -0.25, tau: 3, d: 0.1 },
};
const sizes = [600, 1200, 2400, 4800, 9600, 19200, 38400];
const lossOf = (pool: string, n: number) => law.predict(truth[pool], { n, S: truth[pool].S });
const planned: TrialConfig[] = [];
const results: TrialResult[] = [];
for (const d of sizes) {
  for (const pool of Object.keys(truth)) {
    const i = planned.length;
    planned.push({ width: 64, data: d, 'curation.pools': pool });
    results.push({
      trialId: `s-t${String(i).padStart(4, '0')}`, status: 'completed', params: N, data: d, flops: 6 * N * d,
      final: { eval_loss: lossOf(pool, d), curation_kept: truth[pool].S, curation_passes: d / truth[pool].S },
      resumedFromStep: 0, steps: 10, backend: 'test', wallSeconds: 1,
    });
  }
}
const spec = (compute: number) =>
  testSpec({
    dimensions: { width: { values: [64] }, data: { values: sizes }, 'curation.pools': { values: Object.keys(truth) } },
    task: { dataset: 'fashion-mnist', model: 'mlp', plugin: 'tfjs', options: { pools: { top10: {}, top30: {}, all: {} } } },
    law: { name: 'data-filtering', metric: 'eval_loss', variables: { n: 'data', S: 'final.curation_kept' }, bootstrap: 5 },
    target: { kind: 'best-keep', compute },
  });
const atData = (d: number) => 6 * N * d;

describe('grouped data-filtering fits over quality pools', () => {
  it('groups by curation.pools and reads S from the trial result', () => {
    expect(groupDimensions(spec(1))).toEqual(['curation.pools']);
    const { summary } = fitSweep(spec(atData(600)), results, planned);
    expect(summary.groups?.map((g) => g.key)).toEqual(['curation.pools=all', 'curation.pools=top10', 'curation.pools=top30']);
    for (const g of summary.groups!) {
      const t = truth[g.values['curation.pools'] as string];
      expect(g.summary.nPoints).toBe(sizes.length);
      expect(g.summary.params.b).toBeCloseTo(t.b, 1);
    }
    // The small pool's half-life is identified by its many repetitions (64 passes at the largest size).
    const top10 = summary.groups!.find((g) => g.values['curation.pools'] === 'top10')!;
    expect(top10.summary.params.tau).toBeGreaterThan(1.2);
    expect(top10.summary.params.tau).toBeLessThan(1.8);
  });

  it('the best pool loosens as compute grows: top10, then top30, then all', () => {
    for (const [d, best] of [[600, 'top10'], [9600, 'top30'], [153_600, 'all']] as const) {
      const { summary } = fitSweep(spec(atData(d)), results, planned);
      expect(summary.group, `at D=${d}`).toBe(`curation.pools=${best}`);
      expect(summary.target!.value).toBeCloseTo(lossOf(best, d), 2);
      expect(summary.target!.label).toContain(`S=${truth[best].S}`);
    }
  });

  it('has no answer at C for a group whose non-compute variable varies', () => {
    const mixed = results.map((r, i) => ({ ...r, final: { ...r.final, curation_kept: 600 + i } }));
    const { summary } = fitSweep(spec(atData(600)), mixed, planned);
    expect(summary.groups!.every((g) => g.summary.target === undefined)).toBe(true);
  });
});
