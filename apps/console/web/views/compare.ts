/**
 * Compare view (#/compare?ids=a,b): two or more sweeps on shared axes. Each sweep's latest law is
 * drawn with its band in its own colour: Chinchilla laws as loss along their compute-optimal
 * frontier against compute, with every sweep's runs at their FLOPs, and their frontiers N*(C) and
 * D*(C); one-variable laws against their variable. A table lists each law's parameters with
 * intervals, the target prediction with its interval and the FLOPs spent, all at one level.
 */
import { api } from '../api';
import { hueColor } from '../color';
import { inGroup } from '../coloring';
import { frontierLoss, paramIntervals } from '../comparison';
import { bandAt, degenerate, levelText, logSpace, placeSingleVar, readFit, type FitView, type LawVar } from '../fit';
import { downloadButtons, fileStem } from '../download';
import { esc, formatCount, formatFlops, formatValue } from '../format';
import { frontier, hasFrontier } from '../frontier';
import { describeGroup, readGroups } from '../groups';
import { intervalLevel, LEVELS, setIntervalLevel } from '../level';
import { logLogChart, type ChartBand, type ChartLine, type ChartMarker } from '../plot/chart';
import type { FitRow, SweepDetail, TrialRow } from '../types';
import { coalesce, type View } from './common';
import { LiveConnection } from '../live';
import { intervalText, observations, type Obs } from './fitPanel';

interface Compared {
  id: string;
  detail: SweepDetail;
  trials: TrialRow[];
  color: string;
  /** The law compared: the sweep's own, its best group's, or its primary metric's. */
  fit?: FitView;
  /** What `fit` is when the sweep has several (`best group: …`, `metric eval_loss`). */
  which?: string;
  metric: string;
  obs: Obs[];
}

/** The law a sweep is compared by, placed on N or D by its own runs. */
function comparedFit(row: FitRow | undefined, trials: TrialRow[]): Pick<Compared, 'fit' | 'which' | 'metric' | 'obs'> {
  if (!row) return { metric: 'eval_loss', obs: observations(trials) };
  const grouped = readGroups(row);
  const metricKey = /^metric=(\S+)/.exec((row.summary as { group?: string }).group ?? '')?.[1];
  const metric = metricKey ?? 'eval_loss';
  const obs = observations(trials, metric);
  if (grouped?.best && !metricKey) {
    const own = obs.filter((o) => inGroup(o.t, grouped.best!.values));
    return { fit: placeSingleVar(grouped.best.fit, own), which: `best group: ${describeGroup(grouped.best)}`, metric, obs: own };
  }
  return { fit: placeSingleVar(readFit(row), obs), which: metricKey ? `metric ${metricKey}` : undefined, metric, obs };
}

export function mountCompare(root: HTMLElement, ids: string[]): View {
  let disposed = false;
  let level = intervalLevel();
  root.innerHTML = `<section class="page" data-testid="compare-page">
  <a class="back" href="#/">← All sweeps</a>
  <div class="page-head"><h1>Compare sweeps</h1><p class="sub">${ids.map((id) => `<span class="mono">${esc(id)}</span>`).join(' · ')}</p></div>
  <div id="message" class="error" hidden></div>
  <div class="card"><div class="card-head"><h2>Laws on shared axes</h2><label class="level-pick dim">intervals <select id="level" data-testid="level">${LEVELS.map((l) => `<option value="${l}">${Math.round(l * 100)}%</option>`).join('')}</select></label></div><div id="compare-body"><div class="empty">Loading…</div></div></div>
</section>`;
  const body = root.querySelector<HTMLElement>('#compare-body')!;
  const levelPick = root.querySelector<HTMLSelectElement>('#level')!;
  levelPick.value = String(level);
  let sweeps: Compared[] = [];
  const draw = () => body.replaceChildren(renderComparison(sweeps, level));
  levelPick.addEventListener('change', () => {
    level = Number(levelPick.value);
    setIntervalLevel(level);
    draw();
  });

  if (ids.length < 2) {
    body.innerHTML = `<div class="empty" data-testid="compare-empty">Pick at least two sweeps to compare: tick them in the <a href="#/">sweep list</a> (the address is <code>#/compare?ids=a,b</code>).</div>`;
    return { dispose: () => undefined };
  }
  const load = () =>
    Promise.all(
      ids.map(async (id, i) => {
        const [detail, trials] = await Promise.all([api.sweep(id).catch((err: unknown) => Promise.reject(new Error(`sweep ${id}: ${err instanceof Error ? err.message : String(err)}`))), api.trials(id)]);
        return { id, detail, trials, color: hueColor(i), ...comparedFit(detail.fit, trials) };
      }),
    )
      .then((loaded) => {
        if (disposed) return;
        sweeps = loaded;
        root.querySelector<HTMLElement>('#message')!.hidden = true;
        draw();
      })
      .catch((err: unknown) => {
        if (disposed) return;
        body.innerHTML = '';
        const el = root.querySelector<HTMLElement>('#message')!;
        el.hidden = false;
        el.textContent = err instanceof Error ? err.message : String(err);
      });
  void load();
  // Live: a compared sweep's new status, fit or trial event re-reads all of them (at most once a
  // second), so a comparison opened mid-run follows the sweeps; metric frames alone change nothing here.
  const reload = coalesce(() => void load(), 1000);
  const live = new LiveConnection('', {
    onUpdate: (u) => {
      if (u.kind !== 'metrics' && ids.includes(u.sweepId)) reload();
    },
    onResubscribed: () => reload(),
  });
  return {
    dispose() {
      disposed = true;
      reload.cancel();
      live.close();
    },
  };
}

const sweepName = (s: Compared) => s.detail.sweep.name || s.id;

function figure(caption: string, chart: HTMLElement, key: string, legend: string): HTMLElement {
  const fig = document.createElement('figure');
  fig.className = 'fig';
  fig.dataset.compare = key;
  fig.innerHTML = `<figcaption>${caption}</figcaption>`;
  fig.append(chart);
  fig.insertAdjacentHTML('beforeend', `<div class="legend">${legend}</div>`);
  return fig;
}

const lineKey = (color: string, label: string, dashed = false) =>
  `<span class="legend-item"><svg width="26" height="8"><line x1="1" x2="25" y1="4" y2="4" stroke="${color}" stroke-width="2.2"${dashed ? ' stroke-dasharray="5 4"' : ''}/></svg>&nbsp;${esc(label)}</span>`;

function renderComparison(sweeps: Compared[], level: number): HTMLElement {
  const root = document.createElement('div');
  const sweepKey = sweeps.map((s) => `<span class="legend-item" data-sweep="${esc(s.id)}"><span class="swatch" style="background:${s.color}"></span>${esc(sweepName(s))}</span>`).join('');
  const band = `<span class="legend-item dim">shaded: ${esc(levelText(level))} band</span>`;
  const grid = document.createElement('div');
  grid.className = 'grid2';

  // Loss against compute: Chinchilla laws along their frontier, every sweep's runs at their FLOPs.
  const chinchilla = sweeps.filter((s) => s.fit && hasFrontier(s.fit));
  const flops = sweeps.flatMap((s) => s.obs.map((o) => o.t.flops ?? NaN)).filter((c) => Number.isFinite(c) && c > 0);
  const computes = flops.length ? logSpace(Math.min(...flops) / 3, Math.max(...flops) * 100, 40) : [];
  const lines: ChartLine[] = [];
  const bands: ChartBand[] = [];
  const markers: ChartMarker[] = [];
  for (const s of sweeps) {
    for (const o of s.obs) if ((o.t.flops ?? 0) > 0) markers.push({ x: o.t.flops!, y: o.loss, color: s.color, label: `${sweepName(s)} trial #${o.t.index}`, kind: 'run' });
    const curve = s.fit && computes.length ? frontierLoss(s.fit, computes, level) : undefined;
    if (!curve) continue;
    lines.push({ id: `compare:loss:${s.id}`, label: sweepName(s), describe: `${sweepName(s)} law at the optimal N*, D*`, color: s.color, weight: 2.2, points: curve.map((p) => [p.C, p.loss]) });
    if (curve.some((p) => p.band)) bands.push({ color: s.color, points: curve.map((p) => [p.C, ...(p.band ?? [NaN, NaN])] as [number, number, number]) });
  }
  if (markers.length || lines.length) {
    const chart = logLogChart({ xLabel: 'compute C (FLOPs)', yLabel: 'final loss', lines, bands, markers, formatX: formatFlops, formatY: formatValue, size: [540, 330], emptyText: 'No finished runs.' });
    const note = chinchilla.length < sweeps.length ? ' · laws without a compute-optimal frontier: runs only' : '';
    grid.append(figure(`Final loss vs compute · curves: each Chinchilla law at its compute-optimal N*, D*${note}`, chart, 'loss', `${sweepKey}${band}`));
  }

  // Frontiers N*(C) (solid) and D*(C) (dashed) of every Chinchilla law the data determine.
  const withFrontier = chinchilla.filter((s) => !(s.fit!.identifiability?.undetermined ?? []).some((p) => ['A', 'B', 'alpha', 'beta'].includes(p)));
  if (withFrontier.length && computes.length) {
    const fl: ChartLine[] = [];
    const fb: ChartBand[] = [];
    for (const s of withFrontier) {
      const f = frontier(s.fit!, computes, level);
      fl.push({ id: `compare:N:${s.id}`, label: `${sweepName(s)} N*`, describe: `${sweepName(s)} N*`, color: s.color, weight: 2.2, points: f.points.map((p) => [p.C, p.N]) });
      fl.push({ id: `compare:D:${s.id}`, label: `${sweepName(s)} D*`, describe: `${sweepName(s)} D*`, color: s.color, weight: 1.8, dashed: true, points: f.points.map((p) => [p.C, p.D]) });
      if (f.samples) {
        fb.push({ color: s.color, points: f.points.map((p) => [p.C, ...(p.nBand ?? [NaN, NaN])] as [number, number, number]) });
        fb.push({ color: s.color, points: f.points.map((p) => [p.C, ...(p.dBand ?? [NaN, NaN])] as [number, number, number]) });
      }
    }
    const chart = logLogChart({ xLabel: 'compute C (FLOPs)', yLabel: 'optimal N*, D*', lines: fl, bands: fb, formatX: formatFlops, formatY: formatCount, size: [540, 330] });
    grid.append(figure('Compute-optimal frontiers (C = 6·N·D)', chart, 'frontier', `${sweepKey}${lineKey('#555', 'N* parameters')}${lineKey('#555', 'D* samples', true)}${band}`));
  }

  const off = chinchilla.filter((s) => !withFrontier.includes(s));
  if (off.length) {
    const note = document.createElement('div');
    note.className = 'flag bad frontier-off';
    note.dataset.testid = 'compare-frontier-off';
    note.textContent = `Compute-optimal frontier not drawn for ${off.map(sweepName).join(', ')}: it rests on exponents or coefficients the data do not determine.`;
    grid.append(note);
  }

  // One-variable laws against their own variable.
  for (const axis of ['N', 'D'] as LawVar[]) {
    const own = sweeps.filter((s) => s.fit?.evaluate && s.fit.terms.length === 1 && s.fit.vars[0] === axis);
    if (!own.length) continue;
    const al: ChartLine[] = [];
    const ab: ChartBand[] = [];
    const am: ChartMarker[] = [];
    const xs = own.flatMap((s) => s.obs.map((o) => o[axis] ?? NaN)).filter((v) => v > 0);
    if (!xs.length) continue;
    const xgrid = logSpace(Math.min(...xs) / 1.6, Math.max(...xs) * 1.6, 48);
    for (const s of own) {
      al.push({ id: `compare:${axis}:${s.id}`, label: sweepName(s), describe: `${sweepName(s)} law`, color: s.color, weight: 2.2, points: xgrid.map((x) => [x, s.fit!.evaluate!({ [axis]: x })]) });
      ab.push({ color: s.color, points: xgrid.map((x) => [x, ...(bandAt(s.fit!, { [axis]: x }, level) ?? [NaN, NaN])] as [number, number, number]) });
      for (const o of s.obs) if (o[axis]) am.push({ x: o[axis]!, y: o.loss, color: s.color, label: `${sweepName(s)} trial #${o.t.index}`, kind: 'run' });
    }
    const chart = logLogChart({ xLabel: axis === 'N' ? 'parameters N' : 'samples D', yLabel: 'final loss', lines: al, bands: ab, markers: am, formatX: formatCount, formatY: formatValue, size: [540, 330], yFromMarkers: true });
    grid.append(figure(`One-variable laws: final loss vs ${axis === 'N' ? 'model size N' : 'data size D'}`, chart, `law-${axis}`, `${sweepKey}${band}`));
  }
  if (!grid.childElementCount) grid.innerHTML = `<div class="empty">None of these sweeps has finished runs or a fitted law yet.</div>`;
  root.append(grid);
  root.insertAdjacentHTML('beforeend', `<h3>Laws side by side</h3><div data-download-scope data-download-name="${esc(fileStem(`compare-${sweeps.map((s) => s.id).join('-')}`))}">${downloadButtons(['csv'])}<div class="table-wrap">${table(sweeps, level)}</div></div>`);
  return root;
}

function table(sweeps: Compared[], level: number): string {
  const names = [...new Set(sweeps.flatMap((s) => Object.keys(s.fit?.params ?? {})))];
  const rows = sweeps
    .map((s) => {
      const f = s.fit;
      const ivs = f ? paramIntervals(f, level) : {};
      const why = f ? degenerate(f) : undefined;
      const undetermined = new Set(f?.identifiability?.undetermined ?? []);
      const params = names
        .map((k) => {
          const v = f?.params[k];
          if (v === undefined) return `<td class="num dim">—</td>`;
          const iv = ivs[k];
          const ivText = iv ? `<div class="dim">[${formatValue(iv.lo)}, ${formatValue(iv.hi)}]${iv.level !== level ? ` ${esc(levelText(iv.level))}` : ''}</div>` : '';
          return `<td class="num${undetermined.has(k) ? ' bad-text' : ''}" data-param="${esc(k)}">${formatValue(v)}${ivText}</td>`;
        })
        .join('');
      const exponent = f && hasFrontier(f) ? frontier(f, [1e20], level).a : undefined;
      const law = !f
        ? '<span class="dim">no fit yet</span>'
        : f.skipped
          ? `<span class="warn-text">skipped: ${esc(f.skipped)}</span>`
          : `${esc(f.formula || f.law)}${why ? `<div class="bad-text" data-testid="compare-degenerate">degenerate: ${esc(why)}</div>` : ''}`;
      return `<tr data-sweep="${esc(s.id)}"${why ? ' class="degenerate"' : ''}>
  <td><span class="swatch" style="background:${s.color}"></span><a href="#/sweeps/${encodeURIComponent(s.id)}" class="strong">${esc(sweepName(s))}</a><div class="mono dim">${esc(s.id)}</div>${s.which ? `<div class="dim">${esc(s.which)}</div>` : ''}</td>
  <td class="mono">${law}</td>${params}
  <td class="num" data-testid="compare-target">${f?.target ? `${intervalText(f, level)}<div class="dim">${esc(f.target.label)}</div>` : '—'}</td>
  <td class="num">${exponent ? `${exponent.value.toFixed(3)}${exponent.lo !== undefined ? `<div class="dim">[${exponent.lo.toFixed(3)}, ${exponent.hi!.toFixed(3)}]</div>` : ''}` : '—'}</td>
  <td class="num">${f?.nPoints ?? '—'}</td>
  <td class="num" data-testid="compare-flops">${esc(formatFlops(s.detail.status?.flopsSpent ?? s.detail.sweep.flopsSpent))}</td></tr>`;
    })
    .join('');
  return `<table class="table compact" data-testid="compare-table"><thead><tr><th>Sweep</th><th>Law</th>${names.map((k) => `<th class="num">${esc(k)}</th>`).join('')}<th class="num">Target [${esc(levelText(level))} interval]</th><th class="num" title="N* ∝ C^a">a = β/(α+β)</th><th class="num">Points</th><th class="num">FLOPs spent</th></tr></thead><tbody>${rows}</tbody></table>`;
}
