/**
 * Trial table: config, status (incl. diverged and why, retries, and whether the fit held the run
 * out), why the planner chose it, N, D, FLOPs, eval loss, backend.
 */
import { esc, formatCount, formatFlops, formatValue } from '../format';
import type { SeriesStore } from '../series';
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
  const size = t.config?.width !== undefined ? `w${t.config.width}` : t.params ? `N ${formatCount(t.params)}` : '';
  return `#${t.index}${size ? ` ${size}` : ''}`;
}

export function renderTrials(trials: TrialRow[], series: SeriesStore, colorOf: (t: TrialRow) => string, heldOut: Set<string> = new Set()): string {
  if (trials.length === 0) return `<div class="empty">No trials planned yet.</div>`;
  const rows = [...trials]
    .sort((a, b) => a.index - b.index)
    .map((t) => {
      const final = t.final?.eval_loss;
      const liveEval = final === undefined ? series.last(t.id, 'eval_loss') : undefined;
      const loss = final !== undefined ? formatValue(final) : liveEval !== undefined ? `<span class="dim" title="latest, still running">${formatValue(liveEval)}</span>` : '—';
      const held = heldOut.has(t.id);
      return `<tr data-trial="${esc(t.id)}"${held ? ' data-held-out="true"' : ''}>
  <td><span class="swatch" style="background:${colorOf(t)}"></span>${t.index}</td>
  <td class="cfg">${esc(configText(t.config))}</td>
  <td><span class="badge ${statusClass(t.status)}" data-status="${esc(t.status)}"${t.reason ? ` title="${esc(t.reason)}"` : ''}>${esc(statusText(t))}</span>${held ? ' <span class="badge held" title="kept out of the fit to measure its extrapolation">held out</span>' : ''}</td>
  <td class="plan-reason">${t.planReason ? esc(t.planReason) : '<span class="dim">—</span>'}</td>
  <td class="num">${formatCount(t.params)}</td>
  <td class="num">${formatCount(t.data)}</td>
  <td class="num">${formatFlops(t.flops)}</td>
  <td class="num">${loss}</td>
  <td class="dim">${esc(t.backend ?? '—')}</td></tr>`;
    })
    .join('');
  return `<div class="table-wrap"><table class="table" data-testid="trial-table"><thead><tr><th>#</th><th>Config</th><th>Status</th><th>Plan reason</th><th class="num">Params N</th><th class="num">Data D</th><th class="num">FLOPs</th><th class="num">Eval loss</th><th>Backend</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** A running trial on its second or later attempt is being retried (its worker died, or it failed). */
function statusText(t: { status: string; attempt?: number }): string {
  return t.status === 'running' && (t.attempt ?? 1) > 1 ? `retrying (attempt ${t.attempt})` : t.status;
}

function statusClass(s: string): string {
  return { completed: 'ok', running: 'info', diverged: 'warn', failed: 'bad' }[s] ?? 'muted';
}
