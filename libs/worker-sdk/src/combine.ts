/**
 * One worker can host several trainer plugins on the same task queue; each trial is dispatched to
 * the plugin its spec names (`task.plugin`).
 */
import { InvalidTrialError, type TrainerPlugin, type TrialContext } from './plugin';
import type { TrialRequest } from '@slab/spec';

export function combinePlugins(plugins: TrainerPlugin[]): TrainerPlugin {
  if (plugins.length === 0) throw new Error('combinePlugins: expected at least one plugin');
  if (plugins.length === 1) return plugins[0];
  const byName = new Map(plugins.map((p) => [p.name, p]));
  const pick = (request: TrialRequest): TrainerPlugin => {
    const plugin = byName.get(request.task.plugin);
    if (!plugin) throw new InvalidTrialError(`task.plugin: this worker hosts ${[...byName.keys()].join(', ')}, got "${request.task.plugin}"`);
    return plugin;
  };
  const backendOf = new Map<string, string>();
  return {
    name: plugins.map((p) => p.name).join('+'),
    async init() {
      for (const p of plugins) backendOf.set(p.name, (await p.init?.())?.backend ?? p.name);
      return { backend: [...backendOf.values()].join('+') };
    },
    // A trial runs on its own plugin's backend, not on the worker's list of them.
    backendFor(request) {
      const p = byName.get(request.task.plugin);
      return p && (p.backendFor?.(request) ?? backendOf.get(p.name));
    },
    validate(request) {
      pick(request).validate?.(request);
    },
    run(ctx: TrialContext) {
      return pick(ctx.request).run(ctx);
    },
  };
}
