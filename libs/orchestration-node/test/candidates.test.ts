import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSpec, type SweepSpec } from '@slab/spec';
import { createOrchestratorActivities } from '../src';
import { replayCandidates } from '../src/candidates';
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
    expect(() => replayCandidates(spec(RANGE, 'table: runs.csv, dropHighest: -1'), dir)).toThrow('task.options.dropHighest: expected a non-negative integer, got -1');
    expect(() => replayCandidates(spec('  width: { values: [8] }\n  data: { values: [1000] }'), dir)).toThrow('dimensions: the replay plugin selects runs by params and data; expected both dimensions, got width, data');
    const outside = '  params: { min: 2.0e10, max: 1.0e11, scale: log }\n  data: { min: 1.0e8, max: 1.0e11, scale: log }';
    expect(() => replayCandidates(spec(outside), dir)).toThrow('dimensions.params/dimensions.data: none of the 5 runs of runs.csv lies inside the space');
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
