import type { Scorer } from '../types';
import { el2nScorer } from './el2n';
import { forgettingScorer } from './forgetting';
import { grandScorer } from './grand';
import { lossScorer } from './loss';
import { sspScorer, supervisedPrototypeScorer } from './prototype';
import { randomScorer } from './random';

export { el2nScorer, forgettingScorer, grandScorer, lossScorer, randomScorer, sspScorer, supervisedPrototypeScorer };

/** Every scorer by name. */
export const SCORERS: Readonly<Record<string, Scorer>> = Object.freeze({
  el2n: el2nScorer,
  grand: grandScorer,
  loss: lossScorer,
  forgetting: forgettingScorer,
  ssp: sspScorer,
  'sup-prototype': supervisedPrototypeScorer,
  random: randomScorer,
});
