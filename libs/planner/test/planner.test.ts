import { parseSpec, type SweepSpec, type TrialConfig } from '@slab/spec';
import { describe, expect, it } from 'vitest';
import { configKey, estFlops, planNext, sobolPoints, type PlannerInput } from '../src/index';

function spec(yaml: string): SweepSpec {
  const r = parseSpec(yaml);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}
const BASE = `name: t
task: { dataset: fashion-mnist, model: mlp, plugin: tfjs }
`;
const GRID = spec(`${BASE}dimensions:
  width: { values: [16, 32] }
  data: { values: [1000, 2000, 4000] }
planner: { kind: grid, batchSize: 4 }
`);
const RANGE = (kind: string, extra = '') =>
  spec(`${BASE}dimensions:
  params: { min: 1.0e6, max: 1.0e9 }
  data: { min: 1.0e8, max: 1.0e11 }
budget: { trials: 40${extra} }
planner: { kind: ${kind}, batchSize: 5, seed: 3 }
law: { name: chinchilla }
target: { kind: loss, at: { N: 1.0e10, D: 2.0e11 } }
`);
const input = (s: SweepSpec, over: Partial<PlannerInput> = {}): PlannerInput => ({
  spec: s,
  batchIndex: 0,
  results: [],
  planned: [],
  flopsSpent: 0,
  trialsStarted: 0,
  ...over,
});

/** Runs the planner batch after batch as a workflow would (every trial finishes at its estimate). */
function runAll(s: SweepSpec, fit?: (planned: TrialConfig[]) => unknown, maxBatches = 50) {
  const planned: TrialConfig[] = [];
  let flops = 0;
  for (let b = 0; b < maxBatches; b++) {
    const out = planNext(input(s, { batchIndex: b, planned, flopsSpent: flops, trialsStarted: planned.length, results: planned.map(() => ({}) as never), fit: fit?.(planned) }));
    if (out.stop) return { planned, flops, stop: out.stop, batches: b };
    for (const p of out.points) {
      planned.push(p.config);
      flops += p.estFlops;
    }
  }
  return { planned, flops, stop: undefined, batches: maxBatches };
}

describe('costing', () => {
  it('estimates 6·N·D with the MLP parameter count', () => {
    expect(estFlops(GRID, { width: 16, data: 1000 }, {})).toBe(6 * (784 * 16 + 16 + 16 * 10 + 10) * 1000);
    expect(estFlops(GRID, { width: 16, data: 1000 }, { paramsForWidth: (w) => w * 100 })).toBe(6 * 1600 * 1000);
    expect(estFlops(GRID, { params: 5, data: 2 }, {})).toBe(60);
  });
});

describe('grid', () => {
  it('plans the product in order, in batches, then stops with a reason', () => {
    const r = runAll(GRID);
    expect(r.planned).toEqual([
      { width: 16, data: 1000 }, { width: 16, data: 2000 }, { width: 16, data: 4000 },
      { width: 32, data: 1000 }, { width: 32, data: 2000 }, { width: 32, data: 4000 },
    ]);
    expect(r.batches).toBe(2);
    expect(r.stop).toBe('grid exhausted: all 6 points planned');
  });
  it('respects the trial cap and the FLOP budget', () => {
    const capped = spec(`${BASE}dimensions:\n  width: { values: [16, 32] }\n  data: { values: [1000, 2000, 4000] }\nbudget: { trials: 4 }\nplanner: { batchSize: 3 }\n`);
    const r = runAll(capped);
    expect(r.planned).toHaveLength(4);
    expect(r.stop).toBe('trial cap reached: 4 of 4 trials started');
    const cost = estFlops(GRID, { width: 16, data: 1000 }, {});
    const budgeted = spec(`${BASE}dimensions:\n  width: { values: [16, 32] }\n  data: { values: [1000, 2000, 4000] }\nbudget: { flops: ${cost * 7.5} }\nplanner: { batchSize: 2 }\n`);
    const b = runAll(budgeted);
    expect(b.flops).toBeLessThanOrEqual(cost * 7.5);
    expect(b.stop).toMatch(/^FLOP budget exhausted/);
    // 16×1000, 16×2000, 16×4000 cost 7 units; nothing else fits in the last half unit.
    expect(b.planned).toHaveLength(3);
  });
});

describe('sobol', () => {
  it('produces the standard unshifted sequence', () => {
    // Natural (not Gray-code) order; the first 2^k points are the same set either way.
    expect(sobolPoints(2, 1, 4)).toEqual([[0.5, 0.5], [0.25, 0.75], [0.75, 0.25], [0.125, 0.625]]);
    expect(sobolPoints(3, 1, 3).map((p) => p[2])).toEqual([0.5, 0.75, 0.25]);
    const shifted = sobolPoints(2, 1, 4, 9);
    expect(shifted).not.toEqual(sobolPoints(2, 1, 4));
    expect(sobolPoints(2, 1, 4, 9)).toEqual(shifted);
  });
  it('fills the space: every quarter of log N gets a point within 8 trials', () => {
    const r = runAll(RANGE('sobol'));
    expect(r.planned).toHaveLength(40);
    const quarters = new Set(r.planned.slice(0, 8).map((c) => Math.min(3, Math.floor((Math.log10(c.params!) - 6) / 0.75))));
    expect(quarters.size).toBe(4);
    expect(new Set(r.planned.map(configKey)).size).toBe(40);
  });
});

describe('random', () => {
  it('is deterministic for a seed, differs across seeds, stays in range and never repeats', () => {
    const a = runAll(RANGE('random'));
    const b = runAll(RANGE('random'));
    expect(a.planned).toEqual(b.planned);
    const other = runAll(spec(`${BASE}dimensions:\n  params: { min: 1.0e6, max: 1.0e9 }\n  data: { min: 1.0e8, max: 1.0e11 }\nbudget: { trials: 40 }\nplanner: { kind: random, batchSize: 5, seed: 4 }\n`));
    expect(other.planned).not.toEqual(a.planned);
    for (const c of a.planned) {
      expect(c.params).toBeGreaterThanOrEqual(1e6);
      expect(c.params).toBeLessThanOrEqual(1e9);
      expect(Number.isInteger(c.data)).toBe(true);
    }
    expect(new Set(a.planned.map(configKey)).size).toBe(a.planned.length);
  });
  it('shuffles a given candidate set', () => {
    const candidates = Array.from({ length: 10 }, (_, i) => ({ params: 1e6 * (i + 1), data: 1e8 }));
    const out = planNext(input(RANGE('random'), { candidates }));
    expect(out.points).toHaveLength(5);
    for (const p of out.points) expect(candidates).toContainEqual(p.config);
  });
});

describe('adaptive', () => {
  // A bootstrap ensemble around the Chinchilla fit (as @slab/laws reports it), spread mostly in beta.
  const TRUE = { E: 1.82, A: 482, B: 2085, alpha: 0.348, beta: 0.366 };
  const ensemble = (spread: number) =>
    Array.from({ length: 60 }, (_, i) => {
      const u = Math.sin(i * 12.9898) * 0.5; // deterministic, spread in [-0.5, 0.5]
      const v = Math.cos(i * 78.233) * 0.5;
      return { ...TRUE, alpha: TRUE.alpha + spread * v * 0.3, beta: TRUE.beta + spread * u, B: TRUE.B * Math.exp(spread * u * 20) };
    });
  const fitReport = (spread: number) => ({ law: 'chinchilla', params: TRUE, rmsle: 0.01, bootstrap: { samples: ensemble(spread) } });

  it('seeds with cheap IsoFLOP-slice points while no fit exists', () => {
    const out = planNext(input(RANGE('adaptive')));
    expect(out.points).toHaveLength(5);
    for (const p of out.points) expect(p.reason).toMatch(/^seed: IsoFLOP-slice point at .* FLOPs \(no fit yet\)$/);
    expect(planNext(input(RANGE('adaptive')))).toEqual(out);
    const median = 6 * Math.sqrt(1e6 * 1e9) * Math.sqrt(1e8 * 1e11);
    for (const p of out.points) expect(p.estFlops).toBeLessThan(median * 1.5);
  });
  it('with a fit, picks distinct informative points with reasons, deterministically', () => {
    const s = RANGE('adaptive');
    const one = planNext(input(s, { fit: fitReport(0.05), batchIndex: 2 }));
    const two = planNext(input(s, { fit: fitReport(0.05), batchIndex: 2 }));
    expect(one).toEqual(two);
    expect(one.points.length).toBeGreaterThan(0);
    expect(new Set(one.points.map((p) => configKey(p.config))).size).toBe(one.points.length);
    for (const p of one.points) expect(p.reason).toMatch(/^adaptive: cuts the variance of the loss at/);
    expect(one.points[0].estFlops).toBeGreaterThan(0);
  });
  it('picks first the candidate with the largest variance reduction of the target per charged FLOP', () => {
    const s = RANGE('adaptive');
    const candidates: TrialConfig[] = [];
    for (const N of [1e6, 1e7, 1e8, 1e9]) for (const D of [1e8, 1e9, 1e10, 1e11]) candidates.push({ params: N, data: D });
    const fit = fitReport(0.05);
    s.budget.flops = 1e23;
    const out = planNext(input(s, { fit, candidates, flopsSpent: 2e19 }));
    // Independent computation of the documented criterion (ρ·cov(t, g_x))² / (var g_x + σ²) / max(FLOPs, cap),
    // ρ = exp(−d²/(2·1²)) for d the distance to the target in decades. 2e19 committed: this batch may
    // commit 1.5 × 2e19 = 3e19 over 5 slots, so cap = 6e18 a point and dearer candidates are not offered.
    const cap = 6e18;
    const law = (p: Record<string, number>, N: number, D: number) => Math.log(p.E + p.A / N ** p.alpha + p.B / D ** p.beta);
    const t = fit.bootstrap.samples.map((p) => law(p, 1e10, 2e11));
    const m = (a: number[]) => a.reduce((x, y) => x + y) / a.length;
    const cv = (a: number[], b: number[]) => a.reduce((x, ai, i) => x + (ai - m(a)) * (b[i] - m(b)), 0) / (a.length - 1);
    const score = (c: TrialConfig) => {
      const cost = 6 * c.params! * c.data!;
      if (cost > cap) return -1;
      const g = fit.bootstrap.samples.map((p) => law(p, c.params!, c.data!));
      const rho = Math.exp(-(Math.log10(c.params! / 1e10) ** 2 + Math.log10(c.data! / 2e11) ** 2) / 2);
      return (rho * cv(t, g)) ** 2 / (cv(g, g) + 0.01 ** 2) / Math.max(cost, cap);
    };
    const best = [...candidates].sort((a, b) => score(b) - score(a))[0];
    expect(out.points[0].config).toEqual(best);
    for (const p of out.points) expect(p.estFlops).toBeLessThanOrEqual(cap);
    // The rest of the batch, chosen after conditioning on the first pick, holds distinct points.
    expect(new Set(out.points.map((p) => configKey(p.config))).size).toBe(out.points.length);
  });
  it('grows its spend with what was committed, and offers the whole budget when the schedule allows nothing', () => {
    const s = RANGE('adaptive', ', flops: 1.0e22');
    const candidates: TrialConfig[] = [];
    for (const N of [1e6, 1e7, 1e8, 1e9]) for (const D of [1e8, 1e9, 1e10, 1e11]) candidates.push({ params: N, data: D });
    const fit = fitReport(0.05);
    // 2e19 committed: this batch may commit 3e19, at most 6e18 a point.
    const small = planNext(input(s, { fit, candidates, flopsSpent: 2e19 }));
    expect(small.points.length).toBeGreaterThan(0);
    for (const p of small.points) expect(p.estFlops).toBeLessThanOrEqual(6e18);
    expect(small.points.reduce((a, p) => a + p.estFlops, 0)).toBeLessThanOrEqual(3e19);
    // Only dearer candidates left (6e19 and up): the schedule offers none, the budget left is offered.
    const dear = candidates.filter((c) => 6 * c.params! * c.data! >= 6e19);
    const big = planNext(input(s, { fit, candidates: dear, flopsSpent: 2e19 }));
    expect(big.points.length).toBeGreaterThan(0);
    expect(big.points.every((p) => p.estFlops >= 6e19)).toBe(true);
  });
  it('lifts the per-point cap on the last rung: a batch that may spend everything left may put it into one run', () => {
    const grid: TrialConfig[] = [];
    for (const N of [1e6, 1e7, 1e8, 1e9]) for (const D of [1e8, 1e9, 1e10, 1e11]) grid.push({ params: N, data: D });
    const dear = { params: 1e9, data: 3e9 }; // 1.8e19 FLOPs, the candidate nearest the target
    const candidates = [...grid, dear];
    const fit = fitReport(0.05);
    // Same documented criterion as above, with the cap and the charge floor as parameters.
    const law = (p: Record<string, number>, N: number, D: number) => Math.log(p.E + p.A / N ** p.alpha + p.B / D ** p.beta);
    const t = fit.bootstrap.samples.map((p) => law(p, 1e10, 2e11));
    const m = (a: number[]) => a.reduce((x, y) => x + y) / a.length;
    const cv = (a: number[], b: number[]) => a.reduce((x, ai, i) => x + (ai - m(a)) * (b[i] - m(b)), 0) / (a.length - 1);
    const best = (cap: number, floor: number) =>
      [...candidates]
        .map((c) => {
          const cost = 6 * c.params! * c.data!;
          if (cost > cap) return { c, s: -1 };
          const g = fit.bootstrap.samples.map((p) => law(p, c.params!, c.data!));
          const rho = Math.exp(-(Math.log10(c.params! / 1e10) ** 2 + Math.log10(c.data! / 2e11) ** 2) / 2);
          return { c, s: (rho * cv(t, g)) ** 2 / (cv(g, g) + 0.01 ** 2) / Math.max(cost, floor) };
        })
        .sort((a, b) => b.s - a.s)[0].c;
    // 2e19 spent of 4.5e19: the schedule would allow 3e19 but only 2.5e19 is left, so this is the
    // last rung: cap 2.5e19 a point (not 5e18), charge floor still 2.5e19 / 5 slots.
    const last = planNext(input(RANGE('adaptive', ', flops: 4.5e19'), { fit, candidates, flopsSpent: 2e19 }));
    expect(best(2.5e19, 5e18)).toEqual(dear);
    expect(last.points[0].config).toEqual(dear);
    expect(last.points.reduce((a, p) => a + p.estFlops, 0)).toBeLessThanOrEqual(2.5e19);
    // With budget to spare (allowance 3e19 < 1e22 left) the cap stays at 6e18 a point: the dear run waits.
    const climbing = planNext(input(RANGE('adaptive', ', flops: 1.0e22'), { fit, candidates, flopsSpent: 2e19 }));
    expect(climbing.points[0].config).toEqual(best(6e18, 6e18));
    expect(climbing.points.map((p) => p.config)).not.toContainEqual(dear);
  });
  it('stops when the target interval is within tolerance', () => {
    const s = RANGE('adaptive');
    s.planner.tolerance = 0.01;
    const tight = planNext(input(s, { fit: fitReport(0.0005) }));
    expect(tight.points).toEqual([]);
    expect(tight.stop).toMatch(/^target interval ±\d+\.\d+% \(loss at N=1e10, D=2e11\) is within the tolerance ±1\.00%$/);
    const loose = planNext(input(s, { fit: fitReport(0.05) }));
    expect(loose.stop).toBeUndefined();
  });
  it('respects the FLOP budget left', () => {
    const s = RANGE('adaptive', ', flops: 1.0e19');
    const out = planNext(input(s, { fit: fitReport(0.05), flopsSpent: 9e18 }));
    const total = out.points.reduce((a, p) => a + p.estFlops, 0);
    expect(total).toBeLessThanOrEqual(1e18);
  });
});
