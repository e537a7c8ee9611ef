/** The bench's SVG figures, drawn from results.json (so --report-only can redraw them). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Results } from './report';
import { meanSe } from './report';
import type { Run } from './run';
import { linePlot, type Series } from './svg';

export const CURVES = ['random', 'el2n-keep-hard', 'el2n-keep-easy'] as const;

function band(rs: Run[], x: number) {
  const { mean, se } = meanSe(rs.map((r) => r.err));
  return { x, y: mean, lo: mean - se, hi: mean + se };
}

export function writePlots(dir: string, R: Results): void {
  const grid = R.runs.filter((r) => r.exp === 'grid');
  const { pools, keeps } = R.config;
  for (const P of pools) {
    const series: Series[] = CURVES.map((s) => ({ name: s as string, points: keeps.map((k) => band(grid.filter((r) => r.pool === P && r.keep === k && r.strategy === s), k)) }));
    const full = grid.filter((r) => r.pool === P && r.strategy === 'full');
    series.push({ name: 'full pool', points: keeps.map((k) => band(full, k)) });
    writeFileSync(
      join(dir, `curve-pool${P}.svg`),
      linePlot({ title: `Fashion-MNIST (tfjs trainer), pool ${P}: test error vs kept fraction`, xLabel: 'kept fraction', yLabel: 'test error', series }),
    );
  }
  const byKept = CURVES.map((s) => ({
    name: s,
    points: [...new Set(grid.filter((r) => r.strategy === s).map((r) => r.kept))].map((kept) => band(grid.filter((r) => r.strategy === s && r.kept === kept), kept)),
  }));
  writeFileSync(join(dir, 'error-vs-kept.svg'), linePlot({ title: 'Test error vs kept rows (all pools)', xLabel: 'kept rows', yLabel: 'test error', series: byKept, logX: true, logY: true }));
  // Sorscher's crossover: err(keep-hard) − err(keep-easy) against the pool size, one line per kept fraction
  const gap: Series[] = keeps.map((k) => ({
    name: `kept ${k}`,
    points: pools.map((P) => {
      const h = meanSe(grid.filter((r) => r.pool === P && r.keep === k && r.strategy === 'el2n-keep-hard').map((r) => r.err));
      const e = meanSe(grid.filter((r) => r.pool === P && r.keep === k && r.strategy === 'el2n-keep-easy').map((r) => r.err));
      const se = Math.hypot(h.se, e.se);
      return { x: P, y: h.mean - e.mean, lo: h.mean - e.mean - se, hi: h.mean - e.mean + se };
    }),
  }));
  gap.push({ name: 'zero (no gap)', points: pools.map((P) => ({ x: P, y: 0, lo: 0, hi: 0 })) });
  writeFileSync(
    join(dir, 'crossover.svg'),
    linePlot({ title: 'err(keep-hard) − err(keep-easy) vs pool size (< 0: keep-hard wins)', xLabel: 'pool size', yLabel: 'error gap', series: gap, logX: true }),
  );
}
