/**
 * lr-sensitivity (Wortsman et al. 2023): final loss against LR per width for each variant (qk-layernorm
 * dashed, diverged runs as hollow markers at the cap), LR sensitivity against width with its fitted
 * trend, and the max attention logit against LR.
 */
import type { StudyResult } from '@slab/api';
import { esc } from '../../format';
import { logLogChart, type ChartLine, type ChartMarker } from '../../plot/chart';
import { h } from '../common';
import { legend, num, seriesColor } from './common';
import type { StudyView } from './index';

type Sensitivity = Extract<StudyResult, { kind: 'lr-sensitivity' }>;

/** Line patterns of the variants, in order: solid, dashed, dotted, dash-dot. */
const VARIANT_DASHES: (string | undefined)[] = [undefined, '6 4', '1.5 3.5', '9 3 1.5 3'];

function render(s: Sensitivity): HTMLElement {
  const r = s.result;
  const widths = [...new Set(r.variants.flatMap((v) => v.widths.map((w) => w.width)))].sort((a, b) => a - b);
  const color = (width: number) => seriesColor(widths.indexOf(width));
  // Colour is the width; the line's pattern is the variant (solid, dashed, dotted, dash-dot, ...).
  const dash = (vi: number): string | undefined => VARIANT_DASHES[vi % VARIANT_DASHES.length];
  const lossLines: ChartLine[] = [];
  const attnLines: ChartLine[] = [];
  const diverged: ChartMarker[] = [];
  r.variants.forEach((v, vi) => {
    for (const w of v.widths) {
      const id = `${v.label} w${w.width}`;
      lossLines.push({ id, label: `width ${w.width}, ${v.label}`, color: color(w.width), dashed: dash(vi), points: w.curve.filter((c) => !c.diverged).map((c) => [c.learningRate, c.loss]) });
      for (const c of w.curve.filter((x) => x.diverged)) diverged.push({ x: c.learningRate, y: r.cap, color: color(w.width), label: `width ${w.width}, ${v.label}: diverged at LR ${num(c.learningRate)}`, hollow: true, kind: 'diverged' });
      attnLines.push({ id, label: `width ${w.width}, ${v.label}`, color: color(w.width), dashed: dash(vi), points: w.curve.filter((c) => c.attnLogitMax !== null && c.attnLogitMax > 0).map((c) => [c.learningRate, c.attnLogitMax!]) });
    }
  });
  const sensLines: ChartLine[] = r.variants.map((v, vi) => ({ id: v.label, label: v.label, color: seriesColor(vi + widths.length), points: v.widths.map((w) => [w.width, w.sensitivity]) }));
  const trendLines: ChartLine[] = r.variants.flatMap((v, vi) =>
    v.trend ? [{ id: `${v.label} trend`, label: `${v.label}: trend`, color: seriesColor(vi + widths.length), dashed: true, weight: 1, points: widths.map((w) => [w, v.trend!.intercept + v.trend!.slope * Math.log(w)] as [number, number]) }] : [],
  );
  const rows = r.variants.flatMap((v) =>
    v.widths.map(
      (w) => `<tr data-testid="sensitivity-row"><td>${esc(v.label)}</td><td class="num">${w.width}</td><td class="num">${num(w.sensitivity)}</td><td class="num">${num(w.bestLoss, 4)}</td><td class="num">${num(w.bestLearningRate)}</td><td class="num">${w.diverged}/${w.runs}</td></tr>`,
    ),
  );
  const trends = r.variants
    .map((v) => (v.trend ? `<li>${esc(v.label)}: ${v.trend.perDoubling >= 0 ? '+' : ''}${num(v.trend.perDoubling)} per doubling of width (slope on ln width ${num(v.trend.slope)}, ${Math.round(v.trend.level * 100)}% [${num(v.trend.slopeLo)}, ${num(v.trend.slopeHi)}], ${v.trend.points} widths)</li>` : `<li>${esc(v.label)}: no trend (fewer than 2 widths)</li>`))
    .join('');
  const root = h(`<div class="study-body">
  <div class="study-charts"><figure data-testid="study-loss-vs-lr"><figcaption>Final ${esc(s.metric)} vs learning rate (line pattern: the variant; hollow: diverged, at the cap ${num(r.cap, 4)})</figcaption></figure>
  <figure data-testid="study-sensitivity-vs-width"><figcaption>LR sensitivity vs width, with its fitted trend</figcaption></figure>
  <figure data-testid="study-attn-vs-lr"><figcaption>Max attention logit vs learning rate</figcaption></figure></div>
  <table class="table compact" data-testid="sensitivity-table"><thead><tr><th>variant</th><th class="num">width</th><th class="num">sensitivity</th><th class="num">best loss</th><th class="num">at LR</th><th class="num">diverged</th></tr></thead><tbody>${rows.join('')}</tbody></table>
  <ul class="study-notes" data-testid="sensitivity-trends">${trends}</ul>
</div>`);
  const figs = root.querySelectorAll('figure');
  const widthKey = legend([...widths.map((w) => ({ label: `width ${w}`, color: color(w) })), ...r.variants.map((v, vi) => ({ label: v.label, color: '#8a929c', dashed: dash(vi) ?? 'none' }))]);
  const variantKey = legend(r.variants.flatMap((v, vi) => [{ label: v.label, color: seriesColor(vi + widths.length) }, ...(v.trend ? [{ label: `${v.label}: trend`, color: seriesColor(vi + widths.length), dashed: true }] : [])]));
  figs[0].append(logLogChart({ xLabel: 'learning rate', yLabel: s.metric, lines: lossLines, markers: diverged, yLinear: true, size: [520, 300], name: 'study-loss-vs-lr' }), h(widthKey));
  figs[1].append(logLogChart({ xLabel: 'width', yLabel: 'LR sensitivity', lines: [...sensLines, ...trendLines], markers: sensLines.flatMap((l) => l.points.map(([x, y]) => ({ x, y, color: l.color, label: `${l.label}: width ${x}, sensitivity ${num(y)}` }))), yLinear: true, size: [520, 300], name: 'study-sensitivity-vs-width' }), h(variantKey));
  figs[2].append(logLogChart({ xLabel: 'learning rate', yLabel: 'max attention logit', lines: attnLines, size: [520, 300], emptyText: 'no attention logits logged', name: 'study-attn-vs-lr' }), h(widthKey));
  return root;
}

export const sensitivityView: StudyView<Sensitivity> = { paper: 'Wortsman et al. 2023, small-scale proxies for training instabilities', render };
