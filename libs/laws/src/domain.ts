/**
 * Variable domains: which values a law (and an objective) can use. Rows outside a domain are dropped with the
 * reason; rows inside it are always kept (an annealing area of 0, an error rate of 0 under a linear objective).
 */
import type { Domain, LawDefinition, ObjectiveKind } from './types';

export function inDomain(v: number, d: Domain): boolean {
  if (!Number.isFinite(v)) return false;
  if (d === 'positive') return v > 0;
  if (d === 'nonnegative') return v >= 0;
  if (d === 'above-minus-one') return v > -1;
  return true;
}

/** `> 0`, `>= 0`, `> -1` or `finite`: what a value outside `d` was expected to be. */
export function domainText(d: Domain): string {
  return d === 'positive' ? '> 0' : d === 'nonnegative' ? '>= 0' : d === 'above-minus-one' ? '> -1' : 'finite';
}

/** Domain of the fitted value under an objective: log residuals need y > 0, log1p needs y > -1, linear any y. */
export function targetDomain(kind: ObjectiveKind): Domain {
  if (kind === 'mse') return 'real';
  if (kind === 'mse-log1p') return 'above-minus-one';
  return 'positive';
}

/**
 * Domains of every column a fit of `law` under `objective` reads: the law's variables, the derived compute
 * variables N, D, C, M (always > 0) and the fitted value as `y`.
 */
export function lawDomains(law: Pick<LawDefinition, 'domains' | 'defaultObjective'>, objective: ObjectiveKind = law.defaultObjective): Record<string, Domain> {
  return { N: 'positive', D: 'positive', C: 'positive', M: 'positive', ...law.domains, y: targetDomain(objective) };
}
