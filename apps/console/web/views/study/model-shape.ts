/**
 * model-shape (Dollár et al. 2021; Kaplan et al. 2020 §3.1): loss against compute for the width-only,
 * depth-only and compound scaling paths, loss and wall time per strategy at each equal-compute
 * multiple, and the loss spread across shapes at fixed non-embedding N.
 */
import type { StudyResult } from '@slab/api';
import { esc, formatCount } from '../../format';
import { logLogChart, type ChartLine } from '../../plot/chart';
import { h } from '../common';
import { legend, num, percent, seriesColor } from './common';
import type { StudyView } from './index';

type Shape = Extract<StudyResult, { kind: 'model-shape' }>;
const STRATEGIES = ['width', 'depth', 'compound'] as const;

function render(s: Shape): HTMLElement {
  const r = s.result;
  const lines: ChartLine[] = STRATEGIES.map((k, i) => ({
    id: k,
    label: `${k}${k === 'compound' ? ` (depth share ${num(r.compound)})` : '-only'}`,
    color: seriesColor(i),
    points: r.strategies[k].filter((p) => p.loss !== null).map((p) => [p.multiple, p.loss!] as [number, number]),
  }));
  const cell = (p: Shape['result']['levels'][number]['points']['width']) =>
    p ? `<td>${p.width}×${p.depth}</td><td class="num">${p.loss === null ? '<span class="warn-text">diverged</span>' : num(p.loss, 4)}</td><td class="num">${p.wallSeconds === null ? '—' : `${num(p.wallSeconds)} s`}</td>` : '<td>—</td><td></td><td></td>';
  const levelRows = r.levels
    .map((l) => `<tr data-testid="shape-level" data-multiple="${l.multiple}"><td class="num">×${num(l.multiple)}</td>${STRATEGIES.map((k) => cell(l.points[k])).join('')}<td>${l.bestLoss ?? '—'}</td><td>${l.fastest ?? '—'}</td></tr>`)
    .join('');
  const groupRows = r.fixedN
    .map(
      (g) =>
        `<tr data-testid="shape-fixed-n"><td class="num">${formatCount(Math.round(g.nonEmbeddingParams))}</td><td>${g.runs.map((x) => `${x.width}×${x.depth} <span class="dim">(aspect ${num(x.aspectRatio)})</span> ${x.loss === null ? 'diverged' : num(x.loss, 4)}`).join(', ')}</td><td class="num">${num(g.spread)}</td><td class="num">${percent(g.relativeSpread)}</td><td>${g.littleEffect === null ? '—' : g.littleEffect ? 'little' : '<b>matters</b>'}</td></tr>`,
    )
    .join('');
  const k = r.kaplan;
  const verdict =
    k.holds === null
      ? 'No group of equal N has two finished shapes: no verdict.'
      : `Largest loss spread at fixed N: <b>${percent(k.maxRelativeSpread)}</b> over ${k.groups} group${k.groups === 1 ? '' : 's'} (tolerance ${percent(r.tolerance)}): shape <b>${k.holds ? 'matters little' : 'matters'}</b> here.`;
  const root = h(`<div class="study-body">
  <p class="dim">Base model width ${r.base.width} × depth ${r.base.depth}; compute multiple k = (w/w₀)²·(d/d₀). Compound rule: depth's share of the compute growth ${num(r.compound)}.</p>
  <div class="study-charts"><figure data-testid="shape-loss-vs-compute"><figcaption>Final ${esc(s.metric)} vs compute multiple, per scaling strategy</figcaption></figure></div>
  <h3>At equal compute</h3>
  <table class="table compact" data-testid="shape-levels"><thead><tr><th class="num">k</th>${STRATEGIES.map((x) => `<th>${x}</th><th class="num">loss</th><th class="num">time</th>`).join('')}<th>lowest loss</th><th>fastest</th></tr></thead><tbody>${levelRows || '<tr><td colspan="12" class="dim">no compute multiple is reached by two strategies</td></tr>'}</tbody></table>
  <h3>At fixed N (non-embedding parameters)</h3>
  <table class="table compact" data-testid="shape-groups"><thead><tr><th class="num">N</th><th>shapes (width×depth)</th><th class="num">spread</th><th class="num">relative</th><th>shape effect</th></tr></thead><tbody>${groupRows || '<tr><td colspan="5" class="dim">no two shapes share an N</td></tr>'}</tbody></table>
  <p data-testid="shape-verdict">${verdict}</p>
  ${r.offPath.length ? `<p class="dim">Off every strategy path (counted at fixed N only): ${esc(r.offPath.map((x) => `${x.width}×${x.depth}`).join(', '))}</p>` : ''}
</div>`);
  root.querySelector('figure')!.append(
    logLogChart({
      xLabel: 'compute multiple k',
      yLabel: s.metric,
      yLinear: true,
      size: [560, 300],
      lines,
      markers: lines.flatMap((l) => l.points.map(([x, y]) => ({ x, y, color: l.color, label: `${l.label}: ×${num(x)}, ${num(y, 4)}` }))),
      name: 'study-shape-loss-vs-compute',
    }),
    h(legend(lines.map((l) => ({ label: l.label, color: l.color })))),
  );
  return root;
}

export const shapeView: StudyView<Shape> = { paper: 'Dollár et al. 2021 (width, depth, compound scaling); Kaplan et al. 2020 (shape at fixed N)', render };
