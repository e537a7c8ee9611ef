/** Small shared pieces for law definitions. */

/** Column of variable `name` across points, optionally through log. */
export function column(x: Record<string, number>[], name: string, log = false): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = log ? Math.log(x[i][name]) : x[i][name];
  return out;
}

/** Inclusive arithmetic range: range(0, 2, 0.5) = [0, 0.5, 1, 1.5, 2]. */
export function range(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  const n = Math.round((stop - start) / step);
  for (let i = 0; i <= n; i++) out.push(start + i * step);
  return out;
}

/** n evenly spaced values from start to stop inclusive. */
export function linspace(start: number, stop: number, n: number): number[] {
  if (n === 1) return [start];
  return Array.from({ length: n }, (_, i) => start + ((stop - start) * i) / (n - 1));
}

/** Significant-digit formatting that never rounds below what a prediction needs (7 digits). */
export function num(v: number, digits = 7): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e7) return String(Number(v.toPrecision(digits)));
  return v.toExponential(digits - 1).replace(/\.?0+e/, 'e');
}

/** Numerically stable softplus log(1 + e^z). */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** Logistic sigmoid 1 / (1 + e^-z). */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}
