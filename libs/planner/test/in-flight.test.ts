import { parseSpec, type SweepSpec, type TrialConfig } from '@slab/spec';
import { describe, expect, it } from 'vitest';
import { configKey, planNext, type PlannerInput } from '../src/index';

function spec(yaml: string): SweepSpec {
  const r = parseSpec(yaml);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}
const S = spec(`name: t
task: { dataset: chinchilla, model: transformer, plugin: replay }
dimensions:
  params: { min: 1.0e6, max: 1.0e9 }
  data: { min: 1.0e8, max: 1.0e11 }
budget: { flops: 1.0e23 }
planner: { kind: adaptive, batchSize: 2, seed: 3 }
law: { name: chinchilla }
target: { kind: loss, at: { N: 1.0e10, D: 2.0e11 } }
`);
const TRUE = { E: 1.82, A: 482, B: 2085, alpha: 0.348, beta: 0.366 };
const samples = Array.from({ length: 60 }, (_, i) => {
  const u = Math.sin(i * 12.9898) * 0.5;
  const v = Math.cos(i * 78.233) * 0.5;
  return { ...TRUE, alpha: TRUE.alpha + 0.05 * v * 0.3, beta: TRUE.beta + 0.05 * u, B: TRUE.B * Math.exp(0.05 * u * 20) };
});
const fit = { law: 'chinchilla', params: TRUE, rmsle: 0.01, bootstrap: { samples } };
const grid: TrialConfig[] = [];
for (const N of [1e7, 1e8, 1e9]) for (const D of [1e9, 1e10, 1e11]) grid.push({ params: N, data: D });
const input = (over: Partial<PlannerInput>): PlannerInput => ({ spec: S, batchIndex: 3, results: [], planned: [], flopsSpent: 1e21, trialsStarted: 0, fit, ...over });
const sdBefore = (reason: string) => /sd (±[\d.]+%) →/.exec(reason)![1];

describe('adaptive planning with trials in flight', () => {
  const best = planNext(input({ candidates: grid })).points[0].config;
  const twin = { params: best.params! * 1.01, data: best.data! }; // a near-duplicate of the best run

  const cut = (reason: string) => parseFloat(/by ([\d.]+)%/.exec(reason)![1]);
  const alone = planNext(input({ candidates: [...grid.filter((c) => c !== best), twin] }));

  it('would buy the near-duplicate first, at a large cut, if the best run were merely gone, not in flight', () => {
    expect(alone.points[0].config).toEqual(twin);
    expect(cut(alone.points[0].reason)).toBe(24.4);
  });

  it('counts an in-flight trial as a coming observation: its near-duplicate loses most of its value', () => {
    const out = planNext(input({ candidates: [...grid, twin], planned: [best], trialsStarted: 1 }));
    const twinPick = out.points.find((p) => configKey(p.config) === configKey(twin));
    // Still the most useful run here (the only other look at the target's region), but worth about
    // a third of what it was: absolute variance cut = relative cut × variance before.
    const absCut = (r: string) => cut(r) * parseFloat(sdBefore(r).slice(1)) ** 2;
    expect(absCut(twinPick!.reason) / absCut(alone.points[0].reason)).toBeLessThan(0.4);
    expect(out.points.map((p) => configKey(p.config))).not.toContain(configKey(best));
    expect(out.points[0].reason).toMatch(/, counting 1 trials in flight \(0 with a final predicted from their partial curves\)\)$/);
    const plain = planNext(input({ candidates: grid }));
    // The target's spread before this batch already includes the in-flight trial's observation.
    expect(parseFloat(sdBefore(out.points[0].reason).slice(1))).toBeLessThan(parseFloat(sdBefore(plain.points[0].reason).slice(1)));
  });

  it("uses a running trial's partial curve for its predicted final only; the choice and spread stay value-free", () => {
    const curve = Array.from({ length: 20 }, (_, i) => ({ step: (i + 1) * 20, value: 2.4 * ((i + 1) / 50) ** -0.08 }));
    const base = input({ candidates: [...grid, twin], planned: [best], trialsStarted: 1 });
    const withCurve = planNext({ ...base, running: [{ config: best, curve, totalSteps: 1000 }] });
    const without = planNext(base);
    expect(withCurve.points[0].reason).toMatch(/\(1 with a final predicted from their partial curves\)\)$/);
    expect(withCurve.points.map((p) => p.config)).toEqual(without.points.map((p) => p.config));
    expect(sdBefore(withCurve.points[0].reason)).toBe(sdBefore(without.points[0].reason));
    // Deterministic given the input.
    expect(planNext({ ...base, running: [{ config: best, curve, totalSteps: 1000 }] })).toEqual(withCurve);
  });
});
