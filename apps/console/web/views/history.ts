/**
 * Fit history chart: after each batch, the prediction at the target with its interval (at the
 * view's level), and the interval's relative half-width, both against the training FLOPs spent so
 * far. The planner's tolerance, when its stop reason names one, is a dashed rule on the width plot,
 * and the fit the sweep stopped at is ringed and named.
 */
import { levelText } from '../fit';
import { fitHistory, toleranceOf, type HistoryPoint } from '../fitHistory';
import { esc, formatFlops, formatValue } from '../format';
import { logLogChart, type ChartMarker } from '../plot/chart';
import type { FitRow, TrialRow } from '../types';

const VALUE = '#c2410c';
const WIDTH = '#2f5bd3';
const BAD = '#c0392b';
const STOP = '#1c2430';

export interface HistoryOptions {
  level: number;
  /** The sweep's stop reason, when it has stopped. */
  stopReason?: string;
  /** True once the sweep is over (completed, cancelled or failed): its last fit is where it stopped. */
  stopped: boolean;
}

const pct = (v: number) => `${+(v * 100).toPrecision(3)}%`;

function marker(p: HistoryPoint, y: number, color: string, range?: [number, number]): ChartMarker {
  const why = p.degenerate ? ` · degenerate: ${p.degenerate}` : '';
  return {
    x: p.flops,
    y,
    color: p.degenerate ? BAD : color,
    label: `batch ${p.batch}: ${formatValue(p.value)} [${formatValue(p.lo)}, ${formatValue(p.hi)}] ${levelText(p.level)}, ±${pct(p.relHalfWidth)}${why}`,
    yRange: range,
    hollow: !!p.degenerate,
    kind: p.degenerate ? 'degenerate' : 'fit',
  };
}

/** Undefined when no fit has a prediction at the target yet (nothing to chart). */
export function renderHistory(fits: FitRow[], trials: TrialRow[], opts: HistoryOptions): HTMLElement | undefined {
  const h = fitHistory(fits, trials, opts.level);
  if (h.points.length === 0) return undefined;
  const root = document.createElement('div');
  root.dataset.testid = 'fit-history-chart';
  const last = h.points[h.points.length - 1];
  const stopAt = opts.stopped ? last : undefined;
  const levels = [...new Set(h.points.map((p) => p.level))].map(levelText).join(' / ');
  const tolerance = toleranceOf(opts.stopReason);
  const stopMarker = (y: number): ChartMarker[] =>
    stopAt ? [{ x: stopAt.flops, y, color: STOP, label: `planner stopped after batch ${stopAt.batch}${opts.stopReason ? `: ${opts.stopReason}` : ''}`, hollow: true, shape: 'square', kind: 'stop-point' }] : [];

  const valueChart = logLogChart({
    xLabel: 'training FLOPs spent',
    yLabel: 'prediction at the target',
    yLinear: true,
    // No line through the points: the band joins them, and hovering a point names its batch.
    lines: [],
    bands: [{ color: VALUE, points: h.points.map((p) => [p.flops, p.lo, p.hi]) }],
    markers: [...h.points.map((p) => marker(p, p.value, VALUE, [p.lo, p.hi])), ...stopMarker(last.value)],
    formatX: formatFlops,
    formatY: formatValue,
    size: [540, 300],
  });
  const widthChart = logLogChart({
    xLabel: 'training FLOPs spent',
    yLabel: 'interval half-width / prediction',
    lines: [{ id: 'history:width', label: 'relative half-width', describe: 'relative half-width', color: WIDTH, points: h.points.map((p) => [p.flops, Math.max(p.relHalfWidth, 1e-9)]) }],
    markers: [...h.points.map((p) => marker(p, Math.max(p.relHalfWidth, 1e-9), WIDTH)), ...stopMarker(Math.max(last.relHalfWidth, 1e-9))],
    yRules: tolerance !== undefined ? [tolerance] : [],
    formatX: formatFlops,
    formatY: pct,
    size: [540, 300],
  });

  const fig = (caption: string, chart: HTMLElement, axis: string) => {
    const f = document.createElement('figure');
    f.className = 'fig';
    f.dataset.history = axis;
    f.innerHTML = `<figcaption>${caption}</figcaption>`;
    f.append(chart);
    return f;
  };
  const grid = document.createElement('div');
  grid.className = 'grid2';
  grid.append(
    fig(`Prediction ${h.label ? `(${esc(h.label)}) ` : ''}with its ${esc(levels)} interval, after each batch`, valueChart, 'value'),
    fig(`Interval half-width relative to the prediction${tolerance !== undefined ? ` · dashed: the planner's tolerance ±${esc(pct(tolerance))} (on the 95% interval)` : ''}`, widthChart, 'width'),
  );
  root.append(grid);
  const stopText = stopAt
    ? `<span data-testid="history-stop">Stopped after batch ${stopAt.batch} at ${esc(formatFlops(stopAt.flops))} (ringed square)${opts.stopReason ? `: ${esc(opts.stopReason)}` : ''}</span>`
    : '<span>The sweep is still running: each new fit adds a point.</span>';
  const notes = [
    stopText,
    h.withoutTarget ? `${h.withoutTarget} fit${h.withoutTarget === 1 ? '' : 's'} without a prediction (skipped or failed) not drawn` : '',
    h.flopsFrom === 'trials' ? 'FLOPs of older fits counted from the trials finished by the time of the fit' : '',
    h.points.some((p) => p.degenerate) ? `<span class="bad-text">hollow red: a fit the data do not identify</span>` : '',
  ].filter(Boolean);
  root.insertAdjacentHTML('beforeend', `<div class="legend history-notes">${notes.map((n) => `<span class="legend-item">${n}</span>`).join('')}</div>`);
  return root;
}
