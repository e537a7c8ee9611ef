/**
 * Which metric the curves card draws and on which y scale. Trials stream whatever they measure
 * (GPT: losses per eval set, lr, grad_norm, attention-logit and output-logit statistics; process
 * trials: what the program reports), so the picker offers the names present in the sweep's series,
 * grouped, losses first. The choice lives in the address (`#/sweeps/<id>?curve=attn_logit_max&y=linear`):
 * it survives live redraws and reloads, and a shared link opens on the same curves.
 */

/** The default view: train loss (solid) and eval loss (dashed) together. */
export const LOSS_VIEW = 'loss';

export type YScale = 'log' | 'linear';

export interface CurveChoice {
  /** `loss` or one metric name. */
  metric: string;
  y: YScale;
}

export interface MetricGroup {
  label: string;
  metrics: string[];
}

/** Groups in display order; a name goes to the first group whose test it passes. */
const GROUPS: { label: string; test: (name: string) => boolean }[] = [
  { label: 'Losses', test: (n) => /loss|perplexity|ppl/.test(n) },
  { label: 'Optimiser', test: (n) => /^(lr|learning_rate)$|grad|weight_norm|param_norm|update/.test(n) },
  { label: 'Attention and logits', test: (n) => /attn|attention|logit|entropy/.test(n) },
  { label: 'Throughput', test: (n) => /_per_s$|throughput|time|mfu/.test(n) },
  { label: 'Accuracy', test: (n) => /acc|error|score/.test(n) },
];

/** Natural order, so per-layer metrics read l0, l1, …, l10 rather than l0, l1, l10, l2. */
const natural = new Intl.Collator('en', { numeric: true }).compare;

/**
 * The picker's groups for a set of metric names: Losses first (headed by the `loss` view when
 * train_loss or eval_loss is present), then optimiser, attention/logit, throughput, accuracy and
 * everything else. Empty groups are left out.
 */
export function metricGroups(names: Iterable<string>): MetricGroup[] {
  const buckets = new Map<string, string[]>();
  for (const name of new Set(names)) {
    const label = GROUPS.find((g) => g.test(name))?.label ?? 'Other';
    buckets.set(label, [...(buckets.get(label) ?? []), name]);
  }
  const order = [...GROUPS.map((g) => g.label), 'Other'];
  const groups = order.filter((l) => buckets.has(l)).map((label) => ({ label, metrics: buckets.get(label)!.sort(natural) }));
  const losses = groups.find((g) => g.label === 'Losses');
  if (losses && losses.metrics.some((m) => m === 'train_loss' || m === 'eval_loss')) losses.metrics.unshift(LOSS_VIEW);
  return groups;
}

/**
 * The scale a metric reads best on: linear for quantities that are not power laws in step or can
 * be zero or negative (learning rate schedules, entropies, means of logits); log otherwise.
 */
export function defaultYScale(metric: string): YScale {
  return /^(lr|learning_rate)$|entropy|_mean$|acc/.test(metric) ? 'linear' : 'log';
}

/** The choice written in a `#/…?curve=…&y=…` address; `loss` on its metric's default scale otherwise. */
export function readCurveChoice(hash: string): CurveChoice {
  const q = new URLSearchParams(hash.split('?')[1] ?? '');
  const metric = q.get('curve') || LOSS_VIEW;
  const y = q.get('y');
  return { metric, y: y === 'log' || y === 'linear' ? y : defaultYScale(metric) };
}

/**
 * The address with the choice written into it (other query keys kept). The scale is written only
 * when it differs from the metric's default, and nothing at all for the default view.
 */
export function writeCurveChoice(hash: string, choice: CurveChoice): string {
  const [path, query = ''] = hash.split('?');
  const q = new URLSearchParams(query);
  q.delete('curve');
  q.delete('y');
  if (choice.metric !== LOSS_VIEW) q.set('curve', choice.metric);
  if (choice.y !== defaultYScale(choice.metric)) q.set('y', choice.y);
  const rest = q.toString();
  return rest ? `${path}?${rest}` : path;
}
