/**
 * The current fit: final eval loss against N and against D (log-log) with the law's curve and its
 * 90% band where the report carries bootstrap samples or intervals; parameters; fit history.
 */
import { bandAt, logSpace, readFit, type FitView, type LawVar } from '../fit';
import { esc, formatCount, formatTime, formatValue } from '../format';
import { logLogChart, type ChartBand, type ChartLine, type ChartMarker } from '../plot/chart';
import type { FitRow, TrialRow } from '../types';
import { trialLabel } from './trials';

interface Obs {
  t: TrialRow;
  N?: number;
  D?: number;
  loss: number;
}

const CURVE = '#c2410c';

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

/** Curves of the law along `axis`, one per held value of the other variable (at most 3; else its median). */
function lawCurves(fit: FitView, obs: Obs[], axis: LawVar): { lines: ChartLine[]; bands: ChartBand[] } {
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
    held = vals.length <= 3 ? vals : [median(vals)];
  }
  held.forEach((h, i) => {
    const at = (x: number) => ({ [axis]: x, ...(h !== undefined ? { [other]: h } : {}) }) as Partial<Record<LawVar, number>>;
    const suffix = h !== undefined ? ` at ${other} = ${formatCount(h)}` : '';
    lines.push({
      id: `fit:${axis}:${i}`,
      label: `fit${suffix}`,
      describe: `${fit.law} fit${suffix}`,
      color: CURVE,
      weight: 2.2,
      dashed: i > 0,
      points: grid.map((x) => [x, fit.evaluate!(at(x))]),
    });
    const band = grid.map((x) => [x, ...(bandAt(fit, at(x)) ?? [NaN, NaN])] as [number, number, number]);
    if (band.some(([, lo]) => Number.isFinite(lo))) bands.push({ color: CURVE, points: band });
  });
  return { lines, bands };
}

function chart(fit: FitView | undefined, obs: Obs[], axis: LawVar, colorOf: (t: TrialRow) => string): HTMLElement {
  const markers: ChartMarker[] = obs
    .filter((o) => o[axis] !== undefined)
    .map((o) => ({ x: o[axis]!, y: o.loss, color: colorOf(o.t), label: trialLabel(o.t, o.t.id) }));
  const { lines, bands } = fit ? lawCurves(fit, obs, axis) : { lines: [], bands: [] };
  return logLogChart({
    xLabel: axis === 'N' ? 'parameters N' : 'samples D',
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

export function renderFit(fits: FitRow[], current: FitRow | undefined, trials: TrialRow[], colorOf: (t: TrialRow) => string): HTMLElement {
  const root = document.createElement('div');
  const latest = current ?? fits[fits.length - 1];
  const fit = latest ? readFit(latest) : undefined;
  const obs = observations(trials);
  const band = fit && (fit.samples.length >= 5 ? `90% band from ${fit.samples.length} bootstrap fits` : Object.keys(fit.intervals).length ? 'band from parameter intervals' : '');
  const head = fit
    ? `<div class="fit-head" data-testid="fit-summary">
  <div class="formula" data-testid="fit-formula">${esc(fit.formula || fit.law)}</div>
  <div class="dim">${esc(fit.law)}${fit.nPoints !== undefined ? ` · ${fit.nPoints} points` : ''}${fit.converged === false ? ' · <span class="warn-text">not converged</span>' : ''}${band ? ` · ${esc(band)}` : ''} · ${formatTime(latest!.createdAt)}</div>
  ${fit.skipped ? `<div class="note">Fit skipped: ${esc(fit.skipped)}</div>` : ''}
  ${fit.target ? `<div class="target"><span class="dim">${esc(fit.target.label)}</span> <b>${formatValue(fit.target.value)}</b>${Number.isFinite(fit.target.lo) ? ` <span class="dim">[${formatValue(fit.target.lo)}, ${formatValue(fit.target.hi)}]</span>` : ''}</div>` : ''}
  ${fit.holdoutError !== undefined ? `<div class="dim">held-out error ${(fit.holdoutError * 100).toFixed(1)}%</div>` : ''}
  ${paramsTable(fit)}</div>`
    : `<div class="fit-head"><div class="dim">No fit yet: the law is refit after each batch of trials.</div></div>`;
  root.insertAdjacentHTML('beforeend', head);
  const grid = document.createElement('div');
  grid.className = 'grid2';
  for (const axis of ['N', 'D'] as const) {
    const fig = document.createElement('figure');
    fig.className = 'fig';
    fig.dataset.axis = axis;
    const noTerm = fit?.evaluate && !fit.vars.includes(axis) ? `<span class="dim"> · the law has no ${axis} term</span>` : '';
    fig.innerHTML = `<figcaption>Final eval loss vs ${axis === 'N' ? 'model size N' : 'data size D'}${noTerm}</figcaption>`;
    fig.append(chart(fit, obs, axis, colorOf));
    grid.append(fig);
  }
  root.append(grid);
  if (fits.length) {
    const rows = fits
      .map((f, i) => {
        const v = readFit(f);
        return `<tr><td class="num">${i + 1}</td><td class="dim">${formatTime(f.createdAt)}</td><td class="num">${v.nPoints ?? '—'}</td><td class="mono">${esc(v.skipped ? `skipped: ${v.skipped}` : v.formula || v.law)}</td><td class="num">${v.target ? formatValue(v.target.value) : '—'}</td></tr>`;
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
