/**
 * Trial table: config, status (incl. diverged and why, retries, and whether the fit held the run
 * out), why the planner chose it, N, D, FLOPs, eval loss, any other metric the reader adds, how
 * long it ran, backend. Sortable by any column (click its header), filtered by text (id, config,
 * status) and by status; the choices live in the address (`?sort=-duration&q=w64&status=running&cols=lr`)
 * so they survive live updates, reloads and shared links. Each trial links to its own page.
 *
 * A value the store does not know is "—", never 0: a stopped or failed run reports N and FLOPs of
 * 0, so those fall back to the planned config (N, D) or stay unknown (FLOPs); a running trial's
 * metrics are its latest values, dimmed.
 */
import { downloadButtons } from '../download';
import { esc, formatCount, formatFlops, formatValue } from '../format';
import type { SeriesStore } from '../series';
import { forTheme } from '../theme';
import { durationSeconds, formatDuration, type TrialTimeline } from '../trialInfo';
import type { TrialConfig, TrialRow } from '../types';

const CONFIG_LABELS: Record<string, string> = {
  width: 'width',
  params: 'N',
  data: 'D',
  learningRate: 'lr',
  seed: 'seed',
  'curation.strategy': 'curation',
  'curation.keep': 'keep',
  'curation.epochs': 'epochs',
};

export function configText(config: TrialConfig | undefined): string {
  if (!config) return '—';
  return Object.entries(config)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${CONFIG_LABELS[k] ?? k} ${typeof v === 'number' && (k === 'data' || k === 'params') ? formatCount(v) : v}`)
    .join(' · ');
}

export function trialLabel(t: TrialRow | undefined, trialId: string): string {
  if (!t) return trialId;
  const size = t.config?.width !== undefined ? `w${t.config.width}` : knownParams(t) ? `N ${formatCount(knownParams(t))}` : '';
  return `#${t.index}${size ? ` ${size}` : ''}`;
}

const positive = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);

/** N as measured, else as planned; a stopped run's 0 is not a size. */
export function knownParams(t: TrialRow): number | undefined {
  return positive(t.params) ?? positive(t.config?.params);
}

/** D as trained, else as planned. */
export function knownData(t: TrialRow): number | undefined {
  return positive(t.data) ?? positive(t.config?.data);
}

/** FLOPs the trial counted; unknown (not 0) for a run that stopped before reporting them. */
export function knownFlops(t: TrialRow): number | undefined {
  return positive(t.flops);
}

/** A metric's final value, else its last streamed value (`latest`: not a final result). */
export function metricValue(t: TrialRow, series: SeriesStore, name: string): { value: number | null | undefined; latest: boolean } {
  const final = t.final?.[name];
  if (final !== undefined) return { value: final, latest: false };
  const last = series.last(t.id, name);
  return { value: last, latest: last !== undefined };
}

/** A running trial on its second or later attempt is being retried (its worker died, or it failed). */
export function statusText(t: { status: string; attempt?: number }): string {
  return t.status === 'running' && (t.attempt ?? 1) > 1 ? `retrying (attempt ${t.attempt})` : t.status;
}

export function statusClass(s: string): string {
  return { completed: 'ok', running: 'info', diverged: 'warn', failed: 'bad' }[s] ?? 'muted';
}

/** What a row is drawn from. */
export interface TrialTableData {
  sweepId: string;
  trials: TrialRow[];
  series: SeriesStore;
  colorOf: (t: TrialRow) => string;
  heldOut: Set<string>;
  timelines: Map<string, TrialTimeline>;
}

interface Column {
  key: string;
  head: string;
  num?: boolean;
  /** Sort key; undefined sorts last in both directions. */
  sort(t: TrialRow, d: TrialTableData): number | string | undefined;
  cell(t: TrialRow, d: TrialTableData): string;
}

/** `<td>` with the exact value for CSV (data-value) beside the formatted text. */
const numCell = (v: number | undefined, text: string, extra = '') => `<td class="num"${v !== undefined ? ` data-value="${v}"` : ''}${extra}>${text}</td>`;

function metricColumn(name: string, head = name): Column {
  return {
    key: `m:${name}`,
    head,
    num: true,
    sort: (t, d) => metricValue(t, d.series, name).value ?? undefined,
    cell: (t, d) => {
      const { value, latest } = metricValue(t, d.series, name);
      const why = t.status === 'running' || t.status === 'planned' ? 'latest, still running' : `last value streamed before the trial ${t.status}; no final value`;
      const text = value === undefined ? '—' : latest ? `<span class="dim" title="${why}">${formatValue(value)}</span>` : formatValue(value);
      return numCell(value ?? undefined, text, ` data-metric="${esc(name)}"`);
    },
  };
}

const BASE: Column[] = [
  {
    key: 'index',
    head: '#',
    num: true,
    sort: (t) => t.index,
    cell: (t, d) => `<td data-value="${t.index}"><span class="swatch" style="background:${forTheme(d.colorOf(t))}"></span><a class="trial-link" href="#/sweeps/${encodeURIComponent(d.sweepId)}/trials/${encodeURIComponent(t.id)}" title="${esc(t.id)}">${t.index}</a></td>`,
  },
  { key: 'config', head: 'Config', sort: (t) => configText(t.config), cell: (t) => `<td class="cfg">${esc(configText(t.config))}</td>` },
  {
    key: 'status',
    head: 'Status',
    sort: (t) => statusText(t),
    cell: (t, d) => {
      const held = d.heldOut.has(t.id);
      return `<td data-value="${esc(statusText(t))}${held ? ' (held out)' : ''}"><span class="badge ${statusClass(t.status)}" data-status="${esc(t.status)}"${t.reason ? ` title="${esc(t.reason)}"` : ''}>${esc(statusText(t))}</span>${held ? ' <span class="badge held" title="kept out of the fit to measure its extrapolation">held out</span>' : ''}</td>`;
    },
  },
  { key: 'reason', head: 'Plan reason', sort: (t) => t.planReason, cell: (t) => `<td class="plan-reason">${t.planReason ? esc(t.planReason) : '<span class="dim">—</span>'}</td>` },
  { key: 'params', head: 'Params N', num: true, sort: knownParams, cell: (t) => numCell(knownParams(t), formatCount(knownParams(t))) },
  { key: 'data', head: 'Data D', num: true, sort: knownData, cell: (t) => numCell(knownData(t), formatCount(knownData(t))) },
  { key: 'flops', head: 'FLOPs', num: true, sort: knownFlops, cell: (t) => numCell(knownFlops(t), formatFlops(knownFlops(t))) },
  metricColumn('eval_loss', 'Eval loss'),
];

const TAIL: Column[] = [
  {
    key: 'duration',
    head: 'Duration',
    num: true,
    sort: (t, d) => durationSeconds(t, d.timelines.get(t.id)),
    cell: (t, d) => {
      const s = durationSeconds(t, d.timelines.get(t.id));
      return numCell(s === undefined ? undefined : Math.round(s * 10) / 10, t.status === 'running' && s !== undefined ? `<span class="dim" title="running">${formatDuration(s)}</span>` : formatDuration(s), ' data-col="duration"');
    },
  },
  { key: 'backend', head: 'Backend', sort: (t) => t.backend, cell: (t) => `<td class="dim">${esc(t.backend ?? '—')}</td>` },
];

/** Table choices, read from and written to the address. */
interface TableState {
  sort?: { key: string; desc: boolean };
  text: string;
  status: string;
  metrics: string[];
}

function readState(hash: string): TableState {
  const q = new URLSearchParams(hash.split('?')[1] ?? '');
  const sort = q.get('sort');
  return {
    sort: sort ? { key: sort.replace(/^-/, ''), desc: sort.startsWith('-') } : undefined,
    text: q.get('q') ?? '',
    status: q.get('status') ?? '',
    metrics: (q.get('cols') ?? '').split(',').filter(Boolean),
  };
}

function writeState(hash: string, s: TableState): string {
  const [path, query = ''] = hash.split('?');
  const q = new URLSearchParams(query);
  for (const k of ['sort', 'q', 'status', 'cols']) q.delete(k);
  if (s.sort) q.set('sort', `${s.sort.desc ? '-' : ''}${s.sort.key}`);
  if (s.text) q.set('q', s.text);
  if (s.status) q.set('status', s.status);
  if (s.metrics.length) q.set('cols', s.metrics.join(','));
  const rest = q.toString();
  return rest ? `${path}?${rest}` : path;
}

/** Rows passing the text filter (id, config, status; case-insensitive, every word) and the status filter. */
export function filterTrials(trials: TrialRow[], text: string, status: string, heldOut: Set<string> = new Set()): TrialRow[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  return trials.filter((t) => {
    if (status && t.status !== status) return false;
    const hay = `${t.id} #${t.index} ${configText(t.config)} ${statusText(t)}${heldOut.has(t.id) ? ' held out' : ''}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** Sorted copy; rows without a value go last whichever the direction, ties keep index order. */
export function sortRows<T>(rows: T[], key: (r: T) => number | string | undefined, desc: boolean, tie: (r: T) => number): T[] {
  return [...rows].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    const missing = Number(x === undefined || Number.isNaN(x)) - Number(y === undefined || Number.isNaN(y));
    if (missing) return missing;
    let c = 0;
    if (x !== undefined && y !== undefined) c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
    return (desc ? -c : c) || tie(a) - tie(b);
  });
}

export interface TrialTable {
  update(data: TrialTableData): void;
}

/**
 * Mounts the table's tools (filter, status, metric columns, CSV) and body in `host`. The tools are
 * built once, so typing in the filter keeps focus while live updates redraw the rows.
 */
export function mountTrialTable(host: HTMLElement, onCount: (shown: number, total: number) => void): TrialTable {
  let state = readState(location.hash);
  let data: TrialTableData | undefined;
  host.setAttribute('data-download-scope', '');
  host.innerHTML = `<div class="table-tools">
  <label>filter <input type="search" data-testid="trial-filter" placeholder="id, config or status" value="${esc(state.text)}"></label>
  <label>status <select data-testid="trial-status-filter"><option value="">all</option></select></label>
  <details data-testid="metric-columns"><summary>metric columns</summary><div class="metric-choices"></div></details>
  <span class="dim" data-testid="trial-shown"></span>
  ${downloadButtons(['csv'])}
</div><div class="table-box"></div>`;
  const text = host.querySelector<HTMLInputElement>('[data-testid="trial-filter"]')!;
  const statusPick = host.querySelector<HTMLSelectElement>('[data-testid="trial-status-filter"]')!;
  const choices = host.querySelector<HTMLElement>('.metric-choices')!;
  const box = host.querySelector<HTMLElement>('.table-box')!;
  let statusesFrom = '';
  let metricsFrom = '';

  const save = () => history.replaceState(null, '', writeState(location.hash, state) || '#/');
  const columns = () => [...BASE, ...state.metrics.filter((m) => m !== 'eval_loss').map((m) => metricColumn(m)), ...TAIL];

  const fillPickers = (d: TrialTableData) => {
    const statuses = [...new Set(d.trials.map((t) => t.status))].sort();
    if (state.status && !statuses.includes(state.status as TrialRow['status'])) statuses.push(state.status as TrialRow['status']);
    if (statuses.join() !== statusesFrom) {
      statusesFrom = statuses.join();
      statusPick.innerHTML = `<option value="">all</option>${statuses.map((s) => `<option value="${esc(s)}">${esc(s)}</option>`).join('')}`;
    }
    statusPick.value = state.status;
    const names = new Set(d.series.names());
    for (const t of d.trials) for (const k of Object.keys(t.final ?? {})) names.add(k);
    names.delete('eval_loss');
    const sorted = [...names].sort();
    if (sorted.join() !== metricsFrom) {
      metricsFrom = sorted.join();
      choices.innerHTML = sorted.length
        ? sorted.map((m) => `<label><input type="checkbox" value="${esc(m)}"${state.metrics.includes(m) ? ' checked' : ''}> ${esc(m)}</label>`).join('')
        : '<span class="dim">no other metric yet</span>';
    }
  };

  const draw = () => {
    if (!data) return;
    const d = data;
    fillPickers(d);
    if (d.trials.length === 0) {
      box.innerHTML = `<div class="empty">No trials planned yet.</div>`;
      onCount(0, 0);
      return;
    }
    const cols = columns();
    const sortCol = cols.find((c) => c.key === state.sort?.key);
    let rows = filterTrials(d.trials, state.text, state.status, d.heldOut);
    rows = sortCol ? sortRows(rows, (t) => sortCol.sort(t, d), state.sort!.desc, (t) => t.index) : sortRows(rows, (t) => t.index, false, (t) => t.index);
    const head = cols
      .map((c) => {
        const sorted = sortCol === c ? (state.sort!.desc ? 'descending' : 'ascending') : 'none';
        return `<th class="sortable${c.num ? ' num' : ''}" data-sort="${esc(c.key)}" aria-sort="${sorted}" tabindex="0" title="sort by ${esc(c.head)}">${esc(c.head)}</th>`;
      })
      .join('');
    const body = rows.map((t) => `<tr data-trial="${esc(t.id)}"${d.heldOut.has(t.id) ? ' data-held-out="true"' : ''}>${cols.map((c) => c.cell(t, d)).join('')}</tr>`).join('');
    box.innerHTML = `<div class="table-wrap"><table class="table" data-testid="trial-table"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>${rows.length ? '' : '<div class="empty">No trial matches the filter.</div>'}`;
    host.querySelector('[data-testid="trial-shown"]')!.textContent = rows.length === d.trials.length ? `${rows.length} trials` : `${rows.length} of ${d.trials.length} trials`;
    onCount(rows.length, d.trials.length);
  };

  host.dataset.downloadName = 'trials';
  text.addEventListener('input', () => {
    state = { ...state, text: text.value };
    save();
    draw();
  });
  statusPick.addEventListener('change', () => {
    state = { ...state, status: statusPick.value };
    save();
    draw();
  });
  choices.addEventListener('change', () => {
    state = { ...state, metrics: Array.from(choices.querySelectorAll<HTMLInputElement>('input:checked')).map((i) => i.value) };
    save();
    draw();
  });
  const sortBy = (th: HTMLElement) => {
    const key = th.dataset.sort!;
    // First click ascending, second descending, third back to trial order.
    state = { ...state, sort: state.sort?.key !== key ? { key, desc: false } : state.sort.desc ? undefined : { key, desc: true } };
    save();
    draw();
    box.querySelector<HTMLElement>(`th[data-sort="${CSS.escape(key)}"]`)?.focus();
  };
  box.addEventListener('click', (ev) => {
    const th = (ev.target as Element).closest<HTMLElement>('th[data-sort]');
    if (th) sortBy(th);
  });
  // Headers are focusable: Enter or Space sorts, as a click does.
  box.addEventListener('keydown', (ev) => {
    const th = (ev.target as Element).closest<HTMLElement>('th[data-sort]');
    if (!th || (ev.key !== 'Enter' && ev.key !== ' ')) return;
    ev.preventDefault();
    sortBy(th);
  });

  return {
    update(next) {
      data = next;
      host.dataset.downloadName = `${next.sweepId}-trials`.replace(/[^A-Za-z0-9._-]+/g, '-');
      draw();
    },
  };
}
