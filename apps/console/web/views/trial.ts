/**
 * One trial's page (#/sweeps/:id/trials/:trial): status and why, the planner's reason, N, D,
 * FLOPs, steps and final metrics, its config, a curve of every metric it streamed, each attempt
 * and event (which worker, which backend, how it ended), the checkpoint the gateway holds and
 * where its logs are. Live: new points and events of this trial redraw the page.
 */
import { api, GatewayError } from '../api';
import { trialColoring } from '../coloring';
import { defaultYScale, LOSS_VIEW, metricGroups } from '../curveChoice';
import { downloadButtons } from '../download';
import { readFit } from '../fit';
import { esc, formatCount, formatFlops, formatTime, formatValue } from '../format';
import { LiveConnection } from '../live';
import { SeriesStore } from '../series';
import { durationSeconds, formatDuration, timelines, type TrialTimeline } from '../trialInfo';
import type { CheckpointInfo, SweepDetail, SweepEventRow, TrialRow } from '../types';
import type { LiveUpdate } from '@slab/proto';
import { coalesce, setLiveState, type View } from './common';
import { renderCurves } from './curves';
import { configText, knownData, knownFlops, knownParams, statusClass, statusText, trialLabel } from './trials';

interface Loaded {
  detail: SweepDetail;
  trials: TrialRow[];
  trial: TrialRow;
  events: SweepEventRow[];
  checkpoint: CheckpointInfo | null;
}

export function mountTrial(root: HTMLElement, sweepId: string, trialId: string): View {
  const sweepHref = `#/sweeps/${encodeURIComponent(sweepId)}`;
  root.innerHTML = `<section class="page" data-testid="trial-page">
  <a class="back" href="${sweepHref}">← Sweep ${esc(sweepId)}</a>
  <div id="trial-head" class="page-head"><h1>${esc(trialId)}</h1><p class="sub">Loading…</p></div>
  <div id="message" class="error" hidden></div>
  <div id="trial-body"></div>
</section>`;
  const $ = (id: string) => root.querySelector<HTMLElement>(`#${id}`)!;
  const series = new SeriesStore();
  let loaded: Loaded | undefined;
  let disposed = false;

  const showError = (err: unknown) => {
    const el = $('message');
    el.hidden = false;
    el.textContent = err instanceof Error ? err.message : String(err);
  };
  const notFound = (what: string) => {
    disposed = true;
    live.close();
    root.querySelector('.page')!.innerHTML = `<a class="back" href="${loaded || what.startsWith('no trial') ? sweepHref : '#/'}">← ${what.startsWith('no trial') ? `Sweep ${esc(sweepId)}` : 'All sweeps'}</a><div class="page-head" data-testid="not-found"><h1>${esc(what)}</h1></div>`;
  };

  const draw = coalesce(() => {
    if (!loaded) return;
    $('trial-head').innerHTML = head(loaded);
    $('trial-body').replaceChildren(body(loaded, series));
  }, 100);

  const load = async () => {
    const [detail, trials, events, checkpoint] = await Promise.all([api.sweep(sweepId), api.trials(sweepId), api.events(sweepId, trialId).catch(notATrial), api.checkpoint(sweepId, trialId)]);
    if (disposed) return;
    const trial = trials.find((t) => t.id === trialId);
    if (!trial || !events) return notFound(`no trial ${trialId} in sweep ${sweepId}`);
    loaded = { detail, trials, trial, events, checkpoint };
    draw();
  };
  const loadMetrics = async () => {
    const rows = await api.trialMetrics(trialId);
    if (disposed) return;
    for (const r of rows) series.add(trialId, r.name, r.step, r.value ?? NaN);
    draw();
  };
  const loadAll = () =>
    Promise.all([load(), loadMetrics()]).catch((err: unknown) => {
      if (err instanceof GatewayError && err.status === 404 && !loaded) notFound(`no sweep ${sweepId}`);
      else showError(err);
    });
  const refresh = coalesce(() => void load().catch(showError), 300);

  const onUpdate = (u: LiveUpdate) => {
    if (u.kind === 'metrics' && u.metrics.trialId === trialId) {
      for (const p of u.metrics.points) series.add(trialId, p.name, p.step, p.value);
      draw();
    } else if (u.kind === 'event' && u.event.trialId === trialId) refresh();
    else if (u.kind === 'fitJson') refresh(); // a fit may hold this trial out
  };
  const live = new LiveConnection(sweepId, { onUpdate, onState: setLiveState, onResubscribed: () => void loadAll() });
  void loadAll();

  return {
    dispose() {
      disposed = true;
      live.close();
      draw.cancel();
      refresh.cancel();
    },
  };
}

/** The events route answers 404 for a trial of another sweep (or none): the page says "no trial". */
function notATrial(err: unknown): undefined {
  if (err instanceof GatewayError && err.status === 404) return undefined;
  throw err;
}

function head(l: Loaded): string {
  const t = l.trial;
  const held = l.detail.fit ? readFit(l.detail.fit).heldOut.has(t.id) : false;
  return `<div class="title-row"><h1>Trial ${esc(trialLabel(t, t.id))}</h1><span class="badge ${statusClass(t.status)}" data-testid="trial-status" data-status="${esc(t.status)}">${esc(statusText(t))}</span>${held ? '<span class="badge held" data-testid="trial-held-out" title="kept out of the fit to measure its extrapolation">held out</span>' : ''}</div>
  <p class="sub"><span class="mono">${esc(t.id)}</span> · sweep <a href="#/sweeps/${encodeURIComponent(t.sweepId)}">${esc(l.detail.sweep.name)}</a> · planned ${formatTime(t.createdAt)}</p>
  <p data-testid="trial-plan-reason"><span class="dim">Why the planner chose it:</span> ${t.planReason ? esc(t.planReason) : '<span class="dim">not recorded</span>'}</p>
  ${t.reason ? `<p data-testid="trial-reason" class="${t.status === 'failed' ? 'bad-text' : 'warn-text'}">${esc(t.status)}: ${esc(t.reason)}</p>` : ''}`;
}

function body(l: Loaded, series: SeriesStore): HTMLElement {
  const t = l.trial;
  const tl = timelines(l.events).get(t.id);
  const wrap = document.createElement('div');
  wrap.innerHTML = `<div class="grid2">
  <div class="card" data-download-scope data-download-name="${esc(`${t.id}-summary`)}"><div class="card-head"><h2>Summary</h2>${downloadButtons(['csv'])}</div>${summary(t, tl)}</div>
  <div class="card" data-download-scope data-download-name="${esc(`${t.id}-config`)}"><div class="card-head"><h2>Config</h2>${downloadButtons(['csv'])}</div>${config(t)}</div>
</div>
<div class="card"><div class="card-head"><h2>Curves</h2><span class="dim">every metric the trial streamed, against step</span></div><div class="curve-grid" data-testid="trial-curves"></div></div>
<div class="card" data-download-scope data-download-name="${esc(`${t.id}-events`)}"><div class="card-head"><h2>Attempts and events</h2><span class="dim">${tl ? `${tl.attempts} ${tl.attempts === 1 ? 'attempt' : 'attempts'}` : 'none yet'}</span>${downloadButtons(['csv'])}</div>${events(l.events)}</div>
<div class="grid2">
  <div class="card"><div class="card-head"><h2>Checkpoint</h2></div>${checkpoint(l)}</div>
  <div class="card"><div class="card-head"><h2>Logs</h2></div>${logs(t)}</div>
</div>`;
  const grid = wrap.querySelector<HTMLElement>('[data-testid="trial-curves"]')!;
  const names = metricGroups(series.names()).flatMap((g) => g.metrics);
  const byId = new Map(l.trials.map((x) => [x.id, x]));
  const coloring = trialColoring(l.trials);
  if (names.length === 0) grid.outerHTML = `<div class="empty">No metric points stored for this trial yet.</div>`;
  for (const name of names) {
    const fig = document.createElement('figure');
    fig.className = 'fig';
    fig.dataset.metric = name;
    fig.innerHTML = `<figcaption>${name === LOSS_VIEW ? 'loss (train solid, eval dashed)' : esc(name)}</figcaption>`;
    fig.append(renderCurves(series, byId, coloring, { metric: name, y: defaultYScale(name), only: [t.id], noLegend: true, size: [560, 300] }));
    grid.append(fig);
  }
  return wrap;
}

function summary(t: TrialRow, tl: TrialTimeline | undefined): string {
  const rows: [string, string, string?][] = [
    ['status', statusText(t)],
    ['attempts', tl ? String(tl.attempts) : '—'],
    ['worker', tl?.worker ?? '—'],
    ['backend', t.backend ?? tl?.backend ?? '—'],
    ['started', tl?.started ? formatTime(tl.started) : '—'],
    ['ended', tl?.ended ? formatTime(tl.ended) : '—'],
    ['duration', formatDuration(durationSeconds(t, tl)), String(durationSeconds(t, tl) ?? '')],
    ['params N', formatCount(knownParams(t)), String(knownParams(t) ?? '')],
    ['data D', formatCount(knownData(t)), String(knownData(t) ?? '')],
    ['FLOPs', formatFlops(knownFlops(t)), String(knownFlops(t) ?? '')],
    ['steps', tl?.steps !== undefined ? formatCount(tl.steps) : '—', String(tl?.steps ?? '')],
  ];
  for (const [k, v] of Object.entries(t.final ?? {})) rows.push([`final ${k}`, formatValue(v), v === null ? 'NaN' : String(v)]);
  return `<table class="table compact" data-testid="trial-summary"><thead><tr><th>field</th><th>value</th></tr></thead><tbody>${rows
    .map(([k, v, raw]) => `<tr data-field="${esc(k)}"><td class="dim">${esc(k)}</td><td${raw ? ` data-value="${esc(raw)}"` : ''}>${esc(v)}</td></tr>`)
    .join('')}</tbody></table>`;
}

function config(t: TrialRow): string {
  const entries = Object.entries(t.config ?? {}).filter(([, v]) => v !== undefined && v !== null);
  if (!entries.length) return `<div class="empty">No config recorded (${esc(configText(t.config))}).</div>`;
  return `<table class="table compact" data-testid="trial-config"><thead><tr><th>key</th><th>value</th></tr></thead><tbody>${entries
    .map(([k, v]) => `<tr data-key="${esc(k)}"><td class="mono">${esc(k)}</td><td data-value="${esc(typeof v === 'object' ? JSON.stringify(v) : String(v))}">${esc(typeof v === 'number' ? (Number.isInteger(v) && Math.abs(v) >= 1e4 ? `${formatCount(v)} (${v})` : String(v)) : typeof v === 'object' ? JSON.stringify(v) : String(v))}</td></tr>`)
    .join('')}</tbody></table>`;
}

/** What an event's info says, in a line: the fields a reader looks for first. */
function eventText(info: Record<string, unknown>): string {
  const parts: string[] = [];
  const put = (label: string, v: unknown, f: (x: number) => string = String) => {
    if (v !== undefined && v !== null && v !== '') parts.push(`${label} ${typeof v === 'number' ? f(v) : String(v)}`);
  };
  put('worker', info.worker);
  put('backend', info.backend);
  put('queue', info.taskQueue);
  if (typeof info.resumedFromStep === 'number' && info.resumedFromStep > 0) put('resumed from step', info.resumedFromStep);
  put('steps', info.steps, formatCount);
  put('N', info.params, formatCount);
  put('D', info.data, formatCount);
  put('FLOPs', info.flops, formatFlops);
  put('wall', info.wallSeconds, (s) => formatDuration(s));
  put('reason', info.reason);
  put('error', info.error);
  return parts.join(' · ');
}

function events(rows: SweepEventRow[]): string {
  if (!rows.length) return `<div class="empty">No events yet: a trial reports <code>running</code> when a worker picks it up.</div>`;
  return `<div class="table-wrap"><table class="table compact" data-testid="trial-events"><thead><tr><th class="num">seq</th><th>time</th><th>event</th><th class="num">attempt</th><th>details</th></tr></thead><tbody>${rows
    .map(
      (e) =>
        `<tr data-seq="${e.seq}" data-event="${esc(e.status)}"><td class="num">${e.seq}</td><td data-value="${new Date(e.wallTime * 1000).toISOString()}">${formatTime(e.wallTime)}</td><td><span class="badge ${statusClass(e.status)}">${esc(e.status)}</span></td><td class="num">${esc(e.info.attempt ?? '—')}</td><td class="event-info">${esc(eventText(e.info))}</td></tr>`,
    )
    .join('')}</tbody></table></div>`;
}

function checkpoint(l: Loaded): string {
  const c = l.checkpoint;
  const t = l.trial;
  const own = `<code>.slab/checkpoints/${esc(t.sweepId)}/${esc(t.id)}</code>`;
  if (c) {
    const url = `/api/sweeps/${encodeURIComponent(t.sweepId)}/trials/${encodeURIComponent(t.id)}/checkpoint`;
    return `<p data-testid="trial-checkpoint">The gateway holds the checkpoint at <b>step ${formatCount(c.step)}</b> (attempt ${c.attempt}, ${formatBytes(c.bytes)}); a retry on any node resumes from it.</p>
    <p class="dim small"><a href="${url}" download="${esc(`${t.id}-s${c.step}.ckpt`)}">Download it</a> (needs a token with the ingest scope). The worker that wrote it keeps its own copy under ${own}.</p>`;
  }
  const done = ['completed', 'diverged', 'failed', 'stopped'].includes(t.status);
  return `<p data-testid="trial-checkpoint">${done ? 'None held: the gateway drops a trial’s checkpoint once the trial has finished, since nothing will resume it.' : 'None uploaded yet: a worker uploads one after each checkpoint the trainer writes.'}</p>
  <p class="dim small">Workers keep theirs under ${own} (<code>slab worker --checkpoints</code> moves it).</p>`;
}

function logs(t: TrialRow): string {
  return `<p data-testid="trial-logs">The store keeps metrics and events, not log lines. This trial’s log lines are its worker’s output, each naming the trial (<code>${esc(t.id)}</code>): the terminal of <code>slab up</code> for the embedded worker, or of the <code>slab worker</code> process on its node. A <code>process</code> trial’s own stdout and stderr go to the same place.</p>`;
}

function formatBytes(b: number): string {
  if (b >= 1 << 30) return `${(b / (1 << 30)).toFixed(2)} GiB`;
  if (b >= 1 << 20) return `${(b / (1 << 20)).toFixed(1)} MiB`;
  if (b >= 1 << 10) return `${(b / (1 << 10)).toFixed(1)} KiB`;
  return `${b} B`;
}
