/** The plugins whose option schemas every spec is checked against. One line per plugin. */
import { processSchema } from './process';
import { replaySchema } from './replay';
import type { PluginSchema } from './schema';
import { tfjsSchema } from './tfjs';

export const BUILTIN_PLUGIN_SCHEMAS: Record<string, PluginSchema> = {
  tfjs: tfjsSchema,
  replay: replaySchema,
  process: processSchema,
};

export { checkPlugin, type OptionRule, type PluginSchema } from './schema';
export { checkProcessOptions, PROCESS_OPTION_DEFAULTS, type ProcessOptionIssue, type ProcessOptions, type ProcessOptionsResult } from './process';
