/**
 * Sweep detail: header (status, phase, budget bar, pause/resume/cancel, the stop reason in words),
 * live loss curves, the current fit at the view's interval level and the trial table. REST gives the initial state; the websocket subscription keeps
 * it live, and every (re)subscription re-reads REST to fill whatever the socket missed.
 */
import { api, GatewayError } from '../api';
import { trialColoring } from '../coloring';
import { LOSS_VIEW, metricGroups, readCurveChoice, writeCurveChoice, type CurveChoice, type YScale } from '../curveChoice';
import { readFit } from '../fit';
import { intervalLevel, LEVELS, setIntervalLevel } from '../level';
import { esc, formatCount, formatFlops, formatTime } from '../format';
import { LiveConnection } from '../live';
import { SeriesStore } from '../series';
import { adoptUrlToken, askForSession } from '../token';
import type { FitRow, LiveSweep, SweepDetail, TrialRow } from '../types';
import type { LiveUpdate } from '@slab/proto';
import { badge, coalesce, setLiveState, type View } from './common';
import { renderCurves } from './curves';
import { renderFit } from './fitPanel';
import { mountStudySection } from './study/section';
import { renderHistory } from './history';
import { mountTrialTable } from './trials';
import { dataUnit, readCurveAxes, writeCurveAxes, type CurveAxes } from '../curveAxis';
import { timelines as readTimelines, type TrialTimeline } from '../trialInfo';

export function mountDetail(root: HTMLElement, sweepId: string): View {
  root.innerHTML = `<section class="page">
  <a class="back" href="#/">← All sweeps</a> <a class="back explore-link" data-testid="explore-link" href="#/sweeps/${encodeURIComponent(sweepId)}/explore">Explore runs →</a>
  <div id="head" class="page-head"><h1>${esc(sweepId)}</h1><p class="sub">Loading…</p></div>
  <div id="message" class="error" hidden></div>
  <div class="card" id="study-card" data-testid="study-card" hidden><div class="card-head"><h2>Study</h2><span class="dim">the paper's answer, computed after each batch</span></div><div id="study"></div></div>
  <div class="card"><div class="card-head"><h2>Curves</h2><span class="dim" id="curves-note">per trial, colour by model size</span><span class="curve-pick dim"><label>metric <select id="curve-metric" data-testid="curve-metric"></select></label><label>y <select id="curve-y" data-testid="curve-y"><option value="log">log</option><option value="linear">linear</option></select></label><label>x <select id="curve-x" data-testid="curve-x"><option value="step">step</option><option value="data">data seen</option><option value="flops">FLOPs</option></select></label><select id="curve-xs" data-testid="curve-xs" aria-label="x scale"><option value="log">log</option><option value="linear">linear</option></select><label class="smooth-pick">smooth <input id="curve-smooth" data-testid="curve-smooth" type="range" min="0" max="0.99" step="0.01" value="0"><span id="curve-smooth-value">off</span></label></span></div><div id="curves" data-testid="curves"></div></div>
  <div class="card" id="fit-card"><div class="card-head"><h2>Current fit</h2><label class="level-pick dim">intervals <select id="level" data-testid="level">${LEVELS.map((l) => `<option value="${l}">${Math.round(l * 100)}%</option>`).join('')}</select></label></div><div id="fit" data-testid="fit-panel"></div></div>
  <div class="card" id="history-card" hidden><div class="card-head"><h2>Fit history</h2><span class="dim">the target's prediction and interval against FLOPs spent, batch by batch</span></div><div id="history"></div></div>
  <div class="card"><div class="card-head"><h2>Trials</h2><span class="dim" id="trial-count"></span></div><div id="trials" data-testid="trials"></div></div>
</section>`;
  const $ = (id: string) => root.querySelector<HTMLElement>(`#${id}`)!;
  const series = new SeriesStore();
  let detail: SweepDetail | undefined;
  let trials: TrialRow[] = [];
  let fits: FitRow[] = [];
  let disposed = false;
  let level = intervalLevel();
  /** Legend key isolated in the curves (see renderCurves), kept across live re-renders. */
  let isolated: string | undefined;
  /** Metric and y scale of the curves, read from and written to the address. */
  let curve: CurveChoice = readCurveChoice(location.hash);
  /** x quantity, x scale and smoothing of the curves, also kept in the address. */
  let axes: CurveAxes = readCurveAxes(location.hash);
  /** Per-trial attempts, durations and steps from the stored events. */
  let timelines = new Map<string, TrialTimeline>();
  const table = mountTrialTable($('trials'), (shown, total) => ($('trial-count').textContent = total ? (shown === total ? `${total} trials` : `${shown} of ${total} shown`) : ''));
  const metricPick = root.querySelector<HTMLSelectElement>('#curve-metric')!;
  const yPick = root.querySelector<HTMLSelectElement>('#curve-y')!;
  /** The metric names the picker was last built from, to rebuild it only when one appears. */
  let pickedFrom = '';
  const levelPick = root.querySelector<HTMLSelectElement>('#level')!;
  const study = mountStudySection($('study-card'), $('study'), sweepId);
  levelPick.value = String(level);

  const trialsById = () => new Map(trials.map((t) => [t.id, t]));
  const coloring = () => trialColoring(trials);
  const latestFit = () => detail?.fit ?? fits[fits.length - 1];
  const heldOut = () => {
    const f = latestFit();
    return f ? readFit(f).heldOut : new Set<string>();
  };

  const showError = (err: unknown) => {
    const el = $('message');
    el.hidden = false;
    el.textContent = err instanceof Error ? err.message : String(err);
  };

  const draw = {
    head: coalesce(() => ($('head').innerHTML = header(detail, sweepId)), 50),
    curves: coalesce(() => {
      const c = coloring();
      $('curves-note').textContent = c.by === 'trial' ? 'one colour per trial; click a legend entry to isolate it' : `colour by ${c.by}; click a legend entry to isolate it`;
      fillMetricPick();
      $('curves').replaceChildren(renderCurves(series, trialsById(), c, { isolated, heldOut: heldOut(), metric: curve.metric, y: curve.y, axes, timelines, dataUnit: dataUnit(series.names()) }));
    }, 150),
    fit: coalesce(() => $('fit').replaceChildren(renderFit(fits, detail?.fit, trials, coloring(), { level })), 150),
    history: coalesce(() => {
      const phase = detail?.status?.phase ?? detail?.sweep.status ?? '';
      const chart = renderHistory(fits, trials, { level, stopReason: detail?.sweep.stopReason ?? detail?.status?.stopReason, stopped: ['completed', 'cancelled', 'failed'].includes(phase) });
      $('history-card').hidden = !chart;
      $('history').replaceChildren(...(chart ? [chart] : []));
    }, 150),
    trials: coalesce(() => {
      table.update({ sweepId, trials, series, colorOf: coloring().of, heldOut: heldOut(), timelines });
    }, 150),
  };
  /** Options: the metrics present, grouped; the chosen one is kept even before its first point. */
  const fillMetricPick = () => {
    const names = series.names();
    if (curve.metric !== LOSS_VIEW && !names.includes(curve.metric)) names.push(curve.metric);
    const signature = names.sort().join('\n');
    if (signature !== pickedFrom) {
      pickedFrom = signature;
      const groups = metricGroups(names);
      if (!groups.some((g) => g.metrics.includes(LOSS_VIEW))) groups.unshift({ label: 'Losses', metrics: [LOSS_VIEW] });
      metricPick.innerHTML = groups
        .map((g) => `<optgroup label="${esc(g.label)}">${g.metrics.map((m) => `<option value="${esc(m)}">${m === LOSS_VIEW ? 'loss (train, eval)' : esc(m)}</option>`).join('')}</optgroup>`)
        .join('');
    }
    metricPick.value = curve.metric;
    yPick.value = curve.y;
  };
  const chooseCurve = (next: CurveChoice) => {
    curve = next;
    // replaceState, not location.hash: a hashchange would remount the page.
    history.replaceState(null, '', writeCurveChoice(location.hash, curve) || '#/');
    draw.curves();
  };
  metricPick.addEventListener('change', () => chooseCurve(readCurveChoice(`?curve=${encodeURIComponent(metricPick.value)}`)));
  yPick.addEventListener('change', () => chooseCurve({ ...curve, y: yPick.value as YScale }));
  const xPick = root.querySelector<HTMLSelectElement>('#curve-x')!;
  const xsPick = root.querySelector<HTMLSelectElement>('#curve-xs')!;
  const smoothPick = root.querySelector<HTMLInputElement>('#curve-smooth')!;
  const showAxes = () => {
    xPick.value = axes.x;
    xsPick.value = axes.xScale;
    smoothPick.value = String(axes.smooth);
    $('curve-smooth-value').textContent = axes.smooth > 0 ? axes.smooth.toFixed(2) : 'off';
  };
  const chooseAxes = (next: CurveAxes) => {
    axes = next;
    history.replaceState(null, '', writeCurveAxes(location.hash, axes) || '#/');
    showAxes();
    draw.curves();
  };
  showAxes();
  xPick.addEventListener('change', () => chooseAxes({ ...axes, x: xPick.value as CurveAxes['x'] }));
  xsPick.addEventListener('change', () => chooseAxes({ ...axes, xScale: xsPick.value as CurveAxes['xScale'] }));
  smoothPick.addEventListener('input', () => chooseAxes({ ...axes, smooth: Number(smoothPick.value) }));

  const drawAll = () => Object.values(draw).forEach((d) => d());

  const loadState = async () => {
    const [d, t, f, e] = await Promise.all([api.sweep(sweepId), api.trials(sweepId), api.fits(sweepId), api.events(sweepId)]);
    if (disposed) return;
    detail = d;
    trials = t;
    fits = f;
    timelines = readTimelines(e);
    drawAll();
  };
  /** An unknown id is an answer, not a wait: say so and stop listening. */
  const notFound = (err: unknown): boolean => {
    if (!(err instanceof GatewayError && err.status === 404) || detail) return false;
    disposed = true;
    live.close();
    root.querySelector('.page')!.innerHTML = `<a class="back" href="#/">← All sweeps</a><div class="page-head" data-testid="no-sweep"><h1>no sweep ${esc(sweepId)}</h1><p class="sub">This gateway has no sweep with that id. <a href="#/">The sweep list</a> shows those it knows.</p></div>`;
    return true;
  };
  const loadMetrics = async () => {
    // Every metric, not only the losses: the picker offers whatever the trials stream.
    const rows = await api.metrics(sweepId);
    if (disposed) return;
    for (const r of rows) series.add(r.trialId, r.name, r.step, r.value ?? NaN);
    draw.curves();
    draw.trials();
  };
  const loadAll = () => Promise.all([loadState(), loadMetrics()]).catch((err) => notFound(err) || showError(err));
  const refreshState = coalesce(() => void loadState().catch(showError), 300);

  const onUpdate = (u: LiveUpdate) => {
    if (u.sweepId && u.sweepId !== sweepId) return;
    if (u.kind === 'metrics') {
      for (const p of u.metrics.points) series.add(u.metrics.trialId, p.name, p.step, p.value);
      draw.curves();
      draw.trials(); // latest values of running trials, in any metric column
    } else if (u.kind === 'event') {
      const t = trials.find((x) => x.id === u.event.trialId);
      if (t) {
        t.status = u.event.status as TrialRow['status'];
        draw.trials();
      }
      refreshState(); // params, FLOPs, final metrics and counts come from the stored rows
    } else if (u.kind === 'fitJson') {
      study.refresh(); // each batch's fit carries that batch's study answer
      const fit = parseJson<FitRow>(u.fitJson);
      if (fit && detail && !fits.some((f) => f.id === fit.id)) {
        fits = [...fits, fit];
        detail = { ...detail, fit };
        drawAll(); // a new fit can hold out different runs
      } else refreshState();
    } else if (u.kind === 'sweepJson') {
      const s = parseJson<LiveSweep>(u.sweepJson);
      if (s?.sweep && detail) {
        detail = { ...detail, sweep: s.sweep, status: s.status ?? detail.status };
        draw.head();
      } else refreshState();
    }
  };

  // Subscribe before reading REST, so nothing that lands in between is lost (points are deduped by step).
  const live = new LiveConnection(sweepId, { onUpdate, onState: setLiveState, onResubscribed: () => void loadAll() });
  void loadAll();

  levelPick.addEventListener('change', () => {
    level = Number(levelPick.value);
    setIntervalLevel(level);
    draw.fit();
    draw.history();
  });

  root.addEventListener('click', async (ev) => {
    const toggle = (ev.target as HTMLElement).closest<HTMLElement>('[data-isolate]');
    if (toggle) {
      isolated = isolated === toggle.dataset.isolate ? undefined : toggle.dataset.isolate;
      draw.curves();
      return;
    }
    const btn = (ev.target as HTMLElement).closest<HTMLButtonElement>('button[data-action]');
    if (!btn) return;
    const action = btn.dataset.action as 'pause' | 'resume' | 'stop' | 'cancel';
    // The two ways to end a sweep (W&B's stop and kill): both ask first, since neither can be undone.
    if (action === 'stop' && !window.confirm('Stop this sweep? Running trials finish and are fitted; no new ones start.')) return;
    if (action === 'cancel' && !window.confirm('Cancel this sweep? Running trials are stopped now.')) return;
    btn.disabled = true;
    try {
      await adoptUrlToken();
      try {
        await api.control(sweepId, action);
      } catch (err) {
        // No session yet (or it names a token that is no longer valid): ask for the token once.
        if (!(err instanceof GatewayError && (err.status === 401 || err.status === 403))) throw err;
        if (!(await askForSession())) throw new Error(`${action}: a token is needed (open the console with ?token=…)`);
        await api.control(sweepId, action);
      }
      $('message').hidden = true;
      refreshState();
    } catch (err) {
      showError(err);
    } finally {
      btn.disabled = false;
    }
  });

  // A running trial's duration grows between events: redraw the table while any trial runs.
  const clock = setInterval(() => {
    if (trials.some((t) => t.status === 'running')) draw.trials();
  }, 5000);

  return {
    dispose() {
      disposed = true;
      clearInterval(clock);
      live.close();
      study.dispose();
      Object.values(draw).forEach((d) => d.cancel());
      refreshState.cancel();
    },
  };
}

function parseJson<T>(text: string): T | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null ? (v as T) : undefined;
  } catch {
    return undefined;
  }
}

function header(d: SweepDetail | undefined, id: string): string {
  if (!d) return `<h1>${esc(id)}</h1>`;
  const s = d.status;
  const status = s?.phase ?? d.sweep.status;
  const counts = s?.trials ?? d.sweep.counts ?? {};
  const spent = s?.flopsSpent ?? d.sweep.flopsSpent;
  // Scoring (data curation) FLOPs are part of flopsSpent; shown as their own segment of the bar.
  const scoring = s?.scoringFlops !== undefined && s.scoringFlops > 0 ? Math.min(s.scoringFlops, spent) : undefined;
  const budget = s?.budget?.flops;
  // "created" counts every trial planned so far, whatever its state; "done" those that ended.
  const created = Math.max(counts.planned ?? 0, d.sweep.counts?.total ?? 0);
  const done = (counts.completed ?? 0) + (counts.diverged ?? 0) + (counts.failed ?? 0);
  const cap = s?.budget?.trials;
  // A FLOP budget fills the bar; a sweep capped only by trial count fills it with trials done.
  const byTrials = !budget && cap !== undefined && cap > 0;
  const pct = budget ? Math.min(100, (spent / budget) * 100) : byTrials ? Math.min(100, (done / cap) * 100) : undefined;
  const scoringPct = budget && scoring !== undefined ? Math.min(pct ?? 0, (scoring / budget) * 100) : 0;
  const terminal = ['completed', 'cancelled', 'failed'].includes(status);
  const paused = status === 'paused';
  const stat = (label: string, value: string | number | undefined, cls = '', title = '') =>
    `<div class="stat"${title ? ` title="${esc(title)}"` : ''}><div class="stat-value ${cls}">${value ?? 0}</div><div class="stat-label">${label}</div></div>`;
  const fitFailed = s?.fitFailed ?? d.sweep.fitFailed;
  return `<div class="title-row"><h1>${esc(d.sweep.name)}</h1>${badge(status, fitFailed)}
  <div class="actions">
    <button data-action="pause" ${terminal || paused ? 'disabled' : ''} title="start no new trials until resumed; running trials finish">Pause</button>
    <button data-action="resume" ${!paused ? 'disabled' : ''} title="start new trials again">Resume</button>
    <button data-action="stop" ${terminal ? 'disabled' : ''} title="end the sweep once the running trials finish; no new trial starts">Stop</button>
    <button data-action="cancel" class="danger" ${terminal ? 'disabled' : ''} title="end the sweep now: running trials are stopped">Cancel</button>
  </div></div>
  <p class="sub"><span class="mono">${esc(d.sweep.id)}</span> · created ${formatTime(d.sweep.createdAt)}${s ? ` · batch ${s.batch}` : ''}${d.sweep.stopReason || s?.stopReason ? ` · <span data-testid="stop-reason">stopped: ${esc(stopReasonText(d.sweep.stopReason ?? s?.stopReason))}</span>` : ''}${fitFailed ? ` · <span class="bad-text">fit failed: ${esc(fitFailed)}</span>` : ''}</p>
  <div class="stats">
    ${stat('created', created, '', 'trials created so far, whatever their state')}${stat('running', counts.running, 'info-text')}${stat('completed', counts.completed, 'ok-text')}${stat('diverged', counts.diverged, counts.diverged ? 'warn-text' : '')}${stat('failed', counts.failed, counts.failed ? 'bad-text' : '')}
    <div class="budget">
      <div class="budget-text"><span>FLOPs <b>${formatFlops(spent)}</b>${budget ? ` of ${formatFlops(budget)}` : ''}</span>${scoring !== undefined ? `<span class="budget-key" data-testid="flops-split"><span class="swatch train"></span>training ${formatFlops(spent - scoring)} <span class="swatch scoring"></span>data scoring ${formatFlops(scoring)}</span>` : ''}${pct !== undefined ? `<span class="dim">${pct.toFixed(1)}%${byTrials ? ' of the trial cap' : ''}</span>` : ''}${cap ? `<span class="dim" data-testid="trials-done">${done} of ${formatCount(cap)} trials done</span>` : ''}</div>
      <div class="bar" role="progressbar" data-testid="progress" data-by="${byTrials ? 'trials' : 'flops'}" aria-valuenow="${pct ?? 0}" aria-valuemin="0" aria-valuemax="100"><div class="bar-fill" style="width:${(pct ?? 0) - scoringPct}%"></div>${scoringPct > 0 ? `<div class="bar-fill scoring" style="width:${scoringPct}%"></div>` : ''}</div>
    </div>
  </div>`;
}

/**
 * A stop reason in words. Planners write sentences; a structured reason (JSON such as
 * `{"reason":"target interval narrow enough","width":0.004}`) is spelt out field by field.
 */
export function stopReasonText(reason: string | undefined): string {
  if (!reason) return '';
  const parsed = parseJson<Record<string, unknown>>(reason.trim().startsWith('{') ? reason : 'null');
  if (!parsed) return reason;
  const words = (k: string) => k.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_.]/g, ' ').toLowerCase();
  const head = ['reason', 'message', 'why', 'stop'].map((k) => parsed[k]).find((v) => typeof v === 'string') as string | undefined;
  const rest = Object.entries(parsed)
    .filter(([k, v]) => !['reason', 'message', 'why', 'stop'].includes(k) && v !== null && typeof v !== 'object')
    .map(([k, v]) => `${words(k)} ${typeof v === 'number' ? +v.toPrecision(4) : String(v)}`);
  return [head, rest.length ? `(${rest.join(', ')})` : ''].filter(Boolean).join(' ') || reason;
}
