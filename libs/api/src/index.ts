export * from './types';
export { GatewayClient, GatewayError } from './client';
