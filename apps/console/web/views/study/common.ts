/** Small pieces the study views share: number formatting, a series palette, table cells. */
import { hueColor } from '../../color';
import { esc } from '../../format';

/** A number to `digits` significant figures; '—' for null and non-finite values. */
export const num = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : String(Number(v.toPrecision(digits))));

export const percent = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(2)}%`);

/** Colour of the i-th of n series (e.g. widths, smallest first). */
export const seriesColor = (i: number): string => hueColor(i);

/** A key under a chart: one swatch per series; a dashed series shows its own dash pattern (see ChartLine.dashed). */
export function legend(items: { label: string; color: string; dashed?: boolean | string }[]): string {
  const swatch = (i: { color: string; dashed?: boolean | string }) =>
    i.dashed
      ? `<svg class="swatch-line" width="22" height="8" aria-hidden="true"><line x1="1" y1="4" x2="21" y2="4" stroke="${esc(i.color)}" stroke-width="2" stroke-dasharray="${esc(typeof i.dashed === 'string' ? i.dashed : '5 4')}"/></svg>`
      : `<span class="swatch" style="background: ${esc(i.color)}"></span>`;
  return `<div class="legend" data-testid="study-legend">${items.map((i) => `<span class="legend-item">${swatch(i)}${esc(i.label)}</span>`).join('')}</div>`;
}
