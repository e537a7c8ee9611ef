/** Log-scale maths for the hand-written SVG plots: domains, decade ticks, tick labels. */

export interface LogScale {
  (value: number): number;
  domain: [number, number];
  range: [number, number];
  invert(px: number): number;
}

/** Maps [d0, d1] (positive) onto [r0, r1] in log space. */
export function logScale(domain: [number, number], range: [number, number]): LogScale {
  const [l0, l1] = [Math.log10(domain[0]), Math.log10(domain[1])];
  const span = l1 - l0 || 1;
  const f = ((v: number) => range[0] + ((Math.log10(v) - l0) / span) * (range[1] - range[0])) as LogScale;
  f.domain = domain;
  f.range = range;
  f.invert = (px: number) => 10 ** (l0 + ((px - range[0]) / (range[1] - range[0])) * span);
  return f;
}

/** Maps [d0, d1] onto [r0, r1] linearly (same shape as a LogScale, for residual axes). */
export function linearScale(domain: [number, number], range: [number, number]): LogScale {
  const span = domain[1] - domain[0] || 1;
  const f = ((v: number) => range[0] + ((v - domain[0]) / span) * (range[1] - range[0])) as LogScale;
  f.domain = domain;
  f.range = range;
  f.invert = (px: number) => domain[0] + ((px - range[0]) / (range[1] - range[0])) * span;
  return f;
}

/** A padded linear domain over the finite values (at least ±1e-9 wide); undefined when there are none. */
export function linearDomain(values: Iterable<number>, pad = 0.08): [number, number] | undefined {
  const v = [...values].filter(Number.isFinite);
  if (v.length === 0) return undefined;
  let [lo, hi] = [Math.min(...v), Math.max(...v)];
  if (hi - lo < 1e-9) [lo, hi] = [lo - Math.max(Math.abs(lo) * 0.1, 1e-9), hi + Math.max(Math.abs(hi) * 0.1, 1e-9)];
  const p = (hi - lo) * pad;
  return [lo - p, hi + p];
}

/**
 * A padded log domain covering every finite positive value; widened to at least `minDecades` so a
 * single point or a flat curve still gets a readable axis. Undefined when no value is usable.
 */
export function logDomain(values: Iterable<number>, minDecades = 0.3, pad = 0.04): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!(v > 0) || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return undefined;
  let l0 = Math.log10(lo);
  let l1 = Math.log10(hi);
  const missing = minDecades - (l1 - l0);
  if (missing > 0) {
    l0 -= missing / 2;
    l1 += missing / 2;
  }
  const p = (l1 - l0) * pad;
  return [10 ** (l0 - p), 10 ** (l1 + p)];
}

export interface Tick {
  value: number;
  /** Decades are major (gridline + label); 2..9 multiples are minor, labelled when the axis is short. */
  major: boolean;
  label?: string;
}

/**
 * Ticks for a log axis: every decade inside the domain, plus 2..9 multiples as minor ticks.
 * Short axes label minor ticks too (2×, 3×, 5× under two decades; all under 0.7 decades), so a loss
 * axis from 0.3 to 2 still carries numbers.
 */
export function logTicks(min: number, max: number): Tick[] {
  const ticks: Tick[] = [];
  const k0 = Math.floor(Math.log10(min));
  const k1 = Math.ceil(Math.log10(max));
  const span = Math.log10(max / min);
  const labelMinor = span < 0.7 ? [2, 3, 4, 5, 6, 7, 8, 9] : span < 2 ? [2, 3, 5] : [];
  for (let k = k0; k <= k1; k++) {
    for (let m = 1; m <= 9; m++) {
      const value = m * 10 ** k;
      if (value < min * (1 - 1e-9) || value > max * (1 + 1e-9)) continue;
      const major = m === 1;
      const labelled = major || labelMinor.includes(m);
      ticks.push({ value, major, label: labelled ? formatTick(m, k) : undefined });
    }
  }
  return ticks;
}

/** `m·10^k` as short text: plain numbers near 1, powers of ten (10⁶) elsewhere. */
export function formatTick(m: number, k: number): string {
  if (k >= -2 && k <= 3) return String(+(m * 10 ** k).toPrecision(6));
  const power = `10${superscript(k)}`;
  return m === 1 ? power : `${m}·${power}`;
}

const SUP: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

export function superscript(n: number): string {
  return String(n)
    .split('')
    .map((c) => SUP[c] ?? c)
    .join('');
}
