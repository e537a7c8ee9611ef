/**
 * Identifiability diagnostics: which fitted parameters the data actually determine. A multi-start fit can
 * converge (zero gradient) while a parameter sits on a bound, slides along a flat valley, or has a bootstrap
 * interval spanning many decades; such a parameter is a property of the optimiser, not a finding.
 * Criteria follow the profile/bootstrap view of practical identifiability (Raue et al. 2009, Bioinformatics 25).
 */
import type { BootstrapResult, Identifiability, LawDefinition, ParameterIdentifiability } from './types';

/** Relative objective gap within which another minimum counts as "as good as the best" (the issue's 1e-3). */
export const NEAR_EQUAL_REL = 1e-3;
/** A positive parameter whose interval spans more than this many decades is not determined. */
export const MAX_DECADES = 2;

export interface IdentifiabilityInput {
  law: LawDefinition;
  params: Record<string, number>;
  /** Names of parameters held fixed (not judged). */
  fixed: string[];
  /** Parameter name -> why it is pinned (at a bound, went to 0). */
  pinned: Record<string, string>;
  /** Parameters of other converged minima within NEAR_EQUAL_REL of the best objective. */
  nearMinima: Record<string, number>[];
  bootstrap?: BootstrapResult;
  distinctRuns: number;
}

/** Two values of one parameter are different minima when they differ by > 10% (log scale) or 10% of |value|. */
function differs(scale: 'log' | 'linear', a: number, b: number): boolean {
  if (scale === 'log') return Math.abs(Math.log(Math.max(a, Number.MIN_VALUE)) - Math.log(Math.max(b, Number.MIN_VALUE))) > Math.log(1.1);
  return Math.abs(a - b) > 0.1 * Math.max(Math.abs(a), Math.abs(b), 1e-3);
}

const g = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(3))) : String(v));

export function assessIdentifiability(inp: IdentifiabilityInput): { identifiability: Identifiability; diagnostics: string[] } {
  const { law, params, bootstrap } = inp;
  const free = law.params.filter((p) => !inp.fixed.includes(p.name));
  const parameters: Record<string, ParameterIdentifiability> = {};
  // Distinct near-equal basins: greedy clustering of the near minima that differ from the best somewhere.
  // A pinned parameter (at a bound, gone to 0) is already undetermined; its noise (1e-13 vs 1e-10) is no basin.
  const compared = free.filter((p) => !inp.pinned[p.name]);
  const basins: Record<string, number>[] = [];
  for (const m of inp.nearMinima) {
    if (!compared.some((p) => differs(p.scale, m[p.name], params[p.name]))) continue;
    if (basins.some((b) => !compared.some((p) => differs(p.scale, m[p.name], b[p.name])))) continue;
    basins.push(m);
  }
  for (const p of law.params) {
    if (inp.fixed.includes(p.name)) {
      parameters[p.name] = { determined: true, reasons: ['held fixed'] };
      continue;
    }
    const reasons: string[] = [];
    const out: ParameterIdentifiability = { determined: true, reasons };
    if (inp.pinned[p.name]) reasons.push(inp.pinned[p.name]);
    const spread = inp.pinned[p.name] ? [] : basins.map((b) => b[p.name]).filter((v) => differs(p.scale, v, params[p.name]));
    if (spread.length) {
      const all = [params[p.name], ...spread];
      reasons.push(`minima within ${NEAR_EQUAL_REL} of the best objective put it anywhere in [${g(Math.min(...all))}, ${g(Math.max(...all))}]`);
    }
    const iv = bootstrap?.intervals[p.name];
    if (bootstrap && iv) {
      const pct = `${Math.round(bootstrap.level * 100)}%`;
      if (!Number.isFinite(iv[0]) || !Number.isFinite(iv[1]) || !Number.isFinite(bootstrap.se[p.name])) {
        reasons.push(`its ${pct} bootstrap interval is not finite`);
      } else if (p.scale === 'log') {
        out.decades = iv[0] > 0 ? Math.log10(iv[1] / iv[0]) : Number.POSITIVE_INFINITY;
        if (out.decades > MAX_DECADES) reasons.push(`its ${pct} interval [${g(iv[0])}, ${g(iv[1])}] spans ${g(out.decades)} decades`);
      } else if (iv[1] - iv[0] > 2 * Math.abs(params[p.name])) {
        reasons.push(`its ${pct} interval [${g(iv[0])}, ${g(iv[1])}] is wider than twice its value`);
      }
    }
    out.determined = reasons.length === 0;
    parameters[p.name] = out;
  }
  const undetermined = free.filter((p) => !parameters[p.name].determined).map((p) => p.name);
  const verdict = undetermined.length === 0 ? 'identified' : undetermined.length === free.length ? 'unidentified' : 'partly-identified';
  const identifiability: Identifiability = {
    verdict, undetermined, parameters, nearEqualBasins: basins.length, distinctRuns: inp.distinctRuns, runsPerParameter: inp.distinctRuns / Math.max(1, free.length),
  };
  const diagnostics: string[] = [];
  if (bootstrap) identifiability.degenerateResamples = bootstrap.degenerate;
  if (undetermined.length) {
    diagnostics.push(
      `NOT IDENTIFIED: ${undetermined.map((n) => `${n} (${parameters[n].reasons.join('; ')})`).join(', ')}: the data do not determine ${undetermined.length > 1 ? 'these parameters' : 'this parameter'}; do not read ${undetermined.length > 1 ? 'them' : 'it'} as a finding`,
    );
  }
  if (basins.length) diagnostics.push(`${basins.length} other distinct minim${basins.length > 1 ? 'a' : 'um'} within a relative ${NEAR_EQUAL_REL} of the best objective: the objective is flat along a valley`);
  if (bootstrap && bootstrap.degenerate > 0) {
    const total = bootstrap.degenerate + bootstrap.resamples;
    diagnostics.push(
      `${bootstrap.degenerate} of ${total} bootstrap resamples drew fewer distinct runs than the ${free.length} free parameters (${inp.distinctRuns} runs in all) and were excluded; ${untrustworthy(bootstrap) ? 'the intervals are not trustworthy: fit more runs' : 'intervals use the rest'}`,
    );
  }
  return { identifiability, diagnostics };
}

/** More than 10% of resamples degenerate: the remaining ones are a biased, too-narrow picture. */
export function untrustworthy(b: BootstrapResult): boolean {
  return b.degenerate > 0.1 * (b.degenerate + b.resamples);
}

/** Why an interval resting on this fit should not be trusted, or undefined when it can be. */
export function intervalWarning(report: { identifiability?: Identifiability; bootstrap?: BootstrapResult }): string | undefined {
  const parts: string[] = [];
  const u = report.identifiability?.undetermined ?? [];
  if (u.length) parts.push(`it rests on parameters the data do not determine (${u.join(', ')})`);
  const b = report.bootstrap;
  if (b && untrustworthy(b)) parts.push(`${b.degenerate} of ${b.degenerate + b.resamples} bootstrap resamples had fewer distinct runs than parameters`);
  return parts.length ? `interval not trustworthy: ${parts.join('; ')}` : undefined;
}
