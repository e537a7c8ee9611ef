import { fitLaw } from '@slab/laws';
import type { Run } from './run';

export interface LawFit {
  strategy: string;
  law: string;
  params?: Record<string, number>;
  r2?: number;
  error?: string;
}

export interface Efficiency {
  /** Random power law: err ≈ exp(a) · kept^b. */
  random: { a: number; b: number };
  /** Per strategy and pool/keep: random-data size giving the same error ÷ kept size. */
  multipliers: { strategy: string; pool: number; keep: number; kept: number; multiplier: number }[];
}

function gridMeans(runs: Run[], strategy: string): { kept: number; pool: number; keep: number; err: number }[] {
  const groups = new Map<string, Run[]>();
  for (const r of runs.filter((q) => q.exp === 'grid' && q.strategy === strategy)) {
    const k = `${r.pool}/${r.keep}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((g) => ({ kept: g[0].kept, pool: g[0].pool, keep: g[0].keep, err: g.reduce((a, r) => a + r.err, 0) / g.length }));
}

/** Fit the pruned-data law (libs/laws) and a plain power law + constant to error vs kept size per strategy. */
export function fitLaws(runs: Run[]): { fits: LawFit[]; efficiency: Efficiency } {
  const fits: LawFit[] = [];
  for (const strategy of ['random', 'el2n-keep-hard', 'el2n-keep-easy']) {
    const pts = gridMeans(runs, strategy);
    for (const law of ['pruned-data', 'power-law-plus-constant']) {
      try {
        const rep = fitLaw({ x: pts.map((p) => ({ x: p.kept })), y: pts.map((p) => p.err) }, { law });
        fits.push({ strategy, law, params: rep.params, r2: rep.r2 });
      } catch (e) {
        fits.push({ strategy, law, error: (e as Error).message });
      }
    }
  }
  // least squares on log err = a + b log kept for random, then invert for the other strategies
  const rnd = gridMeans(runs, 'random');
  const lx = rnd.map((p) => Math.log(p.kept));
  const ly = rnd.map((p) => Math.log(p.err));
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  const b = lx.reduce((s, x, i) => s + (x - mx) * (ly[i] - my), 0) / lx.reduce((s, x) => s + (x - mx) ** 2, 0);
  const a = my - b * mx;
  const multipliers: Efficiency['multipliers'] = [];
  for (const strategy of ['el2n-keep-hard', 'el2n-keep-easy']) {
    for (const p of gridMeans(runs, strategy)) {
      const nEq = Math.exp((Math.log(p.err) - a) / b);
      multipliers.push({ strategy, pool: p.pool, keep: p.keep, kept: p.kept, multiplier: nEq / p.kept });
    }
  }
  return { fits, efficiency: { random: { a, b }, multipliers } };
}
