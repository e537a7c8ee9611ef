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
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number) => (Math.abs(Math.log10(v)) >= 3 ? `1e${Math.round(Math.log10(v))}` : String(Number(v.toPrecision(3))));

interface Series {
  xLabel: string;
  yLabel: string;
  fitPts: [number, number][];
  heldPts: [number, number][];
  curve: [number, number, number, number][]; // x, value, lo, hi
  target?: [number, number, number, number];
  diagonal?: boolean;
}

function logspace(a: number, b: number, n: number): number[] {
  const la = Math.log(a);
  const lb = Math.log(b);
  return Array.from({ length: n }, (_, i) => Math.exp(la + ((lb - la) * i) / (n - 1)));
}

function buildSeries(report: FitReport, data: FitData, o: PlotOptions): Series {
  const law = getLaw(report.law);
  const held = o.heldOut ?? { x: [], y: [] };
  if (law.frontier) {
    const c = (r: Record<string, number>) => r.C ?? 6 * r.N * r.D;
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
      xLabel: 'compute C = 6ND (FLOP)', yLabel: 'loss (curve: compute-optimal frontier)',
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
      xLabel: v, yLabel: 'y', fitPts: data.x.map((r, i) => [r[v], data.y[i]]), heldPts: held.x.map((r, i) => [r[v], held.y[i]]), curve, target,
    };
  }
  // Several variables and no frontier: observed against predicted.
  const pr = (r: Record<string, number>) => law.predict(report.params, r);
  const all = [...data.y, ...held.y];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  return {
    xLabel: 'predicted', yLabel: 'observed', diagonal: true,
    fitPts: data.x.map((r, i) => [pr(r), data.y[i]]), heldPts: held.x.map((r, i) => [pr(r), held.y[i]]),
    curve: [[lo, lo, lo, lo], [hi, hi, hi, hi]],
  };
}

export function renderFitSvg(report: FitReport, data: FitData, o: PlotOptions = {}): string {
  const W = o.width ?? 720;
  const H = o.height ?? 480;
  const m = { l: 70, r: 20, t: 40, b: 50 };
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
  // Axes with ticks at 1-2-5 steps inside each decade, labels on decades (or all when the range is narrow).
  const ticks = (a: number, b: number) => {
    const out: number[] = [];
    for (let d = Math.floor(a - 1); d <= Math.ceil(b + 1); d++) for (const k of [1, 2, 5]) out.push(k * 10 ** d);
    return out.filter((v) => Math.log10(v) >= a - 1e-9 && Math.log10(v) <= b + 1e-9);
  };
  const xt = ticks(x0 - padX, x1 + padX);
  const yt = ticks(y0 - padY, y1 + padY);
  const narrowX = x1 - x0 < 2;
  for (const v of xt) {
    const px = X(v).toFixed(1);
    parts.push(`<line x1="${px}" y1="${H - m.b}" x2="${px}" y2="${m.t}" stroke="#eee"/>`);
    if (narrowX || Math.abs(Math.log10(v) % 1) < 1e-9) parts.push(`<text x="${px}" y="${H - m.b + 15}" text-anchor="middle">${fmt(v)}</text>`);
  }
  for (const v of yt) {
    const py = Y(v).toFixed(1);
    parts.push(`<line x1="${m.l}" y1="${py}" x2="${W - m.r}" y2="${py}" stroke="#eee"/>`);
    parts.push(`<text x="${m.l - 5}" y="${py}" text-anchor="end" dominant-baseline="middle">${fmt(v)}</text>`);
  }
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${(W + m.l) / 2}" y="${H - 12}" text-anchor="middle">${esc(s.xLabel)} (log)</text>`);
  parts.push(`<text transform="translate(16 ${(H - m.b + m.t) / 2}) rotate(-90)" text-anchor="middle">${esc(s.yLabel)} (log)</text>`);
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
  const lx = m.l + 10;
  parts.push(`<g transform="translate(${lx} ${m.t + 12})"><circle r="3" fill="#222"/><text x="8" dominant-baseline="middle">fitted points (${s.fitPts.length})</text>`);
  if (s.heldPts.length) parts.push(`<rect x="-4" y="12" width="8" height="8" fill="none" stroke="#d03030"/><text x="8" y="16" dominant-baseline="middle">held out (${s.heldPts.length})</text>`);
  if (band.length > 1) parts.push(`<rect x="-4" y="28" width="8" height="8" fill="#4a7bd0" fill-opacity="0.3"/><text x="8" y="32" dominant-baseline="middle">${Math.round((report.bootstrap?.level ?? 0.95) * 100)}% bootstrap band</text>`);
  parts.push('</g></svg>');
  return parts.join('\n');
}
