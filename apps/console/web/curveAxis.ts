/**
 * The curves' x axis and smoothing, kept in the address beside the metric choice (curveChoice.ts):
 * `#/sweeps/<id>?x=flops&xs=linear&smooth=0.8`. x is the optimiser step, the data seen (samples or
 * tokens: step × D/steps) or the training compute (step × FLOPs/steps, FLOPs as the trial counted
 * them, else 6·N·D); smoothing is an exponential moving average drawn over the faint raw curve.
 */
export type XAxis = 'step' | 'data' | 'flops';
export type Scale = 'log' | 'linear';

export interface CurveAxes {
  x: XAxis;
  xScale: Scale;
  /** EMA weight of the past, 0 (raw) to 0.99. */
  smooth: number;
}

export const DEFAULT_AXES: CurveAxes = { x: 'step', xScale: 'log', smooth: 0 };
const X_AXES: XAxis[] = ['step', 'data', 'flops'];

export function readCurveAxes(hash: string): CurveAxes {
  const q = new URLSearchParams(hash.split('?')[1] ?? '');
  const x = q.get('x') as XAxis | null;
  const smooth = Number(q.get('smooth'));
  return {
    x: x && X_AXES.includes(x) ? x : 'step',
    xScale: q.get('xs') === 'linear' ? 'linear' : 'log',
    smooth: Number.isFinite(smooth) ? Math.min(0.99, Math.max(0, smooth)) : 0,
  };
}

/** The address with the axes written into it (other keys kept; defaults left out). */
export function writeCurveAxes(hash: string, axes: CurveAxes): string {
  const [path, query = ''] = hash.split('?');
  const q = new URLSearchParams(query);
  for (const k of ['x', 'xs', 'smooth']) q.delete(k);
  if (axes.x !== 'step') q.set('x', axes.x);
  if (axes.xScale !== 'log') q.set('xs', axes.xScale);
  if (axes.smooth > 0) q.set('smooth', String(+axes.smooth.toFixed(2)));
  const rest = q.toString();
  return rest ? `${path}?${rest}` : path;
}

/**
 * Exponential moving average of a curve with weight `w` on the past, debiased as TensorBoard's
 * smoothing is (so the first points are not pulled toward zero): s_i = w·s_{i-1} + (1−w)·v_i,
 * reported as s_i / (1 − w^{i+1}). Non-finite values are skipped (they stay gaps in the raw curve).
 */
export function ema(values: number[], w: number): number[] {
  if (!(w > 0)) return [...values];
  let s = 0;
  let n = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return NaN;
    s = w * s + (1 - w) * v;
    n += 1;
    return s / (1 - w ** n);
  });
}

/** Axis label for an x choice; `unit` names what D counts (samples or tokens). */
export function xLabel(x: XAxis, unit: string): string {
  return x === 'step' ? 'step' : x === 'data' ? `${unit} seen` : 'training FLOPs';
}

/**
 * What D counts, from what the trials stream: GPT trials report `tokens_per_s` and count D in
 * tokens, the MLP/CNN trainer reports `samples_per_s` and counts samples; otherwise plain "data".
 */
export function dataUnit(metricNames: string[]): string {
  if (metricNames.some((n) => /tokens/.test(n))) return 'tokens';
  if (metricNames.some((n) => /samples/.test(n))) return 'samples';
  return 'data';
}
