import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSpec, type SweepSpec } from '@slab/spec';
import { createOrchestratorActivities } from '../src';
import { replayCandidates } from '../src/candidates';
import { preflightSpec } from '../src/preflight';
import { collectingGateway } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'slab-candidates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Six runs; the one with loss 9 is the outlier `dropHighest: 1` removes.
writeFileSync(
  join(dir, 'runs.csv'),
  ['N,D,loss', '1e6,1e8,4', '1e7,1e9,3', '1e8,1e10,2.5', '1e9,1e11,2.2', '1e7,1e11,9', '5e9,1e10,2.4'].join('\n'),
);

function spec(dims: string, options = 'table: runs.csv, dropHighest: 1', plugin = 'replay'): SweepSpec {
  const r = parseSpec(`name: t
task: { dataset: d, model: m, plugin: ${plugin}, options: { ${options} } }
dimensions:
${dims}
budget: { trials: 8 }
planner: { kind: adaptive, batchSize: 4, seed: 1 }
law: { name: chinchilla }
`);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}
const RANGE = '  params: { min: 1.0e6, max: 1.0e9, scale: log }\n  data: { min: 1.0e8, max: 1.0e11, scale: log }';

describe('replayCandidates', () => {
  it('lists the table runs inside the space, after dropping the outliers, in table order', () => {
    expect(replayCandidates(spec(RANGE), dir)).toEqual([
      { params: 1e6, data: 1e8 },
      { params: 1e7, data: 1e9 },
      { params: 1e8, data: 1e10 },
      { params: 1e9, data: 1e11 },
    ]);
    const listed = '  params: { values: [1.0e7, 5.0e9] }\n  data: { min: 1.0e8, max: 1.0e11, scale: log }';
    expect(replayCandidates(spec(listed), dir)).toEqual([{ params: 1e7, data: 1e9 }, { params: 5e9, data: 1e10 }]);
  });

  it('is undefined for other plugins and names the field of a bad spec', () => {
    expect(replayCandidates(spec(RANGE, 'batchSize: 4', 'tfjs'), dir)).toBeUndefined();
    expect(() => replayCandidates(spec(RANGE, 'dropHighest: 1'), dir)).toThrow('task.options.table: expected the path of the replay run table (CSV), got undefined');
    // Spec validation refuses it first; the activity still names the field if such a spec reaches it.
    const s = spec(RANGE);
    const negative = { ...s, task: { ...s.task, options: { table: 'runs.csv', dropHighest: -1 } } };
    expect(() => replayCandidates(negative, dir)).toThrow('task.options.dropHighest: expected a non-negative integer, got -1');
    const widthSpec = { ...s, dimensions: { width: { values: [8] }, data: { values: [1000] } } };
    expect(() => replayCandidates(widthSpec, dir)).toThrow('dimensions: the replay plugin selects runs by params and data; expected both dimensions, got width, data');
    const outside = '  params: { min: 2.0e10, max: 1.0e11, scale: log }\n  data: { min: 1.0e8, max: 1.0e11, scale: log }';
    expect(() => replayCandidates(spec(outside), dir)).toThrow('dimensions.params/dimensions.data: no run of runs.csv (5 runs) lies at these sizes: the table spans N 1.00e+6–5.00e+9 and D 1.00e+8–1.00e+11; widen the ranges to include runs');
  });

  it('a grid of round sizes no run was measured at: the nearest runs, and what to write instead', () => {
    const round = '  params: { values: [2.0e8, 3.0e8] }\n  data: { values: [2.0e10, 3.0e10] }';
    const grid = spec(round).dimensions;
    const s = { ...spec(RANGE), planner: { kind: 'grid' as const, batchSize: 4, seed: 1 }, dimensions: grid };
    expect(() => replayCandidates(s, dir)).toThrow(/^dimensions\.params\/dimensions\.data: no run of runs\.csv \(5 runs\) lies at these sizes: a replay sweep buys measured runs/);
    // The same, as a validation issue before the sweep starts (slab validate, the gateway's submit).
    expect(preflightSpec(s, dir)).toEqual([{
      path: 'dimensions.params/dimensions.data',
      message: expect.stringContaining("listed values must be the table's own (N, D); nearest runs: N=2.00e+8 D=2.00e+10 → nearest run N=1.00e+8 D=1.00e+10; N=2.00e+8 D=3.00e+10 → nearest run N=1.00e+8 D=1.00e+10"),
    }]);
    expect(preflightSpec(spec(RANGE), dir)).toEqual([]);
  });

  it('crosses the table runs with a seed dimension: each seed replays the run with its own noise', () => {
    const seeded = spec(`${RANGE}\n  seed: { values: [1, 2] }`, 'table: runs.csv, dropHighest: 1, noise: 0.05');
    const c = replayCandidates(seeded, dir)!;
    expect(c).toHaveLength(8);
    expect(c.slice(0, 2)).toEqual([{ params: 1e6, data: 1e8, seed: 1 }, { params: 1e6, data: 1e8, seed: 2 }]);
  });

  it('makes planBatch of a replay sweep buy table runs only', async () => {
    const acts = createOrchestratorActivities({ gateway: collectingGateway(), cwd: dir });
    const s = spec(RANGE);
    const out = await acts.planBatch({ sweepId: 's', spec: s, batchIndex: 0, results: [], planned: [], flopsSpent: 0, trialsStarted: 0 });
    const table = new Set(replayCandidates(s, dir)!.map((c) => `${c.params}|${c.data}`));
    expect(out.points.length).toBeGreaterThan(0);
    for (const p of out.points) expect(table.has(`${p.config.params}|${p.config.data}`)).toBe(true);
  });
});
