/** Option schema of the `replay` plugin (workers/trainer-replay): answers trials from a table of measured runs. */
import type { PluginSchema } from './schema';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export const replaySchema: PluginSchema = {
  name: 'replay',
  options: {
    table: { type: 'string', doc: 'CSV of measured runs (N, D or C, loss), relative to the working directory or a parent' },
    dropHighest: { type: 'number', integer: true, min: 0, doc: 'drop the k highest-loss runs (5 for Chinchilla)' },
    match: { type: 'string', oneOf: ['nearest', 'exact'], doc: 'an unmatched (N, D) takes the nearest run, or fails with exact' },
    noise: { type: 'number', min: 0, max: 1, doc: 'standard deviation of log-normal noise on every loss; seeds draw different noise' },
    seed: { type: 'number', integer: true, min: 0, doc: 'base noise seed, mixed with the seed dimension' },
    steps: { type: 'number', integer: true, min: 1, doc: 'simulated optimiser steps per trial (curve resolution), default 1000' },
  },
  // Runs are selected by N and D; a seed re-draws the noise. Nothing else was measured.
  dimensions: ['params', 'data', 'seed'],
  dimensionsNote: 'it answers from measured runs selected by params and data; seed re-draws its noise',
  check(root, issues) {
    const task = root.task as Obj;
    const noise = isObj(task.options) ? task.options.noise : undefined;
    const dims = isObj(root.dimensions) ? root.dimensions : {};
    if (dims.seed !== undefined && (noise === undefined || noise === 0)) {
      issues.add(['dimensions', 'seed'], 'the replay plugin varies only its noise by seed, and task.options.noise is 0: every seed would replay the same loss; set task.options.noise > 0 or drop the seed dimension');
    }
  },
};
