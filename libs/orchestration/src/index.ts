export * from './contracts';
export * from './messages';
export { fitLawsTimeoutMs, FIT_HEARTBEAT_TIMEOUT_MS } from './timeouts';
export { trialIdFor, buildStatus, countByStatus, budgetStop, validateWorkflowInput } from './state';
export { sweepWorkflow, DEFAULT_HISTORY_LIMIT, DEFAULT_HEARTBEAT_SECONDS, NON_RETRYABLE_TRIAL_ERRORS } from './workflows';
