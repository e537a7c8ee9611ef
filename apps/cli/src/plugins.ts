/** Trainer plugins a `slab worker` can host, loaded on demand so a worker pays only for what it runs. */
import { combinePlugins, type TrainerPlugin } from '@slab/worker-sdk';

const loaders: Record<string, () => Promise<TrainerPlugin>> = {
  tfjs: async () => (await import('@slab/worker-tfjs')).createTfjsPlugin(),
  replay: async () => (await import('@slab/worker-replay')).createReplayPlugin(),
  process: async () => (await import('@slab/worker-process')).createProcessPlugin(),
};

export const pluginNames = Object.keys(loaders);

export async function loadPlugins(names: string[]): Promise<TrainerPlugin> {
  const unknown = names.filter((n) => !loaders[n]);
  if (unknown.length) throw new Error(`--plugin: expected one or more of ${pluginNames.join(', ')}, got "${unknown.join(', ')}"`);
  return combinePlugins(await Promise.all(names.map((n) => loaders[n]())));
}
