/** Small pieces the study views share: number formatting, a series palette, table cells. */
import { hueColor } from '../../color';
import { esc } from '../../format';

/** A number to `digits` significant figures; '—' for null and non-finite values. */
export const num = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : String(Number(v.toPrecision(digits))));

export const percent = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(2)}%`);

/** Colour of the i-th of n series (e.g. widths, smallest first). */
export const seriesColor = (i: number): string => hueColor(i);

/** A key under a chart: one swatch per series (dashed series get an outlined swatch). */
export function legend(items: { label: string; color: string; dashed?: boolean }[]): string {
  const swatch = (i: { color: string; dashed?: boolean }) => (i.dashed ? `border: 2px dashed ${i.color}; background: none` : `background: ${i.color}`);
  return `<div class="legend" data-testid="study-legend">${items.map((i) => `<span class="legend-item"><span class="swatch" style="${swatch(i)}"></span>${esc(i.label)}</span>`).join('')}</div>`;
}
