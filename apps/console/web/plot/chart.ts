/**
 * A hand-written SVG chart, log-log by default (a linear y axis on request, for residuals): decade
 * gridlines, lines (solid or dashed), optional shaded bands, point markers with optional interval
 * whiskers, and a hover readout of the nearest point. Pure DOM, no chart library.
 */
import { offerDownloads } from '../download';
import { esc } from '../format';
import { forTheme } from '../theme';
import { linearTicks } from './intervals';
import { linearDomain, linearScale, logDomain, logScale, logTicks, type LogScale } from './scale';

export type XY = [number, number];

export interface ChartLine {
  id: string;
  label: string;
  color: string;
  points: XY[];
  /** true: the default dash; a string: an SVG stroke-dasharray ("1.5 3" dotted), to tell several dashed series apart. */
  dashed?: boolean | string;
  /** Stroke width in px (default 1.6). */
  weight?: number;
  /** Words shown in the hover readout, before the x/y values. */
  describe?: string;
  /** Text written at the line's right end (e.g. the slice it shows, `D = 147k`). */
  endLabel?: string;
  /** Drawn faint (another series is isolated). */
  faded?: boolean;
  /** The unsmoothed curve behind a smoothed one: drawn faint, thin, not in the hover readout. */
  raw?: boolean;
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
  /** Squares mark held-out runs; circles everything else. */
  shape?: 'circle' | 'square';
  /** A vertical whisker [lo, hi] in y units: the law's interval at this point. */
  yRange?: [number, number];
  /** Extra class on the marker element (e.g. `held-out`), for styling and tests. */
  kind?: string;
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
  /** Linear y axis (residuals); x stays logarithmic. */
  yLinear?: boolean;
  /**
   * Scale y to the markers (the data) only, so a runaway curve (a degenerate fit) cannot drag the
   * axis away from the runs; curves are clipped to the plot.
   */
  yFromMarkers?: boolean;
  /** Horizontal reference lines at these y values (e.g. zero residual). */
  yRules?: number[];
  /** File name (without extension) of the plot's SVG/PNG download; default `<yLabel>-vs-<xLabel>`. */
  name?: string;
  /** x axis linear instead of logarithmic (e.g. smoothed curves against step from 0). */
  xLinear?: boolean;
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
  // Colours are chosen for white; the dark theme gets lighter ones of the same hue.
  const lines = spec.lines.map((l) => ({ ...l, color: forTheme(l.color), points: l.points.filter(finitePos) }));
  const okY = (v: number) => Number.isFinite(v) && (spec.yLinear || v > 0);
  const okX = (v: number) => Number.isFinite(v) && (spec.xLinear || v > 0);
  const okPoint = (p: XY) => okX(p[0]) && okY(p[1]);
  if (spec.yLinear || spec.xLinear) lines.forEach((l, i) => (l.points = spec.lines[i].points.filter(okPoint)));
  const markers = (spec.markers ?? []).filter((m) => okPoint([m.x, m.y])).map((m) => ({ ...m, color: forTheme(m.color) }));
  const bands = (spec.bands ?? []).map((b) => ({ ...b, color: forTheme(b.color) }));
  const xs: number[] = [];
  const ys: number[] = [];
  for (const l of lines) {
    for (const [px, py] of l.points) {
      xs.push(px);
      ys.push(py);
    }
  }
  const dataOnly = spec.yFromMarkers && markers.length > 0;
  if (dataOnly) ys.length = 0;
  for (const m of markers) {
    xs.push(m.x);
    ys.push(m.y);
    if (m.yRange && !dataOnly) ys.push(...m.yRange.filter(okY));
  }
  for (const b of bands) {
    for (const [bx, lo, hi] of b.points) {
      if (!(okY(lo) && okY(hi))) continue;
      xs.push(bx);
      if (!dataOnly) ys.push(lo, hi);
    }
  }
  for (const r of spec.yRules ?? []) ys.push(r);
  const xd = spec.xLinear ? linearDomain(xs, 0.02) : logDomain(xs);
  const yd = spec.yLinear ? linearDomain(ys) : logDomain(ys, 0.25, dataOnly ? 0.15 : 0.06);
  if (!xd || !yd) {
    root.innerHTML = `<div class="chart-empty">${esc(spec.emptyText ?? 'No data yet')}</div>`;
    return root;
  }
  const x = spec.xLinear ? linearScale(xd, [M.left, W - M.right]) : logScale(xd, [M.left, W - M.right]);
  const y = spec.yLinear ? linearScale(yd, [H - M.bottom, M.top]) : logScale(yd, [H - M.bottom, M.top]);
  const fx = spec.formatX ?? ((v: number) => String(+v.toPrecision(4)));
  const fy = spec.formatY ?? ((v: number) => String(+v.toPrecision(4)));

  const clipId = `clip${++clipSeq}`;
  const parts: string[] = [];
  parts.push(axes(x, y, spec, H));
  parts.push(`<g class="plot" clip-path="url(#${clipId})">`);
  for (const b of bands) parts.push(bandPath(b, x, y, okY));
  for (const r of spec.yRules ?? []) parts.push(`<line class="rule" x1="${M.left}" x2="${W - M.right}" y1="${y(r).toFixed(1)}" y2="${y(r).toFixed(1)}"/>`);
  const labels: string[] = [];
  for (const l of lines) {
    if (l.points.length === 0) continue;
    const d = l.points.map(([a, b], i) => `${i ? 'L' : 'M'}${x(a).toFixed(1)},${y(b).toFixed(1)}`).join('');
    parts.push(
      `<path class="series${l.faded ? ' faded' : ''}${l.raw ? ' raw' : ''}" data-series="${esc(l.id)}" data-points="${l.points.length}" d="${d}" fill="none" stroke="${l.color}" stroke-width="${l.weight ?? 1.6}" stroke-linejoin="round" stroke-linecap="round"${l.dashed ? ` stroke-dasharray="${typeof l.dashed === 'string' ? esc(l.dashed) : '5 4'}"` : ''}/>`,
    );
    const end = l.endLabel ? lastInside(l.points, x, y, W, H) : undefined;
    if (end) labels.push(`<text class="end-label" data-series="${esc(l.id)}" x="${end[0].toFixed(1)}" y="${end[1].toFixed(1)}" dy="-0.45em" text-anchor="end" fill="${l.color}">${esc(l.endLabel)}</text>`);
  }
  for (const m of markers) {
    const [cx, cy] = [x(m.x), y(m.y)];
    const cls = `marker${m.kind ? ` ${m.kind}` : ''}${m.hollow ? ' hollow' : ''}`;
    if (m.yRange && m.yRange.every(okY)) {
      const [lo, hi] = [y(m.yRange[0]), y(m.yRange[1])];
      parts.push(`<path class="whisker" d="M${cx.toFixed(1)},${lo.toFixed(1)}V${hi.toFixed(1)}M${(cx - 3).toFixed(1)},${lo.toFixed(1)}h6M${(cx - 3).toFixed(1)},${hi.toFixed(1)}h6" stroke="${m.color}" stroke-width="1.2" fill="none"/>`);
    }
    const fill = m.hollow ? '#fff' : m.color;
    parts.push(
      m.shape === 'square'
        ? `<rect class="${cls}" x="${(cx - 4.2).toFixed(1)}" y="${(cy - 4.2).toFixed(1)}" width="8.4" height="8.4" fill="${fill}" stroke="${m.color}" stroke-width="1.8"/>`
        : `<circle class="${cls}" cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="4.2" fill="${fill}" stroke="${m.color}" stroke-width="1.6"/>`,
    );
  }
  parts.push(...labels);
  parts.push(`</g>`);
  parts.push(`<g class="hover" visibility="hidden"><line class="hover-x" y1="${M.top}" y2="${H - M.bottom}"/><circle class="hover-dot" r="4.5"/></g>`);
  root.innerHTML = `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(spec.yLabel)} against ${esc(spec.xLabel)}">
<defs><clipPath id="${clipId}"><rect x="${M.left}" y="${M.top - 2}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom + 4}"/></clipPath></defs>
${parts.join('\n')}</svg><div class="readout" hidden></div>`;

  const hover: HoverPoint[] = [];
  for (const l of lines.filter((l) => !l.raw))
    for (const [a, b] of l.points)
      hover.push({ px: x(a), py: y(b), color: l.color, text: `${l.describe ?? l.label} · ${spec.xLabel} ${fx(a)} · ${spec.yLabel} ${fy(b)}` });
  for (const m of markers) hover.push({ px: x(m.x), py: y(m.y), color: m.color, text: `${m.label} · ${spec.xLabel} ${fx(m.x)} · ${spec.yLabel} ${fy(m.y)}` });
  attachHover(root, hover, W, H);
  return offerDownloads(root, spec.name ?? `${spec.yLabel}-vs-${spec.xLabel}`);
}

/** The rightmost point of a line that lies inside the plot area, in pixels. */
function lastInside(points: XY[], x: LogScale, y: LogScale, W: number, H: number): [number, number] | undefined {
  for (let i = points.length - 1; i >= 0; i--) {
    const [px, py] = [x(points[i][0]), y(points[i][1])];
    if (px >= M.left && px <= W - M.right && py >= M.top + 8 && py <= H - M.bottom) return [px, py];
  }
  return undefined;
}

function axes(x: LogScale, y: LogScale, spec: ChartSpec, H: number): string {
  const out: string[] = [];
  const [x0, x1] = x.range;
  const [y0, y1] = y.range;
  const fx = spec.formatX ?? ((v: number) => String(+v.toPrecision(4)));
  const xTicks = spec.xLinear ? linearTicks(x.domain[0], x.domain[1]).map((value) => ({ value, major: true, label: fx(value) })) : logTicks(x.domain[0], x.domain[1]);
  for (const t of xTicks) {
    const px = x(t.value).toFixed(1);
    out.push(`<line class="${t.major ? 'grid' : 'grid minor'}" x1="${px}" x2="${px}" y1="${y1}" y2="${y0}"/>`);
    out.push(`<line class="tick" x1="${px}" x2="${px}" y1="${y0}" y2="${y0 + (t.major ? 6 : 3)}"/>`);
    if (t.label) out.push(`<text class="tick-label" x="${px}" y="${y0 + 19}" text-anchor="middle">${esc(t.label)}</text>`);
  }
  const fy = spec.formatY ?? ((v: number) => String(+v.toPrecision(4)));
  const yTicks = spec.yLinear ? linearTicks(y.domain[0], y.domain[1]).map((value) => ({ value, major: true, label: fy(value) })) : logTicks(y.domain[0], y.domain[1]);
  for (const t of yTicks) {
    const py = y(t.value).toFixed(1);
    out.push(`<line class="${t.major ? 'grid' : 'grid minor'}" x1="${x0}" x2="${x1}" y1="${py}" y2="${py}"/>`);
    out.push(`<line class="tick" x1="${x0 - (t.major ? 6 : 3)}" x2="${x0}" y1="${py}" y2="${py}"/>`);
    if (t.label) out.push(`<text class="tick-label" x="${x0 - 9}" y="${py}" dy="0.32em" text-anchor="end">${esc(t.label)}</text>`);
  }
  out.push(`<line class="axis" x1="${x0}" x2="${x1}" y1="${y0}" y2="${y0}"/><line class="axis" x1="${x0}" x2="${x0}" y1="${y0}" y2="${y1}"/>`);
  out.push(`<text class="axis-label" x="${(x0 + x1) / 2}" y="${H - 8}" text-anchor="middle">${esc(spec.xLabel)}${spec.xLinear ? '' : ' (log)'}</text>`);
  out.push(`<text class="axis-label" transform="translate(15 ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel)}${spec.yLinear ? '' : ' (log)'}</text>`);
  return out.join('\n');
}

function bandPath(b: ChartBand, x: LogScale, y: LogScale, okY: (v: number) => boolean): string {
  const pts = b.points.filter(([a, lo, hi]) => Number.isFinite(a) && (a > 0 || x.domain[0] <= 0) && okY(lo) && okY(hi));
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
