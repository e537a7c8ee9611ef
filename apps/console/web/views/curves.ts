/**
 * Live per-trial curves against step (log x): by default train (solid) and eval (dashed) loss, or
 * any one metric the trials stream (see curveChoice.ts), on a log or linear y axis. Each legend
 * entry is a button: clicking it isolates that trial (or category), the others fade; clicking the
 * isolated entry again shows all. Held-out runs are named so in the legend.
 */
import { logLogChart, type ChartLine } from '../plot/chart';
import { esc, formatCount, formatValue } from '../format';
import type { Coloring } from '../coloring';
import { LOSS_VIEW, type YScale } from '../curveChoice';
import type { SeriesStore } from '../series';
import type { TrialRow } from '../types';
import { trialLabel } from './trials';

export interface CurveOptions {
  /** Legend key isolated by a click (`trial:<id>` or `category:<value>`), if any. */
  isolated?: string;
  heldOut?: Set<string>;
  /** `loss` (train and eval loss, the default) or one metric name. */
  metric?: string;
  /** y axis scale (default log). */
  y?: YScale;
}

export function renderCurves(series: SeriesStore, trialsById: Map<string, TrialRow>, coloring: Coloring, opts: CurveOptions = {}): HTMLElement {
  const colorOf = coloring.of;
  const heldOut = opts.heldOut ?? new Set<string>();
  const metric = opts.metric ?? LOSS_VIEW;
  const keyOf = (id: string) => (coloring.legend.length ? `category:${coloring.legend.find((e) => e.color === colorOf(trialsById.get(id)))?.label ?? ''}` : `trial:${id}`);
  const faded = (id: string) => opts.isolated !== undefined && keyOf(id) !== opts.isolated;
  const lines: ChartLine[] = [];
  const ids = series.trials().sort((a, b) => (trialsById.get(a)?.index ?? 1e9) - (trialsById.get(b)?.index ?? 1e9) || a.localeCompare(b));
  for (const id of ids) {
    const t = trialsById.get(id);
    const color = colorOf(t);
    const label = trialLabel(t, id);
    for (const [name, dashed] of curvesOf(metric)) {
      const pts = series.get(id, name);
      if (pts.length) lines.push({ id: `${id}:${name}`, label, color, dashed, faded: faded(id), points: pts.map((p) => [p.step, p.value]), describe: `${label}${heldOut.has(id) ? ' (held out)' : ''} ${name}` });
    }
  }
  // The isolated trial last, so it is drawn on top of the faded ones.
  lines.sort((a, b) => Number(!a.faded) - Number(!b.faded));
  const wrap = document.createElement('div');
  wrap.append(
    logLogChart({
      xLabel: 'step',
      yLabel: metric,
      yLinear: opts.y === 'linear',
      lines,
      formatX: (v) => formatCount(v),
      formatY: formatValue,
      emptyText: metric === LOSS_VIEW ? 'Waiting for the first metric frames…' : `No ${metric} points yet`,
      size: [1100, 400],
    }),
  );
  if (ids.length) {
    // Categorical colouring: one legend entry per category; size colouring: one per trial.
    const item = (key: string, color: string, text: string, attrs: string) =>
      `<button type="button" class="legend-item toggle${opts.isolated === key ? ' isolated' : opts.isolated ? ' faded' : ''}" data-isolate="${esc(key)}" aria-pressed="${opts.isolated === key}" ${attrs}><span class="swatch" style="background:${color}"></span>${text}</button>`;
    const legend = coloring.legend.length
      ? `<span class="legend-title">${esc(coloring.by)}</span>` + coloring.legend.map((e) => item(`category:${e.label}`, e.color, esc(e.label), `data-category="${esc(e.label)}"`)).join('')
      : ids
          .map((id) => {
            const held = heldOut.has(id);
            return item(`trial:${id}`, colorOf(trialsById.get(id)), `${esc(trialLabel(trialsById.get(id), id))}${held ? ' <span class="held-tag">held out</span>' : ''}`, `data-trial="${esc(id)}"${held ? ' data-held-out="true"' : ''}`);
          })
          .join('');
    // The line-style key only means something when train and eval loss share the plot.
    const key =
      metric === LOSS_VIEW
        ? `<span class="legend-key"><svg width="26" height="8"><line x1="1" x2="25" y1="4" y2="4" stroke="#555" stroke-width="1.6"/></svg>train <svg width="26" height="8"><line x1="1" x2="25" y1="4" y2="4" stroke="#555" stroke-width="1.6" stroke-dasharray="5 4"/></svg>eval</span>`
        : '';
    wrap.insertAdjacentHTML('beforeend', `<div class="legend">${legend}${key}</div>`);
  }
  return wrap;
}

/** The (metric, dashed) curves drawn per trial for a view. */
function curvesOf(metric: string): [string, boolean][] {
  return metric === LOSS_VIEW
    ? [
        ['train_loss', false],
        ['eval_loss', true],
      ]
    : [[metric, false]];
}
