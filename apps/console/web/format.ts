/** Human formats for numbers researchers read at a glance. */

const FLOP_UNITS: [number, string][] = [
  [1e24, 'YFLOP'],
  [1e21, 'ZFLOP'],
  [1e18, 'EFLOP'],
  [1e15, 'PFLOP'],
  [1e12, 'TFLOP'],
  [1e9, 'GFLOP'],
  [1e6, 'MFLOP'],
  [1e3, 'kFLOP'],
];

export function formatFlops(v: number | undefined | null): string {
  if (v == null || !Number.isFinite(v)) return '—';
  for (const [size, unit] of FLOP_UNITS) if (Math.abs(v) >= size) return `${(v / size).toPrecision(3)} ${unit}`;
  return `${Math.round(v)} FLOP`;
}

/** Counts such as parameters or samples: 1.23M, 45.6k. */
export function formatCount(v: number | undefined | null): string {
  if (v == null || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a >= 1e12) return `${(v / 1e12).toPrecision(3)}T`;
  if (a >= 1e9) return `${(v / 1e9).toPrecision(3)}B`;
  if (a >= 1e6) return `${(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${(v / 1e3).toPrecision(3)}k`;
  return String(Math.round(v));
}

/** A metric value: NaN/inf are shown (divergence is data), others with 4 significant digits. */
export function formatValue(v: number | undefined | null): string {
  if (v === undefined) return '—';
  if (v === null) return 'NaN';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(3);
  return String(+v.toPrecision(4));
}

export function toDate(t: string | number | undefined): Date | undefined {
  if (t === undefined || t === null || t === '') return undefined;
  // Numbers below 1e11 are unix seconds, above are milliseconds.
  const d = typeof t === 'number' ? new Date(t < 1e11 ? t * 1000 : t) : new Date(t);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function formatTime(t: string | number | undefined): string {
  const d = toDate(t);
  if (!d) return '—';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Minimal HTML escaping for text placed into templates. */
export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
