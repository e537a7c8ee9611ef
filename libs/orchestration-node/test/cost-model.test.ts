// The training-time bound: a tfjs sweep on the cpu class whose largest trial cannot finish within
// trial.timeoutSeconds, even at the best measured tfjs-node rate on a 64-core node, is refused by
// preflight with the trial, its FLOPs and the rate named; anything within the bound passes.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { paramsOf } from '@slab/planner';
import { parseSpec, type SweepSpec } from '@slab/spec';
import { CPU_CORES_BOUND, TFJS_CPU_FLOPS_PER_CORE_SECOND } from '../src/cost-model';
import { preflightSpec } from '../src/index';

const quickstart = readFileSync(new URL('../../../examples/quickstart.yaml', import.meta.url), 'utf8');

function spec(edit: (text: string) => string): SweepSpec {
  const r = parseSpec(edit(quickstart));
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

describe('training-time bound', () => {
  it('passes the quick start and refuses a data size no CPU node can train in the timeout, naming the trial', () => {
    expect(preflightSpec(spec((t) => t))).toEqual([]);
    const big = spec((t) => t.replace('data: { values: [2000, 4000, 8000, 16000, 32000] }', 'data: { values: [2000, 2000000000] }').replace('timeoutSeconds: 600', 'timeoutSeconds: 60'));
    const issues = preflightSpec(big);
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe('trial.timeoutSeconds');
    expect(issues[0].message).toMatch(/^expected room for the largest trial \(width=256, data=2000000000, learningRate=0\.003\): 6·N·D = [\d.]+e\+15 FLOPs take at least [\d,]+ s even at 64 cores × 2\.3e\+10 FLOP\/s/);
    // Not checked where no rate has been measured: a GPU class.
    expect(preflightSpec({ ...big, resourceClass: 'gpu-a100' })).toEqual([]);
  });

  it('refuses exactly when 6·N·D over the bound exceeds timeoutSeconds', () => {
    const base = spec((t) => t);
    const rate = TFJS_CPU_FLOPS_PER_CORE_SECOND.mlp * CPU_CORES_BOUND;
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 4096 }), fc.integer({ min: 1000, max: 5e9 }), fc.integer({ min: 1, max: 7200 }), (width, data, timeout) => {
        const s: SweepSpec = { ...base, dimensions: { width: { values: [width] }, data: { values: [data] } }, trial: { ...base.trial, timeoutSeconds: timeout } };
        const seconds = (6 * paramsOf(s, { width, data }, {}) * data) / rate;
        expect(preflightSpec(s).length, `width ${width} data ${data} timeout ${timeout}`).toBe(seconds > timeout ? 1 : 0);
      }),
      { numRuns: 200 },
    );
  });

  it('bounds a range sweep by its upper corner', () => {
    const ranged = spec((t) =>
      t
        .replace('width: { values: [16, 32, 64, 128, 256] }', 'width: { min: 16, max: 4096 }')
        .replace('data: { values: [2000, 4000, 8000, 16000, 32000] }', 'data: { min: 1000, max: 1e10 }')
        .replace('kind: grid', 'kind: random')
        .replace('timeoutSeconds: 600', 'timeoutSeconds: 100'),
    );
    expect(preflightSpec(ranged).map((i) => i.path)).toEqual(['trial.timeoutSeconds']);
    expect(preflightSpec(ranged)[0].message).toContain('width=4096, data=10000000000');
  });
});
