/**
 * How well the law reproduces the runs: predicted against actual final loss (log-log, y = x is a
 * perfect fit) and the relative residual actual/predicted − 1 against compute, each run with the
 * law's interval at its point as a whisker. Fitted runs are filled circles, held-out runs hollow
 * squares, so extrapolation error reads apart from in-sample error.
 */
import { bandAt, levelText, type FitView } from '../fit';
import { esc, formatFlops, formatValue } from '../format';
import { logLogChart, type ChartMarker } from '../plot/chart';
import { markerKey, obsMarker, type Obs } from './fitPanel';

const FITTED = '#2f5bd3';
const HELD = '#c2410c';

/** Undefined when the law cannot be evaluated at the runs (no understood form, or no runs). */
export function renderResiduals(fit: FitView, obs: Obs[], level: number, metric = 'eval_loss'): HTMLElement | undefined {
  if (!fit.evaluate) return undefined;
  const rows = obs
    .map((o) => {
      const at = { N: o.N, D: o.D };
      const predicted = fit.evaluate!(at);
      return { o, predicted, band: bandAt(fit, at, level), compute: o.t.flops ?? (o.N && o.D ? 6 * o.N * o.D : undefined) };
    })
    .filter((r) => Number.isFinite(r.predicted) && r.predicted > 0);
  if (rows.length === 0) return undefined;
  const colorOf = (o: Obs) => (fit.heldOut.has(o.t.id) ? HELD : FITTED);
  const lo = Math.min(...rows.flatMap((r) => [r.predicted, r.o.loss]));
  const hi = Math.max(...rows.flatMap((r) => [r.predicted, r.o.loss]));
  const pva = logLogChart({
    xLabel: `predicted ${metric}`,
    yLabel: `actual ${metric}`,
    lines: [{ id: 'identity', label: 'y = x', describe: 'perfect prediction', color: '#9aa3ae', dashed: true, points: [[lo / 1.05, lo / 1.05], [hi * 1.05, hi * 1.05]] }],
    markers: rows.map((r): ChartMarker => ({ ...obsMarker(r.o, r.predicted, colorOf(r.o), fit.heldOut), yRange: r.band })),
    formatX: formatValue,
    formatY: formatValue,
    size: [540, 300],
  });
  const withC = rows.filter((r) => r.compute !== undefined && r.compute > 0);
  const pct = (v: number, p: number) => (v / p - 1) * 100;
  const res = logLogChart({
    xLabel: 'compute C (FLOPs)',
    yLabel: 'residual, actual/predicted − 1 (%)',
    yLinear: true,
    yRules: [0],
    lines: [],
    markers: withC.map((r): ChartMarker => ({
      ...obsMarker(r.o, r.compute!, colorOf(r.o), fit.heldOut),
      y: pct(r.o.loss, r.predicted),
      yRange: r.band ? [pct(r.band[0], r.predicted), pct(r.band[1], r.predicted)] : undefined,
    })),
    formatX: formatFlops,
    formatY: (v) => `${+v.toPrecision(3)}%`,
    emptyText: 'No run has a compute figure yet.',
    size: [540, 300],
  });
  const held = rows.some((r) => fit.heldOut.has(r.o.t.id));
  const key = `<div class="legend">${markerKey(held)}<span class="legend-item dim">whiskers: the law's ${esc(levelText(level))} interval at the run</span></div>`;
  const root = document.createElement('div');
  root.className = 'grid2 residuals';
  for (const [id, caption, body] of [
    ['pred-vs-actual', 'Predicted vs actual final loss', pva],
    ['residuals', 'Relative residual vs compute', res],
  ] as const) {
    const fig = document.createElement('figure');
    fig.className = 'fig';
    fig.dataset.testid = id;
    fig.innerHTML = `<figcaption>${caption}</figcaption>`;
    fig.append(body);
    fig.insertAdjacentHTML('beforeend', key);
    root.append(fig);
  }
  return root;
}
