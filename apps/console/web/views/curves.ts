/** Live per-trial loss curves: train (solid) and eval (dashed) loss against step, log-log. */
import { logLogChart, type ChartLine } from '../plot/chart';
import { esc, formatCount, formatValue } from '../format';
import type { Coloring } from '../coloring';
import type { SeriesStore } from '../series';
import type { TrialRow } from '../types';
import { trialLabel } from './trials';

export function renderCurves(series: SeriesStore, trialsById: Map<string, TrialRow>, coloring: Coloring): HTMLElement {
  const colorOf = coloring.of;
  const lines: ChartLine[] = [];
  const ids = series.trials().sort((a, b) => (trialsById.get(a)?.index ?? 1e9) - (trialsById.get(b)?.index ?? 1e9) || a.localeCompare(b));
  for (const id of ids) {
    const t = trialsById.get(id);
    const color = colorOf(t);
    const label = trialLabel(t, id);
    for (const [name, dashed] of [['train_loss', false], ['eval_loss', true]] as const) {
      const pts = series.get(id, name);
      if (pts.length) lines.push({ id: `${id}:${name}`, label, color, dashed, points: pts.map((p) => [p.step, p.value]), describe: `${label} ${name}` });
    }
  }
  const wrap = document.createElement('div');
  wrap.append(
    logLogChart({
      xLabel: 'step',
      yLabel: 'loss',
      lines,
      formatX: (v) => formatCount(v),
      formatY: formatValue,
      emptyText: 'Waiting for the first metric frames…',
      size: [1100, 400],
    }),
  );
  if (ids.length) {
    // Categorical colouring: one legend entry per category; size colouring: one per trial.
    const legend = coloring.legend.length
      ? `<span class="legend-title">${esc(coloring.by)}</span>` +
        coloring.legend.map((e) => `<span class="legend-item" data-category="${esc(e.label)}"><span class="swatch" style="background:${e.color}"></span>${esc(e.label)}</span>`).join('')
      : ids
      .map((id) => `<span class="legend-item"><span class="swatch" style="background:${colorOf(trialsById.get(id))}"></span>${esc(trialLabel(trialsById.get(id), id))}</span>`)
      .join('');
    wrap.insertAdjacentHTML(
      'beforeend',
      `<div class="legend">${legend}<span class="legend-key"><svg width="26" height="8"><line x1="1" x2="25" y1="4" y2="4" stroke="#555" stroke-width="1.6"/></svg>train <svg width="26" height="8"><line x1="1" x2="25" y1="4" y2="4" stroke="#555" stroke-width="1.6" stroke-dasharray="5 4"/></svg>eval</span></div>`,
    );
  }
  return wrap;
}
