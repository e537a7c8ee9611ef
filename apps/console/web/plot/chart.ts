/**
 * A hand-written log-log SVG chart: decade gridlines, lines (solid or dashed), optional shaded
 * bands and point markers, and a hover readout of the nearest point. Pure DOM, no chart library.
 */
import { esc } from '../format';
import { logDomain, logScale, logTicks, type LogScale } from './scale';

export type XY = [number, number];

export interface ChartLine {
  id: string;
  label: string;
  color: string;
  points: XY[];
  dashed?: boolean;
  /** Stroke width in px (default 1.6). */
  weight?: number;
  /** Words shown in the hover readout, before the x/y values. */
  describe?: string;
}

export interface ChartBand {
  color: string;
  /** [x, lo, hi] triples, sorted by x. */
  points: [number, number, number][];
}

export interface ChartMarker {
  x: number;
  y: number;
  color: string;
  label: string;
  /** Hollow markers show held-out or not-yet-fitted points. */
  hollow?: boolean;
}

export interface ChartSpec {
  xLabel: string;
  yLabel: string;
  lines: ChartLine[];
  bands?: ChartBand[];
  markers?: ChartMarker[];
  formatX?: (x: number) => string;
  formatY?: (y: number) => string;
  emptyText?: string;
  /** viewBox size; pick it near the rendered size so text keeps its CSS size (default 640×340). */
  size?: [number, number];
}

const M = { top: 14, right: 18, bottom: 46, left: 62 };

interface HoverPoint {
  px: number;
  py: number;
  text: string;
  color: string;
}

let clipSeq = 0;
const finitePos = (p: XY) => p[0] > 0 && p[1] > 0 && Number.isFinite(p[0]) && Number.isFinite(p[1]);

export function logLogChart(spec: ChartSpec): HTMLElement {
  const [W, H] = spec.size ?? [640, 340];
  const root = document.createElement('div');
  root.className = 'chart';
  const lines = spec.lines.map((l) => ({ ...l, points: l.points.filter(finitePos) }));
  const markers = (spec.markers ?? []).filter((m) => finitePos([m.x, m.y]));
  const bands = spec.bands ?? [];
  const xs: number[] = [];
  const ys: number[] = [];
  for (const l of lines) {
    for (const [px, py] of l.points) {
      xs.push(px);
      ys.push(py);
    }
  }
  for (const m of markers) {
    xs.push(m.x);
    ys.push(m.y);
  }
  for (const b of bands) {
    for (const [bx, lo, hi] of b.points) {
      if (!(lo > 0 && hi > 0)) continue;
      xs.push(bx);
      ys.push(lo, hi);
    }
  }
  const xd = logDomain(xs);
  const yd = logDomain(ys, 0.25, 0.06);
  if (!xd || !yd) {
    root.innerHTML = `<div class="chart-empty">${esc(spec.emptyText ?? 'No data yet')}</div>`;
    return root;
  }
  const x = logScale(xd, [M.left, W - M.right]);
  const y = logScale(yd, [H - M.bottom, M.top]);
  const fx = spec.formatX ?? ((v: number) => String(+v.toPrecision(4)));
  const fy = spec.formatY ?? ((v: number) => String(+v.toPrecision(4)));

  const clipId = `clip${++clipSeq}`;
  const parts: string[] = [];
  parts.push(axes(x, y, spec, H));
  parts.push(`<g class="plot" clip-path="url(#${clipId})">`);
  for (const b of bands) parts.push(bandPath(b, x, y));
  for (const l of lines) {
    if (l.points.length === 0) continue;
    const d = l.points.map(([a, b], i) => `${i ? 'L' : 'M'}${x(a).toFixed(1)},${y(b).toFixed(1)}`).join('');
    parts.push(
      `<path class="series" data-series="${esc(l.id)}" data-points="${l.points.length}" d="${d}" fill="none" stroke="${l.color}" stroke-width="${l.weight ?? 1.6}" stroke-linejoin="round" stroke-linecap="round"${l.dashed ? ' stroke-dasharray="5 4"' : ''}/>`,
    );
  }
  for (const m of markers) {
    parts.push(
      `<circle class="marker" cx="${x(m.x).toFixed(1)}" cy="${y(m.y).toFixed(1)}" r="4.2" fill="${m.hollow ? '#fff' : m.color}" stroke="${m.color}" stroke-width="1.6"/>`,
    );
  }
  parts.push(`</g>`);
  parts.push(`<g class="hover" visibility="hidden"><line class="hover-x" y1="${M.top}" y2="${H - M.bottom}"/><circle class="hover-dot" r="4.5"/></g>`);
  root.innerHTML = `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(spec.yLabel)} against ${esc(spec.xLabel)}">
<defs><clipPath id="${clipId}"><rect x="${M.left}" y="${M.top - 2}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom + 4}"/></clipPath></defs>
${parts.join('\n')}</svg><div class="readout" hidden></div>`;

  const hover: HoverPoint[] = [];
  for (const l of lines)
    for (const [a, b] of l.points)
      hover.push({ px: x(a), py: y(b), color: l.color, text: `${l.describe ?? l.label} · ${spec.xLabel} ${fx(a)} · ${spec.yLabel} ${fy(b)}` });
  for (const m of markers) hover.push({ px: x(m.x), py: y(m.y), color: m.color, text: `${m.label} · ${spec.xLabel} ${fx(m.x)} · ${spec.yLabel} ${fy(m.y)}` });
  attachHover(root, hover, W, H);
  return root;
}

function axes(x: LogScale, y: LogScale, spec: ChartSpec, H: number): string {
  const out: string[] = [];
  const [x0, x1] = x.range;
  const [y0, y1] = y.range;
  for (const t of logTicks(x.domain[0], x.domain[1])) {
    const px = x(t.value).toFixed(1);
    out.push(`<line class="${t.major ? 'grid' : 'grid minor'}" x1="${px}" x2="${px}" y1="${y1}" y2="${y0}"/>`);
    out.push(`<line class="tick" x1="${px}" x2="${px}" y1="${y0}" y2="${y0 + (t.major ? 6 : 3)}"/>`);
    if (t.label) out.push(`<text class="tick-label" x="${px}" y="${y0 + 19}" text-anchor="middle">${esc(t.label)}</text>`);
  }
  for (const t of logTicks(y.domain[0], y.domain[1])) {
    const py = y(t.value).toFixed(1);
    out.push(`<line class="${t.major ? 'grid' : 'grid minor'}" x1="${x0}" x2="${x1}" y1="${py}" y2="${py}"/>`);
    out.push(`<line class="tick" x1="${x0 - (t.major ? 6 : 3)}" x2="${x0}" y1="${py}" y2="${py}"/>`);
    if (t.label) out.push(`<text class="tick-label" x="${x0 - 9}" y="${py}" dy="0.32em" text-anchor="end">${esc(t.label)}</text>`);
  }
  out.push(`<line class="axis" x1="${x0}" x2="${x1}" y1="${y0}" y2="${y0}"/><line class="axis" x1="${x0}" x2="${x0}" y1="${y0}" y2="${y1}"/>`);
  out.push(`<text class="axis-label" x="${(x0 + x1) / 2}" y="${H - 8}" text-anchor="middle">${esc(spec.xLabel)} (log)</text>`);
  out.push(`<text class="axis-label" transform="translate(15 ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel)} (log)</text>`);
  return out.join('\n');
}

function bandPath(b: ChartBand, x: LogScale, y: LogScale): string {
  const pts = b.points.filter(([a, lo, hi]) => a > 0 && lo > 0 && hi > 0 && Number.isFinite(lo) && Number.isFinite(hi));
  if (pts.length < 2) return '';
  const upper = pts.map(([a, , hi], i) => `${i ? 'L' : 'M'}${x(a).toFixed(1)},${y(hi).toFixed(1)}`).join('');
  const lower = [...pts].reverse().map(([a, lo]) => `L${x(a).toFixed(1)},${y(lo).toFixed(1)}`).join('');
  return `<path class="band" d="${upper}${lower}Z" fill="${b.color}" fill-opacity="0.14" stroke="none"/>`;
}

/** Nearest-point readout: the point closest to the cursor (within 28 px) is ringed and described. */
function attachHover(root: HTMLElement, points: HoverPoint[], W: number, H: number): void {
  const svg = root.querySelector('svg')!;
  const g = svg.querySelector<SVGGElement>('g.hover')!;
  const vline = g.querySelector<SVGLineElement>('line')!;
  const dot = g.querySelector<SVGCircleElement>('circle')!;
  const readout = root.querySelector<HTMLDivElement>('.readout')!;
  svg.addEventListener('mousemove', (ev) => {
    const box = svg.getBoundingClientRect();
    const sx = ((ev.clientX - box.left) / box.width) * W;
    const sy = ((ev.clientY - box.top) / box.height) * H;
    let best: HoverPoint | undefined;
    let bestD = 28 * 28;
    for (const p of points) {
      const d = (p.px - sx) ** 2 + (p.py - sy) ** 2;
      if (d < bestD) {
        bestD = d;
        best = p;
      }
    }
    if (!best) {
      g.setAttribute('visibility', 'hidden');
      readout.hidden = true;
      return;
    }
    g.setAttribute('visibility', 'visible');
    vline.setAttribute('x1', String(best.px));
    vline.setAttribute('x2', String(best.px));
    dot.setAttribute('cx', String(best.px));
    dot.setAttribute('cy', String(best.py));
    dot.setAttribute('stroke', best.color);
    readout.hidden = false;
    readout.textContent = best.text;
    const left = (best.px / W) * box.width;
    readout.style.left = `${Math.min(Math.max(left, 8), box.width - 8)}px`;
    readout.style.top = `${(best.py / H) * box.height}px`;
    readout.classList.toggle('flip', left > box.width * 0.6);
  });
  svg.addEventListener('mouseleave', () => {
    g.setAttribute('visibility', 'hidden');
    readout.hidden = true;
  });
}
