/** Sweep list: name, status, trial counts, FLOPs spent, created; refreshed on live sweep changes. */
import { api } from '../api';
import { esc, formatFlops, formatTime } from '../format';
import { LiveConnection } from '../live';
import type { SweepRow } from '../types';
import { badge, coalesce, setLiveState, type View } from './common';

export function mountList(root: HTMLElement): View {
  root.innerHTML = `<section class="page">
  <div class="page-head"><h1>Sweeps</h1><p class="sub">Scaling-law sweeps known to this gateway, newest first.</p></div>
  <div class="card" id="sweeps"><div class="empty">Loading…</div></div></section>`;
  const box = root.querySelector<HTMLElement>('#sweeps')!;
  let disposed = false;

  const load = async () => {
    try {
      const rows = await api.sweeps();
      if (!disposed) box.innerHTML = rows.length ? table(rows) : `<div class="empty">No sweeps yet. Submit one with <code>slab submit spec.yaml</code>.</div>`;
    } catch (err) {
      if (!disposed) box.innerHTML = `<div class="error">${esc(err instanceof Error ? err.message : err)}</div>`;
    }
  };
  const reload = coalesce(() => void load(), 400);
  void load();
  // Every sweep: metric frames are ignored here, lifecycle changes refresh the table.
  const live = new LiveConnection('', {
    onUpdate: (u) => {
      if (u.kind !== 'metrics') reload();
    },
    onState: setLiveState,
    onResubscribed: reload,
  });
  return {
    dispose() {
      disposed = true;
      reload.cancel();
      live.close();
    },
  };
}

function table(rows: SweepRow[]): string {
  const body = rows
    .map((s) => {
      const c = s.counts ?? {};
      const failed = (c.failed ?? 0) + (c.diverged ?? 0);
      return `<tr data-sweep="${esc(s.id)}">
  <td><a href="#/sweeps/${encodeURIComponent(s.id)}" class="strong">${esc(s.name)}</a><div class="mono dim">${esc(s.id)}</div></td>
  <td>${badge(s.status, s.fitFailed)}</td>
  <td class="num"><span class="ok-text">${c.completed ?? 0}</span> / <span class="info-text">${c.running ?? 0}</span> / <span class="${failed ? 'bad-text' : 'dim'}">${failed}</span></td>
  <td class="num">${formatFlops(s.flopsSpent)}</td>
  <td class="dim">${formatTime(s.createdAt)}</td></tr>`;
    })
    .join('');
  return `<table class="table" data-testid="sweep-table"><thead><tr><th>Sweep</th><th>Status</th><th class="num" title="completed / running / failed or diverged">Done / running / failed</th><th class="num">FLOPs spent</th><th>Created</th></tr></thead><tbody>${body}</tbody></table>`;
}
