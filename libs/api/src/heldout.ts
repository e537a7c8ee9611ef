import type { FitSummary } from '@slab/orchestration';

/**
 * Trial ids a fit held out of its data (the spec's `holdout` rule): the union over the summary and
 * its per-group or per-metric fits, which each apply the rule to their own trials. Empty for fits
 * stored before the summary named them, or without a holdout rule.
 */
export function heldOutTrials(summary: Pick<FitSummary, 'heldOut' | 'groups'> | undefined): Set<string> {
  const out = new Set<string>(summary?.heldOut ?? []);
  for (const g of summary?.groups ?? []) for (const id of g.summary.heldOut ?? []) out.add(id);
  return out;
}
