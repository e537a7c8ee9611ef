/** Hand-written SVG: median held-out error vs FLOPs spent (log x), one line per strategy, IQR band. */
export interface Series {
  name: string;
  color: string;
  points: { x: number; median: number; q1: number; q3: number }[];
}

export function renderSvg(series: Series[], opts: { title: string; xLabel: string; yLabel: string; reference?: { y: number; label: string } }): string {
  const W = 720, H = 440, L = 70, R = 170, T = 40, B = 55;
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p.x);
  // An infinite quartile (failed fits) is drawn at the top edge.
  const ys = all.flatMap((p) => [p.q1, p.q3]).concat(opts.reference ? [opts.reference.y] : []).filter(Number.isFinite);
  const [x0, x1] = [Math.log10(Math.min(...xs)) - 0.05, Math.log10(Math.max(...xs)) + 0.05];
  const [y0, y1] = [0, Math.max(...ys) * 1.08];
  const px = (x: number) => L + ((Math.log10(x) - x0) / (x1 - x0)) * (W - L - R);
  const py = (y: number) => T + (1 - (Math.min(y, y1) - y0) / (y1 - y0)) * (H - T - B);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - R / 2}" y="22" text-anchor="middle" font-size="14">${opts.title}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#333"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#333"/>`,
  ];
  for (const t of [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]) {
    if (Math.log10(t) < x0 || Math.log10(t) > x1) continue;
    out.push(`<line x1="${px(t)}" y1="${H - B}" x2="${px(t)}" y2="${H - B + 5}" stroke="#333"/><text x="${px(t)}" y="${H - B + 18}" text-anchor="middle">${t * 100}%</text>`);
  }
  const step = y1 > 0.04 ? 0.01 : 0.005;
  for (let y = 0; y <= y1; y += step) {
    out.push(`<line x1="${L - 5}" y1="${py(y)}" x2="${W - R}" y2="${py(y)}" stroke="#eee"/><text x="${L - 8}" y="${py(y) + 4}" text-anchor="end">${(y * 100).toFixed(1)}%</text>`);
  }
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">${opts.xLabel}</text>`);
  out.push(`<text transform="translate(18 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${opts.yLabel}</text>`);
  if (opts.reference) {
    const y = py(opts.reference.y);
    out.push(`<line x1="${L}" y1="${y}" x2="${W - R}" y2="${y}" stroke="#888" stroke-dasharray="5 4"/><text x="${W - R + 6}" y="${y + 4}" fill="#666">${opts.reference.label}</text>`);
  }
  series.forEach((s, i) => {
    const pts = s.points;
    const band = pts.map((p) => `${px(p.x)},${py(p.q3)}`).concat([...pts].reverse().map((p) => `${px(p.x)},${py(p.q1)}`));
    out.push(`<polygon points="${band.join(' ')}" fill="${s.color}" opacity="0.12"/>`);
    out.push(`<polyline points="${pts.map((p) => `${px(p.x)},${py(p.median)}`).join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const p of pts) out.push(`<circle cx="${px(p.x)}" cy="${py(p.median)}" r="3" fill="${s.color}"/>`);
    out.push(`<rect x="${W - R + 10}" y="${T + 10 + i * 20}" width="14" height="3" fill="${s.color}"/><text x="${W - R + 30}" y="${T + 15 + i * 20}">${s.name}</text>`);
  });
  out.push(`<text x="${W - R + 10}" y="${T + 20 + series.length * 20}" fill="#666">line: median; band: IQR</text>`);
  out.push('</svg>');
  return out.join('\n');
}
