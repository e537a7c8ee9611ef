/**
 * A dot-and-whisker chart: one row per item, its estimate as a dot and its interval as a bar on a
 * shared linear axis, best first. Used to compare the groups' predictions at the target.
 */
import { offerDownloads } from '../download';
import { esc } from '../format';
import { forTheme } from '../theme';

export interface IntervalRow {
  id: string;
  label: string;
  color: string;
  value: number;
  lo?: number;
  hi?: number;
  highlight?: boolean;
}

/** Round-number ticks (1, 2, 5 × 10^k steps) inside [lo, hi], about `target` of them. */
export function linearTicks(lo: number, hi: number, target = 5): number[] {
  const raw = (hi - lo) / target;
  const k = 10 ** Math.floor(Math.log10(raw));
  // The 1-2-5 step nearest (in ratio) to the ideal one, so there are about `target` ticks.
  const step = [1, 2, 5, 10].map((m) => m * k).reduce((a, b) => (Math.abs(Math.log(b / raw)) < Math.abs(Math.log(a / raw)) ? b : a));
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

export function intervalChart(rows: IntervalRow[], xLabel: string, format: (v: number) => string, width = 540): HTMLElement {
  const root = document.createElement('div');
  root.className = 'chart';
  const ok = rows.filter((r) => Number.isFinite(r.value));
  if (ok.length === 0) {
    root.innerHTML = `<div class="chart-empty">No group has a prediction at the target yet.</div>`;
    return root;
  }
  const left = 190;
  const right = 20;
  const rowH = 26;
  const top = 10;
  const H = top + ok.length * rowH + 46;
  const all = ok.flatMap((r) => [r.value, r.lo ?? r.value, r.hi ?? r.value]).filter(Number.isFinite);
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  const pad = (hi - lo || Math.abs(hi) * 0.1 || 1) * 0.08;
  lo -= pad;
  hi += pad;
  const x = (v: number) => left + ((v - lo) / (hi - lo)) * (width - left - right);
  const y0 = top + ok.length * rowH;
  const parts: string[] = [];
  for (const t of linearTicks(lo, hi)) {
    const px = x(t).toFixed(1);
    parts.push(`<line class="grid" x1="${px}" x2="${px}" y1="${top}" y2="${y0}"/><text class="tick-label" x="${px}" y="${y0 + 17}" text-anchor="middle">${esc(format(t))}</text>`);
  }
  parts.push(`<line class="axis" x1="${left}" x2="${width - right}" y1="${y0}" y2="${y0}"/>`);
  parts.push(`<text class="axis-label" x="${(left + width - right) / 2}" y="${H - 8}" text-anchor="middle">${esc(xLabel)}</text>`);
  ok.forEach((r, i) => {
    const cy = top + i * rowH + rowH / 2;
    const color = forTheme(r.color);
    const bar =
      r.lo !== undefined && r.hi !== undefined && Number.isFinite(r.lo) && Number.isFinite(r.hi)
        ? `<line x1="${x(r.lo).toFixed(1)}" x2="${x(r.hi).toFixed(1)}" y1="${cy}" y2="${cy}" stroke="${color}" stroke-width="${r.highlight ? 3.5 : 2.2}" stroke-linecap="round" stroke-opacity="0.75"/>`
        : '';
    parts.push(
      `<g class="interval${r.highlight ? ' best' : ''}" data-group="${esc(r.id)}">${r.highlight ? `<rect x="2" y="${cy - rowH / 2 + 2}" width="${width - 4}" height="${rowH - 4}" rx="5" class="row-highlight"/>` : ''}<text class="row-label" x="${left - 10}" y="${cy}" dy="0.32em" text-anchor="end">${esc(r.label)}</text>${bar}<circle cx="${x(r.value).toFixed(1)}" cy="${cy}" r="${r.highlight ? 5.5 : 4.5}" fill="${color}"/></g>`,
    );
  });
  root.innerHTML = `<svg viewBox="0 0 ${width} ${H}" role="img" aria-label="${esc(xLabel)} per group">${parts.join('\n')}</svg>`;
  return offerDownloads(root, `${xLabel}-per-group`);
}
