import type { TrialConfig } from '@slab/spec';
import { applyCuration, listStrategies, type CurationOptions, type CurationResult } from './apply';
import { CurationInputError } from './errors';
import type { CurationData } from './types';

export interface TrialCuration extends CurationResult {
  /** Passes over the kept set (`curation.epochs`), or undefined when the trial does not set it. */
  epochs?: number;
}

/**
 * What a trainer calls with a trial's config: reads `curation.strategy` (default 'random' when only a
 * keep is given, else 'full') and `curation.keep` (default 1), validates them against
 * `listStrategies()`, and returns the kept rows plus the report (scoring FLOPs to charge separately).
 */
export function curationForTrial(config: TrialConfig, data: CurationData, opts: CurationOptions): TrialCuration {
  const keep = config['curation.keep'] ?? 1;
  const strategy = config['curation.strategy'] ?? (config['curation.keep'] !== undefined ? 'random' : 'full');
  if (!listStrategies().includes(strategy)) {
    throw new CurationInputError('config["curation.strategy"]', `one of ${listStrategies().join(', ')}`, strategy);
  }
  if (!(keep > 0 && keep <= 1)) throw new CurationInputError('config["curation.keep"]', 'a fraction in (0, 1]', keep);
  const epochs = config['curation.epochs'];
  if (epochs !== undefined && !(epochs > 0 && Number.isFinite(epochs))) {
    throw new CurationInputError('config["curation.epochs"]', 'a positive number of passes', epochs);
  }
  return { ...applyCuration(strategy, keep, data, opts), ...(epochs !== undefined && { epochs }) };
}
