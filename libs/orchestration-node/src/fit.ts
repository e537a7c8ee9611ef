/**
 * Fits the spec's law to a sweep's completed trials (the fitLaws activity's work). Pure apart from
 * CPU: the same results give the same fit (the bootstrap is seeded from the planner seed).
 */
import { fitLaw, formatLaw, getLaw, intervalWarning, percentileInterval, type FitReport } from '@slab/laws';
import { lawVariables } from '@slab/planner';
import type { SweepSpec, TrialConfig, TrialResult } from '@slab/spec';
import type { FitSummary } from '@slab/orchestration';

export interface SweepFit {
  summary: FitSummary;
  /** The full FitReport (stored by the gateway), or `{ skipped }`. */
  report: unknown;
}

/** Bootstrap samples kept in workflow state for the planner; the gateway stores the full report. */
const MAX_CARRIED_SAMPLES = 200;

/**
 * A trial quantity by name: params/data/flops from the result, `final.<metric>` from its final metrics
 * (e.g. `final.curation_kept`, the unique rows of a quality pool), else the trial's config value.
 */
function quantity(r: TrialResult, name: string, config: TrialConfig | undefined): number {
  if (name === 'params') return r.params;
  if (name === 'data') return r.data;
  if (name === 'flops') return r.flops;
  if (name.startsWith('final.')) return r.final[name.slice('final.'.length)] ?? NaN;
  const v = config?.[name as keyof TrialConfig];
  return typeof v === 'number' ? v : NaN;
}

/** Trial index from `${sweepId}-t0007`, to find the config in the workflow's `planned` list. */
function configOf(trialId: string, planned: TrialConfig[] | undefined): TrialConfig | undefined {
  const m = /-t(\d+)$/.exec(trialId);
  return m && planned ? planned[Number(m[1])] : undefined;
}

function skipped(spec: SweepSpec, nPoints: number, reason: string): SweepFit {
  return {
    summary: { law: spec.law.name, params: {}, converged: false, nPoints, formula: '', skipped: reason },
    report: { skipped: reason },
  };
}

const fmt = (x: number) => (Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-2 && x !== 0) ? x.toExponential(2) : String(+x.toPrecision(4)));

/** Point estimate and bootstrap interval of `f(params)`. */
function withInterval(report: FitReport, f: (p: Record<string, number>) => number): { value: number; lo: number; hi: number; warning?: string } {
  // An interval resting on parameters the data do not determine says so (see @slab/laws identifiability).
  const warning = intervalWarning(report);
  if (warning) return { ...withIntervalOnly(report, f), warning };
  return withIntervalOnly(report, f);
}

function withIntervalOnly(report: FitReport, f: (p: Record<string, number>) => number): { value: number; lo: number; hi: number } {
  const value = f(report.params);
  const samples = report.bootstrap?.samples ?? [];
  const values = samples.map(f).filter(Number.isFinite);
  if (values.length < 2) return { value, lo: value, hi: value };
  const [lo, hi] = percentileInterval(values, report.bootstrap?.level ?? 0.95);
  return { value, lo, hi };
}

/**
 * Law inputs at compute C for a group trained at model size N: C = 6·N·D, so D = C / (6N). Any other
 * variable must be constant within the group (e.g. a pool's unique size S) and keeps that value;
 * a variable that varies inside the group has no value "at C", so there is no answer.
 */
function inputsAtCompute(
  spec: SweepSpec,
  lawVars: string[],
  C: number,
  medianParams: number,
  points: Record<string, number>[],
): Record<string, number> | undefined {
  const mapping = lawVariables(spec);
  const x: Record<string, number> = {};
  for (const v of lawVars) {
    const q = mapping[v];
    if (q === 'flops') x[v] = C;
    else if (q === 'data') x[v] = C / (6 * medianParams);
    else if (q === 'params') x[v] = medianParams;
    else {
      const values = new Set(points.map((p) => p[v]));
      if (values.size !== 1) return undefined;
      x[v] = points[0][v];
    }
  }
  return x;
}

function target(spec: SweepSpec, report: FitReport, medianParams = NaN, points: Record<string, number>[] = []): FitSummary['target'] {
  const law = getLaw(report.law);
  const t = spec.target;
  if (!t) return undefined;
  if (t.kind === 'best-keep') {
    const x = Number.isFinite(medianParams) ? inputsAtCompute(spec, law.variables, t.compute, medianParams, points) : undefined;
    if (!x) return undefined;
    const label = `${spec.law.metric} at C=${fmt(t.compute)} (${Object.entries(x).map(([k, v]) => `${k}=${fmt(v)}`).join(', ')})`;
    return { ...withInterval(report, (p) => law.predict(p, x)), label };
  }
  if (t.kind === 'loss') {
    const label = `${spec.law.metric} at ${Object.entries(t.at).map(([k, v]) => `${k}=${fmt(v)}`).join(', ')}`;
    return { ...withInterval(report, (p) => law.predict(p, t.at)), label };
  }
  if (t.kind === 'frontier' && law.frontier) {
    // Chinchilla allocation under C = 6ND: N_opt = G (C/6)^(beta/(alpha+beta)), G = (alpha A / (beta B))^(1/(alpha+beta)).
    const nOpt = (p: Record<string, number>) => {
      const s = p.alpha + p.beta;
      return Math.pow((p.alpha * p.A) / (p.beta * p.B), 1 / s) * Math.pow(t.compute / 6, p.beta / s);
    };
    return { ...withInterval(report, nOpt), label: `compute-optimal N at C=${fmt(t.compute)}` };
  }
  return undefined;
}

function holdoutSplit(spec: SweepSpec, points: { r: TrialResult; x: Record<string, number>; y: number }[]) {
  const h = spec.holdout;
  if (!h) return { fit: points, held: [] };
  const k = h.largest < 1 ? Math.floor(h.largest * points.length) : Math.floor(h.largest);
  const sorted = [...points].sort((a, b) => quantity(b.r, h.by, undefined) - quantity(a.r, h.by, undefined));
  return { fit: sorted.slice(k), held: sorted.slice(0, k) };
}

function fitGroup(spec: SweepSpec, results: TrialResult[], planned?: TrialConfig[]): SweepFit {
  const law = getLaw(spec.law.name);
  const variables = lawVariables(spec);
  const missing = law.variables.filter((v) => !(v in variables));
  if (missing.length > 0) {
    return skipped(spec, 0, `law.variables: law ${law.name} needs ${law.variables.join(', ')}, no mapping for ${missing.join(', ')}`);
  }
  const points = results
    .filter((r) => r.status === 'completed')
    .map((r) => {
      const config = configOf(r.trialId, planned);
      const x: Record<string, number> = {};
      for (const v of law.variables) x[v] = quantity(r, variables[v], config);
      return { r, x, y: r.final[spec.law.metric] ?? NaN };
    })
    .filter((p) => Number.isFinite(p.y) && p.y > 0 && Object.values(p.x).every((v) => Number.isFinite(v) && v > 0));
  const { fit, held } = holdoutSplit(spec, points);
  const need = law.params.length + 1;
  if (fit.length < need) {
    const heldNote = held.length ? ` after holding out ${held.length}` : '';
    return skipped(spec, fit.length, `too few points: ${fit.length} usable completed trials${heldNote}, law ${law.name} needs at least ${need}`);
  }
  const report = fitLaw(
    { x: fit.map((p) => p.x), y: fit.map((p) => p.y) },
    { law: law.name, bootstrap: spec.law.bootstrap, seed: spec.planner.seed },
  );
  const holdoutError = held.length
    ? held.reduce((s, p) => s + Math.abs(law.predict(report.params, p.x) - p.y) / p.y, 0) / held.length
    : undefined;
  const tgt = target(spec, report, median(fit.map((p) => p.r.params)), fit.map((p) => p.x));
  // What the planner reads (see @slab/planner readFit); the full report goes to the gateway only.
  const carried = {
    law: report.law,
    params: report.params,
    rmsle: report.rmsle,
    ...(report.bootstrap ? { bootstrap: { samples: report.bootstrap.samples.slice(0, MAX_CARRIED_SAMPLES) } } : {}),
  };
  const summary: FitSummary = {
    law: report.law,
    params: report.params,
    converged: report.converged,
    nPoints: report.nPoints,
    formula: formatLaw(report),
    ...(tgt ? { target: tgt } : {}),
    ...(holdoutError !== undefined ? { holdoutError } : {}),
    ...(held.length ? { heldOut: held.map((p) => p.r.trialId) } : {}),
    ...(report.diagnostics.length ? { diagnostics: report.diagnostics } : {}),
    identifiability: {
      verdict: report.identifiability.verdict,
      undetermined: report.identifiability.undetermined,
      ...(report.identifiability.degenerateResamples ? { degenerateResamples: report.identifiability.degenerateResamples } : {}),
    },
    detail: carried,
  };
  // Which trial quantity each law variable is, so readers (console, slab predict) can label axes.
  return { summary, report: { ...report, variables } };
}

function median(values: number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)] : NaN;
}

/**
 * Curation dimensions that split a sweep into separately fitted groups: a law fitted across
 * strategies, kept fractions or quality pools mixes different curves. Only `values` dimensions group (a sampled
 * range gives every trial its own value); a dimension mapped to a law variable is an input instead.
 */
const GROUP_DIMENSIONS = ['curation.strategy', 'curation.keep', 'curation.epochs', 'curation.pools'] as const;

export function groupDimensions(spec: SweepSpec): string[] {
  const mapped = new Set(Object.values(lawVariables(spec)));
  return GROUP_DIMENSIONS.filter((d) => {
    const dim = spec.dimensions[d] as { values?: unknown[] } | undefined;
    return !!dim?.values && new Set(dim.values).size > 1 && !mapped.has(d);
  });
}

/**
 * Fits the spec's law to the completed trials, one fit per curation group when the sweep has groups,
 * and one per metric of `law.metrics` (e.g. in- and out-of-distribution eval losses side by side).
 * With several metrics the summary is the primary metric's (`law.metric`), and `groups` lists every
 * metric's fits under keys `metric=<name>[ <curation group>]`.
 */
export function fitSweep(spec: SweepSpec, results: TrialResult[], planned?: TrialConfig[]): SweepFit {
  const fit = fitSweepMetrics(spec, results, planned);
  const trainingFlops = results.reduce((sum, r) => sum + (Number.isFinite(r.flops) ? r.flops : 0), 0);
  return { ...fit, summary: { ...fit.summary, trainingFlops } };
}

function fitSweepMetrics(spec: SweepSpec, results: TrialResult[], planned?: TrialConfig[]): SweepFit {
  const metrics = spec.law.metrics ?? [spec.law.metric];
  if (metrics.length <= 1) return fitMetric(spec, results, planned);
  const perMetric = metrics.map((metric) => ({ metric, fit: fitMetric({ ...spec, law: { ...spec.law, metric } }, results, planned) }));
  const primary = perMetric.find((m) => m.metric === spec.law.metric) ?? perMetric[0];
  const groups = perMetric.flatMap(({ metric, fit }) =>
    fit.summary.groups
      ? fit.summary.groups.map((g) => ({ ...g, key: `metric=${metric} ${g.key}` }))
      : [{ key: `metric=${metric}`, values: {}, summary: { ...fit.summary, detail: undefined } }],
  );
  const summary: FitSummary = { ...primary.fit.summary, group: `metric=${primary.metric}${primary.fit.summary.group ? ` ${primary.fit.summary.group}` : ''}`, groups };
  // `groups` in the curation-group shape, so readers of grouped fits (console) draw every metric's law.
  const reportGroups = perMetric.flatMap(({ metric, fit }) => {
    const r = fit.report as { groups?: { key: string; values: Record<string, string | number>; report: unknown }[] };
    return r.groups ? r.groups.map((g) => ({ ...g, key: `metric=${metric} ${g.key}` })) : [{ key: `metric=${metric}`, values: {}, report: fit.report }];
  });
  const report = { ...(primary.fit.report as object), group: summary.group, groups: reportGroups, metrics: perMetric.map(({ metric, fit }) => ({ metric, report: fit.report })) };
  return { summary, report };
}

function fitMetric(spec: SweepSpec, results: TrialResult[], planned?: TrialConfig[]): SweepFit {
  const dims = groupDimensions(spec);
  if (dims.length === 0) return fitGroup(spec, results, planned);
  const byKey = new Map<string, { values: Record<string, string | number>; results: TrialResult[] }>();
  for (const r of results) {
    const config = configOf(r.trialId, planned) ?? {};
    const values: Record<string, string | number> = {};
    for (const d of dims) values[d] = (config[d as keyof TrialConfig] as string | number | undefined) ?? 'unknown';
    const key = dims.map((d) => `${d}=${values[d]}`).join(' ');
    const group = byKey.get(key) ?? { values, results: [] };
    group.results.push(r);
    byKey.set(key, group);
  }
  const groups = [...byKey.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, g]) => ({ key, values: g.values, fit: fitGroup(spec, g.results, planned) }));
  const fitted = groups.filter((g) => !g.fit.summary.skipped);
  // The group that answers the question: lowest predicted loss at the target, else the first fitted one.
  const withTarget = fitted.filter((g) => g.fit.summary.target && Number.isFinite(g.fit.summary.target.value));
  const best = withTarget.length
    ? withTarget.reduce((a, b) => (b.fit.summary.target!.value < a.fit.summary.target!.value ? b : a))
    : (fitted[0] ?? groups[0]);
  const summary: FitSummary = {
    ...best.fit.summary,
    group: best.key,
    groups: groups.map((g) => ({ key: g.key, values: g.values, summary: { ...g.fit.summary, detail: undefined } })),
  };
  const report = { ...(best.fit.report as object), group: best.key, groups: groups.map((g) => ({ key: g.key, values: g.values, report: g.fit.report })) };
  return { summary, report };
}
