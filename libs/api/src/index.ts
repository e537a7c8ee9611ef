export * from './types';
export { GatewayClient, GatewayError } from './client';
export { heldOutTrials } from './heldout';
