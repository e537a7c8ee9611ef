/**
 * Live per-trial curves: by default train (solid) and eval (dashed) loss, or any one metric the
 * trials stream (see curveChoice.ts), on a log or linear y axis, against step, data seen or
 * training FLOPs (curveAxis.ts) on a log or linear x axis, optionally smoothed (EMA over the faint
 * raw curve). Each legend entry is a button: clicking it isolates that trial (or category), the
 * others fade; clicking the isolated entry again shows all. Held-out runs are named so in the legend.
 */
import { logLogChart, type ChartLine, type XY } from '../plot/chart';
import { esc, formatCount, formatFlops, formatValue } from '../format';
import type { Coloring } from '../coloring';
import { DEFAULT_AXES, ema, xLabel, type CurveAxes } from '../curveAxis';
import { LOSS_VIEW, type YScale } from '../curveChoice';
import type { SeriesStore } from '../series';
import { forTheme } from '../theme';
import type { TrialTimeline } from '../trialInfo';
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
  /** x quantity and scale, smoothing (default: step, log, raw). */
  axes?: CurveAxes;
  /** Per-trial events (steps, D and FLOPs of finished trials), for the data and FLOPs axes. */
  timelines?: Map<string, TrialTimeline>;
  /** What D counts: `samples` or `tokens`. */
  dataUnit?: string;
  /** Only these trials (e.g. one trial's page); default every trial with points. */
  only?: string[];
  /** viewBox size (default 1100×400). */
  size?: [number, number];
  /** Draw no legend (a single trial's page). */
  noLegend?: boolean;
}

/**
 * Steps → the x quantity of `axes` for one trial: the identity for steps; for data and FLOPs the
 * per-step rate its finished run reported (D/steps, FLOPs/steps); undefined while not known.
 */
export function stepScale(axes: CurveAxes, tl: TrialTimeline | undefined): number | undefined {
  if (axes.x === 'step') return 1;
  return axes.x === 'data' ? tl?.dataPerStep : tl?.flopsPerStep;
}

export function renderCurves(series: SeriesStore, trialsById: Map<string, TrialRow>, coloring: Coloring, opts: CurveOptions = {}): HTMLElement {
  const colorOf = coloring.of;
  const heldOut = opts.heldOut ?? new Set<string>();
  const metric = opts.metric ?? LOSS_VIEW;
  const axes = opts.axes ?? DEFAULT_AXES;
  const unit = opts.dataUnit ?? 'samples';
  const keyOf = (id: string) => (coloring.legend.length ? `category:${coloring.legend.find((e) => e.color === colorOf(trialsById.get(id)))?.label ?? ''}` : `trial:${id}`);
  const faded = (id: string) => opts.isolated !== undefined && keyOf(id) !== opts.isolated;
  const lines: ChartLine[] = [];
  const ids = (opts.only ?? series.trials()).sort((a, b) => (trialsById.get(a)?.index ?? 1e9) - (trialsById.get(b)?.index ?? 1e9) || a.localeCompare(b));
  /** Trials with points that cannot be placed on a data/FLOPs axis yet (not finished). */
  const unscaled: string[] = [];
  for (const id of ids) {
    const t = trialsById.get(id);
    const color = colorOf(t);
    const label = trialLabel(t, id);
    const k = stepScale(axes, opts.timelines?.get(id));
    for (const [name, dashed] of curvesOf(metric)) {
      const pts = series.get(id, name);
      if (!pts.length) continue;
      if (k === undefined) {
        if (!unscaled.includes(id)) unscaled.push(id);
        continue;
      }
      const describe = `${label}${heldOut.has(id) ? ' (held out)' : ''} ${name}`;
      const xs = pts.map((p) => p.step * k);
      const raw: XY[] = pts.map((p, i) => [xs[i], p.value]);
      if (axes.smooth > 0) {
        lines.push({ id: `${id}:${name}:raw`, label, color, dashed, raw: true, faded: faded(id), points: raw, weight: 1 });
        const smooth = ema(pts.map((p) => p.value), axes.smooth);
        lines.push({ id: `${id}:${name}`, label, color, dashed, faded: faded(id), points: xs.map((x, i) => [x, smooth[i]]), describe: `${describe} (smoothed)` });
      } else lines.push({ id: `${id}:${name}`, label, color, dashed, faded: faded(id), points: raw, describe });
    }
  }
  // The isolated trial last, so it is drawn on top of the faded ones.
  lines.sort((a, b) => Number(!a.faded) - Number(!b.faded));
  const wrap = document.createElement('div');
  wrap.append(
    logLogChart({
      xLabel: xLabel(axes.x, unit),
      yLabel: metric,
      yLinear: opts.y === 'linear',
      xLinear: axes.xScale === 'linear',
      lines,
      formatX: axes.x === 'flops' ? formatFlops : (v) => formatCount(v),
      formatY: formatValue,
      emptyText: unscaled.length && !lines.length ? `No trial has finished yet: the ${xLabel(axes.x, unit)} of a step is known once a trial reports its steps` : metric === LOSS_VIEW ? 'Waiting for the first metric frames…' : `No ${metric} points yet`,
      size: opts.size ?? [1100, 400],
      name: `${opts.only?.length === 1 ? `${opts.only[0]}-` : ''}curves-${metric}-vs-${axes.x}`,
    }),
  );
  if (unscaled.length && lines.length) {
    wrap.insertAdjacentHTML(
      'beforeend',
      `<p class="dim small" data-testid="curves-unscaled">${unscaled.length} ${unscaled.length === 1 ? 'trial is' : 'trials are'} not drawn against ${esc(xLabel(axes.x, unit))}: a trial's ${axes.x === 'data' ? 'D' : 'FLOPs'} per step is known from the step count it reports when it finishes (against step, every trial is drawn).</p>`,
    );
  }
  if (ids.length && !opts.noLegend) {
    // Categorical colouring: one legend entry per category; size colouring: one per trial.
    const item = (key: string, color: string, text: string, attrs: string) =>
      `<button type="button" class="legend-item toggle${opts.isolated === key ? ' isolated' : opts.isolated ? ' faded' : ''}" data-isolate="${esc(key)}" aria-pressed="${opts.isolated === key}" ${attrs}><span class="swatch" style="background:${forTheme(color)}"></span>${text}</button>`;
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
        ? `<span class="legend-key"><svg width="26" height="8"><line x1="1" x2="25" y1="4" y2="4" stroke="currentColor" stroke-width="1.6"/></svg>train <svg width="26" height="8"><line x1="1" x2="25" y1="4" y2="4" stroke="currentColor" stroke-width="1.6" stroke-dasharray="5 4"/></svg>eval</span>`
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
