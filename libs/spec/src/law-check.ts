/**
 * Checks of `law` and `target` against the law catalogue of @slab/laws, so a misspelt law, a
 * mapping that does not give the law its variables, or a target missing one is refused before any
 * trial runs (rather than after every trial, when the first fit is attempted).
 */
import { listLaws, type LawDefinition } from '@slab/laws';
import { closest, describe, type IssueList } from './issues';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The mapping used when `law.variables` is absent (mirrors @slab/planner's lawVariables). */
export function defaultLawVariables(law: string): Record<string, string> {
  return law === 'chinchilla' || law === 'kaplan' ? { N: 'params', D: 'data' } : { x: 'params' };
}

/**
 * Numbers one stored fit report may hold in bootstrap samples (resamples × groups × parameters):
 * the report travels to the store in one request of at most 8 MB, about 28 bytes per number as JSON.
 */
export const MAX_BOOTSTRAP_NUMBERS = 200_000;

const GROUP_DIMENSIONS = ['curation.strategy', 'curation.keep', 'curation.epochs', 'curation.pools'];

/** Separately fitted groups: curation `values` dimensions with more than one value that are not law inputs. */
function groupCount(root: Obj, mapping: Record<string, string>): number {
  const dims = isObj(root.dimensions) ? root.dimensions : {};
  const mapped = new Set(Object.values(mapping));
  let n = 1;
  for (const d of GROUP_DIMENSIONS) {
    const dim = dims[d];
    if (isObj(dim) && Array.isArray(dim.values) && !mapped.has(d)) n *= Math.max(1, new Set(dim.values).size);
  }
  return n;
}

export function checkLaw(root: Obj, issues: IssueList): void {
  const raw = isObj(root.law) ? root.law : root.law === undefined ? {} : undefined;
  if (!raw) return; // reported by readLaw
  const laws = listLaws();
  const names = laws.map((l) => l.name);
  const name = raw.name ?? 'power-law-plus-constant';
  if (typeof name !== 'string') return;
  let law: LawDefinition | undefined = laws.find((l) => l.name === name);
  let via = '';
  if (!law) {
    const near = closest(name, names);
    issues.add(['law', 'name'], `unknown law ${describe(name)}${near ? `, did you mean "${near}"?` : ''} (known: ${names.join(', ')}; \`slab fit --help\` describes them)`);
    // Check the rest against the law that was probably meant, so every mistake shows at once.
    law = near ? laws.find((l) => l.name === near) : undefined;
    via = ` (taking law.name to be "${near}")`;
    if (!law) return;
  }
  const needs = law.variables;
  const explicit = isObj(raw.variables);
  const mapping = explicit ? (raw.variables as Record<string, string>) : defaultLawVariables(law.name);
  const missing = needs.filter((v) => !(v in mapping));
  if (missing.length > 0) {
    const example = needs.map((v) => `${v}: ${mapping[v] ?? '…'}`).join(', ');
    issues.add(['law', 'variables'], explicit
      ? `law ${law.name} needs ${needs.join(', ')}, got no mapping for ${missing.join(', ')}${via} (e.g. { ${example} })`
      : `law ${law.name} needs ${needs.join(', ')}; the default mapping ${JSON.stringify(mapping)} does not give ${missing.join(', ')}${via}: write law.variables, e.g. { ${example} }`);
  }
  if (explicit) {
    for (const k of Object.keys(mapping)) {
      if (!needs.includes(k)) issues.add(['law', 'variables', k], `not a variable of law ${law.name}${via}: expected ${needs.join(', ')}`);
    }
  }
  const target = isObj(root.target) ? root.target : undefined;
  if (target?.kind === 'loss' && isObj(target.at)) {
    const at = target.at;
    const absent = needs.filter((v) => !(v in at));
    if (absent.length > 0) issues.add(['target', 'at'], `missing ${absent.join(', ')}: law ${law.name} predicts from ${needs.join(', ')}${via}`);
    if (!explicit) {
      for (const k of Object.keys(at)) {
        if (!needs.includes(k)) issues.add(['target', 'at', k], `not a variable of law ${law.name}${via}: expected ${needs.join(', ')}`);
      }
    }
  }
  const bootstrap = raw.bootstrap ?? 200;
  if (typeof bootstrap === 'number' && Number.isInteger(bootstrap) && bootstrap > 0) {
    const groups = groupCount(root, mapping);
    const numbers = bootstrap * groups * law.params.length;
    if (numbers > MAX_BOOTSTRAP_NUMBERS) {
      const most = Math.floor(MAX_BOOTSTRAP_NUMBERS / (groups * law.params.length));
      issues.add(['law', 'bootstrap'], `expected at most ${most} resamples: ${bootstrap} × ${groups} group(s) × ${law.params.length} parameters of ${law.name} = ${numbers} numbers, more than one stored fit report holds (${MAX_BOOTSTRAP_NUMBERS})`);
    }
  }
}
