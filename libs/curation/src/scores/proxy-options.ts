import { optInt, optNumber } from '../errors';
import type { ProxyConfig } from '../model';
import type { ScoreOptions } from '../types';

/** Options shared by scorers that train the small proxy model. */
export interface EarlyTrainingOptions {
  /** Epochs of early training before scoring (Paul et al. score early). @default 3 */
  epochs: number;
  /** Independently initialised runs averaged (EL2N-20 style). @default 3 */
  seeds: number;
  proxy: Partial<ProxyConfig>;
}

export function readEarlyTraining(opts: ScoreOptions, defEpochs = 3, defSeeds = 3): EarlyTrainingOptions {
  return {
    epochs: optInt(opts, 'epochs', defEpochs, 0, 1000),
    seeds: optInt(opts, 'seeds', defSeeds, 1, 1000),
    proxy: {
      hidden: optInt(opts, 'hidden', 64, 0, 1 << 16),
      lr: optNumber(opts, 'lr', 0.05, 1e-9, 10),
      batchSize: optInt(opts, 'batchSize', 64, 1, 1 << 20),
      momentum: optNumber(opts, 'momentum', 0.9, 0, 0.999),
    },
  };
}
