export { startGateway, type Gateway, type GatewayOptions } from './gateway';
export type { ParseSpec, ParseSpecResult } from './spec';
