/** Trainer plugins a `slab worker` can host, loaded on demand so a worker pays only for what it runs. */
import type { TrainerPlugin } from '@slab/worker-sdk';
import { visibleGpuIds } from './gpus';

const loaders: Record<string, () => Promise<TrainerPlugin>> = {
  tfjs: async () => (await import('@slab/worker-tfjs')).createTfjsPlugin(),
  replay: async () => (await import('@slab/worker-replay')).createReplayPlugin(),
  // Each running trainer program gets one of the node's GPUs (CUDA_VISIBLE_DEVICES).
  process: async () => (await import('@slab/worker-process')).createProcessPlugin({ devices: visibleGpuIds() }),
};

export const pluginNames = Object.keys(loaders);

export async function loadPlugins(names: string[]): Promise<TrainerPlugin> {
  const unknown = names.filter((n) => !loaders[n]);
  if (unknown.length) throw new Error(`--plugin: expected one or more of ${pluginNames.join(', ')}, got "${unknown.join(', ')}"`);
  const { combinePlugins } = await import('@slab/worker-sdk');
  return combinePlugins(await Promise.all(names.map((n) => loaders[n]())));
}
