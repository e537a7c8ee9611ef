/**
 * The current fit: final loss against N and against D (log-log) with the law's curves and their
 * band at the view's interval level, held-out runs marked, a predicted-vs-actual and a residual
 * plot, parameters and fit history. A two-variable law is drawn as one curve per slice of the
 * other variable, coloured and named by it. Fits the data do not identify are flagged in red, with
 * axes kept on the runs. Grouped fits (one law per curation group) get one coloured curve per
 * group; per-metric fits (`law.metrics`) get one section per metric beside a comparison table;
 * Chinchilla fits add the compute-optimal frontier.
 */
import type { Coloring } from '../coloring';
import { groupColors, inGroup } from '../coloring';
import { sizeColors } from '../color';
import { bandAt, degenerate, levelText, logSpace, placeSingleVar, readFit, targetAt, targetSamples, type FitView, type LawVar } from '../fit';
import { esc, formatCount, formatTime, formatValue } from '../format';
import { describeGroup, readGroups, targetCompute, type GroupFit, type GroupedFit } from '../groups';
import { logLogChart, type ChartBand, type ChartLine, type ChartMarker } from '../plot/chart';
import { intervalChart } from '../plot/intervals';
import type { FitRow, TrialRow } from '../types';
import { renderFrontier } from './frontierPanel';
import { renderResiduals } from './residuals';
import { indistinguishable, separation, type Prediction } from '../separation';
import { trialLabel } from './trials';

export interface Obs {
  t: TrialRow;
  N?: number;
  D?: number;
  loss: number;
}

/** What the fit panel is drawn with: the view's interval level (0.95 unless the reader picks another). */
export interface FitOptions {
  level: number;
}

const CURVE = '#c2410c';
const AXIS_LABEL: Record<LawVar, string> = { N: 'parameters N', D: 'samples D' };
const AXIS_TITLE: Record<LawVar, string> = { N: 'model size N', D: 'data size D' };
/** Most slices drawn per plot; more are thinned to evenly spaced ones. */
const MAX_SLICES = 6;

export function observations(trials: TrialRow[], metric = 'eval_loss'): Obs[] {
  const out: Obs[] = [];
  for (const t of trials) {
    const loss = t.final?.[metric];
    if (typeof loss !== 'number' || !(loss > 0) || !Number.isFinite(loss)) continue;
    out.push({ t, N: t.params ?? t.config?.params, D: t.data ?? t.config?.data, loss });
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const distinct = (xs: (number | undefined)[]) => [...new Set(xs.filter((v): v is number => v !== undefined && v > 0))].sort((a, b) => a - b);

/** At most `n` values, evenly spaced through the sorted list, ends included. */
function thin(values: number[], n: number): number[] {
  if (values.length <= n) return values;
  return [...new Set(Array.from({ length: n }, (_, i) => values[Math.round((i * (values.length - 1)) / (n - 1))]))];
}

interface CurveStyle {
  id: string;
  color: string;
  name: string;
  weight: number;
  /** Most curves per plot at held values of the other variable (more collapse to the median). */
  maxHeld: number;
}

interface Slices {
  lines: ChartLine[];
  bands: ChartBand[];
  /** Colour per held value of the other variable, when the law has one (undefined for 1-D laws). */
  sliceColor?: (v: number | undefined) => string;
  held: number[];
}

/**
 * Curves of the law along `axis`. A two-variable law gets one curve per held value of the other
 * variable (at most maxHeld, thinned evenly; with maxHeld 1, the median), each coloured by that
 * value on a ramp and named at its end (`D = 147k`); a one-variable law gets one curve.
 */
function lawCurves(fit: FitView, obs: Obs[], axis: LawVar, style: CurveStyle, level: number): Slices {
  const out: Slices = { lines: [], bands: [], held: [] };
  if (!fit.evaluate || !fit.vars.includes(axis)) return out;
  const xs = obs.map((o) => o[axis]).filter((v): v is number => v !== undefined && v > 0);
  if (xs.length === 0) return out;
  const grid = logSpace(Math.min(...xs) / 1.6, Math.max(...xs) * 1.6, 48);
  const other: LawVar = axis === 'N' ? 'D' : 'N';
  let held: (number | undefined)[] = [undefined];
  if (fit.vars.includes(other)) {
    const vals = distinct(obs.map((o) => o[other]));
    if (vals.length === 0) return out;
    held = style.maxHeld > 1 ? thin(vals, style.maxHeld) : [median(vals)];
    out.held = held as number[];
    if (style.maxHeld > 1) {
      const ramp = sizeColors(vals);
      out.sliceColor = (v) => ramp(v);
    }
  }
  held.forEach((h, i) => {
    const at = (x: number) => ({ [axis]: x, ...(h !== undefined ? { [other]: h } : {}) }) as Partial<Record<LawVar, number>>;
    const slice = h !== undefined ? `${other} = ${formatCount(h)}` : '';
    const color = out.sliceColor && h !== undefined ? out.sliceColor(h) : style.color;
    out.lines.push({
      id: `${style.id}:${axis}:${i}`,
      label: `${style.name}${slice ? ` at ${slice}` : ''}`,
      describe: `${style.name}${slice ? ` at ${slice}` : ''}`,
      color,
      weight: style.weight,
      endLabel: out.sliceColor ? slice : undefined,
      points: grid.map((x) => [x, fit.evaluate!(at(x))]),
    });
    const band = grid.map((x) => [x, ...(bandAt(fit, at(x), level) ?? [NaN, NaN])] as [number, number, number]);
    if (band.some(([, lo]) => Number.isFinite(lo))) out.bands.push({ color, points: band });
  });
  return out;
}

function chart(lines: ChartLine[], bands: ChartBand[], markers: ChartMarker[], axis: LawVar, yLabel = 'final eval loss'): HTMLElement {
  return logLogChart({
    xLabel: AXIS_LABEL[axis],
    yLabel,
    lines,
    bands,
    markers,
    formatX: formatCount,
    formatY: formatValue,
    emptyText: 'No finished trials yet.',
    size: [540, 330],
    // A degenerate law (1e141·x^-47) must not drag the axis away from the runs.
    yFromMarkers: true,
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

/** A run as a marker: filled circle when fitted, hollow square when held out of the fit. */
export function obsMarker(o: Obs, x: number, color: string, heldOut: Set<string>, label = trialLabel(o.t, o.t.id)): ChartMarker {
  const held = heldOut.has(o.t.id);
  return { x, y: o.loss, color, label: held ? `${label} (held out)` : label, hollow: held, shape: held ? 'square' : 'circle', kind: held ? 'held-out' : 'fitted' };
}

export const markerKey = (held: boolean) =>
  `<span class="legend-item"><svg width="12" height="12"><circle cx="6" cy="6" r="4" fill="#555" stroke="#555"/></svg>&nbsp;fitted run</span>${held ? `<span class="legend-item" data-testid="held-out-key"><svg width="12" height="12"><rect x="2" y="2" width="8" height="8" fill="#fff" stroke="#555" stroke-width="1.6"/></svg>&nbsp;held-out run</span>` : ''}`;

function paramsTable(fit: FitView): string {
  const keys = Object.keys(fit.params);
  if (!keys.length) return '';
  const undetermined = new Set(fit.identifiability?.undetermined ?? []);
  const cells = keys
    .map((k) => {
      const iv = fit.intervals[k];
      const bad = undetermined.has(k);
      return `<div class="param${bad ? ' undetermined' : ''}"${bad ? ' title="not determined by the data"' : ''}><span class="param-name">${esc(k)}</span><span class="param-value">${formatValue(fit.params[k])}</span>${iv ? `<span class="dim">[${formatValue(iv[0])}, ${formatValue(iv[1])}]</span>` : ''}</div>`;
    })
    .join('');
  return `<div class="params">${cells}</div>`;
}

const bandWords = (fit: FitView, level: number) =>
  fit.samples.length >= 5 ? `${levelText(level)} band from ${fit.samples.length} bootstrap fits` : Object.keys(fit.intervals).length ? 'band from the parameter intervals' : '';

/** A target with its interval and the interval's level, e.g. `3.21 [3.1, 3.3] 95%`. */
export function intervalText(fit: FitView, level: number): string {
  const t = targetAt(fit, level);
  if (!t) return '—';
  return `<b>${formatValue(t.value)}</b>${Number.isFinite(t.lo) ? ` <span class="dim">[${formatValue(t.lo)}, ${formatValue(t.hi)}] <span class="level" data-testid="target-level">${levelText(t.level)}</span></span>` : ''}`;
}

const degenerateNote = (fit: FitView) => {
  const why = degenerate(fit);
  if (!why) return '';
  const head = fit.identifiability?.verdict === 'partly-identified' ? 'Partly identified fit' : 'Degenerate fit';
  const what = head === 'Degenerate fit' ? 'Its curve and parameters are not findings; the axes stay on the runs.' : 'Those parameters (in red) are not findings.';
  return `<div class="flag bad" data-testid="fit-degenerate"><b>${head}</b>: ${esc(why)}. ${what}</div>`;
};

function singleFit(fit: FitView, latest: FitRow, obs: Obs[], coloring: Coloring, opts: FitOptions, metric = 'eval_loss'): HTMLElement {
  const root = document.createElement('div');
  const band = bandWords(fit, opts.level);
  // Struck through only when the whole law is unusable; a partly identified one keeps its formula, flagged.
  const bad = degenerate(fit) === undefined ? '' : fit.identifiability?.verdict === 'partly-identified' ? ' partly' : ' degenerate';
  const held = obs.filter((o) => fit.heldOut.has(o.t.id)).length;
  root.insertAdjacentHTML(
    'beforeend',
    `<div class="fit-head" data-testid="fit-summary">
  <div class="formula${bad}" data-testid="fit-formula">${esc(fit.formula || fit.law)}</div>
  <div class="dim">${esc(fit.law)}${fit.nPoints !== undefined ? ` · ${fit.nPoints} points` : ''}${fit.converged === false ? ' · <span class="warn-text">not converged</span>' : ''}${band ? ` · <span data-testid="band-level">${esc(band)}</span>` : ''} · ${formatTime(latest.createdAt)}</div>
  ${degenerateNote(fit)}
  ${fit.skipped ? `<div class="note">Fit skipped: ${esc(fit.skipped)}</div>` : ''}
  ${fit.target ? `<div class="target" data-testid="fit-target"><span class="dim">${esc(fit.target.label)}</span> ${intervalText(fit, opts.level)}</div>` : ''}
  ${fit.holdoutError !== undefined ? `<div class="dim" data-testid="holdout-error">held-out error ${(fit.holdoutError * 100).toFixed(1)}%${held ? ` over ${held} held-out run${held === 1 ? '' : 's'} (hollow squares)` : ''}</div>` : ''}
  ${fit.diagnostics.map((d) => `<div class="note" data-testid="fit-diagnostic">${esc(d)}</div>`).join('')}
  ${paramsTable(fit)}</div>`,
  );
  const grid = document.createElement('div');
  grid.className = 'grid2';
  const yLabel = `final ${metric}`;
  for (const axis of ['N', 'D'] as const) {
    const curves = lawCurves(fit, obs, axis, { id: 'fit', color: CURVE, name: `${fit.law} fit`, weight: 2.2, maxHeld: MAX_SLICES }, opts.level);
    const other: LawVar = axis === 'N' ? 'D' : 'N';
    // Colour says the slice (the other variable), never the x axis; 1-D laws keep the trial colours.
    const colorOf = (o: Obs) => (curves.sliceColor ? curves.sliceColor(o[other]) : coloring.of(o.t));
    const markers = obs.filter((o) => o[axis] !== undefined).map((o) => obsMarker(o, o[axis]!, colorOf(o), fit.heldOut));
    const noTerm = fit.evaluate && !fit.vars.includes(axis) ? `<span class="dim"> · the law has no ${axis} term</span>` : '';
    const sliced = curves.sliceColor ? ` · one curve per ${other}` : '';
    const fig = figure(axis, `Final ${esc(metric)} vs ${AXIS_TITLE[axis]}${sliced}${noTerm}`, chart(curves.lines, curves.bands, markers, axis, yLabel));
    const slices = curves.sliceColor
      ? `<span class="legend-title">${AXIS_LABEL[other]}</span>${curves.held.map((h) => `<span class="legend-item" data-slice="${h}"><span class="swatch" style="background:${curves.sliceColor!(h)}"></span>${esc(formatCount(h))}</span>`).join('')}`
      : '';
    fig.insertAdjacentHTML('beforeend', `<div class="legend">${slices}${markerKey(held > 0)}${band ? `<span class="legend-item dim">shaded: ${esc(levelText(opts.level))} band</span>` : ''}</div>`);
    grid.append(fig);
  }
  root.append(grid);
  const residuals = renderResiduals(fit, obs, opts.level, metric);
  if (residuals) root.append(residuals);
  return root;
}

/** Short label of a group for plots: its values without dimension names (`el2n-keep-hard · 0.5`). */
const shortLabel = (values: Record<string, string | number>, key: string) => Object.values(values).join(' · ') || key;
function groupedFit(grouped: GroupedFit, latest: FitRow, obs: Obs[], trials: TrialRow[], opts: FitOptions, metric = 'eval_loss'): HTMLElement {
  const root = document.createElement('div');
  const colors = groupColors(grouped.groups, grouped.dims, trials);
  const colorOf = (key: string) => colors.get(key) ?? CURVE;
  const best = grouped.best;
  const members = new Map(grouped.groups.map((g) => [g.key, obs.filter((o) => inGroup(o.t, g.values))]));
  // Each group's one-variable law is placed on N or D by its own trials.
  const fits = new Map(grouped.groups.map((g) => [g.key, placeSingleVar(g.fit, members.get(g.key)!)]));
  const bestFit = best ? fits.get(best.key)! : undefined;
  const compute = targetCompute(bestFit?.target?.label);
  const separated = best && bestFit ? bestSeparation(best, bestFit, grouped.groups, fits, opts.level) : { html: '', tied: new Set<string>() };
  const answer = best
    ? `<div class="answer" data-testid="fit-answer"><span class="swatch" style="background:${colorOf(best.key)}"></span>Best${compute ? ` at C=${esc(compute)}` : bestFit?.target ? '' : ' (no target: first fitted group)'}: <b>${esc(describeGroup(best))}</b>${bestFit?.target ? ` <span class="dim">· predicted ${esc(bestFit.target.label.split(' at ')[0])}</span> ${intervalText(bestFit, opts.level)}` : ''}</div>`
    : `<div class="note">No group has a usable fit yet.</div>`;
  root.insertAdjacentHTML(
    'beforeend',
    `<div class="fit-head" data-testid="fit-summary">${answer}
  ${bestFit ? `<div class="formula" data-testid="fit-formula">${esc(bestFit.formula || bestFit.law)}</div>` : ''}
  <div class="dim">${esc(bestFit?.law ?? '')} · one fit per ${esc(grouped.dims.join(' × '))} group (${grouped.groups.length} groups)${bestFit && bandWords(bestFit, opts.level) ? ` · <span data-testid="band-level">${esc(bandWords(bestFit, opts.level))}</span>` : ''} · ${formatTime(latest.createdAt)}</div>
  ${bestFit?.target ? `<div class="dim">target: ${esc(bestFit.target.label)}</div>` : ''}
  ${separated.html}
  ${bestFit ? degenerateNote(bestFit) : ''}</div>`,
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
      const f = fits.get(g.key)!;
      for (const o of own) if (o[axis] !== undefined) markers.push(obsMarker(o, o[axis]!, colorOf(g.key), f.heldOut, `${trialLabel(o.t, o.t.id)} ${shortLabel(g.values, g.key)}`));
      const c = lawCurves(f, own, axis, { id: `group:${g.key}`, color: colorOf(g.key), name: shortLabel(g.values, g.key), weight: g.best ? 2.8 : 1.6, maxHeld: 1 }, opts.level);
      lines.push(...c.lines);
      bands.push(...c.bands);
    }
    const single = [...fits.values()].every((f) => f.terms.length <= 1);
    const fig = figure(axis, `Final eval loss vs ${AXIS_TITLE[axis]}${single ? ` (x in the law)` : ''}, one curve per group`, chart(lines, bands, markers, axis, `final ${metric}`));
    // The chart's own legend, best group first and bold, so it reads without the table below.
    const legend = sortedGroups
      .map((g) => `<span class="legend-item${g.best ? ' strong' : ''}" data-group="${esc(g.key)}"><svg width="22" height="8"><line x1="1" x2="21" y1="4" y2="4" stroke="${colorOf(g.key)}" stroke-width="${g.best ? 3 : 2}"/></svg>&nbsp;${esc(shortLabel(g.values, g.key))}</span>`)
      .join('');
    const anyHeld = markers.some((m) => m.kind === 'held-out');
    fig.insertAdjacentHTML('beforeend', `<div class="legend"><span class="legend-title">${esc(grouped.dims.join(' · '))}</span>${legend}${markerKey(anyHeld)}<span class="legend-item dim">shaded: ${esc(levelText(opts.level))} band</span></div>`);
    grid.append(fig);
  }
  if (axes.length < 2) {
    const rows = sortedGroups
      .map((g) => ({ g, t: targetAt(fits.get(g.key)!, opts.level) }))
      .filter((r) => r.t)
      .map(({ g, t }) => ({ id: g.key, label: shortLabel(g.values, g.key), color: colorOf(g.key), value: t!.value, lo: t!.lo, hi: t!.hi, highlight: g.best, level: t!.level }));
    const levels = [...new Set(rows.map((r) => r.level))];
    const fig = document.createElement('figure');
    fig.className = 'fig';
    fig.dataset.testid = 'group-targets';
    fig.innerHTML = `<figcaption>Predicted ${esc(compute ? `loss at C=${compute}` : 'loss at the target')}, per group, with ${esc(levels.map(levelText).join(' / ') || levelText(opts.level))} intervals (lower is better)</figcaption>`;
    fig.append(intervalChart(rows, bestFit?.target?.label.split(' (')[0] ?? 'prediction at the target', formatValue));
    grid.append(fig);
  }
  root.append(grid);

  const body = sortedGroups
    .map((g) => {
      const f = fits.get(g.key)!;
      const why = degenerate(f);
      const formula = f.skipped ? `<span class="warn-text">skipped: ${esc(f.skipped)}</span>` : `${esc(f.formula || f.law)}${why ? `<div class="bad-text" data-testid="group-degenerate">degenerate: ${esc(why)}</div>` : ''}`;
      return `<tr data-group="${esc(g.key)}"${g.best ? ' class="best" data-best="true"' : why ? ' class="degenerate"' : ''}><td><span class="swatch" style="background:${colorOf(g.key)}"></span>${esc(describeGroup(g))}${g.best ? ' <span class="badge ok">best</span>' : ''}${separated.tied.has(g.key) ? ` <span class="badge warn" data-testid="tied-badge" title="indistinguishable from the best at ${esc(levelText(opts.level))}">tied with best</span>` : ''}</td><td class="num">${f.nPoints ?? members.get(g.key)!.length}</td><td class="mono">${formula}</td><td class="num">${intervalText(f, opts.level)}</td></tr>`;
    })
    .join('');
  root.insertAdjacentHTML(
    'beforeend',
    `<h3>Groups</h3><div class="table-wrap"><table class="table compact" data-testid="fit-groups"><thead><tr><th>Group</th><th class="num">Points</th><th>Law</th><th class="num">Target [${esc(levelText(opts.level))} interval]</th></tr></thead><tbody>${body}</tbody></table></div>`,
  );
  if (bestFit) root.insertAdjacentHTML('beforeend', `<h3>Best group's parameters</h3>${paramsTable(bestFit)}`);
  return root;
}

/** A group's prediction at the target at `level`: its bootstrap draws when it has them, and its interval. */
function prediction(fit: FitView, level: number): Prediction | undefined {
  const t = targetAt(fit, level);
  if (!t || !Number.isFinite(t.value)) return undefined;
  return { value: t.value, lo: t.lo, hi: t.hi, samples: targetSamples(fit) };
}

/**
 * Whether the best group is better than the others by more than chance, at the page's level (see
 * separation.ts): names every group it cannot be told apart from, or says the runner-up is separable.
 * Returns that sentence and the tied groups' keys (badged in the groups table).
 */
function bestSeparation(best: GroupFit, bestFit: FitView, groups: GroupFit[], fits: Map<string, FitView>, level: number): { html: string; tied: Set<string> } {
  const none = { html: '', tied: new Set<string>() };
  const mine = prediction(bestFit, level);
  if (!mine) return none;
  const others = groups
    .filter((g) => g.key !== best.key)
    .map((g) => ({ key: g, prediction: prediction(fits.get(g.key)!, level) }))
    .filter((c): c is { key: GroupFit; prediction: Prediction } => c.prediction !== undefined)
    .sort((a, b) => a.prediction.value - b.prediction.value);
  if (others.length === 0) return none;
  const { ties, untested } = indistinguishable(mine, others, level);
  const diff = (d?: [number, number]) => (d ? ` [${formatValue(d[0])}, ${formatValue(d[1])}]` : '');
  const lvl = esc(levelText(level));
  let text = '';
  if (ties.length) {
    const names = ties.map((t) => `<b>${esc(describeGroup(t.key))}</b>`).join(', ');
    const first = ties[0].test;
    const why = first.method === 'bootstrap' ? `the bootstrap difference of the predictions includes 0${diff(first.difference)}` : 'their intervals overlap';
    text = `<div class="tie" data-testid="best-tie">Indistinguishable from ${names} at ${lvl}: ${why}. Read these groups as tied, not ranked.</div>`;
  } else {
    const runnerUp = others.find((o) => !untested.includes(o.key));
    const test = runnerUp && separation(mine, runnerUp.prediction, level);
    if (runnerUp && test) {
      const why = test.method === 'bootstrap' ? `the bootstrap difference of the predictions excludes 0${diff(test.difference)}` : 'their intervals do not overlap';
      text = `<div class="dim" data-testid="best-separable">Separable from the runner-up ${esc(describeGroup(runnerUp.key))} at ${lvl}: ${why}.</div>`;
    }
  }
  if (untested.length) text += `<div class="dim">Not tested against ${untested.map((g) => esc(describeGroup(g))).join(', ')}: no bootstrap draws or interval.</div>`;
  return { html: text, tied: new Set(ties.map((t) => t.key.key)) };
}

/** `metric=eval_loss[ <group>]` → `eval_loss`; undefined for a key that is not per metric. */
const metricOf = (key: string) => /^metric=(\S+)/.exec(key)?.[1];

/**
 * Per-metric fits (`law.metrics`): a table comparing the metrics' laws side by side, then one
 * section per metric, each drawn against that metric's final values.
 */
function metricFits(grouped: GroupedFit, latest: FitRow, trials: TrialRow[], coloring: Coloring, opts: FitOptions): HTMLElement {
  const root = document.createElement('div');
  const byMetric = new Map<string, GroupFit[]>();
  for (const g of grouped.groups) {
    const m = metricOf(g.key)!;
    (byMetric.get(m) ?? byMetric.set(m, []).get(m)!).push(g);
  }
  const rows = [...byMetric.entries()]
    .map(([metric, gs]) => {
      const g = gs.find((x) => x.best) ?? gs[0];
      const f = placeSingleVar(g.fit, observations(trials, metric));
      const why = degenerate(f);
      return `<tr data-metric="${esc(metric)}"${why ? ' class="degenerate"' : ''}><td class="mono">${esc(metric)}${gs.length > 1 ? ` <span class="dim">(${gs.length} groups)</span>` : ''}</td><td class="mono">${esc(f.skipped ? `skipped: ${f.skipped}` : f.formula || f.law)}${why ? `<div class="bad-text">degenerate: ${esc(why)}</div>` : ''}</td><td class="num">${intervalText(f, opts.level)}</td><td class="num">${f.holdoutError !== undefined ? `${(f.holdoutError * 100).toFixed(1)}%` : '—'}</td></tr>`;
    })
    .join('');
  root.insertAdjacentHTML(
    'beforeend',
    `<div class="table-wrap"><table class="table compact" data-testid="metric-fits"><thead><tr><th>Metric</th><th>Law</th><th class="num">Target [${esc(levelText(opts.level))} interval]</th><th class="num">Held-out error</th></tr></thead><tbody>${rows}</tbody></table></div>`,
  );
  for (const [metric, gs] of byMetric) {
    const section = document.createElement('section');
    section.className = 'metric-fit';
    section.dataset.metric = metric;
    section.insertAdjacentHTML('beforeend', `<h3 class="metric-title">${esc(metric)}</h3>`);
    const obs = observations(trials, metric);
    const curationGroups = gs.filter((g) => Object.keys(g.values).length > 0);
    if (curationGroups.length) {
      const sub: GroupedFit = { groups: curationGroups, dims: Object.keys(curationGroups[0].values), best: curationGroups.find((g) => g.best) };
      section.append(groupedFit(sub, latest, obs, trials, opts, metric));
    } else section.append(singleFit(placeSingleVar(gs[0].fit, obs), latest, obs, coloring, opts, metric));
    root.append(section);
  }
  return root;
}

export function renderFit(fits: FitRow[], current: FitRow | undefined, trials: TrialRow[], coloring: Coloring, opts: FitOptions = { level: 0.95 }): HTMLElement {
  const root = document.createElement('div');
  const latest = current ?? fits[fits.length - 1];
  const obs = observations(trials);
  if (!latest) {
    root.innerHTML = `<div class="fit-head"><div class="dim">No fit yet: the law is refit after each batch of trials.</div></div>`;
    return root;
  }
  const grouped = readGroups(latest);
  const perMetric = grouped && grouped.groups.length > 0 && grouped.groups.every((g) => metricOf(g.key) !== undefined);
  const fit = placeSingleVar(readFit(latest), obs);
  if (perMetric) root.append(metricFits(grouped, latest, trials, coloring, opts));
  else root.append(grouped ? groupedFit(grouped, latest, obs, trials, opts) : singleFit(fit, latest, obs, coloring, opts));
  const frontier = renderFrontier(perMetric ? fit : (grouped?.best?.fit ?? fit), obs, opts.level, fit.heldOut);
  if (frontier) root.append(frontier);
  if (fits.length) {
    const rows = fits
      .map((f, i) => {
        const v = readFit(f);
        const g = readGroups(f)?.best;
        const why = degenerate(v);
        return `<tr${why ? ' class="degenerate"' : ''}><td class="num">${i + 1}</td><td class="dim">${formatTime(f.createdAt)}</td><td class="num">${v.nPoints ?? '—'}</td><td class="mono">${esc(v.skipped ? `skipped: ${v.skipped}` : v.formula || v.law)}${why ? `<div class="bad-text">degenerate: ${esc(why)}</div>` : ''}${g ? `<div class="dim">best: ${esc(describeGroup(g))}</div>` : ''}</td><td class="num">${v.target ? formatValue(v.target.value) : '—'}</td></tr>`;
      })
      .reverse()
      .join('');
    root.insertAdjacentHTML(
      'beforeend',
      `<h3>Fit history</h3><div class="table-wrap"><table class="table compact" data-testid="fit-history"><thead><tr><th class="num">Batch</th><th>Time</th><th class="num">Points</th><th>Law</th><th class="num">Target</th></tr></thead><tbody>${rows}</tbody></table></div>`,
    );
  }
  return root;
}
