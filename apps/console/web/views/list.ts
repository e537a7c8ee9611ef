/**
 * Sweep list: name, status, trial counts, FLOPs spent, created; refreshed on live sweep changes.
 * Ticking two or more sweeps offers to compare them (#/compare?ids=a,b).
 */
import { api } from '../api';
import { compareHash } from '../comparison';
import { esc, formatFlops, formatTime } from '../format';
import { LiveConnection } from '../live';
import type { SweepRow } from '../types';
import { badge, coalesce, setLiveState, type View } from './common';

export function mountList(root: HTMLElement): View {
  root.innerHTML = `<section class="page">
  <div class="page-head"><h1>Sweeps</h1><p class="sub">Scaling-law sweeps known to this gateway, newest first.</p></div>
  <div class="compare-bar"><button id="compare" data-testid="compare-button" disabled>Compare selected</button><span class="dim" id="compare-hint">tick two or more sweeps to compare their laws</span></div>
  <div class="card" id="sweeps"><div class="empty">Loading…</div></div></section>`;
  const box = root.querySelector<HTMLElement>('#sweeps')!;
  const compareButton = root.querySelector<HTMLButtonElement>('#compare')!;
  let disposed = false;
  /** Ticked sweeps, in the order they were ticked; kept across live re-renders of the table. */
  const picked: string[] = [];
  const syncPicked = () => {
    compareButton.disabled = picked.length < 2;
    root.querySelector('#compare-hint')!.textContent = picked.length ? `${picked.length} selected` : 'tick two or more sweeps to compare their laws';
    box.querySelectorAll<HTMLInputElement>('input[data-pick]').forEach((cb) => (cb.checked = picked.includes(cb.dataset.pick!)));
  };
  box.addEventListener('change', (ev) => {
    const cb = (ev.target as HTMLElement).closest<HTMLInputElement>('input[data-pick]');
    if (!cb) return;
    const i = picked.indexOf(cb.dataset.pick!);
    if (cb.checked && i < 0) picked.push(cb.dataset.pick!);
    if (!cb.checked && i >= 0) picked.splice(i, 1);
    syncPicked();
  });
  compareButton.addEventListener('click', () => (location.hash = compareHash(picked)));

  const load = async () => {
    try {
      const rows = await api.sweeps();
      if (disposed) return;
      box.innerHTML = rows.length ? table(rows) : `<div class="empty">No sweeps yet. Submit one with <code>slab submit spec.yaml</code>.</div>`;
      syncPicked();
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
  <td class="pick"><input type="checkbox" data-pick="${esc(s.id)}" aria-label="select ${esc(s.name)} to compare"></td>
  <td><a href="#/sweeps/${encodeURIComponent(s.id)}" class="strong">${esc(s.name)}</a><div class="mono dim">${esc(s.id)}</div></td>
  <td>${badge(s.status, s.fitFailed)}</td>
  <td class="num"><span class="ok-text">${c.completed ?? 0}</span> / <span class="info-text">${c.running ?? 0}</span> / <span class="${failed ? 'bad-text' : 'dim'}">${failed}</span></td>
  <td class="num">${formatFlops(s.flopsSpent)}</td>
  <td class="dim">${formatTime(s.createdAt)}</td></tr>`;
    })
    .join('');
  return `<table class="table" data-testid="sweep-table"><thead><tr><th class="pick" title="select to compare"></th><th>Sweep</th><th>Status</th><th class="num" title="completed / running / failed or diverged">Done / running / failed</th><th class="num">FLOPs spent</th><th>Created</th></tr></thead><tbody>${body}</tbody></table>`;
}
