/**
 * SVG plot of a fit on log-log axes: fitted points, held-out points, the fitted curve, its bootstrap band and
 * the extrapolation to a target. Pure string output (no DOM), so the CLI and the console can both use it.
 */
import { computeOptimalFrontier, predictInterval } from './derive';
import { getLaw } from './laws/index';
import type { FitData, FitReport } from './types';

export interface PlotOptions {
  heldOut?: FitData;
  /** Target point: { C } for frontier laws, { x } (the law's variable) for one-variable laws. */
  target?: Record<string, number>;
  width?: number;
  height?: number;
  title?: string;
  /** Axis titles by variable (and 'y'), e.g. the CSV column each came from: { x: 'train_dataset_size', y: 'loss' }. */
  labels?: Record<string, string>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Tick label: 3 significant digits, `2e9` rather than `2000000000`, never rounded to another tick's label. */
function fmt(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e4 || a < 1e-3)) return Number(v.toPrecision(3)).toExponential().replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}

/**
 * Tick values on a log axis between 10^a and 10^b: 1-2-5 per decade when the range spans a decade or more,
 * else evenly spaced "nice" values (so a loss axis from 2.3 to 2.9 still gets labelled ticks).
 */
function logTicks(a: number, b: number): number[] {
  const inRange = (v: number) => v > 0 && Math.log10(v) >= a - 1e-9 && Math.log10(v) <= b + 1e-9;
  if (b - a >= 1) {
    const out: number[] = [];
    for (let d = Math.floor(a) - 1; d <= Math.ceil(b) + 1; d++) for (const k of [1, 2, 5]) out.push(Number((k * 10 ** d).toPrecision(12)));
    return out.filter(inRange);
  }
  const lo = 10 ** a;
  const hi = 10 ** b;
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-12 * hi; v += step) out.push(Number(v.toPrecision(12)));
  return out.filter(inRange);
}

interface Series {
  xLabel: string;
  yLabel: string;
  fitPts: [number, number][];
  heldPts: [number, number][];
  curve: [number, number, number, number][]; // x, value, lo, hi
  target?: [number, number, number, number];
  diagonal?: boolean;
  /** Why the plot is not the usual one (printed in red under the title). */
  note?: string;
}

/** Frontier parameters: the frontier rests on all four (N*(C) ∝ C^(β/(α+β)), G from A, B, α, β). */
const FRONTIER_PARAMS = ['A', 'B', 'alpha', 'beta'];

function logspace(a: number, b: number, n: number): number[] {
  const la = Math.log(a);
  const lb = Math.log(b);
  return Array.from({ length: n }, (_, i) => Math.exp(la + ((lb - la) * i) / (n - 1)));
}

function buildSeries(report: FitReport, data: FitData, o: PlotOptions): Series {
  const law = getLaw(report.law);
  const held = o.heldOut ?? { x: [], y: [] };
  // A frontier resting on parameters the data do not determine is no finding: observed against predicted
  // instead, with the reason (as the console does).
  const shaky = law.frontier ? FRONTIER_PARAMS.filter((k) => report.identifiability?.undetermined.includes(k)) : [];
  if (law.frontier && !shaky.length) {
    // The frontier is defined in C = 6ND, so the runs are placed there too (a counted FLOPs column differs).
    const c = (r: Record<string, number>) => (r.N > 0 && r.D > 0 ? 6 * r.N * r.D : r.C);
    const xs = [...data.x, ...held.x].map(c);
    if (o.target?.C) xs.push(o.target.C);
    const grid = logspace(Math.min(...xs), Math.max(...xs), 80);
    const curve = grid.map((C) => {
      const f = computeOptimalFrontier(report, C);
      return [C, f.loss, f.lossInterval?.[0] ?? f.loss, f.lossInterval?.[1] ?? f.loss] as [number, number, number, number];
    });
    let target: Series['target'];
    if (o.target?.C) {
      const f = computeOptimalFrontier(report, o.target.C);
      target = [o.target.C, f.loss, f.lossInterval?.[0] ?? f.loss, f.lossInterval?.[1] ?? f.loss];
    }
    return {
      xLabel: o.labels?.C ? `${o.labels.C} (compute C)` : 'compute C = 6ND (FLOP)', yLabel: `${o.labels?.y ?? 'loss'} (curve: compute-optimal frontier)`,
      fitPts: data.x.map((r, i) => [c(r), data.y[i]]), heldPts: held.x.map((r, i) => [c(r), held.y[i]]), curve, target,
    };
  }
  if (law.variables.length === 1) {
    const v = law.variables[0];
    const xs = [...data.x, ...held.x].map((r) => r[v]);
    if (o.target?.[v]) xs.push(o.target[v]);
    const grid = logspace(Math.min(...xs), Math.max(...xs), 120);
    const curve = grid.map((x) => {
      const p = predictInterval(report, { [v]: x });
      return [x, p.value, p.lo, p.hi] as [number, number, number, number];
    });
    let target: Series['target'];
    if (o.target?.[v]) {
      const p = predictInterval(report, { [v]: o.target[v] });
      target = [o.target[v], p.value, p.lo, p.hi];
    }
    return {
      xLabel: o.labels?.[v] ?? v, yLabel: o.labels?.y ?? 'y', fitPts: data.x.map((r, i) => [r[v], data.y[i]]), heldPts: held.x.map((r, i) => [r[v], held.y[i]]), curve, target,
    };
  }
  // Several variables and no frontier: observed against predicted.
  const pr = (r: Record<string, number>) => law.predict(report.params, r);
  const all = [...data.y, ...held.y];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  return {
    xLabel: `predicted ${o.labels?.y ?? 'y'}`, yLabel: `observed ${o.labels?.y ?? 'y'}`, diagonal: true,
    fitPts: data.x.map((r, i) => [pr(r), data.y[i]]), heldPts: held.x.map((r, i) => [pr(r), held.y[i]]),
    curve: [[lo, lo, lo, lo], [hi, hi, hi, hi]],
    ...(shaky.length ? { note: `compute-optimal frontier not drawn: it rests on ${shaky.join(', ')}, which the data do not determine` } : {}),
  };
}

export function renderFitSvg(report: FitReport, data: FitData, o: PlotOptions = {}): string {
  const W = o.width ?? 720;
  const H = o.height ?? 480;
  // The legend sits in the top margin, above the plot area, so it never covers a point.
  const m = { l: 70, r: 20, t: 58, b: 50 };
  const s = buildSeries(report, data, o);
  const xs = [...s.fitPts, ...s.heldPts].map((p) => p[0]).concat(s.curve.map((c) => c[0]), s.target ? [s.target[0]] : []).filter((v) => v > 0);
  const ys = [...s.fitPts, ...s.heldPts].map((p) => p[1]).concat(s.curve.flatMap((c) => [c[2], c[3]]), s.target ? [s.target[2], s.target[3]] : []).filter((v) => v > 0 && Number.isFinite(v));
  const [x0, x1] = [Math.log10(Math.min(...xs)), Math.log10(Math.max(...xs))];
  const [y0, y1] = [Math.log10(Math.min(...ys)), Math.log10(Math.max(...ys))];
  const padX = (x1 - x0 || 1) * 0.04;
  const padY = (y1 - y0 || 0.1) * 0.06;
  const X = (v: number) => m.l + ((Math.log10(v) - x0 + padX) / (x1 - x0 + 2 * padX)) * (W - m.l - m.r);
  const Y = (v: number) => H - m.b - ((Math.log10(v) - y0 + padY) / (y1 - y0 + 2 * padY)) * (H - m.t - m.b);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">${esc(o.title ?? getLaw(report.law).format(report.params))}</text>`);
  if (s.note) parts.push(`<text class="note" x="${W / 2}" y="31" text-anchor="middle" fill="#c0392b">${esc(s.note)}</text>`);
  // Ticks with labels; a label closer than 40 px (x) or 14 px (y) to the previous one is left out.
  const xt = logTicks(x0 - padX, x1 + padX);
  const yt = logTicks(y0 - padY, y1 + padY);
  let lastX = Number.NEGATIVE_INFINITY;
  for (const v of xt) {
    const px = X(v);
    parts.push(`<line x1="${px.toFixed(1)}" y1="${H - m.b}" x2="${px.toFixed(1)}" y2="${m.t}" stroke="#eee"/>`);
    if (px - lastX >= 40) {
      parts.push(`<text class="xtick" x="${px.toFixed(1)}" y="${H - m.b + 15}" text-anchor="middle">${fmt(v)}</text>`);
      lastX = px;
    }
  }
  let lastY = Number.POSITIVE_INFINITY;
  for (const v of yt) {
    const py = Y(v);
    parts.push(`<line x1="${m.l}" y1="${py.toFixed(1)}" x2="${W - m.r}" y2="${py.toFixed(1)}" stroke="#eee"/>`);
    if (lastY - py >= 14) {
      parts.push(`<text class="ytick" x="${m.l - 5}" y="${py.toFixed(1)}" text-anchor="end" dominant-baseline="middle">${fmt(v)}</text>`);
      lastY = py;
    }
  }
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#333"/>`);
  parts.push(`<text class="xtitle" x="${(W + m.l) / 2}" y="${H - 12}" text-anchor="middle">${esc(s.xLabel)} (log scale)</text>`);
  parts.push(`<text class="ytitle" transform="translate(16 ${(H - m.b + m.t) / 2}) rotate(-90)" text-anchor="middle">${esc(s.yLabel)} (log scale)</text>`);
  const band = s.curve.filter((c) => c[2] > 0 && c[3] > 0 && c[3] > c[2]);
  if (band.length > 1) {
    const up = band.map((c) => `${X(c[0]).toFixed(1)},${Y(c[3]).toFixed(1)}`);
    const dn = band.map((c) => `${X(c[0]).toFixed(1)},${Y(c[2]).toFixed(1)}`).reverse();
    parts.push(`<polygon class="band" points="${[...up, ...dn].join(' ')}" fill="#4a7bd0" fill-opacity="0.2" stroke="none"/>`);
  }
  const line = s.curve.filter((c) => c[1] > 0).map((c) => `${X(c[0]).toFixed(1)},${Y(c[1]).toFixed(1)}`);
  parts.push(`<polyline class="fit" points="${line.join(' ')}" fill="none" stroke="#1f4fa8" stroke-width="2"${s.diagonal ? ' stroke-dasharray="4 3"' : ''}/>`);
  for (const [x, y] of s.fitPts) parts.push(`<circle class="point" cx="${X(x).toFixed(1)}" cy="${Y(y).toFixed(1)}" r="2.5" fill="#222" fill-opacity="0.7"/>`);
  for (const [x, y] of s.heldPts) parts.push(`<rect class="heldout" x="${(X(x) - 4).toFixed(1)}" y="${(Y(y) - 4).toFixed(1)}" width="8" height="8" fill="none" stroke="#d03030" stroke-width="1.5"/>`);
  if (s.target) {
    const [tx, tv, tlo, thi] = s.target;
    parts.push(`<line class="target-interval" x1="${X(tx).toFixed(1)}" y1="${Y(tlo).toFixed(1)}" x2="${X(tx).toFixed(1)}" y2="${Y(thi).toFixed(1)}" stroke="#e08000" stroke-width="2"/>`);
    parts.push(`<circle class="target" cx="${X(tx).toFixed(1)}" cy="${Y(tv).toFixed(1)}" r="5" fill="#e08000"/>`);
    parts.push(`<text x="${(X(tx) - 8).toFixed(1)}" y="${(Y(tv) - 8).toFixed(1)}" text-anchor="end" fill="#a05000">target ${fmt(tx)}: ${tv.toPrecision(4)}</text>`);
  }
  // Legend: one row in the top margin.
  parts.push(`<g class="legend" transform="translate(${m.l} ${s.note ? 46 : 38})"><circle r="3" fill="#222"/><text x="8" dominant-baseline="middle">fitted points (${s.fitPts.length})</text>`);
  let off = 150;
  if (s.heldPts.length) {
    parts.push(`<rect x="${off - 4}" y="-4" width="8" height="8" fill="none" stroke="#d03030"/><text x="${off + 8}" dominant-baseline="middle">held out (${s.heldPts.length})</text>`);
    off += 120;
  }
  if (band.length > 1) parts.push(`<rect x="${off - 4}" y="-4" width="8" height="8" fill="#4a7bd0" fill-opacity="0.3"/><text x="${off + 8}" dominant-baseline="middle">${Math.round((report.bootstrap?.level ?? 0.95) * 100)}% bootstrap band</text>`);
  parts.push('</g></svg>');
  return parts.join('\n');
}
