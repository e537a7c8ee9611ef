/** Minimal dependency-free SVG line plot (log or linear x), enough for the bench's learning curves. */
export interface Series {
  name: string;
  points: { x: number; y: number; lo?: number; hi?: number }[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'];

export function linePlot(opts: { title: string; xLabel: string; yLabel: string; series: Series[]; logX?: boolean; logY?: boolean }): string {
  const W = 560;
  const H = 360;
  const m = { l: 60, r: 150, t: 30, b: 45 };
  const all = opts.series.flatMap((s) => s.points);
  const tx = (v: number) => (opts.logX ? Math.log10(v) : v);
  const ty = (v: number) => (opts.logY ? Math.log10(v) : v);
  const xs = all.map((p) => tx(p.x));
  const ys = all.flatMap((p) => [ty(p.lo ?? p.y), ty(p.hi ?? p.y)]);
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  const pad = (y1 - y0 || 1) * 0.08;
  [y0, y1] = [y0 - pad, y1 + pad];
  const px = (v: number) => m.l + ((tx(v) - x0) / (x1 - x0)) * (W - m.l - m.r);
  const py = (v: number) => H - m.b - ((ty(v) - y0) / (y1 - y0)) * (H - m.t - m.b);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - m.r / 2}" y="18" text-anchor="middle" font-size="13">${esc(opts.title)}</text>`,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="black"/>`,
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 8}" text-anchor="middle">${esc(opts.xLabel)}</text>`,
    `<text x="14" y="${(m.t + H - m.b) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(m.t + H - m.b) / 2})">${esc(opts.yLabel)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const yv = y0 + ((y1 - y0) * i) / 4;
    const real = opts.logY ? 10 ** yv : yv;
    const yy = H - m.b - (i / 4) * (H - m.t - m.b);
    out.push(`<line x1="${m.l - 4}" y1="${yy}" x2="${m.l}" y2="${yy}" stroke="black"/><text x="${m.l - 6}" y="${yy + 4}" text-anchor="end">${fmt(real)}</text>`);
  }
  const xTicks = [...new Set(all.map((p) => p.x))].sort((a, b) => a - b);
  for (const xv of xTicks) out.push(`<text x="${px(xv)}" y="${H - m.b + 14}" text-anchor="middle">${fmt(xv)}</text>`);
  opts.series.forEach((s, k) => {
    const c = COLORS[k % COLORS.length];
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    out.push(`<polyline fill="none" stroke="${c}" stroke-width="1.8" points="${pts.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ')}"/>`);
    for (const p of pts) {
      out.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="3" fill="${c}"/>`);
      if (p.lo !== undefined && p.hi !== undefined) {
        out.push(`<line x1="${px(p.x).toFixed(1)}" y1="${py(p.lo).toFixed(1)}" x2="${px(p.x).toFixed(1)}" y2="${py(p.hi).toFixed(1)}" stroke="${c}"/>`);
      }
    }
    out.push(`<rect x="${W - m.r + 12}" y="${m.t + k * 18}" width="12" height="3" fill="${c}"/><text x="${W - m.r + 30}" y="${m.t + k * 18 + 5}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

function fmt(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 1000) return String(Math.round(v));
  return Number(v.toPrecision(3)).toString();
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}
