/** Small DOM helpers shared by the views. */
import { esc } from '../format';

export function h(html: string): HTMLElement {
  const t = document.createElement('template');
  t.innerHTML = html.trim();
  return t.content.firstElementChild as HTMLElement;
}

const STATUS_CLASS: Record<string, string> = {
  running: 'info',
  planning: 'info',
  fitting: 'info',
  planned: 'muted',
  pending: 'muted',
  completed: 'ok',
  paused: 'warn',
  diverged: 'warn',
  stopped: 'muted',
  cancelled: 'muted',
  failed: 'bad',
};

export function badge(status: string | undefined, fitFailed?: string): string {
  const s = status || 'unknown';
  // A completed sweep whose fits all failed answered nothing: shown as a failure, with the reason.
  if (fitFailed) return `<span class="badge bad" data-status="${esc(s)}" data-fit-failed="true" title="${esc(fitFailed)}">${esc(s)}, fit failed</span>`;
  return `<span class="badge ${STATUS_CLASS[s] ?? 'muted'}" data-status="${esc(s)}">${esc(s)}</span>`;
}

/** Runs `fn` at most once per `ms`, coalescing bursts of live frames into one re-render. */
export function coalesce(fn: () => void, ms: number): { (): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  };
  run.cancel = () => clearTimeout(timer);
  return run;
}

export interface View {
  dispose(): void;
}

export function setLiveState(state: string): void {
  const el = document.getElementById('live-state');
  if (!el) return;
  el.dataset.state = state;
  el.textContent = state === 'live' ? 'live' : state === 'connecting' ? 'connecting…' : 'offline, retrying';
}
