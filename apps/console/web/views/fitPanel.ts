/**
 * The current fit: final eval loss against N and against D (log-log) with the law's curve and its
 * 90% band where the report carries bootstrap samples or intervals; parameters; fit history.
 * Grouped fits (one law per curation group) get one coloured curve per group, a table of groups
 * and the question answered in words; Chinchilla fits add the compute-optimal frontier.
 */
import type { Coloring } from '../coloring';
import { groupColors, inGroup } from '../coloring';
import { bandAt, logSpace, placeSingleVar, readFit, type FitView, type LawVar } from '../fit';
import { esc, formatCount, formatTime, formatValue } from '../format';
import { describeGroup, readGroups, targetCompute, type GroupedFit } from '../groups';
import { logLogChart, type ChartBand, type ChartLine, type ChartMarker } from '../plot/chart';
import { intervalChart } from '../plot/intervals';
import type { FitRow, TrialRow } from '../types';
import { renderFrontier } from './frontierPanel';
import { trialLabel } from './trials';

export interface Obs {
  t: TrialRow;
  N?: number;
  D?: number;
  loss: number;
}

const CURVE = '#c2410c';
const AXIS_LABEL: Record<LawVar, string> = { N: 'parameters N', D: 'samples D' };
const AXIS_TITLE: Record<LawVar, string> = { N: 'model size N', D: 'data size D' };

function observations(trials: TrialRow[]): Obs[] {
  const out: Obs[] = [];
  for (const t of trials) {
    const loss = t.final?.eval_loss;
    if (typeof loss !== 'number' || !(loss > 0) || !Number.isFinite(loss)) continue;
    out.push({ t, N: t.params ?? t.config?.params, D: t.data ?? t.config?.data, loss });
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface CurveStyle {
  id: string;
  color: string;
  name: string;
  weight: number;
  /** Most curves per plot at held values of the other variable (more collapse to the median). */
  maxHeld: number;
}

/** Curves of the law along `axis`, one per held value of the other variable (at most maxHeld; else its median). */
function lawCurves(fit: FitView, obs: Obs[], axis: LawVar, style: CurveStyle): { lines: ChartLine[]; bands: ChartBand[] } {
  const lines: ChartLine[] = [];
  const bands: ChartBand[] = [];
  if (!fit.evaluate || !fit.vars.includes(axis)) return { lines, bands };
  const xs = obs.map((o) => o[axis]).filter((v): v is number => v !== undefined && v > 0);
  if (xs.length === 0) return { lines, bands };
  const grid = logSpace(Math.min(...xs) / 1.6, Math.max(...xs) * 1.6, 48);
  const other: LawVar = axis === 'N' ? 'D' : 'N';
  let held: (number | undefined)[] = [undefined];
  if (fit.vars.includes(other)) {
    const vals = [...new Set(obs.map((o) => o[other]).filter((v): v is number => v !== undefined && v > 0))].sort((a, b) => a - b);
    if (vals.length === 0) return { lines, bands };
    held = vals.length <= style.maxHeld ? vals : [median(vals)];
  }
  held.forEach((h, i) => {
    const at = (x: number) => ({ [axis]: x, ...(h !== undefined ? { [other]: h } : {}) }) as Partial<Record<LawVar, number>>;
    const suffix = h !== undefined ? ` at ${other} = ${formatCount(h)}` : '';
    lines.push({
      id: `${style.id}:${axis}:${i}`,
      label: `${style.name}${suffix}`,
      describe: `${style.name}${suffix}`,
      color: style.color,
      weight: style.weight,
      dashed: i > 0,
      points: grid.map((x) => [x, fit.evaluate!(at(x))]),
    });
    const band = grid.map((x) => [x, ...(bandAt(fit, at(x)) ?? [NaN, NaN])] as [number, number, number]);
    if (band.some(([, lo]) => Number.isFinite(lo))) bands.push({ color: style.color, points: band });
  });
  return { lines, bands };
}

function chart(lines: ChartLine[], bands: ChartBand[], markers: ChartMarker[], axis: LawVar): HTMLElement {
  return logLogChart({
    xLabel: AXIS_LABEL[axis],
    yLabel: 'final eval loss',
    lines,
    bands,
    markers,
    formatX: formatCount,
    formatY: formatValue,
    emptyText: 'No finished trials yet.',
    size: [540, 330],
  });
}

function figure(axis: LawVar, caption: string, body: HTMLElement): HTMLElement {
  const fig = document.createElement('figure');
  fig.className = 'fig';
  fig.dataset.axis = axis;
  fig.innerHTML = `<figcaption>${caption}</figcaption>`;
  fig.append(body);
  return fig;
}

function paramsTable(fit: FitView): string {
  const keys = Object.keys(fit.params);
  if (!keys.length) return '';
  const cells = keys
    .map((k) => {
      const iv = fit.intervals[k];
      return `<div class="param"><span class="param-name">${esc(k)}</span><span class="param-value">${formatValue(fit.params[k])}</span>${iv ? `<span class="dim">[${formatValue(iv[0])}, ${formatValue(iv[1])}]</span>` : ''}</div>`;
    })
    .join('');
  return `<div class="params">${cells}</div>`;
}

const bandWords = (fit: FitView) =>
  fit.samples.length >= 5 ? `90% band from ${fit.samples.length} bootstrap fits` : Object.keys(fit.intervals).length ? 'band from parameter intervals' : '';

const interval = (t: FitView['target']) =>
  t ? `<b>${formatValue(t.value)}</b>${Number.isFinite(t.lo) ? ` <span class="dim">[${formatValue(t.lo)}, ${formatValue(t.hi)}]</span>` : ''}` : '—';

function singleFit(fit: FitView, latest: FitRow, obs: Obs[], coloring: Coloring): HTMLElement {
  const root = document.createElement('div');
  const band = bandWords(fit);
  root.insertAdjacentHTML(
    'beforeend',
    `<div class="fit-head" data-testid="fit-summary">
  <div class="formula" data-testid="fit-formula">${esc(fit.formula || fit.law)}</div>
  <div class="dim">${esc(fit.law)}${fit.nPoints !== undefined ? ` · ${fit.nPoints} points` : ''}${fit.converged === false ? ' · <span class="warn-text">not converged</span>' : ''}${band ? ` · ${esc(band)}` : ''} · ${formatTime(latest.createdAt)}</div>
  ${fit.skipped ? `<div class="note">Fit skipped: ${esc(fit.skipped)}</div>` : ''}
  ${fit.target ? `<div class="target"><span class="dim">${esc(fit.target.label)}</span> ${interval(fit.target)}</div>` : ''}
  ${fit.holdoutError !== undefined ? `<div class="dim">held-out error ${(fit.holdoutError * 100).toFixed(1)}%</div>` : ''}
  ${(latest.summary.diagnostics ?? []).map((d) => `<div class="note" data-testid="fit-diagnostic">${esc(d)}</div>`).join('')}
  ${paramsTable(fit)}</div>`,
  );
  const grid = document.createElement('div');
  grid.className = 'grid2';
  for (const axis of ['N', 'D'] as const) {
    const markers = obs.filter((o) => o[axis] !== undefined).map((o) => ({ x: o[axis]!, y: o.loss, color: coloring.of(o.t), label: trialLabel(o.t, o.t.id) }));
    const { lines, bands } = lawCurves(fit, obs, axis, { id: 'fit', color: CURVE, name: `${fit.law} fit`, weight: 2.2, maxHeld: 3 });
    const noTerm = fit.evaluate && !fit.vars.includes(axis) ? `<span class="dim"> · the law has no ${axis} term</span>` : '';
    grid.append(figure(axis, `Final eval loss vs ${AXIS_TITLE[axis]}${noTerm}`, chart(lines, bands, markers, axis)));
  }
  root.append(grid);
  return root;
}

/** Short label of a group for plots: its values without dimension names (`el2n-keep-hard · 0.5`). */
const shortLabel = (values: Record<string, string | number>, key: string) => Object.values(values).join(' · ') || key;

function groupedFit(grouped: GroupedFit, latest: FitRow, obs: Obs[], trials: TrialRow[]): HTMLElement {
  const root = document.createElement('div');
  const colors = groupColors(grouped.groups, grouped.dims, trials);
  const colorOf = (key: string) => colors.get(key) ?? CURVE;
  const best = grouped.best;
  const members = new Map(grouped.groups.map((g) => [g.key, obs.filter((o) => inGroup(o.t, g.values))]));
  // Each group's one-variable law is placed on N or D by its own trials.
  const fits = new Map(grouped.groups.map((g) => [g.key, placeSingleVar(g.fit, members.get(g.key)!)]));
  const bestFit = best ? fits.get(best.key)! : undefined;
  const compute = targetCompute(bestFit?.target?.label);
  const answer = best
    ? `<div class="answer" data-testid="fit-answer"><span class="swatch" style="background:${colorOf(best.key)}"></span>Best${compute ? ` at C=${esc(compute)}` : bestFit?.target ? '' : ' (no target: first fitted group)'}: <b>${esc(describeGroup(best))}</b>${bestFit?.target ? ` <span class="dim">· predicted ${esc(bestFit.target.label.split(' at ')[0])}</span> ${interval(bestFit.target)}` : ''}</div>`
    : `<div class="note">No group has a usable fit yet.</div>`;
  root.insertAdjacentHTML(
    'beforeend',
    `<div class="fit-head" data-testid="fit-summary">${answer}
  ${bestFit ? `<div class="formula" data-testid="fit-formula">${esc(bestFit.formula || bestFit.law)}</div>` : ''}
  <div class="dim">${esc(bestFit?.law ?? '')} · one fit per ${esc(grouped.dims.join(' × '))} group (${grouped.groups.length} groups)${bestFit && bandWords(bestFit) ? ` · ${esc(bandWords(bestFit))}` : ''} · ${formatTime(latest.createdAt)}</div>
  ${bestFit?.target ? `<div class="dim">target: ${esc(bestFit.target.label)}</div>` : ''}</div>`,
  );

  // Lowest prediction at the target first; groups without one (skipped, no target) keep their order at the end.
  const rank = (key: string) => fits.get(key)?.target?.value ?? Infinity;
  const sortedGroups = [...grouped.groups].sort((a, b) => rank(a.key) - rank(b.key));
  const axes = (['N', 'D'] as const).filter((a) => [...fits.values()].some((f) => f.vars.includes(a)));
  const grid = document.createElement('div');
  grid.className = 'grid2';
  for (const axis of axes.length ? axes : (['D'] as const)) {
    const lines: ChartLine[] = [];
    const bands: ChartBand[] = [];
    const markers: ChartMarker[] = [];
    // Best group last, so its curve is drawn on top.
    for (const g of [...grouped.groups].sort((a, b) => Number(a.best) - Number(b.best))) {
      const own = members.get(g.key)!;
      for (const o of own) if (o[axis] !== undefined) markers.push({ x: o[axis]!, y: o.loss, color: colorOf(g.key), label: `${trialLabel(o.t, o.t.id)} ${shortLabel(g.values, g.key)}` });
      const c = lawCurves(fits.get(g.key)!, own, axis, { id: `group:${g.key}`, color: colorOf(g.key), name: shortLabel(g.values, g.key), weight: g.best ? 2.8 : 1.6, maxHeld: 1 });
      lines.push(...c.lines);
      bands.push(...c.bands);
    }
    const single = [...fits.values()].every((f) => f.terms.length <= 1);
    const fig = figure(axis, `Final eval loss vs ${AXIS_TITLE[axis]}${single ? ` (x in the law)` : ''}, one curve per group`, chart(lines, bands, markers, axis));
    // The chart's own legend, best group first and bold, so it reads without the table below.
    const legend = sortedGroups
      .map((g) => `<span class="legend-item${g.best ? ' strong' : ''}" data-group="${esc(g.key)}"><svg width="22" height="8"><line x1="1" x2="21" y1="4" y2="4" stroke="${colorOf(g.key)}" stroke-width="${g.best ? 3 : 2}"/></svg>&nbsp;${esc(shortLabel(g.values, g.key))}</span>`)
      .join('');
    fig.insertAdjacentHTML('beforeend', `<div class="legend"><span class="legend-title">${esc(grouped.dims.join(' · '))}</span>${legend}</div>`);
    grid.append(fig);
  }
  if (axes.length < 2) {
    const rows = sortedGroups
      .map((g) => ({ g, t: fits.get(g.key)!.target }))
      .filter((r) => r.t)
      .map(({ g, t }) => ({ id: g.key, label: shortLabel(g.values, g.key), color: colorOf(g.key), value: t!.value, lo: t!.lo, hi: t!.hi, highlight: g.best }));
    const fig = document.createElement('figure');
    fig.className = 'fig';
    fig.dataset.testid = 'group-targets';
    fig.innerHTML = `<figcaption>Predicted ${esc(compute ? `loss at C=${compute}` : 'loss at the target')}, per group (lower is better)</figcaption>`;
    fig.append(intervalChart(rows, bestFit?.target?.label.split(' (')[0] ?? 'prediction at the target', formatValue));
    grid.append(fig);
  }
  root.append(grid);

  const body = sortedGroups
    .map((g) => {
      const f = fits.get(g.key)!;
      const formula = f.skipped ? `<span class="warn-text">skipped: ${esc(f.skipped)}</span>` : esc(f.formula || f.law);
      return `<tr data-group="${esc(g.key)}"${g.best ? ' class="best" data-best="true"' : ''}><td><span class="swatch" style="background:${colorOf(g.key)}"></span>${esc(describeGroup(g))}${g.best ? ' <span class="badge ok">best</span>' : ''}</td><td class="num">${f.nPoints ?? members.get(g.key)!.length}</td><td class="mono">${formula}</td><td class="num">${interval(f.target)}</td></tr>`;
    })
    .join('');
  root.insertAdjacentHTML(
    'beforeend',
    `<h3>Groups</h3><table class="table compact" data-testid="fit-groups"><thead><tr><th>Group</th><th class="num">Points</th><th>Law</th><th class="num">Target [interval]</th></tr></thead><tbody>${body}</tbody></table>`,
  );
  if (bestFit) root.insertAdjacentHTML('beforeend', `<h3>Best group's parameters</h3>${paramsTable(bestFit)}`);
  return root;
}

export function renderFit(fits: FitRow[], current: FitRow | undefined, trials: TrialRow[], coloring: Coloring): HTMLElement {
  const root = document.createElement('div');
  const latest = current ?? fits[fits.length - 1];
  const obs = observations(trials);
  if (!latest) {
    root.innerHTML = `<div class="fit-head"><div class="dim">No fit yet: the law is refit after each batch of trials.</div></div>`;
    return root;
  }
  const grouped = readGroups(latest);
  const fit = placeSingleVar(readFit(latest), obs);
  root.append(grouped ? groupedFit(grouped, latest, obs, trials) : singleFit(fit, latest, obs, coloring));
  const frontier = renderFrontier(grouped?.best?.fit ?? fit, obs);
  if (frontier) root.append(frontier);
  if (fits.length) {
    const rows = fits
      .map((f, i) => {
        const v = readFit(f);
        const g = readGroups(f)?.best;
        return `<tr><td class="num">${i + 1}</td><td class="dim">${formatTime(f.createdAt)}</td><td class="num">${v.nPoints ?? '—'}</td><td class="mono">${esc(v.skipped ? `skipped: ${v.skipped}` : v.formula || v.law)}${g ? `<div class="dim">best: ${esc(describeGroup(g))}</div>` : ''}</td><td class="num">${v.target ? formatValue(v.target.value) : '—'}</td></tr>`;
      })
      .reverse()
      .join('');
    root.insertAdjacentHTML(
      'beforeend',
      `<h3>Fit history</h3><table class="table compact" data-testid="fit-history"><thead><tr><th class="num">Batch</th><th>Time</th><th class="num">Points</th><th>Law</th><th class="num">Target</th></tr></thead><tbody>${rows}</tbody></table>`,
    );
  }
  return root;
}
