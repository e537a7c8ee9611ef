/**
 * Explore a sweep's runs (#/sweeps/:id/explore): parallel coordinates over the config dimensions
 * and derived quantities plus a chosen final metric, with a brush per axis (drag along an axis to
 * keep a range, click the axis to clear it), and a configurable scatter of any column against any
 * final metric (log or linear axes, coloured by a third column). The brushes select the same trials
 * in both plots; hovering a line or a point names its trial.
 */
import { api } from '../api';
import { hueColor, ramp } from '../color';
import { axisPosition, brushed, brushFromPositions, trialColumns, type Brush, type Column } from '../columns';
import { offerDownloads } from '../download';
import { esc, formatCount, formatFlops, formatValue } from '../format';
import { linearTicks } from '../plot/intervals';
import { logTicks } from '../plot/scale';
import { forTheme } from '../theme';
import type { TrialRow } from '../types';
import type { View } from './common';
import { trialLabel } from './trials';

interface Choice {
  metric: string;
  x: string;
  y: string;
  color: string;
  xLog: boolean;
  yLog: boolean;
}

/** Values as a researcher reads them: counts and FLOPs short, metrics to 4 digits. */
function formatCell(col: Column, v: number | string | undefined): string {
  if (v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (col.key === 'flops') return formatFlops(v);
  if (col.key === 'params' || col.key === 'data' || col.key === 'config.data' || col.key === 'config.params') return formatCount(v);
  return formatValue(v);
}

/**
 * Colour of each trial by a column: a ramp over numbers (log when all positive), hues over
 * categories; lifted for the dark theme like every plot's colours.
 */
function colorsBy(col: Column | undefined, count: number): (i: number) => string {
  if (!col) return () => forTheme('#2f5bd3');
  if (col.kind === 'category') return (i) => forTheme(col.cells[i] === undefined ? '#9aa3ae' : hueColor(col.distinct.indexOf(col.cells[i]!)));
  const at = axisPosition(col, col.positive);
  return (i) => {
    const p = i < count ? at(col.cells[i]) : undefined;
    return forTheme(p === undefined ? '#9aa3ae' : ramp(p));
  };
}

export function mountExplore(root: HTMLElement, sweepId: string): View {
  let disposed = false;
  root.innerHTML = `<section class="page" data-testid="explore-page">
  <a class="back" href="#/sweeps/${encodeURIComponent(sweepId)}">← Sweep</a>
  <div class="page-head"><h1>Explore runs</h1><p class="sub mono">${esc(sweepId)}</p></div>
  <div id="message" class="error" hidden></div>
  <div id="explore"><div class="card"><div class="empty">Loading…</div></div></div>
</section>`;
  const box = root.querySelector<HTMLElement>('#explore')!;
  let detach: (() => void) | undefined;
  api
    .trials(sweepId)
    .then((trials) => {
      if (!disposed) detach = renderExplore(box, trials);
    })
    .catch((err: unknown) => {
      if (disposed) return;
      box.innerHTML = '';
      const el = root.querySelector<HTMLElement>('#message')!;
      el.hidden = false;
      el.textContent = err instanceof Error ? err.message : String(err);
    });
  return {
    dispose() {
      disposed = true;
      detach?.();
    },
  };
}

function options(cols: Column[], chosen: string, filter: (c: Column) => boolean = () => true, none?: string): string {
  const groups: [Column['source'], string][] = [
    ['config', 'Config'],
    ['derived', 'Derived'],
    ['final', 'Final metrics'],
  ];
  const head = none ? `<option value=""${chosen === '' ? ' selected' : ''}>${esc(none)}</option>` : '';
  return (
    head +
    groups
      .map(([src, label]) => {
        const cs = cols.filter((c) => c.source === src && filter(c));
        return cs.length ? `<optgroup label="${label}">${cs.map((c) => `<option value="${esc(c.key)}"${c.key === chosen ? ' selected' : ''}>${esc(c.label)}</option>`).join('')}</optgroup>` : '';
      })
      .join('')
  );
}

/** Draws the explorer into `box`; returns what removes its window listeners. */
function renderExplore(box: HTMLElement, trials: TrialRow[]): (() => void) | undefined {
  const cols = trialColumns(trials);
  const finals = cols.filter((c) => c.source === 'final' && c.kind === 'number');
  if (trials.length === 0 || finals.length === 0) {
    box.innerHTML = `<div class="card"><div class="empty" data-testid="explore-empty">No finished run with a final metric yet: exploring needs at least one.</div></div>`;
    return undefined;
  }
  const byKey = new Map(cols.map((c) => [c.key, c]));
  const metric0 = (finals.find((c) => c.key === 'final.eval_loss') ?? finals[0]).key;
  const x0 = (cols.find((c) => c.key === 'params') ?? cols.find((c) => c.key === 'config.params') ?? cols.find((c) => c.source !== 'final') ?? cols[0]).key;
  const choice: Choice = { metric: metric0, x: x0, y: metric0, color: cols.find((c) => c.key === 'data' || c.key === 'config.data')?.key ?? '', xLog: byKey.get(x0)!.positive, yLog: byKey.get(metric0)!.positive };
  const brushes = new Map<string, { brush: Brush; p: [number, number] }>();

  box.innerHTML = `<div class="card"><div class="card-head"><h2>Parallel coordinates</h2><span class="dim">one line per run; drag along an axis to keep a range, click it to clear</span>
  <span class="curve-pick dim"><label>metric <select id="pc-metric" data-testid="pc-metric">${options(cols, choice.metric, (c) => c.source === 'final' && c.kind === 'number')}</select></label><button id="pc-clear" data-testid="pc-clear">Clear brushes</button></span></div>
  <div id="pc" data-testid="parallel"></div><div class="dim" id="pc-selected" data-testid="pc-selected"></div></div>
<div class="card"><div class="card-head"><h2>Scatter</h2><span class="dim">any column against any final metric</span></div>
  <div class="explore-controls dim">
    <label>x <select id="sc-x" data-testid="sc-x">${options(cols, choice.x, (c) => c.source !== 'final' || c.kind === 'number')}</select></label>
    <label><select id="sc-xscale" data-testid="sc-xscale"><option value="log">log</option><option value="linear">linear</option></select></label>
    <label>y <select id="sc-y" data-testid="sc-y">${options(cols, choice.y, (c) => c.source === 'final' && c.kind === 'number')}</select></label>
    <label><select id="sc-yscale" data-testid="sc-yscale"><option value="log">log</option><option value="linear">linear</option></select></label>
    <label>colour <select id="sc-color" data-testid="sc-color">${options(cols, choice.color, () => true, 'none')}</select></label>
  </div>
  <div id="scatter" data-testid="scatter"></div></div>`;
  const $ = <T extends HTMLElement>(id: string) => box.querySelector<T>(`#${id}`)!;
  const selectedSet = () => new Set(brushes.size ? brushed(cols, [...brushes.values()].map((b) => b.brush), trials.length) : trials.map((_, i) => i));

  const draw = () => {
    const selected = selectedSet();
    $('pc').replaceChildren(parallel(cols, trials, choice.metric, brushes, selected));
    $('scatter').replaceChildren(scatter(cols, trials, choice, selected));
    const names = [...selected].map((i) => trialLabel(trials[i], trials[i].id));
    $('pc-selected').textContent = brushes.size ? `${selected.size} of ${trials.length} runs in the brushes${names.length ? `: ${names.join(', ')}` : ''}` : `${trials.length} runs; no brush`;
  };
  const syncScales = () => {
    const x = byKey.get(choice.x)!;
    const y = byKey.get(choice.y)!;
    // A log axis needs positive numbers: otherwise the axis is linear and the log choice is off.
    if (!x.positive) choice.xLog = false;
    if (!y.positive) choice.yLog = false;
    $<HTMLSelectElement>('sc-xscale').value = choice.xLog ? 'log' : 'linear';
    $<HTMLSelectElement>('sc-yscale').value = choice.yLog ? 'log' : 'linear';
    $<HTMLSelectElement>('sc-xscale').querySelector<HTMLOptionElement>('option[value="log"]')!.disabled = !x.positive;
    $<HTMLSelectElement>('sc-yscale').querySelector<HTMLOptionElement>('option[value="log"]')!.disabled = !y.positive;
  };
  const pick = (id: string, f: (v: string) => void) =>
    $<HTMLSelectElement>(id).addEventListener('change', (ev) => {
      f((ev.target as HTMLSelectElement).value);
      syncScales();
      draw();
    });
  pick('pc-metric', (v) => {
    brushes.delete(choice.metric);
    choice.metric = v;
  });
  pick('sc-x', (v) => {
    choice.x = v;
    choice.xLog = byKey.get(v)!.positive;
  });
  pick('sc-y', (v) => {
    choice.y = v;
    choice.yLog = byKey.get(v)!.positive;
  });
  pick('sc-xscale', (v) => (choice.xLog = v === 'log'));
  pick('sc-yscale', (v) => (choice.yLog = v === 'log'));
  pick('sc-color', (v) => (choice.color = v));
  $('pc-clear').addEventListener('click', () => {
    brushes.clear();
    draw();
  });
  syncScales();
  draw();
  return attachBrushing($('pc'), cols, brushes, draw);
}

/* Parallel coordinates ------------------------------------------------------------------------ */

const PC = { W: 1000, H: 340, top: 30, bottom: 44, left: 56, right: 56 };
/** The drag area reaches past each axis's ends, so a brush can start beyond the extreme values. */
const HIT_PAD = 10;

/** Axes: every non-final column, then the chosen metric last. */
const pcAxes = (cols: Column[], metric: string) => [...cols.filter((c) => c.source !== 'final'), ...cols.filter((c) => c.key === metric)];
const axisX = (i: number, n: number) => PC.left + (n === 1 ? 0.5 : i / (n - 1)) * (PC.W - PC.left - PC.right);
/** Axis position 0..1 (bottom to top) to pixel y. */
const axisY = (p: number) => PC.H - PC.bottom - p * (PC.H - PC.top - PC.bottom);

function parallel(cols: Column[], trials: TrialRow[], metric: string, brushes: Map<string, { p: [number, number] }>, selected: Set<number>): HTMLElement {
  const root = document.createElement('div');
  root.className = 'chart explore-chart';
  const axes = pcAxes(cols, metric);
  const metricCol = cols.find((c) => c.key === metric)!;
  const colorOf = colorsBy(metricCol, trials.length);
  const pos = axes.map((c) => axisPosition(c, c.kind === 'number' && c.positive));
  const parts: string[] = [];
  trials.forEach((t, i) => {
    const pts = axes.map((c, a) => {
      const p = pos[a](c.cells[i]);
      return p === undefined ? undefined : ([axisX(a, axes.length), axisY(p)] as const);
    });
    // A run without the metric (still running, failed) has no line: nothing to read off it.
    if (pts[pts.length - 1] === undefined) return;
    let d = '';
    let pen = false;
    for (const pt of pts) {
      if (!pt) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${pt[0].toFixed(1)},${pt[1].toFixed(1)}`;
      pen = true;
    }
    const values = axes.map((c) => `${c.label} ${formatCell(c, c.cells[i])}`).join(' · ');
    parts.push(`<path class="pc-line${selected.has(i) ? '' : ' faded'}" data-trial="${esc(t.id)}" data-label="${esc(`${trialLabel(t, t.id)}: ${values}`)}" d="${d}" stroke="${colorOf(i)}"/>`);
  });
  axes.forEach((c, a) => {
    const x = axisX(a, axes.length);
    const log = c.kind === 'number' && c.positive;
    const ticks = axisTicks(c, log).map(({ p, label }) => `<line class="tick" x1="${x - 4}" x2="${x}" y1="${axisY(p).toFixed(1)}" y2="${axisY(p).toFixed(1)}"/><text class="tick-label" x="${x - 7}" y="${axisY(p).toFixed(1)}" dy="0.32em" text-anchor="end">${esc(label)}</text>`);
    const b = brushes.get(c.key);
    const brush = b ? `<rect class="pc-brush" x="${x - 7}" y="${axisY(Math.max(...b.p)).toFixed(1)}" width="14" height="${(axisY(Math.min(...b.p)) - axisY(Math.max(...b.p))).toFixed(1)}"/>` : '';
    parts.push(
      `<g class="pc-axis" data-key="${esc(c.key)}"><line class="axis" x1="${x}" x2="${x}" y1="${PC.top}" y2="${PC.H - PC.bottom}"/>${ticks.join('')}${brush}<text class="axis-label${c.key === metric ? ' strong' : ''}" x="${x}" y="${PC.H - PC.bottom + 20}" text-anchor="middle">${esc(c.label)}</text><text class="dim tick-label" x="${x}" y="${PC.H - PC.bottom + 34}" text-anchor="middle">${c.kind === 'category' ? 'categories' : log ? 'log' : 'linear'}</text><rect class="pc-hit" data-key="${esc(c.key)}" x="${x - 14}" y="${PC.top - HIT_PAD}" width="28" height="${PC.H - PC.top - PC.bottom + 2 * HIT_PAD}"/></g>`,
    );
  });
  root.innerHTML = `<svg viewBox="0 0 ${PC.W} ${PC.H}" role="img" aria-label="parallel coordinates of the runs">${parts.join('')}</svg><div class="readout" hidden></div>`;
  offerDownloads(root, `parallel-coordinates-${metric}`);
  const readout = root.querySelector<HTMLElement>('.readout')!;
  root.addEventListener('mouseover', (ev) => {
    const line = (ev.target as Element).closest<SVGPathElement>('path.pc-line');
    if (!line) return;
    readout.hidden = false;
    readout.textContent = line.dataset.label ?? '';
    readout.style.left = '8px';
    readout.style.top = '0px';
  });
  root.addEventListener('mouseleave', () => (readout.hidden = true));
  return root;
}

/** Tick positions and labels of a column's axis (0..1): decades or round numbers, or each category. */
function axisTicks(c: Column, log: boolean): { p: number; label: string }[] {
  const at = axisPosition(c, log);
  if (c.kind === 'category') return c.distinct.map((v) => ({ p: at(v)!, label: String(v) }));
  const nums = c.distinct as number[];
  const [lo, hi] = [nums[0], nums[nums.length - 1]];
  if (!(hi > lo)) return [{ p: 0.5, label: formatCell(c, lo) }];
  const decades = log ? logTicks(lo, hi).filter((t) => t.label) : [];
  // Under three labelled decades or multiples (a short log range, e.g. losses 2.4–3.4), round numbers instead.
  const ticks = decades.length >= 3 ? decades.map((t) => ({ value: t.value, label: t.label! })) : linearTicks(lo, hi, 4).map((value) => ({ value, label: formatCell(c, value) }));
  const out = ticks.map((t) => ({ p: at(t.value)!, label: t.label })).filter((t) => t.p !== undefined && t.p >= -1e-9 && t.p <= 1 + 1e-9);
  // Few ticks inside a short log range: label the extremes instead.
  return out.length >= 2 ? out : [{ p: 0, label: formatCell(c, lo) }, { p: 1, label: formatCell(c, hi) }];
}

/** Drag along an axis's hit area to brush it; a click without a drag clears that axis's brush. Returns the detach. */
function attachBrushing(host: HTMLElement, cols: Column[], brushes: Map<string, { brush: Brush; p: [number, number] }>, redraw: () => void): () => void {
  let drag: { key: string; p0: number; svg: SVGSVGElement } | undefined;
  const posOf = (ev: MouseEvent, svg: SVGSVGElement) => {
    const box = svg.getBoundingClientRect();
    const y = ((ev.clientY - box.top) / box.height) * PC.H;
    return Math.min(1, Math.max(0, (PC.H - PC.bottom - y) / (PC.H - PC.top - PC.bottom)));
  };
  host.addEventListener('mousedown', (ev) => {
    const hit = (ev.target as Element).closest<SVGRectElement>('rect.pc-hit');
    if (!hit) return;
    ev.preventDefault();
    const svg = hit.ownerSVGElement!;
    drag = { key: hit.dataset.key!, p0: posOf(ev, svg), svg };
  });
  // On the window: a drag may end outside the plot.
  const up = (ev: MouseEvent) => {
    if (!drag) return;
    const d = drag;
    drag = undefined;
    const p1 = posOf(ev, d.svg);
    const col = cols.find((c) => c.key === d.key)!;
    if (Math.abs(p1 - d.p0) < 0.02) brushes.delete(d.key);
    else brushes.set(d.key, { brush: brushFromPositions(col, col.kind === 'number' && col.positive, d.p0, p1), p: [d.p0, p1] });
    redraw();
  };
  window.addEventListener('mouseup', up);
  return () => window.removeEventListener('mouseup', up);
}

/* Scatter ------------------------------------------------------------------------------------- */

const SC = { W: 1000, H: 420, top: 14, bottom: 48, left: 70, right: 20 };

function scatter(cols: Column[], trials: TrialRow[], choice: Choice, selected: Set<number>): HTMLElement {
  const root = document.createElement('div');
  root.className = 'chart explore-chart';
  const xc = cols.find((c) => c.key === choice.x)!;
  const yc = cols.find((c) => c.key === choice.y)!;
  const cc = cols.find((c) => c.key === choice.color);
  const colorOf = colorsBy(cc, trials.length);
  const xAt = axisPosition(xc, choice.xLog);
  const yAt = axisPosition(yc, choice.yLog);
  const inset = 0.04;
  const px = (p: number) => SC.left + (inset + p * (1 - 2 * inset)) * (SC.W - SC.left - SC.right);
  const py = (p: number) => SC.H - SC.bottom - (inset + p * (1 - 2 * inset)) * (SC.H - SC.top - SC.bottom);
  const parts: string[] = [];
  for (const { p, label } of axisTicks(xc, choice.xLog)) parts.push(`<line class="grid" x1="${px(p).toFixed(1)}" x2="${px(p).toFixed(1)}" y1="${SC.top}" y2="${SC.H - SC.bottom}"/><text class="tick-label" x="${px(p).toFixed(1)}" y="${SC.H - SC.bottom + 17}" text-anchor="middle">${esc(label)}</text>`);
  for (const { p, label } of axisTicks(yc, choice.yLog)) parts.push(`<line class="grid" x1="${SC.left}" x2="${SC.W - SC.right}" y1="${py(p).toFixed(1)}" y2="${py(p).toFixed(1)}"/><text class="tick-label" x="${SC.left - 8}" y="${py(p).toFixed(1)}" dy="0.32em" text-anchor="end">${esc(label)}</text>`);
  parts.push(`<line class="axis" x1="${SC.left}" x2="${SC.W - SC.right}" y1="${SC.H - SC.bottom}" y2="${SC.H - SC.bottom}"/><line class="axis" x1="${SC.left}" x2="${SC.left}" y1="${SC.top}" y2="${SC.H - SC.bottom}"/>`);
  const scaleWord = (c: Column, log: boolean) => (c.kind === 'category' ? '' : log ? ' (log)' : ' (linear)');
  parts.push(`<text class="axis-label" x="${(SC.left + SC.W - SC.right) / 2}" y="${SC.H - 10}" text-anchor="middle">${esc(xc.label)}${scaleWord(xc, choice.xLog)}</text>`);
  parts.push(`<text class="axis-label" transform="translate(16 ${(SC.top + SC.H - SC.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yc.label)}${scaleWord(yc, choice.yLog)}</text>`);
  let drawn = 0;
  trials.forEach((t, i) => {
    const [a, b] = [xAt(xc.cells[i]), yAt(yc.cells[i])];
    if (a === undefined || b === undefined) return;
    drawn++;
    const label = `${trialLabel(t, t.id)} · ${xc.label} ${formatCell(xc, xc.cells[i])} · ${yc.label} ${formatCell(yc, yc.cells[i])}${cc ? ` · ${cc.label} ${formatCell(cc, cc.cells[i])}` : ''}`;
    parts.push(`<circle class="pt${selected.has(i) ? '' : ' faded'}" data-trial="${esc(t.id)}" data-label="${esc(label)}" cx="${px(a).toFixed(1)}" cy="${py(b).toFixed(1)}" r="5" fill="${colorOf(i)}"/>`);
  });
  if (drawn === 0) {
    root.innerHTML = `<div class="chart-empty">No run has both ${esc(xc.label)} and ${esc(yc.label)}.</div>`;
    return root;
  }
  root.innerHTML = `<svg viewBox="0 0 ${SC.W} ${SC.H}" role="img" aria-label="${esc(yc.label)} against ${esc(xc.label)}">${parts.join('')}</svg><div class="readout" hidden></div>${cc ? colorKey(cc) : ''}`;
  offerDownloads(root, `${yc.key}-vs-${xc.key}`);
  const readout = root.querySelector<HTMLElement>('.readout')!;
  root.addEventListener('mouseover', (ev) => {
    const pt = (ev.target as Element).closest<SVGCircleElement>('circle.pt');
    if (!pt) return;
    const box = root.querySelector('svg')!.getBoundingClientRect();
    readout.hidden = false;
    readout.textContent = pt.dataset.label ?? '';
    const left = (Number(pt.getAttribute('cx')) / SC.W) * box.width;
    readout.style.left = `${left}px`;
    readout.style.top = `${(Number(pt.getAttribute('cy')) / SC.H) * box.height}px`;
    readout.classList.toggle('flip', left > box.width * 0.6);
  });
  root.addEventListener('mouseout', (ev) => {
    if ((ev.target as Element).closest('circle.pt')) readout.hidden = true;
  });
  return root;
}

/** What the colours mean: the categories, or the ramp's two ends. */
function colorKey(c: Column): string {
  if (c.kind === 'category') return `<div class="legend"><span class="legend-title">${esc(c.label)}</span>${c.distinct.map((v, i) => `<span class="legend-item"><span class="swatch" style="background:${hueColor(i)}"></span>${esc(String(v))}</span>`).join('')}</div>`;
  const nums = c.distinct as number[];
  const stops = Array.from({ length: 6 }, (_, i) => ramp(i / 5)).join(',');
  return `<div class="legend" data-testid="color-key"><span class="legend-title">${esc(c.label)}</span><span class="legend-item">${esc(formatCell(c, nums[0]))}&nbsp;<span class="ramp" style="background:linear-gradient(90deg,${stops})"></span>&nbsp;${esc(formatCell(c, nums[nums.length - 1]))}${c.positive ? ' (log)' : ''}</span></div>`;
}

