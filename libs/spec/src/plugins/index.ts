/** The plugins whose option schemas every spec is checked against. One line per plugin. */
import { replaySchema } from './replay';
import type { PluginSchema } from './schema';
import { tfjsSchema } from './tfjs';

export const BUILTIN_PLUGIN_SCHEMAS: Record<string, PluginSchema> = {
  tfjs: tfjsSchema,
  replay: replaySchema,
};

export { checkPlugin, type OptionRule, type PluginSchema } from './schema';
