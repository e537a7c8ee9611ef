/**
 * Option schema of the `tfjs` plugin (workers/trainer-tfjs) for its image models (mlp, cnn).
 * A text model (`task.model: gpt`) has its own options and dimensions, checked apart, so this
 * schema stands aside there.
 */
import type { PluginSchema } from './schema';

export const tfjsSchema: PluginSchema = {
  name: 'tfjs',
  options: {
    batchSize: { type: 'number', integer: true, min: 1, doc: 'samples per optimiser step (128)' },
    evalSize: { type: 'number', integer: true, min: 1, doc: 'held-out samples per eval (2000)' },
    trainSize: { type: 'number', integer: true, min: 1, doc: 'synthetic-teacher: training rows' },
    testSize: { type: 'number', integer: true, min: 1, doc: 'synthetic-teacher: test rows' },
    datasetSeed: { type: 'number', integer: true, min: 0, doc: 'synthetic-teacher: data seed' },
    poolSize: { type: 'number', integer: true, min: 1, doc: 'curation: candidate pool the kept fraction is taken from' },
    labelNoise: { type: 'number', min: 0, max: 1, doc: 'fraction of training labels flipped' },
    pools: { type: 'any', doc: 'quality-tiered pools (checked by pools.ts)' },
    scorer: { type: 'any', doc: 'data scorer settings (checked by the trainer)' },
  },
  dimensions: ['width', 'params', 'data', 'learningRate', 'seed', 'curation.strategy', 'curation.keep', 'curation.epochs', 'curation.pools'],
  appliesTo: (task) => task.model !== 'gpt',
};
