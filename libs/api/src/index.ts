export * from './types';
export { GatewayClient, GatewayError, type Transport, type TransportResponse } from './client';
export { heldOutTrials } from './heldout';
