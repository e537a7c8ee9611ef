import type { LawDefinition } from '../types';
import { bnsl, prunedData } from './bnsl';
import { chinchilla, kaplan } from './chinchilla';
import { dataConstrained, dataFiltering } from './data';
import { lrAnnealing } from './lr-annealing';
import { downstreamError, overtraining } from './overtraining';
import { powerLaw, powerLawPlusConstant } from './power';

const registry = new Map<string, LawDefinition>();

/** Adds a law to the catalogue; a new law plugs in by this one definition. */
export function registerLaw(def: LawDefinition): void {
  if (registry.has(def.name)) throw new Error(`registerLaw: a law named "${def.name}" is already registered`);
  if (def.params.length === 0) throw new Error(`registerLaw: law "${def.name}" has no params`);
  for (const [preset, grid] of Object.entries(def.starts)) {
    for (const p of def.params) {
      if (!grid[p.name]?.length) throw new Error(`registerLaw: start preset "${preset}" of "${def.name}" has no values for "${p.name}"`);
    }
  }
  registry.set(def.name, def);
}

for (const def of [powerLaw, powerLawPlusConstant, kaplan, chinchilla, overtraining, dataConstrained, lrAnnealing, downstreamError, bnsl, dataFiltering, prunedData]) {
  registerLaw(def);
}

export function listLaws(): LawDefinition[] {
  return [...registry.values()];
}

export function getLaw(name: string): LawDefinition {
  const def = registry.get(name);
  if (!def) throw new Error(`unknown law "${name}"; known laws: ${[...registry.keys()].join(', ')}`);
  return def;
}
