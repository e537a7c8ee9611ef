export * from './types';
export { parseSpec } from './parse';
export { validateSpec, type ValidateOptions, DEFAULTS, DIMENSION_NAMES, PLANNER_KINDS, TRIAL_QUANTITIES, FINAL_QUANTITY, type SpecResult } from './validate';
export { formatIssues, formatPath } from './issues';
export { enumerateGrid, trialId } from './grid';
export { normalizePools, type PoolsResult } from './pools';
export { GPT_DEFAULTS, GPT_DIMENSION_NAMES, GPT_OPTIONS, GPT_PARAMETRISATIONS, GPT_SCHEDULES, TEXT_CORPORA, gptParamsOf, type GptDimensionName } from './gpt';
export { BUILTIN_PLUGIN_SCHEMAS, checkPlugin, type OptionRule, type PluginSchema } from './plugins/index';
export { defaultLawVariables, MAX_BOOTSTRAP_NUMBERS } from './law-check';
